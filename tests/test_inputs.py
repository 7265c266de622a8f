"""Input objects built by their plans (schema/inputs.py) equal strawberry's own conversion, for
every input type of the schema and any value graphql-core can hand over."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from strawberry.types.arguments import convert_argument
from strawberry.types.base import StrawberryObjectDefinition
from strawberry.types.unset import UNSET

from schema import schema

INPUTS = sorted(
    (
        t.definition
        for t in schema.schema_converter.type_map.values()
        if isinstance(t.definition, StrawberryObjectDefinition) and t.definition.is_input
    ),
    key=lambda d: d.name,
)


def graphql_type(definition: StrawberryObjectDefinition) -> GraphQLInputObjectType:
    found = schema._schema.get_type(definition.name)
    assert isinstance(found, GraphQLInputObjectType)
    return found


def values(type_: GraphQLInputType, depth: int = 0) -> st.SearchStrategy[Any]:
    """What graphql-core gives a resolver for `type_` (its leaves as it parsed them); null and
    UNSET wherever the type is nullable."""
    if isinstance(type_, GraphQLNonNull):
        return given_values(type_.of_type, depth)
    return st.one_of(st.none(), st.just(UNSET), given_values(type_, depth))


def given_values(type_: GraphQLInputType, depth: int) -> st.SearchStrategy[Any]:
    if isinstance(type_, GraphQLList):
        return st.lists(values(type_.of_type, depth + 1), max_size=3)
    if isinstance(type_, GraphQLEnumType):
        return st.sampled_from([v.value for v in type_.values.values()])
    if isinstance(type_, GraphQLInputObjectType):
        if depth > 3:
            return st.nothing()
        fields = {
            name: values(field.type, depth + 1)
            for name, field in type_.fields.items()
            if not (depth > 2 and not isinstance(field.type, GraphQLNonNull))
        }
        return st.fixed_dictionaries({}, optional=fields)
    return st.one_of(st.text(max_size=5), st.integers(), st.booleans())  # passed on as given


@contextmanager
def strawberry_conversion() -> Iterator[None]:
    """Every input type converted by strawberry's generic code, as without the plans."""
    saved = [(d, d.from_input) for d in INPUTS]
    for definition, _ in saved:
        definition.from_input = None
    try:
        yield
    finally:
        for definition, planned in saved:
            definition.from_input = planned


def convert(definition: StrawberryObjectDefinition, value: dict[str, Any]) -> Any:
    registry = schema.schema_converter.scalar_registry
    return convert_argument(value, definition.origin, registry, schema.config)


def shape(value: Any) -> Any:
    """`value` with its classes spelt out, so that equal means the same classes too."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: shape(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return (type(value).__qualname__, fields)
    if isinstance(value, list):
        return ["list", *(shape(item) for item in value)]
    return (type(value).__qualname__, value)


def test_every_input_type_has_its_plan() -> None:
    assert len(INPUTS) > 30
    assert all(definition.from_input is not None for definition in INPUTS)


@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_each_input_type_converts_as_strawberry_converts_it(data: st.DataObject) -> None:
    for definition in INPUTS:
        value = data.draw(given_values(graphql_type(definition), 0), label=definition.name)
        planned = convert(definition, value)
        with strawberry_conversion():
            expected = convert(definition, value)
        assert shape(planned) == shape(expected), definition.name
        assert type(planned) is definition.origin


def test_a_list_of_leaves_is_a_copy() -> None:
    """graphql-core hands every request that omits a list the same default: the input keeps
    its own copy, as strawberry's conversion does."""
    with_lists = [
        (definition, name)
        for definition in INPUTS
        for name, field in graphql_type(definition).fields.items()
        if isinstance(getattr(field.type, "of_type", field.type), GraphQLList)
        or isinstance(field.type, GraphQLList)
    ]
    assert with_lists
    for definition, name in with_lists:
        given_list: list[Any] = []
        required = {
            n: None
            for n, f in graphql_type(definition).fields.items()
            if isinstance(f.type, GraphQLNonNull)
        }
        built = convert(definition, {**required, name: given_list})
        python_name = next(
            f.python_name
            for f in definition.fields
            if schema.config.name_converter.from_field(f) == name
        )
        kept = getattr(built, python_name)
        if isinstance(kept, list):
            assert kept == [] and kept is not given_list, (definition.name, name)
