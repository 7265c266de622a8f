"""ASGI middleware: request ids, the request log, metrics and the request body cap."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Awaitable
from typing import Any

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.logs import request_id
from api.metrics import LATENCY, REQUESTS
from schema.budget import Operations, operations

log = logging.getLogger("cargolive.requests")
sockets = logging.getLogger("cargolive.ws")
QUIET = ("/healthz", "/readyz", "/metrics")  # probes and scrapes: their lines only at DEBUG

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
ROUTES = ("/graphql", "/graphiql", "/healthz", "/readyz", "/metrics", "/track", "/files")


def route_of(path: str) -> str:
    for route in ROUTES:
        if path == route or path.startswith(route + "/"):
            return route
    return "other"


def _operation_fields(ran: Operations) -> dict[str, Any]:
    """The GraphQL operations a request ran (a batch may hold several), for its log line."""
    if not ran:
        return {}
    fields: dict[str, Any] = {
        "operation": ",".join(name or "(anonymous)" for name, _, _ in ran),
        "operation_type": ",".join(kind or "?" for _, kind, _ in ran),
    }
    costs = [cost for _, _, cost in ran if cost is not None]
    if costs:
        fields["cost"] = sum(costs)
    return fields


# The scope key under which a socket's frames find the server's own `send`. A frame is data:
# no middleware looks at it (they watch accept and close), and each layer's wrapper is one more
# coroutine per frame and subscriber, at fan-out's tens of thousands of frames a second.
FRAME_SEND = "cargolive.frame_send"


class RequestContext:
    """Gives every request an id (the caller's X-Request-ID when sane), counts it, and logs one
    line for it: method, path, status, duration and the GraphQL operation's name and cost; for
    a socket one line when it opens and one when it closes, with the close code."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in {"http", "websocket"}:
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        rid = given if _SAFE_ID.match(given) else uuid.uuid4().hex
        token = request_id.set(rid)
        if scope["type"] == "websocket":
            try:
                await self.socket(scope, receive, send)
            finally:
                request_id.reset(token)
            return
        route = route_of(scope["path"])
        status = 500
        started = time.perf_counter()
        ran: Operations = []
        noted = operations.set(ran)

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            LATENCY.labels(route).observe(seconds)
            REQUESTS.labels(scope["method"], route, str(status)).inc()
            level = logging.DEBUG if route in QUIET else logging.INFO
            if log.isEnabledFor(level):
                method, path = scope["method"], scope["path"]
                log.log(
                    level,
                    f"{method} {path} {status} in {seconds * 1000:.1f} ms",
                    extra={
                        "method": method,
                        "path": path,
                        "status": status,
                        "duration_ms": round(seconds * 1000, 2),
                        **_operation_fields(ran),
                    },
                )
            operations.reset(noted)
            request_id.reset(token)

    async def socket(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Logs the socket's opening and its close code: the server's, or else the client's."""
        path = scope["path"]
        started = time.perf_counter()
        opened = False
        code: int | None = None
        closed_by = "server"

        async def watched_send(message: Message) -> None:
            nonlocal opened, code
            if message["type"] == "websocket.accept" and not opened:
                opened = True
                sockets.info(f"socket opened {path}", extra={"path": path})
            elif message["type"] == "websocket.close" and code is None:
                code = message.get("code", 1000)
            await send(message)

        async def watched_receive() -> Message:
            nonlocal code, closed_by
            message = await receive()
            if message["type"] == "websocket.disconnect" and code is None:
                code, closed_by = message.get("code", 1005), "client"
            return message

        scope[FRAME_SEND] = send
        try:
            await self.app(scope, watched_receive, watched_send)
        finally:
            seconds = time.perf_counter() - started
            what = "closed" if opened else "refused"
            sockets.info(
                f"socket {what} {path} {code if code is not None else 1006} by the {closed_by}",
                extra={
                    "path": path,
                    "close_code": code if code is not None else 1006,
                    "closed_by": closed_by,
                    "duration_ms": round(seconds * 1000, 2),
                },
            )


class BodyLimit:
    """Refuses request bodies over `max_bytes` with 413, whether announced or streamed."""

    def __init__(self, app: ASGIApp, max_bytes: int, exempt: str | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.exempt = exempt

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or (self.exempt and scope["path"].startswith(self.exempt)):
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_bytes:
            await self.too_large(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await self.too_large(scope, receive, send)

    def too_large(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        # Made when needed: rendering it for every request cost 3% of a query's time.
        response = JSONResponse(
            {"errors": [{"message": f"request body over {self.max_bytes} bytes"}]},
            status_code=413,
        )
        return response(scope, receive, send)


class _TooLarge(Exception):
    pass
