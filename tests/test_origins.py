"""Browser sockets: the same origin or a listed one; any other origin is refused."""

from __future__ import annotations

import pytest
import websockets

from tests import ws


async def test_same_origin_and_no_origin_are_accepted(server):
    async with await ws.connect(server, origin=f"http://{server}") as socket:
        assert await ws.init(socket) == {"type": "connection_ack"}
    async with await ws.connect(server) as socket:
        assert await ws.init(socket) == {"type": "connection_ack"}


async def test_another_origin_is_refused_at_the_handshake(server):
    with pytest.raises(websockets.InvalidStatus) as refused:
        await ws.connect(server, origin="https://evil.example")
    assert refused.value.response.status_code == 403
