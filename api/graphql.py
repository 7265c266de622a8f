"""The /graphql endpoint: HTTP (GET for queries, POST JSON) and graphql-transport-ws only."""

from __future__ import annotations

from typing import Any, cast

import orjson
from cross_web import HTTPException
from cross_web.content_type import parse_content_type
from graphql import GraphQLError, OperationType, get_operation_ast
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, process_result
from strawberry.schema import BaseSchema
from strawberry.types import ExecutionResult

from api import idempotency
from api.auth import client_address, credential, origin_allowed
from api.graphiql import graphiql_page
from api.metrics import count_errors
from api.persisted import PersistedQueries, PersistedQueryError
from api.ratelimit import RateLimits
from api.result_cache import Cached, Prebuilt, ResultCache, not_modified
from api.settings import Settings
from api.websocket import graphql_socket
from models.viewer import Viewer
from resolvers.errors import Unauthenticated
from resolvers.integrations.credentials import refusal, viewer_for_bearer
from schema.budget import response_too_large
from schema.context import Context
from schema.parsing import parsed

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
USE_THE_SOCKET = (
    "subscriptions are served over the WebSocket at /graphql (graphql-transport-ws), not over HTTP"
)


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
        self.persisted = PersistedQueries.from_settings(settings)
        self.results = ResultCache(schema, settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "websocket":
            try:
                await self.viewer(scope)
            except Unauthenticated as refused:
                accept = Headers(scope=scope).get("accept", "")
                await unauthenticated(refused, GRAPHQL_RESPONSE_JSON in accept)(
                    scope, receive, send
                )
                return
            await idempotency.serve(
                self._http, scope, receive, send, settings=self.settings, find=self.viewer
            )
            return
        websocket = WebSocket(scope, receive, send)
        if not origin_allowed(
            websocket.headers.get("origin"), websocket.headers.get("host"), self.settings
        ):
            await websocket.close(code=1008)  # before accept: the handshake gets HTTP 403
            return
        context = await self.get_context(websocket, None)
        await graphql_socket(websocket, self.schema, self.settings, context)

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            response = await self.run(Request(scope, receive))
        except HTTPException as error:
            # A client's mistake: a GraphQL error body with the status, never a traceback.
            response = bad_request(error.status_code, error.reason)
        except RateLimited as limited:
            response = limited.response()
        except PersistedQueryError as error:
            response = error.response()
        if response.status_code == 304:
            response = not_modified(response)
        await response(scope, receive, send)

    async def parse_http_body(self, request: Any) -> Any:
        if request.method == "POST":
            _, parameters = parse_content_type(request.content_type or "")
            charset = parameters.get("charset", "utf-8").lower()
            if charset not in {"utf-8", "utf8"}:
                raise HTTPException(400, f"the body must be JSON in UTF-8, not {charset}")
            if not (await request.get_body()).lstrip().startswith((b"{", b"[")):
                raise HTTPException(400, "the body must be a JSON object")
        data = await super().parse_http_body(request)
        for item in data if isinstance(data, list) else [data]:
            item.persist_as = self.persisted.resolve(item)  # type: ignore[attr-defined]
            item.batched = isinstance(data, list)  # type: ignore[attr-defined]
        if not isinstance(data, list) and isinstance(data.query, str):
            refuse_subscriptions(data.query, data.operation_name, self.settings.max_tokens)
        return data

    def should_render_graphql_ide(self, request: Any) -> bool:
        # A GET by persisted query hash has no `query`, and is a query all the same.
        return "extensions" not in request.query_params and super().should_render_graphql_ide(
            request
        )

    def decode_json(self, data: str | bytes) -> object:
        # orjson: strict UTF-8 and a nesting limit, each failing as a JSONDecodeError (400)
        return orjson.loads(data)

    def parse_json(self, data: str | bytes) -> Any:
        value = super().parse_json(data)
        if not isinstance(value, dict | list | None):
            raise HTTPException(400, "the body must be a JSON object")
        return value

    async def execute_single(self, *args: Any, **kwargs: Any) -> Any:
        try:
            data = kwargs["request_data"]
            result = await self.results.serve(
                lambda: super(CargoliveGraphQL, self).execute_single(*args, **kwargs),
                data,
                kwargs["context"],
                kwargs["request"],
                kwargs["sub_response"],
            )
            if getattr(data, "persist_as", None) is not None:
                self.persisted.register(data.persist_as, data.query, result)
            return result
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
        if isinstance(result, Cached):
            return Prebuilt(result.body)  # type: ignore[return-value]
        response = process_result(result)
        count_errors(cast("list[dict[str, Any]]", response.get("errors") or []))
        sub_response = getattr(request.state, "sub_response", None)
        if sub_response is not None and sub_response.graphql_response_json:
            # The request failed before execution (parse, validation, variables): no data, 400.
            if result.data is None and result.errors and all(e.path is None for e in result.errors):
                response.pop("data", None)
                sub_response.status_code = 400
        return response

    async def render_graphql_ide(self, request: Request) -> Response:
        # ours, from api/static/graphiql/: strawberry's page loads GraphiQL from a CDN
        return graphiql_page()

    def encode_json(self, data: object) -> bytes:
        body = data.body if isinstance(data, Prebuilt) else orjson.dumps(data)
        if len(body) > self.settings.max_response_bytes:
            # The backstop behind the cost limit: nothing this large goes out.
            return orjson.dumps({"data": None, "errors": [response_too_large(len(body))]})
        return body

    def create_response(self, response_data: Any, sub_response: Response) -> Response:
        response = super().create_response(response_data, sub_response)
        if getattr(sub_response, "graphql_response_json", False):
            response.headers["content-type"] = GRAPHQL_RESPONSE_JSON + "; charset=utf-8"
        return response

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        client = client_address(request.scope)

        async def allow(action: str, who: str | None = None) -> bool:
            return await self.limits.hit(action, who or client)

        refused: Unauthenticated | None = None
        try:
            viewer = await self.viewer(request.scope)
        except Unauthenticated as error:  # a socket's: told at connection_init (api/sign_in.py)
            viewer, refused = None, error
        if viewer is not None and viewer.api_key_id is not None and request.scope["type"] == "http":
            if not await self.limits.hit("apikey", str(viewer.api_key_id)):
                raise RateLimited(self.settings.api_key_requests_per_minute)
        context = Context(
            viewer=viewer, settings=self.settings, request=request, response=response, allow=allow
        )
        context.refused = refused
        context.token = request.scope["state"]["credential"][0] if viewer is not None else None
        return context

    async def viewer(self, scope: Scope) -> Viewer | None:
        """Who the request's bearer credential stands for, looked up once per request: None
        without one, Unauthenticated (with its reason) for one that is sent but refused."""
        state = scope.setdefault("state", {})
        if "credential" not in state:
            try:
                token = credential(Headers(scope=scope).get("authorization"))
                viewer = await self._look_up(token) if token else None
                state["credential"] = (token, viewer)
            except Unauthenticated as refused:
                state["credential"] = refused
        found = state["credential"]
        if isinstance(found, Unauthenticated):
            raise found
        return found[1]

    async def _look_up(self, token: str) -> Viewer:
        pepper = self.settings.api_key_pepper
        viewer = await viewer_for_bearer(token, pepper=pepper, remembered=self.results.viewers)
        if viewer is None:
            raise await refusal(token, pepper=pepper)
        return viewer


class RateLimited(Exception):
    """An API key over its own limit (logins and waybill look-ups have theirs, per address)."""

    def __init__(self, per_minute: int) -> None:
        super().__init__(per_minute)
        self.per_minute = per_minute

    def response(self) -> Response:
        message = f"this API key is over its limit of {self.per_minute} requests a minute"
        body = {"errors": [{"message": message, "extensions": {"code": "RATE_LIMITED"}}]}
        return JSONResponse(body, status_code=429, headers={"Retry-After": "60"})


def refuse_subscriptions(query: str, operation_name: Any, max_tokens: int) -> None:
    """A subscription over HTTP would run as a query and fail inside: refused before, with 400.
    Only a document that says "subscription" is looked at, parsed as ParseOnce parses it."""
    if "subscription" not in query:
        return
    try:
        document = parsed(query, max_tokens)
    except GraphQLError:  # strawberry parses it again and reports the syntax error
        return
    name = operation_name if isinstance(operation_name, str) else None
    operation = get_operation_ast(document, name)
    if operation is not None and operation.operation is OperationType.SUBSCRIPTION:
        raise HTTPException(400, USE_THE_SOCKET)


def unauthenticated(refused: Unauthenticated, graphql_response_json: bool) -> Response:
    """A credential sent but refused: a request error (no `data`), 401 where the client speaks
    GraphQL over HTTP's own media type (200 for application/json, as that media type asks)."""
    extensions = {"code": "UNAUTHENTICATED", "reason": refused.reason or "invalid"}
    count_errors([{"message": refused.message, "extensions": extensions}])
    body = {"errors": [{"message": refused.message, "extensions": extensions}]}
    if not graphql_response_json:
        return JSONResponse(body)
    challenge = f'Bearer error="invalid_token", error_description="{refused.reason}"'
    return JSONResponse(
        body,
        status_code=401,
        media_type=GRAPHQL_RESPONSE_JSON,
        headers={"WWW-Authenticate": challenge},
    )


def bad_request(status: int, reason: str) -> Response:
    code = "METHOD_NOT_ALLOWED" if status == 405 else "BAD_REQUEST"
    body = {"errors": [{"message": reason, "extensions": {"code": code}}]}
    return JSONResponse(body, status_code=status)
