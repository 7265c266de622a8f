"""/graphql over WebSocket: graphql-transport-ws (PROTOCOL.md of graphql-ws), written for fan-out.

strawberry's own handler executes and serializes every event once per subscriber. Here a
subscription follows its stream (subscriptions/streams.py) in a hub group keyed by (document,
variables, viewer scope): the group renders each event once (schema/rendering.py) and every
subscriber sends the same text behind its own id. This module speaks the protocol only.
Queries and mutations sent over the socket run through the schema like HTTP ones.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine
from typing import Any

import orjson
from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    OperationDefinitionNode,
    OperationType,
    get_operation_ast,
)
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from api.auth import bearer
from api.metrics import ACTIVE_SUBSCRIPTIONS, OPEN_SOCKETS, QUERY_COST, count_errors
from api.outbox import Outbox
from api.settings import Settings
from api.token_watch import TokenWatch, watch
from models import clock
from models.viewer import Viewer
from resolvers.accounts.users import viewer_for_token
from resolvers.integrations import retention
from schema.budget import costs_for, too_costly
from schema.context import Context
from schema.errors import public_errors
from schema.rendering import checked_document, prepare
from subscriptions.streams import Follower, follow

PROTOCOL = "graphql-transport-ws"
log = logging.getLogger("cargolive.ws")


class Closing(Exception):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def frame_prefix(operation_id: str) -> str:
    """A `next` frame of this operation up to its payload: the frame is prefix + payload + "}"."""
    return f'{{"id":{orjson.dumps(operation_id).decode()},"type":"next","payload":'


_last_frame = ("", "", "")  # (prefix, payload, frame) of the frame built last


def next_frame(prefix: str, payload: str) -> str:
    """prefix + payload + "}". The hub offers one payload to thousands of operations in a row,
    and operations with the same id (clients that number their operations, as the tracking
    element does) share one frame: a fresh 1 kB copy per socket cut the fan-out rate by a
    fifth (bench/RESULTS.md)."""
    global _last_frame
    last_prefix, last_payload, frame = _last_frame
    if payload is not last_payload or prefix != last_prefix:
        frame = prefix + payload + "}"
        _last_frame = (prefix, payload, frame)
    return frame


class Operation(Follower[str]):
    """One running subscription: its frames go behind the connection's bounded outbox."""

    def __init__(self, connection: Connection, operation_id: str) -> None:
        super().__init__(hold_limit=connection.settings.socket_outbox_frames)
        self.connection = connection
        self.id = operation_id
        self.prefix = frame_prefix(operation_id)

    def deliver(self, payload: str) -> None:
        self.connection.outbox.push(next_frame(self.prefix, payload))

    async def replay(self, payload: str) -> None:
        await self.connection.outbox.put(next_frame(self.prefix, payload))

    def overflow(self) -> None:
        self.connection.overflow()


class Connection:
    def __init__(self, websocket: WebSocket, schema: Any, settings: Settings, context: Context):
        self.ws = websocket
        self.schema = schema
        self.settings = settings
        self.context = context
        self.outbox = Outbox(self._send_text, settings.socket_outbox_frames, self.overflow)
        self.operations: dict[str, asyncio.Task[None]] = {}
        self.acknowledged = False
        self.initialised = False
        self.closing: Closing | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._timers: list[asyncio.TimerHandle] = []
        self._watched_token: int | None = None

    # -- sending

    def _send_text(self, frame: str) -> Coroutine[Any, Any, None]:
        # WebSocket.send_text without its own coroutine: one fewer per frame and socket
        return self.ws.send({"type": "websocket.send", "text": frame})

    def overflow(self) -> None:
        self.close(1013, "subscriber too slow: reconnect and resume from your cursor")

    def close(self, code: int, reason: str) -> None:
        if self.closing is None:
            self.closing = Closing(code, reason)
            for task in self._tasks:
                if task is not asyncio.current_task():
                    task.cancel()

    async def send(self, message: dict[str, Any]) -> None:
        await self.outbox.put(orjson.dumps(message).decode())

    # -- the connection's life

    async def serve(self) -> None:
        await self.ws.accept(subprotocol=PROTOCOL)
        OPEN_SOCKETS.inc()
        self._tasks = [asyncio.create_task(self._read_forever())]
        self._timers.append(
            asyncio.get_running_loop().call_later(
                self.settings.connection_init_timeout_seconds, self._init_expired
            )
        )
        try:
            await asyncio.wait(self._tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for timer in self._timers:
                timer.cancel()
            if self._watched_token is not None:
                self._token_watch().discard(self._watched_token, self._token_dead)
            for task in [*self._tasks, *self.operations.values()]:
                task.cancel()
            for task in [*self._tasks, *self.operations.values()]:
                with contextlib.suppress(BaseException):
                    await task
            closing = self.closing
            if closing is not None:
                # frames queued before the close still go out, then the close frame
                with contextlib.suppress(BaseException):
                    await asyncio.wait_for(self.outbox.drained(), 2)
            self.outbox.close()
            if closing is not None and self.ws.application_state != WebSocketState.DISCONNECTED:
                with contextlib.suppress(Exception):
                    await self.ws.close(closing.code, closing.reason)
            OPEN_SOCKETS.dec()

    def _init_expired(self) -> None:
        if not self.initialised:
            self.close(4408, "Connection initialisation timeout")

    async def _read_forever(self) -> None:
        try:
            while self.closing is None:
                text = await self.ws.receive_text()
                await self._handle(text)
        except WebSocketDisconnect:
            return
        except KeyError:  # a binary frame
            self.close(4400, "Invalid message: frames must be text")
        except Closing as closing:
            self.close(closing.code, closing.reason)

    async def _handle(self, text: str) -> None:
        try:
            message = orjson.loads(text)
        except orjson.JSONDecodeError:
            raise Closing(4400, "Invalid message: not JSON") from None
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            raise Closing(4400, "Invalid message: an object with a type is expected")
        kind = message["type"]
        if kind == "connection_init":
            await self._connection_init(message)
        elif kind == "ping":
            await self.send({"type": "pong"})
        elif kind == "pong":
            return
        elif kind == "subscribe":
            await self._subscribe(message)
        elif kind == "complete":
            operation_id = message.get("id")
            if not isinstance(operation_id, str):
                raise Closing(4400, "Invalid message: complete needs an id")
            task = self.operations.pop(operation_id, None)
            if task is not None:
                task.cancel()
        else:
            raise Closing(4400, f"Invalid message: unknown type {kind!r}")

    async def _connection_init(self, message: dict[str, Any]) -> None:
        if self.initialised:
            raise Closing(4429, "Too many initialisation requests")
        self.initialised = True
        payload = message.get("payload")
        if payload is not None and not isinstance(payload, dict):
            raise Closing(4400, "Invalid message: connection_init payload must be an object")
        # Header names are case-insensitive, and so is this key: AUTHORIZATION is not anonymous.
        given = [value for key, value in (payload or {}).items() if key.lower() == "authorization"]
        if len(given) > 1:
            raise Closing(4400, "Invalid message: authorization given more than once")
        if given:
            token = bearer(given[0])
            self.context.viewer = await viewer_for_token(token) if token else None
            if self.context.viewer is None:
                raise Closing(4403, "Forbidden: invalid, expired or revoked token")
        elif self.context.rejected_token:
            raise Closing(4403, "Forbidden: invalid, expired or revoked token")
        if self.context.viewer is not None and self.context.viewer.token_id is not None:
            self._watch_token(self.context.viewer)
        self.acknowledged = True
        await self.send({"type": "connection_ack"})

    def _watch_token(self, viewer: Viewer) -> None:
        """Closes the socket (4403) once its token expires or is revoked."""
        assert viewer.token_id is not None
        self._watched_token = viewer.token_id
        self._token_watch().add(viewer.token_id, self._token_dead)
        if viewer.expires_at is not None:
            left = (viewer.expires_at - clock.now()).total_seconds()
            loop = asyncio.get_running_loop()
            self._timers.append(loop.call_later(max(0.0, left), self._token_dead))

    def _token_watch(self) -> TokenWatch:
        return watch(self.settings.token_recheck_seconds)

    def _token_dead(self) -> None:
        self.close(4403, "Forbidden: the token expired or was revoked")

    # -- operations

    async def _subscribe(self, message: dict[str, Any]) -> None:
        if not self.acknowledged:
            raise Closing(4401, "Unauthorized")
        operation_id = message.get("id")
        payload = message.get("payload")
        if not isinstance(operation_id, str) or not operation_id or not isinstance(payload, dict):
            raise Closing(4400, "Invalid message: subscribe needs an id and a payload")
        query = payload.get("query")
        variables = payload.get("variables") or {}
        if not isinstance(query, str) or not isinstance(variables, dict):
            raise Closing(4400, "Invalid message: payload.query must be a string")
        if operation_id in self.operations:
            raise Closing(4409, f"Subscriber for {operation_id} already exists")
        if len(self.operations) >= self.settings.max_subscriptions_per_connection:
            await self._error(operation_id, ["too many operations on this connection"])
            return
        task = asyncio.create_task(
            self._run(operation_id, query, variables, payload.get("operationName"))
        )
        self.operations[operation_id] = task
        task.add_done_callback(lambda _: self._finished(operation_id, task))

    def _finished(self, operation_id: str, task: asyncio.Task[None]) -> None:
        if self.operations.get(operation_id) is task:
            del self.operations[operation_id]

    async def _error(self, operation_id: str, errors: list[Any]) -> None:
        formatted = [
            error.formatted if isinstance(error, GraphQLError) else {"message": str(error)}
            for error in errors
        ]
        await self.send({"id": operation_id, "type": "error", "payload": formatted})

    async def _run(
        self, operation_id: str, query: str, variables: dict[str, Any], name: str | None
    ) -> None:
        document, errors = self._document(query)
        if errors:
            await self._error(operation_id, errors)
            return
        assert document is not None
        operation = get_operation_ast(document, name)
        if operation is None:
            await self._error(operation_id, ["the document has no such operation"])
            return
        if operation.operation is not OperationType.SUBSCRIPTION:
            result = await self.schema.execute(
                query,
                variable_values=variables,
                context_value=self._fresh_context(),
                operation_name=name,
            )
            await self.send({"id": operation_id, "type": "next", "payload": _payload(result)})
            await self.send({"id": operation_id, "type": "complete"})
            return
        cost = costs_for(self.schema).of(query, document, name, variables)
        QUERY_COST.observe(cost)
        if cost > self.settings.max_query_cost:
            await self._error(operation_id, [too_costly(cost, self.settings.max_query_cost)])
            return
        ACTIVE_SUBSCRIPTIONS.inc()
        try:
            await self._stream(operation_id, query, document, operation, variables, name)
        except Exception as error:
            # refused at subscribe (coded), or unexpected (logged, then masked by public_errors)
            graphql_error = GraphQLError(str(error), original_error=error)
            await self.send(
                {"id": operation_id, "type": "error", "payload": public_errors([graphql_error])}
            )
        finally:
            ACTIVE_SUBSCRIPTIONS.dec()

    def _document(self, query: str) -> tuple[DocumentNode | None, list[GraphQLError]]:
        settings = self.settings
        document, errors = checked_document(
            self.schema._schema,
            query,
            settings.max_tokens,
            settings.max_query_depth,
            settings.max_aliases,
            settings.introspection_enabled,
        )
        return document, list(errors)

    def _fresh_context(self) -> Context:
        return Context(
            viewer=self.context.viewer,
            settings=self.settings,
            request=self.ws,
            allow=self.context.allow,
        )

    async def _stream(
        self,
        operation_id: str,
        query: str,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        variables: dict[str, Any],
        name: str | None,
    ) -> None:
        prepared = await prepare(
            self.schema._schema,
            document,
            operation,
            self._fresh_context(),
            query=query,
            variables=variables,
            name=name,
            payload=_payload,
        )
        if isinstance(prepared, list):
            await self._error(operation_id, prepared)
            return
        if prepared.opened.after is not None:  # events after it may have left the log
            await retention.check(prepared.opened.after, self.settings.event_retention)
        subscriber = Operation(self, operation_id)
        await follow(prepared.stream, prepared.opened, prepared.key, prepared.render, subscriber)


def _payload(result: ExecutionResult) -> dict[str, Any]:
    payload: dict[str, Any] = {"data": result.data}
    if result.errors:
        payload["errors"] = public_errors(result.errors)
        count_errors(payload["errors"])
    return payload


async def graphql_socket(
    websocket: WebSocket, schema: Any, settings: Settings, context: Context
) -> None:
    offered = websocket.scope.get("subprotocols") or []
    if PROTOCOL not in offered:
        await websocket.accept()
        await websocket.close(4406, "Subprotocol not acceptable")
        return
    await Connection(websocket, schema, settings, context).serve()
