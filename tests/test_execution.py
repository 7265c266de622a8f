"""PlainLeaves (schema/execution.py) answers exactly as graphql-core's own execution does:
the same data and the same errors, with their messages, paths and locations, for every kind of
value a plain field can hold, and for fields that are not plain."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import pytest
import strawberry
from graphql import GraphQLObjectType, GraphQLSchema
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from schema.execution import PlainLeaves, plan


@strawberry.enum
class Colour(enum.Enum):
    RED = "RED"
    BLUE = "BLUE"


@strawberry.type
class Place:
    name: str
    country: str | None


class Broken(Exception):
    pass


@strawberry.type
class Item:
    id: strawberry.ID
    count: int
    ratio: float
    ready: bool
    colour: Colour
    at: dt.datetime
    note: str | None
    place: Place
    tags: list[str]
    required: str  # set to None below: an error that nulls the item

    @strawberry.field
    def shout(self) -> str:
        return self.note.upper() if self.note else "-"

    @strawberry.field
    async def later(self) -> int:
        return self.count + 1


class RaisingColour:
    """An item whose colour is a property that raises."""

    def __init__(self, base: Item) -> None:
        self.__dict__.update(vars(base))

    @property
    def colour(self) -> Colour:
        raise Broken("cannot read the colour")


def item(number: int, **changes: object) -> Item:
    values: dict[str, object] = dict(
        id=strawberry.ID(str(number)),
        count=number,
        ratio=number / 3,
        ready=number % 2 == 0,
        colour=Colour.RED if number % 2 else Colour.BLUE,
        at=dt.datetime(2026, 12, 4, 12, number, tzinfo=dt.UTC),
        note=None if number % 3 == 0 else f"note {number}",
        place=Place(name=f"Port {number}", country=None if number % 2 else "RO"),
        tags=[f"t{number}", "x"],
        required="yes",
    )
    values.update(changes)
    return Item(**values)  # type: ignore[arg-type]


@strawberry.type
class Query:
    @strawberry.field
    def items(self) -> list[Item]:
        return [item(number) for number in range(1, 7)]

    @strawberry.field
    def odd(self) -> list[Item | None]:
        broken = RaisingColour(item(7))
        return [item(8, required=None), item(9, count="nine"), broken, item(10)]  # type: ignore[list-item]


EVERYTHING = """
{ items { id count ratio ready colour at note shout later required
          place { name country } tags }
  odd { id count colour required note } }
"""


def schema_with(context: type) -> strawberry.Schema:
    return strawberry.Schema(query=Query, execution_context_class=context)


async def test_answers_and_errors_are_those_of_graphql_core():
    ours = await schema_with(PlainLeaves).execute(EVERYTHING)
    theirs = await schema_with(StrawberryGraphQLCoreExecutionContext).execute(EVERYTHING)
    assert ours.data == theirs.data
    assert ours.data is not None and len(ours.data["items"]) == 6
    assert [error.formatted for error in ours.errors or []] == [
        error.formatted for error in theirs.errors or []
    ]
    messages = {error.message for error in ours.errors or []}
    assert "cannot read the colour" in messages
    assert any("non-nullable" in message for message in messages)
    assert any("Int cannot represent" in message for message in messages)


@pytest.mark.parametrize(
    ("type_name", "field_name", "plain"),
    [
        ("Item", "count", True),
        ("Item", "colour", True),
        ("Item", "at", True),
        ("Item", "note", True),
        ("Item", "place", False),  # an object: its fields are executed
        ("Item", "tags", False),  # a list
        ("Item", "shout", False),  # a resolver
        ("Item", "later", False),
    ],
)
async def test_only_attributes_of_scalar_or_enum_type_are_plain(type_name, field_name, plain):
    class Recording(PlainLeaves):
        schemas: list[GraphQLSchema] = []

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.schemas.append(self.schema)

    await schema_with(Recording).execute("{ items { id } }")
    graphql_type = Recording.schemas[-1].get_type(type_name)
    assert isinstance(graphql_type, GraphQLObjectType)
    assert (plan(graphql_type.fields[field_name]) is not None) is plain


async def test_plain_fields_skip_the_resolver_path(monkeypatch):
    """The point of it: no plain field of a whole item goes through graphql-core's
    execute_field; every other field does."""
    from graphql.execution.executor import Executor

    slow: list[str] = []
    usual = Executor.execute_field

    def counted(self, parent_type, source, field_details_list, path, position_context):
        slow.append(f"{parent_type.name}.{field_details_list[0].node.name.value}")
        return usual(self, parent_type, source, field_details_list, path, position_context)

    monkeypatch.setattr(Executor, "execute_field", counted)
    result = await schema_with(PlainLeaves).execute(
        "{ items { id count colour at note shout place { name country } tags } }"
    )
    assert result.errors is None
    assert sorted(set(slow)) == ["Item.place", "Item.shout", "Item.tags", "Query.items"]
