"""Rendering a subscription: its document checked once per process, its stream opened, and
each event executed and serialised once per group of identical subscriptions.

A group is one (document, variables, viewer scope): two subscribers in it see the same
events and the same result, so the socket sends them the same text.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncGenerator, Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Any

import orjson
import strawberry
from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    specified_rules,
    validate,
)
from strawberry.types import ExecutionResult

from models.events import Event
from resolvers.integrations.scopes import refusal
from resolvers.loaders import Loaders
from schema.context import Context
from schema.integrations.gate import forbidden
from schema.parsing import PerSchema, parsed, validation_rules
from subscriptions.streams import STREAMS, Feed, Follower, Opened, Parts, Stream, follow, roots

Payload = Callable[[ExecutionResult], dict[str, Any]]


@dataclass(frozen=True)
class Prepared:
    """A subscription ready to follow: its stream, opened for this viewer, and its group."""

    stream: Stream
    opened: Opened
    key: Hashable
    render: Callable[[Event], Awaitable[str | Parts | None]]
    arguments: dict[str, Any]  # the field's, to open the stream again when access changes
    close: Callable[[], None]  # ends the run behind `render`

    async def follow(self, follower: Follower[Any]) -> None:
        """Passes this subscription's events to `follower` until cancelled (streams.follow)."""
        await follow(self.stream, self.opened, self.key, self.render, follower, self.close)


Checked = tuple[DocumentNode | None, tuple[GraphQLError, ...]]
_CHECKED: PerSchema[Checked] = PerSchema(256)


def checked_document(
    schema: GraphQLSchema,
    query: str,
    max_tokens: int,
    max_depth: int,
    max_aliases: int,
    introspection: bool,
) -> Checked:
    """`query` parsed and validated, once per process: thousands of screens subscribe with the
    same few documents, and validating one cost more than all the rest of a subscribe."""
    key = (query, max_tokens, max_depth, max_aliases, introspection)
    found = _CHECKED.get(schema, key)
    if found is None:
        found = _check(schema, key)
        _CHECKED.put(schema, key, found)
    return found


def _check(schema: GraphQLSchema, key: tuple[str, int, int, int, bool]) -> Checked:
    query, max_tokens, max_depth, max_aliases, introspection = key
    try:
        document = parsed(query, max_tokens)
    except GraphQLError as error:
        return None, (error,)
    rules = [*specified_rules, *validation_rules(max_depth, max_aliases, introspection)]
    return document, tuple(validate(schema, document, rules))


async def prepare(
    schema: strawberry.Schema,
    operation: OperationDefinitionNode,
    context: Context,
    *,
    query: str,
    variables: dict[str, Any],
    name: str | None,
    payload: Payload,
) -> Prepared | list[GraphQLError]:
    """Opens the stream of a subscription operation through strawberry's Schema.subscribe (its
    access checked like a query's: a refusal raises here) and builds the group's renderer;
    errors of the request are returned."""
    field = operation.selection_set.selections[0]
    if not isinstance(field, FieldNode) or field.name.value not in STREAMS:
        return [GraphQLError("select one subscription field at the root")]
    refused = refusal(context.viewer, "subscription", [field.name.value])
    if refused is not None:  # an API key without READ
        return [forbidden(refused)]
    feed = context.feed = Feed()
    results = await schema.subscribe(
        query, variable_values=variables, context_value=context, operation_name=name
    )
    if not isinstance(results, AsyncGenerator):  # refused before it ran (variables, say)
        return list(results.errors or [GraphQLError("the subscription did not start")])
    first: asyncio.Future[ExecutionResult] = asyncio.ensure_future(anext(results))
    started: set[asyncio.Future[Any]] = {first, feed.opened}
    await asyncio.wait(started, return_when=asyncio.FIRST_COMPLETED)
    if not feed.opened.done():  # the field refused to open its stream
        result = await _ended(first)
        await results.aclose()
        errors = list(result.errors or []) if result is not None else []
        original = errors[0].original_error if errors else None
        if isinstance(original, Exception) and not isinstance(original, GraphQLError):
            raise original  # a domain refusal (NOT_FOUND, FORBIDDEN), coded by the caller
        return errors or [GraphQLError("the subscription did not start")]
    stream, opened, arguments = feed.opened.result()
    renderer = _Renderer(results, first, feed, context, payload)
    # decoded: orjson's bytes keep a 4 kB buffer, and every subscriber holds its group's key
    key = (query, name, orjson.dumps(variables, option=orjson.OPT_SORT_KEYS).decode(), opened.scope)
    load = roots.loader(stream, opened)

    async def render(event: Event) -> str | Parts | None:
        root = await load(event)
        if root is None:
            return None
        if isinstance(root, Parts):
            return Parts([(part, await renderer.render(one)) for part, one in root])
        return await renderer.render(root)

    return Prepared(stream, opened, key, render, arguments, renderer.close)


async def _ended(first: asyncio.Future[ExecutionResult]) -> ExecutionResult | None:
    try:
        return await first
    except StopAsyncIteration:
        return None


_closing: set[asyncio.Task[None]] = set()


class _Renderer:
    """One group's run of its subscription: each event's root goes in through the feed, and
    strawberry executes the document on it (extensions and error policy as for any operation)."""

    def __init__(
        self,
        results: AsyncGenerator[ExecutionResult, None],
        first: asyncio.Future[ExecutionResult],
        feed: Feed,
        context: Context,
        payload: Payload,
    ) -> None:
        self._results: AsyncGenerator[ExecutionResult, None] | None = results
        self._pending: asyncio.Future[ExecutionResult] | None = first  # waits for a first root
        self._feed = feed
        self._context = context
        self._payload = payload

    async def render(self, root: Any) -> str:
        """Called one at a time (the group holds a lock while it renders)."""
        # a connection lives for hours: no cache outlives an event
        self._context.loaders = Loaders()
        self._feed.push(root)
        if self._pending is not None:
            pending, self._pending = self._pending, None
            result = await pending
        else:
            assert self._results is not None, "rendered after its group ended"
            result = await anext(self._results)
        return json_text(self._payload(result))

    def close(self) -> None:
        task = asyncio.ensure_future(self._close())
        _closing.add(task)
        task.add_done_callback(_closing.discard)

    async def _close(self) -> None:
        # Let go of the run, its frames and its context: a subscriber whose group renders with
        # another's run keeps this object as long as it is subscribed.
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.cancel()
            with contextlib.suppress(BaseException):
                await pending
        results, self._results = self._results, None
        if results is not None:
            with contextlib.suppress(Exception):
                await results.aclose()
        self._context = self._feed = None  # type: ignore[assignment]


def json_text(payload: dict[str, Any]) -> str:
    """The payload as JSON text in ASCII (other characters as \\u escapes). A frame is copied
    and UTF-8 encoded once per socket; a single non-ASCII character (Constanța) makes Python
    store the whole text two bytes per character, and that made every copy dearer."""
    text = orjson.dumps(payload).decode()
    if text.isascii():
        return text
    return json.dumps(payload, ensure_ascii=True, separators=(",", ":"))
