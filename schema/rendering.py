"""Rendering a subscription: its document checked once per process, its stream opened, and
each event executed and serialised once per group of identical subscriptions.

A group is one (document, variables, viewer scope): two subscribers in it see the same
events and the same result, so the socket sends them the same text.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Any

import orjson
from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    parse,
    specified_rules,
    validate,
)
from graphql.execution import Executor, execute_subscription_event
from graphql.execution.values import get_argument_values

from models.events import Event
from resolvers.integrations.scopes import refusal
from resolvers.loaders import Loaders
from schema.context import Context
from schema.integrations.gate import forbidden
from schema.parsing import validation_rules
from subscriptions.streams import STREAMS, Opened, Parts, Stream, roots

Payload = Callable[[ExecutionResult], dict[str, Any]]


@dataclass(frozen=True)
class Prepared:
    """A subscription ready to follow: its stream, opened for this viewer, and its group."""

    stream: Stream
    opened: Opened
    key: Hashable
    render: Callable[[Event], Awaitable[str | Parts | None]]
    arguments: dict[str, Any]  # the field's, to open the stream again when access changes


@functools.lru_cache(maxsize=256)
def checked_document(
    schema: GraphQLSchema,
    query: str,
    max_tokens: int,
    max_depth: int,
    max_aliases: int,
    introspection: bool,
) -> tuple[DocumentNode | None, tuple[GraphQLError, ...]]:
    """`query` parsed and validated, once per process: thousands of screens subscribe with the
    same few documents, and validating one cost more than all the rest of a subscribe."""
    try:
        document = parse(query, max_tokens=max_tokens)
    except GraphQLError as error:
        return None, (error,)
    rules = [*specified_rules, *validation_rules(max_depth, max_aliases, introspection)]
    return document, tuple(validate(schema, document, rules))


async def prepare(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    context: Context,
    *,
    query: str,
    variables: dict[str, Any],
    name: str | None,
    payload: Payload,
) -> Prepared | list[GraphQLError]:
    """Opens the stream of a subscription operation (its access checked like a query's, so a
    refusal raises here) and builds the group's renderer; errors of the request are returned."""
    executor = Executor.build(
        schema,
        document,
        context_value=context,
        raw_variable_values=variables,
        operation_name=name,
    )
    if isinstance(executor, list):
        return executor
    field = operation.selection_set.selections[0]
    if not isinstance(field, FieldNode) or field.name.value not in STREAMS:
        return [GraphQLError("select one subscription field at the root")]
    refused = refusal(context.viewer, "subscription", [field.name.value])
    if refused is not None:  # an API key without READ
        return [forbidden(refused)]
    stream = STREAMS[field.name.value]
    assert schema.subscription_type is not None  # a stream is a Subscription field
    definition = schema.subscription_type.fields[field.name.value]
    arguments = get_argument_values(definition, field, executor.variable_values)
    opened = await stream.open(context, arguments)
    key = (query, name, orjson.dumps(variables, option=orjson.OPT_SORT_KEYS), opened.scope)
    load = roots.loader(stream, opened)

    async def render_root(root: Any) -> str:
        context.loaders = Loaders()  # a connection lives for hours: no cache outlives an event
        result = execute_subscription_event(executor.build_per_event_executor(root))
        if not isinstance(result, ExecutionResult):
            result = await result
        return json_text(payload(result))

    async def render(event: Event) -> str | Parts | None:
        root = await load(event)
        if root is None:
            return None
        if isinstance(root, Parts):
            return Parts([(part, await render_root(one)) for part, one in root])
        return await render_root(root)

    return Prepared(stream, opened, key, render, arguments)


def json_text(payload: dict[str, Any]) -> str:
    """The payload as JSON text in ASCII (other characters as \\u escapes). A frame is copied
    and UTF-8 encoded once per socket; a single non-ASCII character (Constanța) makes Python
    store the whole text two bytes per character, and that made every copy dearer."""
    text = orjson.dumps(payload).decode()
    if text.isascii():
        return text
    return json.dumps(payload, ensure_ascii=True, separators=(",", ":"))
