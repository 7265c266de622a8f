"""Decisions reach sockets on other processes: through the bus at once, through the event
log's relay when no notice came (a revocation from the command line, a lost notice)."""

from __future__ import annotations

import httpx2
import pytest

from resolvers.accounts.users import revoke_token
from tests import ws
from tests.processes import service
from tests.shipping import payload
from tests.support import THREAD_MESSAGES, build_desk, open_thread, post
from tests.test_abuse_sockets import removal
from tests.test_support_groups import REMOVE_MEMBER

# Only an access row can close these sockets in time: the token re-check is an hour away.
SLOW_RECHECK = {"CARGOLIVE_TOKEN_RECHECK_SECONDS": "3600"}


async def test_a_token_revoked_elsewhere_closes_the_socket_through_the_log(dealer):
    async with service(**SLOW_RECHECK) as (address, _):
        async with await ws.connect(address) as socket:
            await ws.init(socket, dealer.token)
            # revoked by this process, which has no bus: only the log tells the server
            assert await revoke_token(dealer.token)
            assert await ws.closed_with(socket, timeout=10) == 4403


async def test_a_removal_on_one_process_ends_the_stream_on_another(redis_server, make):
    desk = await build_desk(make)
    shared = SLOW_RECHECK | {"BROADCAST_URL": redis_server.url}
    async with service(**shared) as (a, _), service(**shared) as (b, _):
        async with httpx2.AsyncClient(base_url=f"http://{a}") as http:
            thread = await open_thread(http, desk.dealer)
            async with await ws.connect(b) as socket:
                await ws.init(socket, desk.agent.token)
                after = thread["messages"]["edges"][-1]["cursor"]
                variables = {"threadId": thread["id"], "after": after}
                operation = await ws.subscribe(socket, THREAD_MESSAGES, variables)
                await post(http, desk.dealer, thread, "before")
                first = await ws.receive(socket, timeout=10)
                assert first["payload"]["data"]["supportThreadMessages"]["body"] == "before"

                removed = await payload(http, REMOVE_MEMBER, removal(desk), desk.admin)
                assert removed["errors"] == []
                await post(http, desk.dealer, thread, "after the removal")

                ended = await ws.receive(socket, timeout=10)
                assert (ended["id"], ended["type"]) == (operation, "error")
                with pytest.raises(TimeoutError):
                    await ws.receive(socket, timeout=1.5)
