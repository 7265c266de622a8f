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
from collections.abc import Coroutine, Sequence
from typing import Any

import orjson
from graphql import (
    DocumentNode,
    GraphQLError,
    OperationDefinitionNode,
    OperationType,
    get_operation_ast,
)
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState
from strawberry.types import ExecutionResult

from api import access_watch
from api.metrics import ACTIVE_SUBSCRIPTIONS, OPEN_SOCKETS, QUERY_COST, count_errors
from api.middleware import FRAME_SEND
from api.outbox import Outbox
from api.settings import Settings
from api.sign_in import Closing, SignedIn
from resolvers.errors import DomainError, Unauthenticated
from resolvers.integrations import retention
from schema.budget import costs_for, response_too_large, too_costly, too_many_operations
from schema.context import Context
from schema.errors import public_errors, request_errors
from schema.parsing import types_of
from schema.rendering import checked_document, prepare
from subscriptions.streams import Follower, Opened, Opener

PROTOCOL = "graphql-transport-ws"
# Each frame repeats its operation id: a client-chosen megabyte id made every frame a megabyte.
MAX_OPERATION_ID = 128
log = logging.getLogger("cargolive.ws")


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
        self.reopen: tuple[Opener, dict[str, Any], Opened] | None = None
        self.ended = False  # access lost: nothing more goes out

    def offer(self, seq: int, payload: str) -> None:
        if not self.ended:
            super().offer(seq, payload)

    def deliver(self, payload: str) -> None:
        self.connection.outbox.push(next_frame(self.prefix, payload))

    async def recheck(self, context: Context) -> None:
        """Opens the stream again as the viewer is now: ends it when that fails or sees less."""
        if self.reopen is None or self.ended:
            return
        opener, arguments, opened = self.reopen
        try:
            again = await opener(context, arguments)
        except (DomainError, Unauthenticated) as error:
            code = error.code.value if isinstance(error, DomainError) else "UNAUTHENTICATED"
            self.end(code, f"access to this stream ended: {error}")
            return
        if again.scope != opened.scope:
            self.end("FORBIDDEN", "access to this stream changed: subscribe again")

    def end(self, code: str, message: str) -> None:
        """An `error` frame naming the reason, then nothing: the operation is over."""
        self.ended = True
        error = {"message": message, "extensions": {"code": code}}
        frame = {"id": self.id, "type": "error", "payload": [error]}
        self.connection.outbox.push(orjson.dumps(frame).decode())
        task = self.connection.operations.get(self.id)
        if task is not None:
            task.cancel()

    async def replay(self, payload: str) -> None:
        await self.connection.outbox.put(next_frame(self.prefix, payload))

    def overflow(self) -> None:
        self.connection.overflow()


class Connection(SignedIn):
    def __init__(self, websocket: WebSocket, schema: Any, settings: Settings, context: Context):
        self.ws = websocket
        self._frame_send = websocket.scope.get(FRAME_SEND) or websocket.send
        self.schema = schema
        self.settings = settings
        self.context = context
        self.outbox = Outbox(
            self._send_text,
            settings.socket_outbox_frames,
            self.overflow,
            max_chars=settings.socket_outbox_bytes,
        )
        self.operations: dict[str, asyncio.Task[None]] = {}
        self.acknowledged = False
        self.initialised = False
        self.closing: Closing | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._timers: list[asyncio.TimerHandle] = []
        self._watched: tuple[str, int] | None = None
        self._expiry: asyncio.TimerHandle | None = None
        self.live: dict[str, Operation] = {}  # running subscriptions, by id

    # -- sending

    def _send_text(self, frame: str) -> Coroutine[Any, Any, None]:
        # Straight to the server's send, past starlette's and the middlewares' wrappers (one
        # coroutine each per frame and socket); accept and close still go through them.
        return self._frame_send({"type": "websocket.send", "text": frame})

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
            for timer in [*self._timers, *([self._expiry] if self._expiry else [])]:
                timer.cancel()
            if self._watched is not None:
                self._credential_watch().discard(self._watched, self)
            if (decisions := access_watch.current()) is not None:
                decisions.sockets.discard(self)
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
        limit = self.settings.socket_max_message_bytes
        try:
            while self.closing is None:
                message = await self.ws.receive()
                if message["type"] == "websocket.disconnect":
                    return
                text = message.get("text")
                if text is None:
                    raise Closing(4400, "Invalid message: frames must be text")
                if len(text) > limit // 4 and len(text.encode()) > limit:
                    raise Closing(1009, f"Message too big: the limit is {limit} bytes")
                await self._handle(text)
        except WebSocketDisconnect:
            return
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

    # -- operations

    async def _subscribe(self, message: dict[str, Any]) -> None:
        if not self.acknowledged:
            raise Closing(4401, "Unauthorized")
        operation_id = message.get("id")
        payload = message.get("payload")
        if not isinstance(operation_id, str) or not operation_id or not isinstance(payload, dict):
            raise Closing(4400, "Invalid message: subscribe needs an id and a payload")
        if len(operation_id) > MAX_OPERATION_ID:
            raise Closing(4400, f"Invalid message: an id has at most {MAX_OPERATION_ID} characters")
        query = payload.get("query")
        variables = payload.get("variables") or {}
        if not isinstance(query, str) or not isinstance(variables, dict):
            raise Closing(4400, "Invalid message: payload.query must be a string")
        if operation_id in self.operations:
            raise Closing(4409, f"Subscriber for {operation_id} already exists")
        limit = self.settings.max_subscriptions_per_connection
        if len(self.operations) >= limit:
            await self._error(operation_id, [too_many_operations(limit)])
            return
        task = asyncio.create_task(
            self._run(operation_id, query, variables, payload.get("operationName"))
        )
        self.operations[operation_id] = task
        task.add_done_callback(lambda _: self._finished(operation_id, task))

    def _finished(self, operation_id: str, task: asyncio.Task[None]) -> None:
        if self.operations.get(operation_id) is task:
            del self.operations[operation_id]

    async def _error(self, operation_id: str, errors: Sequence[GraphQLError | str]) -> None:
        """An `error` frame: the operation is refused, each error with its code."""
        payload = request_errors(errors, suggestions=self.settings.field_suggestions)
        count_errors(payload)
        await self.send({"id": operation_id, "type": "error", "payload": payload})

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
            # The viewer as it is now (blocked, revoked). A subscription's is kept current by
            # access rows (api/access_watch.py), which also end it when access is lost later.
            if self.context.token is not None and await self._current_viewer() is None:
                return  # the token is gone: the socket closes with 4403
            result = await self.schema.execute(
                query,
                variable_values=variables,
                context_value=self._fresh_context(),
                operation_name=name,
            )
            frame = orjson.dumps({"id": operation_id, "type": "next", "payload": _payload(result)})
            if len(frame) > self.settings.max_response_bytes:  # the backstop, as over HTTP
                payload = {"data": None, "errors": [response_too_large(len(frame))]}
                frame = orjson.dumps({"id": operation_id, "type": "next", "payload": payload})
            await self.outbox.put(frame.decode())
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
            types_of(self.schema),
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
            self.schema,
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
        subscriber.reopen = (prepared.stream.open, prepared.arguments, prepared.opened)
        self.live[operation_id] = subscriber
        try:
            await prepared.follow(subscriber)
        finally:
            self.live.pop(operation_id, None)


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
