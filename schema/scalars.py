"""Strict inputs: the boundary every argument and variable of every domain crosses.

strawberry's own scalars parse `"١٠.00"` as 10.00 and `"1_000"` as 1000 (Decimal) and accept
date-times whose conversion to UTC overflows; any text could carry NUL (PostgreSQL then refuses
the row). Each refusal here names the variable's or argument's path and is coded INVALID_INPUT
(schema/errors.py); nothing runs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import dateutil.parser  # type: ignore[import-untyped]  # strawberry's own parser, no stubs
from graphql import (
    ArgumentNode,
    DocumentNode,
    GraphQLError,
    ListValueNode,
    ObjectValueNode,
    StringValueNode,
    ValueNode,
    Visitor,
    visit,
)
from graphql import ExecutionResult as GraphQLExecutionResult
from strawberry.extensions import SchemaExtension
from strawberry.schema.types.base_scalars import DateTimeDefinition, DecimalDefinition
from strawberry.types.scalar import ScalarDefinition

from models import validators

EARLIEST = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(9000, 1, 1, tzinfo=dt.UTC)


class InputRefused(ValueError):
    """A value no field accepts, whatever its rules: coded INVALID_INPUT where it surfaces."""


def _decimal(value: object) -> Decimal:
    try:
        return validators.decimal_text(value)
    except ValueError as error:
        raise InputRefused(str(error)) from None


def _date_time(value: object) -> dt.datetime:
    if not isinstance(value, str) or not value.isascii():
        raise InputRefused("must be an ISO 8601 date-time like 2026-05-01T09:00:00Z")
    try:
        parsed = dateutil.parser.isoparse(value)
    except (ValueError, OverflowError):
        raise InputRefused("must be an ISO 8601 date-time like 2026-05-01T09:00:00Z") from None
    if parsed.tzinfo is not None:
        try:
            in_utc = parsed.astimezone(dt.UTC)
        except OverflowError:
            raise InputRefused("is out of range") from None
        if not EARLIEST <= in_utc < LATEST:
            raise InputRefused("must be between the years 1900 and 8999")
    return parsed


def _like(definition: ScalarDefinition, parse_value: Any) -> ScalarDefinition:
    return ScalarDefinition(
        name=definition.name,
        description=definition.description,
        specified_by_url=definition.specified_by_url,
        serialize=definition.serialize,
        parse_value=parse_value,
        parse_literal=None,
        origin=definition.origin,
    )


OVERRIDES: dict[object, Any] = {
    dt.datetime: _like(DateTimeDefinition, _date_time),
    Decimal: _like(DecimalDefinition, _decimal),
}


def control_characters(
    query: str | None, document: DocumentNode, variables: dict[str, Any] | None
) -> GraphQLError | None:
    """An INVALID_INPUT error for the first text holding a control character (NUL and the like:
    PostgreSQL refuses NUL in any text, the login e-mail included), in a variable or a literal."""
    literals = _LITERALS.get(query) if query is not None else None
    if literals is None:
        literals = _literal_texts(document)
        if query is not None:
            if len(_LITERALS) >= 1024:
                _LITERALS.clear()
            _LITERALS[query] = literals
    for path, text in [*literals, *_texts(variables or {}, [])]:
        if (character := validators.control_character(text)) is not None:
            return GraphQLError(
                f"{'.'.join(map(str, path))} must not contain the control character {character}",
                extensions={"code": "INVALID_INPUT", "field": [str(part) for part in path]},
            )
    return None


def _texts(value: Any, path: list[str | int]) -> Iterator[tuple[list[str | int], str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for name, item in value.items():
            yield from _texts(item, [*path, name])
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts(item, [*path, index])


# The literal texts of a document, by the query's text (hashing a document node walks it all).
_LITERALS: dict[str, tuple[tuple[list[str | int], str], ...]] = {}


def _literal_texts(document: DocumentNode) -> tuple[tuple[list[str | int], str], ...]:
    found: list[tuple[list[str | int], str]] = []

    class Texts(Visitor):
        def enter_argument(self, node: ArgumentNode, *_: Any) -> None:
            found.extend(_literals(node.value, [node.name.value]))

    visit(document, Texts())
    return tuple(found)


def _literals(value: ValueNode, path: list[str | int]) -> Iterator[tuple[list[str | int], str]]:
    if isinstance(value, StringValueNode):
        yield path, value.value
    elif isinstance(value, ObjectValueNode):
        for field in value.fields:
            yield from _literals(field.value, [*path, field.name.value])
    elif isinstance(value, ListValueNode):
        for index, item in enumerate(value.values):
            yield from _literals(item, [*path, index])


class InputGuard(SchemaExtension):
    """Refuses, before anything runs, an operation whose text inputs hold control characters."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is not None and context.result is None:
            error = control_characters(context.query, context.graphql_document, context.variables)
            if error is not None:
                context.result = GraphQLExecutionResult(data=None, errors=[error])
        yield
