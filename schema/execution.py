"""Executing a query without paying for every plain field as for a resolver.

graphql-core runs each field through the same steps: the field's definition, an info object
of fifteen entries, its arguments, strawberry's resolver wrapper (two calls that end in
`getattr`), two awaitable checks and `complete_value`'s recursion through NonNull to the leaf.
Most fields of a page are none of that: an attribute (an event's `type`, a place's `name`)
whose type is a scalar or an enum. `PlainLeaves` reads such a field and coerces it directly;
anything else, and any value it cannot finish (None where the type is non-null, an awaitable,
an error), goes the usual way, which raises and locates its errors as always.

Measured on the tracking page (285 fields, 232 of them such leaves; `python -m
bench.read_cpu`, cache off): bench/RESULTS.md ("reads: cheaper where the cache misses").
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from enum import Enum, EnumMeta
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLLeafType,
    GraphQLObjectType,
    GraphQLSchema,
)
from graphql.pyutils import Path, Undefined
from graphql.type import get_nullable_type, is_leaf_type
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

Plan = tuple[str, Callable[[Any], Any], bool] | None
_UNKNOWN: Any = object()
# per schema: a field definition's id (stable while its schema lives) -> its plan
_PLANS: weakref.WeakKeyDictionary[GraphQLSchema, dict[int, Plan]] = weakref.WeakKeyDictionary()


def plan(field: GraphQLField | None) -> Plan:
    """(attribute, its coercion, nullable) for a field that strawberry resolves with `getattr`
    alone (no resolver, no extension) and whose type is a scalar or an enum; None otherwise."""
    if field is None:
        return None
    definition = field.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if not isinstance(definition, StrawberryField) or not definition.is_basic_field:
        return None
    if definition.default_resolver is not getattr or field.args:
        return None
    leaf = get_nullable_type(field.type)
    if not is_leaf_type(leaf):
        return None
    return definition.python_name, coercion(leaf), leaf is field.type


def coercion(leaf: GraphQLLeafType) -> Callable[[Any], Any]:
    """The leaf's own `coerce_output_value`; for an enum of strawberry's, a look-up of the
    member's name first (strawberry compares the value with each of the enum's in turn)."""
    wrapped = getattr(leaf, "wrapped_cls", None)
    if not isinstance(leaf, GraphQLEnumType) or not isinstance(wrapped, EnumMeta):
        return leaf.coerce_output_value
    names: dict[Any, str] = {}
    members: list[Enum] = list(wrapped)
    for member in members:
        for name, value in leaf.values.items():
            if member.value == value.value:  # the first, as strawberry's own loop finds it
                names[member] = name
                break
    fallback = leaf.coerce_output_value

    def coerce(value: Any) -> Any:
        name = names.get(value) if isinstance(value, wrapped) else None
        return fallback(value) if name is None else name

    return coerce


class PlainLeaves(StrawberryGraphQLCoreExecutionContext):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plans = _PLANS.get(self.schema)
        if plans is None:
            plans = _PLANS[self.schema] = {}
        self._plans = plans
        # strawberry passes a manager per request, empty unless an extension wraps resolvers
        manager = self.middleware_manager
        self._plain = manager is None or not manager.middlewares

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: Any,
        path: Path,
        position_context: Any,
    ) -> Any:
        field = self.schema.get_field(parent_type, field_details_list[0].node.name.value)
        found = self._plans.get(id(field), _UNKNOWN)
        if found is _UNKNOWN:
            found = self._plans[id(field)] = plan(field)
        if found is not None and self._plain:
            name, coerce, nullable = found
            try:
                value = getattr(source, name)
                if value is None:
                    if nullable:
                        return None
                elif not self.is_awaitable(value):
                    coerced = coerce(value)
                    if coerced is not None and coerced is not Undefined:
                        return coerced
            except Exception:  # the usual path below raises it again, located
                pass
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )
