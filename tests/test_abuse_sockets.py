"""Attack classes 2 to 4, over real sockets: sockets bounded in bytes, and decisions (a block, a
revocation, a removal from a group) reaching sockets opened before them at once."""

from __future__ import annotations

import httpx2
import pytest

from api.settings import load_settings
from models.accounts.tables import Organization
from resolvers.accounts.users import revoke_token
from tests import ws
from tests.abuse import served_socket
from tests.shipping import ACCEPT_SHIPMENT, gid, payload
from tests.support import THREAD_MESSAGES, build_desk, open_thread, post
from tests.test_abuse_cost import FIELDS
from tests.test_support_groups import REMOVE_MEMBER

VIEWER = "{ viewer { email } }"
# Only the access path can close these sockets in time: the token re-check is an hour away.
NO_RECHECK = {"token_recheck_seconds": 3600}


async def subscribe_with_id(socket, operation_id: str) -> None:
    await ws.send(socket, {"id": operation_id, "type": "subscribe", "payload": {"query": VIEWER}})


async def test_an_operation_id_over_128_characters_closes_the_socket(server, dealer):
    async with await ws.connect(server) as socket:
        await ws.init(socket, dealer.token)
        await subscribe_with_id(socket, "i" * 128)
        assert (await ws.receive(socket))["id"] == "i" * 128
        await subscribe_with_id(socket, "i" * 129)
        assert await ws.closed_with(socket) == 4400


async def test_a_message_over_the_limit_closes_the_socket_with_1009(server, dealer):
    limit = load_settings().socket_max_message_bytes
    async with await ws.connect(server, max_size=None) as socket:
        await ws.init(socket, dealer.token)
        padding = " " * (limit - 200)
        await ws.send(socket, {"type": "ping", "payload": {"pad": padding}})
        assert (await ws.receive(socket))["type"] == "pong"
        await ws.send(socket, {"type": "ping", "payload": {"pad": padding + " " * 400}})
        assert await ws.closed_with(socket) == 1009


async def test_a_blocked_organization_cannot_write_over_a_socket_opened_before(
    make, dealer, carrier
):
    shipment = await make.shipment(customer=dealer.organization_id)
    async with served_socket() as address, await ws.connect(address) as socket:
        await ws.init(socket, carrier.token)
        await Organization.filter(id=carrier.organization_id).update(blocked=True)
        await ws.send(
            socket,
            {
                "id": "1",
                "type": "subscribe",
                "payload": {
                    "query": ACCEPT_SHIPMENT,
                    "variables": {"id": gid("Shipment", shipment.id)},
                },
            },
        )
        answer = await ws.receive(socket)
    assert answer["payload"]["data"]["acceptShipment"]["errors"][0]["code"] == "ACCOUNT_BLOCKED"


async def test_a_revoked_token_closes_its_socket_at_once(dealer):
    async with served_socket(**NO_RECHECK) as address, await ws.connect(address) as socket:
        await ws.init(socket, dealer.token)
        await subscribe_with_id(socket, "1")
        assert (await ws.receive(socket))["payload"]["data"]["viewer"] is not None
        assert await revoke_token(dealer.token)
        assert await ws.closed_with(socket, timeout=5) == 4403


async def test_a_revoked_token_ends_its_operations_with_4403_not_events(make, dealer):
    async with served_socket(**NO_RECHECK) as address, await ws.connect(address) as socket:
        await ws.init(socket, dealer.token)
        await revoke_token(dealer.token)
        await subscribe_with_id(socket, "1")
        assert await ws.closed_with(socket, timeout=5) == 4403


async def test_an_agent_removed_from_the_group_stops_receiving_the_thread(make):
    desk = await build_desk(make)
    async with served_socket(**NO_RECHECK) as address:
        async with httpx2.AsyncClient(base_url=f"http://{address}") as http:
            thread = await open_thread(http, desk.dealer)
            async with await ws.connect(address) as socket:
                await ws.init(socket, desk.agent.token)
                after = thread["messages"]["edges"][-1]["cursor"]  # the opening message's
                variables = {"threadId": thread["id"], "after": after}
                operation = await ws.subscribe(socket, THREAD_MESSAGES, variables)
                await post(http, desk.dealer, thread, "before")
                first = await ws.receive(socket)
                assert first["payload"]["data"]["supportThreadMessages"]["body"] == "before"

                removed = await payload(http, REMOVE_MEMBER, removal(desk), desk.admin)
                assert removed["errors"] == []
                await post(http, desk.dealer, thread, "after the removal")
                await post(http, desk.other_agent, thread, "a note", internal=True)

                ended = await ws.receive(socket)
                assert ended["id"] == operation
                assert ended["type"] == "error"
                assert ended["payload"][0]["extensions"]["code"] == "NOT_FOUND"
                assert "access to this stream ended" in ended["payload"][0]["message"]
                with pytest.raises(TimeoutError):  # and nothing after it
                    await ws.receive(socket, timeout=1)


def removal(desk) -> dict:
    return {"groupId": gid("SupportGroup", desk.group.id), "userId": desk.gid(desk.agent)}


async def test_a_socket_answer_over_the_size_ceiling_is_replaced_by_an_error(make, dealer):
    for _ in range(60):
        await make.shipment(customer=dealer.organization_id)
    page = "shipments(first: 100) { edges { node { " + FIELDS + " } } }"
    query = "{ " + " ".join(f"a{i}: {page}" for i in range(5)) + " }"
    async with served_socket(max_response_bytes=65_536) as address:
        async with await ws.connect(address) as socket:
            await ws.init(socket, dealer.token)
            await ws.send(socket, {"id": "1", "type": "subscribe", "payload": {"query": query}})
            answer = await ws.receive(socket)
    assert answer["payload"]["data"] is None
    (error,) = answer["payload"]["errors"]
    assert error["extensions"]["code"] == "RESPONSE_TOO_LARGE"
    assert error["extensions"]["size"] > 65_536
