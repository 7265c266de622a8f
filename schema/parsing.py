"""Parsing a query once per process: a screen sends the same few documents all day.

strawberry's ParserCache parses in its `on_parse` hook, outside the `try` that turns a syntax
error into a GraphQL error, so a query that does not parse failed as an unexpected exception
(STACK_NOTES). Here a document that does not parse is left alone: strawberry parses it again
itself and answers with the syntax error as usual.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

from graphql import DocumentNode, GraphQLError, parse
from strawberry.extensions import SchemaExtension


@functools.lru_cache(maxsize=256)
def parsed(query: str, max_tokens: int | None) -> DocumentNode:
    return parse(query, max_tokens=max_tokens)


class ParseOnce(SchemaExtension):
    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        options: dict[str, Any] = context.parse_options
        if context.query and context.graphql_document is None and set(options) <= {"max_tokens"}:
            try:
                context.graphql_document = parsed(context.query, options.get("max_tokens"))
            except GraphQLError:
                pass  # strawberry parses it again and reports the error
        yield
