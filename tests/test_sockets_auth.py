"""Tokens on the WebSocket: in the connection_init payload or the upgrade's header."""

from __future__ import annotations

import datetime as dt

from models import clock
from models.enums import Role
from resolvers.accounts.users import revoke_token
from tests import ws

VIEWER = "query { viewer { email } }"


async def test_a_valid_token_in_connection_init_signs_the_socket_in(server, make):
    dealer = await make.user(Role.DEALER)
    token = await make.token(dealer)
    async with await ws.connect(server) as socket:
        assert await ws.init(socket, token) == {"type": "connection_ack"}
        operation = await ws.subscribe(socket, VIEWER)
        assert await ws.receive(socket) == {
            "id": operation,
            "type": "next",
            "payload": {"data": {"viewer": {"email": dealer.email}}},
        }
        assert await ws.receive(socket) == {"id": operation, "type": "complete"}


async def test_no_token_is_an_anonymous_socket(server):
    async with await ws.connect(server) as socket:
        assert await ws.init(socket) == {"type": "connection_ack"}
        operation = await ws.subscribe(socket, VIEWER)
        frame = await ws.receive(socket)
        assert frame["id"] == operation
        assert frame["payload"] == {"data": {"viewer": None}}


async def test_unknown_expired_and_revoked_tokens_close_the_socket_with_4403(server, make):
    dealer = await make.user(Role.DEALER)
    revoked = await make.token(dealer)
    await revoke_token(revoked)
    expired = await make.token(dealer, ttl=dt.timedelta(minutes=1))

    for token in ("clv_unknown", "garbage", revoked):
        async with await ws.connect(server) as socket:
            await ws.send(
                socket,
                {"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}},
            )
            assert await ws.closed_with(socket) == 4403
    with clock.travel(clock.now() + dt.timedelta(minutes=2)):
        async with await ws.connect(server) as socket:
            await ws.send(
                socket,
                {"type": "connection_init", "payload": {"authorization": f"Bearer {expired}"}},
            )
            assert await ws.closed_with(socket) == 4403


async def test_a_bad_token_in_the_upgrade_header_closes_with_4403(server):
    headers = {"Authorization": "Bearer clv_nope"}
    async with await ws.connect(server, additional_headers=headers) as socket:
        await ws.send(socket, {"type": "connection_init", "payload": {}})
        assert await ws.closed_with(socket) == 4403


async def test_a_token_in_the_upgrade_header_works_too(server, make):
    carrier = await make.user(Role.CARRIER)
    headers = {"Authorization": f"Bearer {await make.token(carrier)}"}
    async with await ws.connect(server, additional_headers=headers) as socket:
        assert await ws.init(socket) == {"type": "connection_ack"}
        await ws.subscribe(socket, VIEWER)
        assert (await ws.receive(socket))["payload"]["data"]["viewer"]["email"] == carrier.email


async def test_the_legacy_graphql_ws_protocol_is_refused(server):
    import websockets

    try:
        async with websockets.connect(
            f"ws://{server}/graphql", subprotocols=["graphql-ws"], open_timeout=5
        ) as socket:
            code = await ws.closed_with(socket)
    except websockets.InvalidStatus as refused:
        code = refused.response.status_code
    assert code in {4406, 403}
