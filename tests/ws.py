"""A minimal graphql-transport-ws client for tests that must see every frame and close code."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import orjson
import websockets
from websockets.asyncio.client import ClientConnection

PROTOCOL = "graphql-transport-ws"
_ids = itertools.count(1)


async def connect(address: str, **kwargs: Any) -> ClientConnection:
    return await websockets.connect(
        f"ws://{address}/graphql", subprotocols=[PROTOCOL], open_timeout=5, **kwargs
    )


async def send(socket: ClientConnection, message: dict[str, Any]) -> None:
    await socket.send(orjson.dumps(message).decode())


async def receive(socket: ClientConnection, timeout: float = 5) -> dict[str, Any]:
    return orjson.loads(await asyncio.wait_for(socket.recv(), timeout))


async def init(socket: ClientConnection, token: str | None = None) -> dict[str, Any]:
    payload = {"authorization": f"Bearer {token}"} if token else {}
    await send(socket, {"type": "connection_init", "payload": payload})
    return await receive(socket)


async def subscribe(
    socket: ClientConnection, query: str, variables: dict[str, Any] | None = None
) -> str:
    operation_id = str(next(_ids))
    await send(
        socket,
        {
            "id": operation_id,
            "type": "subscribe",
            "payload": {"query": query, "variables": variables or {}},
        },
    )
    return operation_id


async def closed_with(socket: ClientConnection, timeout: float = 5) -> int | None:
    """Reads until the server closes; the close code it sent."""
    try:
        while True:
            await asyncio.wait_for(socket.recv(), timeout)
    except websockets.ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd else None


async def closed_with_reason(socket: ClientConnection, timeout: float = 5) -> tuple[int, str]:
    """Reads until the server closes; its close code and the word after "Forbidden: " (the
    reason of a refused credential), or the whole close reason."""
    try:
        while True:
            await asyncio.wait_for(socket.recv(), timeout)
    except websockets.ConnectionClosed as closed:
        assert closed.rcvd is not None
        text = closed.rcvd.reason
        if text.startswith("Forbidden: "):
            text = text.removeprefix("Forbidden: ").split(":", 1)[0]
        return closed.rcvd.code, text
