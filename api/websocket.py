"""/graphql over WebSocket: graphql-transport-ws (PROTOCOL.md of graphql-ws), written for fan-out.

strawberry's own handler executes and serializes every event once per subscriber. Here a
subscription joins a hub group keyed by (document, variables, viewer scope): the group renders
each event once and every subscriber sends the same text behind its own id. Queries and
mutations sent over the socket run through the schema like HTTP ones.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
from collections.abc import Coroutine
from typing import Any

import orjson
from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    get_operation_ast,
    parse,
    specified_rules,
    validate,
)
from graphql.execution import Executor, execute_subscription_event
from graphql.execution.values import get_argument_values
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState
from strawberry.extensions.max_aliases import create_validator as alias_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_rule

from api.auth import bearer
from api.metrics import ACTIVE_SUBSCRIPTIONS, OPEN_SOCKETS, count_errors
from api.outbox import Outbox
from api.settings import Settings
from api.token_watch import TokenWatch, watch
from models import clock
from models.viewer import Viewer
from resolvers.accounts.users import viewer_for_token
from resolvers.integrations import retention
from resolvers.loaders import Loaders
from schema.context import Context
from schema.errors import public_errors
from schema.streams import STREAMS, Stream, roots
from subscriptions import hub
from subscriptions.hub import LAST_PART, Group, Parts, Payload
from subscriptions.reader import read_topic

PROTOCOL = "graphql-transport-ws"
REPLAY_PAGE = 200
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


class Operation:
    """One running subscription: a hub subscriber that drops seqs (and parts) already sent."""

    def __init__(self, connection: Connection, operation_id: str) -> None:
        self.connection = connection
        self.id = operation_id
        self.prefix = frame_prefix(operation_id)
        self.last_seq = 0
        self.last_part = LAST_PART  # every part of last_seq is sent
        self.replaying = True
        self.held: list[tuple[int, Payload]] = []

    def offer(self, seq: int, payload: Payload) -> None:
        if self.replaying:
            self.held.append((seq, payload))
            if len(self.held) > self.connection.settings.socket_outbox_frames:
                self.connection.overflow()
            return
        if isinstance(payload, str):  # one frame: the hot path of every other stream
            if seq > self.last_seq:
                self.last_seq, self.last_part = seq, LAST_PART
                self.connection.outbox.push(next_frame(self.prefix, payload))
            return
        for frame in self.frames(seq, payload):
            self.connection.outbox.push(frame)

    def frames(self, seq: int, payload: Payload) -> list[str]:
        """The frames of `payload` past the last position sent, which they then become."""
        parts = payload if isinstance(payload, Parts) else ((LAST_PART, payload),)
        found = []
        for part, text in parts:
            if (seq, part) > (self.last_seq, self.last_part):
                self.last_seq, self.last_part = seq, part
                found.append(next_frame(self.prefix, text))
        return found

    def go_live(self) -> None:
        """After the replay: pass on what arrived meanwhile above the replayed seq, then live."""
        for seq, payload in sorted(self.held, key=lambda held: held[0]):
            for frame in self.frames(seq, payload):
                self.connection.outbox.push(frame)
        self.held.clear()
        self.replaying = False


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
        token_given = payload and ("authorization" in payload or "Authorization" in payload)
        if token_given:
            value = payload.get("authorization", payload.get("Authorization"))
            token = bearer(value)
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
        limits = self.settings.max_tokens, self.settings.max_query_depth, self.settings.max_aliases
        document, errors = checked_document(self.schema._schema, query, *limits)
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
        context = self._fresh_context()
        executor = Executor.build(
            self.schema._schema,
            document,
            context_value=context,
            raw_variable_values=variables,
            operation_name=name,
        )
        if isinstance(executor, list):
            await self._error(operation_id, executor)
            return
        field = operation.selection_set.selections[0]
        if not isinstance(field, FieldNode) or field.name.value not in STREAMS:
            await self._error(operation_id, ["select one subscription field at the root"])
            return
        subscription_type = self.schema._schema.subscription_type
        definition = subscription_type.fields[field.name.value]
        arguments = get_argument_values(definition, field, executor.variable_values)
        opened = await STREAMS[field.name.value](context, arguments)
        key = (query, name, orjson.dumps(variables, option=orjson.OPT_SORT_KEYS), opened.scope)

        def make_group() -> Group:
            return Group(key, opened.kinds, opened.visible, render_with(executor, opened))

        if opened.after is not None:
            await retention.check(opened.after, self.settings.event_retention)
        subscriber = Operation(self, operation_id)
        current = hub.current()
        group, live_from = await current.join(opened.topic, key, make_group, subscriber)
        try:
            last = opened.after if opened.after is not None else live_from
            subscriber.last_seq = last
            if opened.after_part is not None:  # the cursor's own row has parts still to send
                subscriber.last_part = opened.after_part
                last -= 1
            while events := await read_topic(opened.topic, after=last, limit=REPLAY_PAGE):
                for event in events:
                    if group.accepts(event) and (payload := await group.render(event)) is not None:
                        for frame in subscriber.frames(event.seq, payload):
                            await self.outbox.put(frame)
                    last = event.seq
            if last > subscriber.last_seq:
                subscriber.last_seq, subscriber.last_part = last, LAST_PART
            subscriber.go_live()
            await asyncio.Event().wait()  # live until the client completes or leaves
        finally:
            current.leave(opened.topic, key, subscriber)


@functools.lru_cache(maxsize=256)
def checked_document(
    schema: GraphQLSchema, query: str, max_tokens: int, max_depth: int, max_aliases: int
) -> tuple[DocumentNode | None, tuple[GraphQLError, ...]]:
    """`query` parsed and validated, once per process: thousands of screens subscribe with the
    same few documents, and validating one cost more than all the rest of a subscribe."""
    try:
        document = parse(query, max_tokens=max_tokens)
    except GraphQLError as error:
        return None, (error,)
    rules = [*specified_rules, depth_rule(max_depth, None, None), alias_rule(max_aliases)]
    return document, tuple(validate(schema, document, rules))


def render_with(executor: Executor, opened: Stream) -> Any:
    context: Context = executor.context_value
    load = roots.cached(opened.root_key, opened.load)

    async def render_root(root: Any) -> str:
        context.loaders = Loaders()  # a connection lives for hours: no cache outlives an event
        result = execute_subscription_event(executor.build_per_event_executor(root))
        if executor.is_awaitable(result):
            result = await result
        return json_text(_payload(result))

    async def render(event: Any) -> Payload | None:
        root = await load(event)
        if root is None:
            return None
        if isinstance(root, Parts):
            return Parts([(part, await render_root(one)) for part, one in root])
        return await render_root(root)

    return render


def json_text(payload: dict[str, Any]) -> str:
    """The payload as JSON text in ASCII (other characters as \\u escapes). A frame is copied
    and UTF-8 encoded once per socket; a single non-ASCII character (Constanța) makes Python
    store the whole text two bytes per character, and that made every copy dearer."""
    text = orjson.dumps(payload).decode()
    if text.isascii():
        return text
    return json.dumps(payload, ensure_ascii=True, separators=(",", ":"))


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
