"""Building input objects from their GraphQL values with a plan made once per type.

strawberry converts an input value field by field on every request: it resolves each field's
type, converts its Python name to the GraphQL one and walks the checks of `convert_argument`
again (9 % of the CPU of a `recordTrackingEvent`, about 200 µs). `compile_inputs` gives every
input type of a schema a `from_input` (strawberry's hook for types that build their own value)
that does what `convert_argument` does with what it works out once: each field's GraphQL name,
Python name and whether its value is a leaf (a scalar or an enum, which graphql-core has parsed
already and strawberry passes on as it is). Anything else (a nested input object, a list of
them) goes back to strawberry through `InputContext.convert`, which reaches the nested type's
own plan. tests/test_inputs.py holds it to strawberry's result for every input type.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

import strawberry
from strawberry.relay.types import GlobalID
from strawberry.scalars import is_scalar
from strawberry.schema.config import StrawberryConfig
from strawberry.types.arguments import InputContext
from strawberry.types.base import (
    StrawberryList,
    StrawberryMaybe,
    StrawberryObjectDefinition,
    StrawberryOptional,
)
from strawberry.types.enum import StrawberryEnumDefinition, has_enum_definition
from strawberry.types.lazy_type import LazyType
from strawberry.types.unset import UNSET

Convert = Callable[[object, InputContext, str], object]
# the fields that are None unless given, and each field's GraphQL name, Python name and how its
# value converts (None: a leaf, passed on as it is)
Plan = tuple[dict[str, None], list[tuple[str, str, Convert | None]]]


def compile_inputs(schema: strawberry.Schema) -> None:
    """Gives each input type of `schema` that has no `from_input` its planned one. A type
    with a `Maybe` field keeps strawberry's conversion (its null check is a validation rule
    that skips types with a `from_input`)."""
    for _, concrete in schema.schema_converter.type_map.items():
        definition = concrete.definition
        if (
            isinstance(definition, StrawberryObjectDefinition)
            and definition.is_input
            and definition.from_input is None
            and not any(isinstance(f.type, StrawberryMaybe) for f in definition.fields)
        ):
            definition.from_input = _planned(definition)


def _planned(definition: StrawberryObjectDefinition) -> Callable[..., object]:
    # by the StrawberryConfig whose names a plan uses (held, so that its id is not reused)
    plans: dict[int, tuple[StrawberryConfig, Plan]] = {}

    def from_input(cls: type, value: Mapping[str, Any], context: InputContext) -> object:
        found = plans.get(id(context.config))
        if found is None:
            found = plans[id(context.config)] = (context.config, _plan(definition, context))
        nulls, fields = found[1]
        kwargs: dict[str, object] = dict(nulls)
        for graphql_name, python_name, convert in fields:
            if graphql_name in value:
                item = value[graphql_name]
                kwargs[python_name] = (
                    item if convert is None else convert(item, context, graphql_name)
                )
        return cls(**kwargs)

    return from_input


def _plan(definition: StrawberryObjectDefinition, context: InputContext) -> Plan:
    # as strawberry: a field without a default is None unless the value has it (graphql-core
    # has checked that every required one is there)
    nulls = {
        field.python_name: None
        for field in definition.fields
        if field.default_value is dataclasses.MISSING
        and field.default_factory is dataclasses.MISSING
    }
    fields = []
    for field in definition.fields:
        type_ = field.resolve_type(type_definition=definition)
        fields.append(
            (
                context.config.name_converter.from_field(field),
                field.python_name,
                _converter(type_, context),
            )
        )
    return nulls, fields


def _converter(type_: Any, context: InputContext) -> Convert | None:
    """None when a value of `type_` converts to itself; else strawberry's conversion of it."""
    while isinstance(type_, StrawberryOptional | LazyType):
        type_ = type_.of_type if isinstance(type_, StrawberryOptional) else type_.resolve_type()
    if _leaf(type_, context):
        return None
    if isinstance(type_, StrawberryList):
        item = type_.of_type
        if isinstance(item, StrawberryOptional):
            item = item.of_type
        if _leaf(item, context):
            # strawberry copies a list of leaves: graphql-core hands every request that omits
            # it the same default list
            return _copy_list

    def convert(value: object, context: InputContext, name: str) -> object:
        return context.convert(value, type_, name)

    return convert


def _copy_list(value: object, context: InputContext, name: str) -> object:
    return value if value is None or value is UNSET else list(value)  # type: ignore[call-overload]


def _leaf(type_: Any, context: InputContext) -> bool:
    """A scalar or an enum: strawberry returns its value as graphql-core parsed it (a GlobalID
    it decodes, so it is not one here)."""
    if type_ is GlobalID:
        return False
    if isinstance(type_, StrawberryEnumDefinition) or has_enum_definition(type_):
        return True
    return is_scalar(type_, context.scalar_registry)
