"""The /graphql endpoint: HTTP (GET for queries, POST JSON) and graphql-transport-ws only."""

from __future__ import annotations

import datetime as dt
from typing import Any

from starlette.requests import Request
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.schema import BaseSchema
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from api.metrics import OPEN_SOCKETS
from api.ratelimit import RateLimits
from api.settings import Settings
from models.viewer import Viewer
from resolvers.accounts import viewer_for_token
from schema.context import Context


def bearer(value: object) -> str | None:
    """The token of an `Authorization: Bearer <token>` value, or None."""
    if not isinstance(value, str):
        return None
    scheme, _, token = value.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def client_address(scope: Scope) -> str:
    client = scope.get("client")
    return client[0] if client else "unknown"


class CargoliveGraphQL(GraphQL):
    def __init__(self, schema: BaseSchema, *, settings: Settings, limits: RateLimits) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if not settings.production else None,
            allow_queries_via_get=True,
            subscription_protocols=[GRAPHQL_TRANSPORT_WS_PROTOCOL],
            connection_init_wait_timeout=dt.timedelta(
                seconds=settings.connection_init_timeout_seconds
            ),
            multipart_uploads_enabled=False,
            max_subscriptions_per_connection=settings.max_subscriptions_per_connection,
            allowed_origins=settings.allowed_origins,
        )
        self.settings = settings
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "websocket":
            await super().__call__(scope, receive, send)
            return
        OPEN_SOCKETS.inc()
        try:
            await super().__call__(scope, receive, send)
        finally:
            OPEN_SOCKETS.dec()

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        client = client_address(request.scope)

        async def allow(action: str) -> bool:
            return await self.limits.hit(action, client)

        token = bearer(request.headers.get("authorization"))
        viewer = await viewer_for_token(token) if token else None
        context = Context(
            viewer=viewer, settings=self.settings, request=request, response=response, allow=allow
        )
        context.rejected_token = token is not None and viewer is None
        return context

    async def on_ws_connect(self, context: Context) -> None:  # type: ignore[override]
        """connection_init: a token in the payload must be valid, or the socket closes (4403)."""
        params = context.connection_params or {}
        if "authorization" not in params and "Authorization" not in params:
            if context.rejected_token:  # a bad token in the upgrade request's header
                raise ConnectionRejectionError({"message": "invalid, expired or revoked token"})
            return None
        token = bearer(params.get("authorization", params.get("Authorization")))
        viewer: Viewer | None = await viewer_for_token(token) if token else None
        if viewer is None:
            raise ConnectionRejectionError({"message": "invalid, expired or revoked token"})
        context.viewer = viewer
        return None
