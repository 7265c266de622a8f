"""Issue 13's prototype: Cargolive's socket on strawberry's handler-class seam, measured by the
fan-out scenario beside the hand-written endpoint (`python -m bench --scenario fan-out`).

strawberry's ASGI view takes a `graphql_transport_ws_handler_class`. This subclass keeps what
makes the fan-out fast, the hub's groups and their frames rendered once per group
(schema/rendering.py, streams.follow), and lets strawberry speak the protocol: its message
parsing, operation bookkeeping, and its `send_message`, awaited once per frame and socket. A
socket's frames go through a queue and a writer task per operation, as a subscriber that must
not block the hub needs. Sign-in is the endpoint's own credential lookup in `on_ws_connect`.
Only what the bench drives is here: no outbox limits, access re-checks or credential watch.

    python -m bench.seam --port 8001     # the app of `cargolive serve`, this socket on /graphql
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from typing import Any

import orjson
import uvicorn
from graphql import OperationType, get_operation_ast
from starlette.routing import WebSocketRoute
from strawberry.asgi import GraphQL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)

from api.app import create_app
from api.settings import Settings, get_settings
from api.websocket import frame_prefix, next_frame
from resolvers.integrations.credentials import viewer_for_bearer
from schema import schema as served_schema
from schema.context import Context
from schema.parsing import parsed
from schema.rendering import prepare
from subscriptions.streams import Follower


class _Frames(Follower[str]):
    """An operation's rendered frames, written in order by one task (the hub must not wait)."""

    def __init__(self, operation: Operation[Any, Any]) -> None:
        super().__init__(hold_limit=512)
        self.operation = operation
        self.prefix = frame_prefix(operation.id)
        self.queue: asyncio.Queue[str] = asyncio.Queue()

    def deliver(self, payload: str) -> None:
        self.queue.put_nowait(next_frame(self.prefix, payload))

    async def replay(self, payload: str) -> None:
        self.deliver(payload)

    def overflow(self) -> None:
        self.operation.completed = True

    async def write(self) -> None:
        while True:
            frame = await self.queue.get()
            if self.operation.completed:
                return
            # the handler's send (the operation's own inspects a dict's type)
            await self.operation.handler.send_message(frame)  # type: ignore[arg-type]


class SeamHandler(BaseGraphQLTransportWSHandler[Context, None]):
    async def run_operation(self, operation: Operation[Context, None]) -> None:
        document = parsed(operation.query, None)
        ast = get_operation_ast(document, operation.operation_name)
        if ast is None or ast.operation is not OperationType.SUBSCRIPTION:
            await super().run_operation(operation)
            return
        context = Context(viewer=self.context.viewer, settings=self.context.settings)
        prepared = await prepare(
            served_schema,
            ast,
            context,
            query=operation.query,
            variables=operation.variables or {},
            name=operation.operation_name,
            payload=lambda result: {"data": result.data},
        )
        if isinstance(prepared, list):
            await operation.send_initial_errors(prepared)
            return
        frames = _Frames(operation)
        writer = asyncio.create_task(frames.write())
        try:
            await prepared.follow(frames)
        finally:
            writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await writer


class SeamView(GraphQL[Context, None]):
    graphql_transport_ws_handler_class = SeamHandler

    def __init__(self, settings: Settings) -> None:
        super().__init__(served_schema, subscription_protocols=["graphql-transport-ws"])
        self.settings = settings

    async def get_context(self, request: Any, response: Any) -> Context:
        return Context(viewer=None, settings=self.settings)

    async def on_ws_connect(self, context: Context) -> None:
        params = context.connection_params or {}
        token = str(params.get("authorization", "")).removeprefix("Bearer ")
        context.viewer = await viewer_for_bearer(token, pepper=self.settings.api_key_pepper)

    def encode_json(self, data: object) -> str:
        # a frame the hub rendered for its group is text already
        return data if isinstance(data, str) else orjson.dumps(data).decode()


def create_seam_app() -> Any:
    settings = get_settings()
    app = create_app(settings)
    app.router.routes.insert(0, WebSocketRoute("/graphql", SeamView(settings)))
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(
        "bench.seam:create_seam_app",
        factory=True,
        host="127.0.0.1",
        port=args.port,
        log_config=None,
        access_log=False,
    )


if __name__ == "__main__":
    main()
