"""CORS for browser apps on other origins: Starlette's CORSMiddleware, on /graphql only, for
the origins of CARGOLIVE_ALLOWED_ORIGINS. Credentials travel in the Authorization header, never
in cookies, so credentialed CORS stays off. An origin not on the list gets no CORS header at
all: Starlette's own middleware answers its preflight with the allowed methods and headers
and adds Expose-Headers to its answers; here both are left out for it."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

ALLOWED_HEADERS = ["Authorization", "Content-Type", "Accept", "Idempotency-Key", "X-Request-ID"]
EXPOSED_HEADERS = ["X-Request-ID", "Idempotent-Replayed", "Retry-After"]


class GraphQLCORS(CORSMiddleware):
    def __init__(self, app: ASGIApp, origins: list[str]) -> None:
        super().__init__(
            app,
            allow_origins=origins,
            allow_methods=["GET", "POST"],
            allow_headers=ALLOWED_HEADERS,
            expose_headers=EXPOSED_HEADERS,
            allow_credentials=False,
            max_age=600,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != "/graphql":
            await self.app(scope, receive, send)
            return
        await super().__call__(scope, receive, send)

    def preflight_response(self, request_headers: Headers) -> Response:
        if not self.is_allowed_origin(request_headers["origin"]):
            return PlainTextResponse("Disallowed CORS origin", status_code=400)
        return super().preflight_response(request_headers)

    async def send(self, message: Message, send: Send, request_headers: Headers) -> None:
        origin = request_headers.get("origin")
        if origin is None or self.is_allowed_origin(origin):
            await super().send(message, send, request_headers)
            return
        await send(message)
