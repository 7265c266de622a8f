"""The ceiling: a bare Starlette WebSocket endpoint that speaks just enough graphql-transport-ws
(ack, then `next` frames) and, on a trigger, writes one prebuilt frame to every socket.

Nothing is executed per event or per subscriber: what it reaches is the cost of the ASGI send
path and the socket writes themselves, under the same uvicorn as `cargolive serve`.
"""

from __future__ import annotations

import time
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from bench.serving import run

PROTOCOL = "graphql-transport-ws"
groups: dict[bytes, list[WebSocket]] = {}


def group_key(variables: dict[str, Any]) -> bytes:
    """Subscribers with the same variables (the cursor aside) get the same frames."""
    return orjson.dumps(
        {k: v for k, v in variables.items() if k != "after"}, option=orjson.OPT_SORT_KEYS
    )


def put(data: dict[str, Any], path: list[str], value: Any) -> None:
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value


async def graphql(websocket: WebSocket) -> None:
    await websocket.accept(subprotocol=PROTOCOL)
    joined: list[WebSocket] | None = None
    try:
        while True:
            message = orjson.loads(await websocket.receive_text())
            kind = message.get("type")
            if kind == "connection_init":
                await websocket.send_text('{"type":"connection_ack"}')
            elif kind == "ping":
                await websocket.send_text('{"type":"pong"}')
            elif kind == "subscribe" and joined is None:
                joined = groups.setdefault(group_key(message["payload"]["variables"]), [])
                joined.append(websocket)
    except WebSocketDisconnect:
        pass
    finally:
        if joined is not None:
            joined.remove(websocket)


async def trigger(request: Request) -> JSONResponse:
    """Body: variables, data (the `data` of the payload) and key (where the send time goes)."""
    body = orjson.loads(await request.body())
    data = body["data"]
    sent_ns = time.time_ns()
    put(data, body["key"], str(sent_ns))
    frame = '{"id":"1","type":"next","payload":' + orjson.dumps({"data": data}).decode() + "}"
    sockets = list(groups.get(group_key(body["variables"]), ()))
    for websocket in sockets:
        try:
            await websocket.send_text(frame)
        except Exception:  # a socket that left meanwhile
            pass
    return JSONResponse({"sent_ns": sent_ns, "sockets": len(sockets)})


async def healthz(_: Request) -> JSONResponse:
    return JSONResponse({"status": "alive"})


app = Starlette(
    routes=[
        WebSocketRoute("/graphql", graphql),
        Route("/trigger", trigger, methods=["POST"]),
        Route("/healthz", healthz),
    ]
)

if __name__ == "__main__":
    run(app)
