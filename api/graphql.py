"""The /graphql endpoint: HTTP (GET for queries, POST JSON) and graphql-transport-ws only."""

from __future__ import annotations

from typing import Any, cast

import orjson
from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, process_result
from strawberry.schema import BaseSchema
from strawberry.types import ExecutionResult

from api.auth import bearer, client_address, origin_allowed
from api.metrics import count_errors
from api.ratelimit import RateLimits
from api.settings import Settings
from api.websocket import graphql_socket
from resolvers.accounts.users import viewer_for_token
from schema.context import Context

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"


class CargoliveGraphQL(GraphQL[Context, None]):
    """strawberry's view for HTTP; sockets go to api/websocket.py, built for fan-out."""

    def __init__(self, schema: BaseSchema, *, settings: Settings, limits: RateLimits) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if not settings.production else None,
            allow_queries_via_get=True,
            multipart_uploads_enabled=False,
        )
        self.settings = settings
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "websocket":
            await super().__call__(scope, receive, send)
            return
        websocket = WebSocket(scope, receive, send)
        if not origin_allowed(
            websocket.headers.get("origin"), websocket.headers.get("host"), self.settings
        ):
            await websocket.close(code=1008)  # before accept: the handshake gets HTTP 403
            return
        context = await self.get_context(websocket, None)
        await graphql_socket(websocket, self.schema, self.settings, context)

    async def execute_single(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return await super().execute_single(*args, **kwargs)
        except HTTPException as error:
            # GraphQL over HTTP: a mutation sent with GET is 405 Method Not Allowed, not 400.
            if error.status_code == 400 and error.reason.endswith("not allowed when using GET"):
                raise HTTPException(405, error.reason) from error
            raise

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        sub_response = await super().get_sub_response(request)
        accept = request.headers.get("accept", "")
        # GraphQL over HTTP: a client that accepts graphql-response+json gets it, with 4xx codes.
        sub_response.graphql_response_json = GRAPHQL_RESPONSE_JSON in accept  # type: ignore[attr-defined]
        request.state.sub_response = sub_response
        return sub_response

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        response = process_result(result)
        count_errors(cast("list[dict[str, Any]]", response.get("errors") or []))
        sub_response = getattr(request.state, "sub_response", None)
        if sub_response is not None and sub_response.graphql_response_json:
            # The request failed before execution (parse, validation, variables): no data, 400.
            if result.data is None and result.errors and all(e.path is None for e in result.errors):
                response.pop("data", None)
                sub_response.status_code = 400
        return response

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    def create_response(self, response_data: Any, sub_response: Response) -> Response:
        response = super().create_response(response_data, sub_response)
        if getattr(sub_response, "graphql_response_json", False):
            response.headers["content-type"] = GRAPHQL_RESPONSE_JSON + "; charset=utf-8"
        return response

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
