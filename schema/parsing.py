"""Parsing a query once per process (a screen sends the same few documents all day), and the
validation rules every document is checked with, over HTTP and WebSocket alike.

strawberry's ParserCache parses in its `on_parse` hook, outside the `try` that turns a syntax
error into a GraphQL error, so a query that does not parse failed as an unexpected exception
(STACK_NOTES). Here a document that does not parse is left alone: strawberry parses it again
itself and answers with the syntax error as usual.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Hashable, Iterator
from typing import Any, Generic, TypeVar

import strawberry
from graphql import DocumentNode, GraphQLError, GraphQLSchema, build_schema, parse
from graphql.validation import ASTValidationRule, NoSchemaIntrospectionCustomRule
from strawberry.extensions import SchemaExtension
from strawberry.extensions.max_aliases import create_validator as alias_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_rule

V = TypeVar("V")


@functools.lru_cache(maxsize=8)
def validation_rules(
    max_depth: int, max_aliases: int, introspection: bool
) -> tuple[type[ASTValidationRule], ...]:
    """The rules on top of the specification's. Made once per setting: QueryDepthLimiter and
    MaxAliasesLimiter make a new rule class for every request, and ValidationCache, whose key
    holds the rules, then never hits."""
    rules: list[type[ASTValidationRule]] = [
        depth_rule(max_depth, None, None),
        alias_rule(max_aliases),
    ]
    if not introspection:
        rules.append(NoSchemaIntrospectionCustomRule)
    return tuple(rules)


@functools.lru_cache(maxsize=256)
def parsed(query: str, max_tokens: int | None) -> DocumentNode:
    return parse(query, max_tokens=max_tokens)


class PerSchema(Generic[V]):
    """A bounded cache per schema that lives only as long as its schema: a cache keyed by the
    schema itself kept every schema a process built (a test session builds many), and an id()
    key may name a dead schema's successor. A flood of distinct keys starts it over."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._caches: weakref.WeakKeyDictionary[Any, dict[Hashable, V]] = (
            weakref.WeakKeyDictionary()
        )

    def get(self, schema: Any, key: Hashable) -> V | None:
        cache = self._caches.get(schema)
        return None if cache is None else cache.get(key)

    def put(self, schema: Any, key: Hashable, value: V) -> None:
        cache = self._caches.setdefault(schema, {})
        if len(cache) >= self.limit:
            cache.clear()
        cache[key] = value


_VALIDATED: PerSchema[list[GraphQLError]] = PerSchema(1024)


class ParseOnce(SchemaExtension):
    """Parses and validates a query text once per process (a persisted query's hash names its
    text, so a known hash skips both). strawberry's ValidationCache keys its cache by the
    document node, and hashing a node walks its whole tree: 170 µs for the tracking page's
    query, on every request. Here the key is the text (whose hash Python keeps), and only a
    document that came out of `parsed` for that text is looked up."""

    _text_key: tuple[Any, ...] | None = None

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        options = context.parse_options
        if context.query and context.graphql_document is None and set(options) <= {"max_tokens"}:
            try:
                context.graphql_document = parsed(context.query, options.get("max_tokens"))
                self._text_key = (context.query, options.get("max_tokens"))
            except GraphQLError:
                pass  # strawberry parses it again and reports the error
        yield

    def on_validate(self) -> Iterator[None]:
        # strawberry validates between the two halves of this hook unless errors are set
        # already: a text validated before gets its errors from here, a new one is validated by
        # strawberry (its rules for @oneOf and Maybe included) and its errors kept afterwards.
        context = self.execution_context
        if self._text_key is None or context.pre_execution_errors is not None:
            yield
            return
        key = (*self._text_key, tuple(context.validation_rules))
        known = _VALIDATED.get(context.schema, key)
        if known is not None:
            context.pre_execution_errors = known
        yield
        if known is None and context.pre_execution_errors is not None:
            _VALIDATED.put(context.schema, key, context.pre_execution_errors)


@functools.lru_cache(maxsize=4)
def types_of(schema: strawberry.Schema) -> GraphQLSchema:
    """The served schema's types as graphql-core's, built from its printed SDL (strawberry's
    public view of it), for what needs types only: validating a document and costing it.
    Execution goes through strawberry's own Schema.execute and Schema.subscribe."""
    return build_schema(schema.as_str())
