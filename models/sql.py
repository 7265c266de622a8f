"""Hand-written SQL for the few hot statements where building the query through the ORM costs
more than running it: tortoise spends 0.3-1 ms of CPU composing a statement that PostgreSQL
answers in 0.1 ms. Used for the token look-up (every request), the shipment a write names,
tracking events and the event log (every write); values go through the models' own fields, so
rows read the same."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar, cast

from tortoise import Tortoise
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model

M = TypeVar("M", bound=Model)


class Params:
    """Placeholders in the order they appear: `?` for SQLite, `$n` for PostgreSQL."""

    def __init__(self, dialect: str) -> None:
        self.numbered = dialect == "postgres"
        self.values: list[Any] = []

    def __call__(self, value: Any) -> str:
        self.values.append(value)
        return f"${len(self.values)}" if self.numbered else "?"


def default() -> tuple[BaseDBAsyncClient, Params]:
    """The default connection and an empty set of placeholders in its dialect."""
    connection = Tortoise.get_connection("default")
    return connection, Params(connection.capabilities.dialect)


def column(model: type[Model], name: str) -> str:
    """The quoted column of the field `name` of `model`."""
    return f'"{model._meta.fields_db_projection[name]}"'


def db_value(model: type[Model], name: str, value: Any) -> Any:
    """`value` as the field `name` of `model` stores it (for a hand-written statement)."""
    # no instance: these statements are built from values, not from a model object
    return model._meta.fields_map[name].to_db_value(value, cast(Model, None))


def python_value(model: type[Model], name: str, value: Any) -> Any:
    """A column read by a hand-written statement, as the field `name` of `model` reads it."""
    return model._meta.fields_map[name].to_python_value(value)


def insert_text(
    model: type[Model],
    rows: Sequence[Mapping[str, Any]],
    p: Params,
    after: str | None = None,
    computed: Mapping[str, str] | None = None,
) -> str:
    """INSERT of `rows` (values by field name). With `after` (a one-row relation, such as a
    CTE that takes a lock) or `computed` (SQL expressions by field name, such as a column of
    `after`), one row SELECTed instead: its defaults (a seq) are drawn only once `after` is
    read."""
    names = list(rows[0])
    values = [", ".join(p(db_value(model, name, row[name])) for name in names) for row in rows]
    computed = computed or {}
    columns = ", ".join(column(model, name) for name in [*names, *computed])
    into = f'INSERT INTO "{model._meta.db_table}" ({columns})'
    if after is None and not computed:
        return f"{into} VALUES " + ", ".join(f"({row})" for row in values)
    (one,) = values
    selected = ", ".join(part for part in [one, *computed.values()] if part)
    return f"{into} SELECT {selected}" + (f" FROM {after}" if after else "")


async def insert(
    connection: BaseDBAsyncClient,
    model: type[Model],
    rows: Sequence[Mapping[str, Any]],
    returning: str | None = None,
) -> list[Any]:
    """INSERTs `rows` (values by field name, all rows with the same fields) in one statement;
    the `returning` field of each row, in order, when asked."""
    p = Params(connection.capabilities.dialect)
    text = insert_text(model, rows, p)
    if returning is None:
        await connection.execute_query(text, p.values)
        return []
    found = await connection.execute_query_dict(
        f"{text} RETURNING {column(model, returning)}", p.values
    )
    name = model._meta.fields_db_projection[returning]
    return [row[name] for row in found]


async def by_key(model: type[M], key: Any) -> M | None:
    """The row of `model` whose primary key is `key`, as the ORM would have read it, or None."""
    connection, p = default()
    pk = column(model, model._meta.pk_attr)
    rows = await connection.execute_query_dict(
        f'SELECT * FROM "{model._meta.db_table}" WHERE {pk} = {p(key)}', p.values
    )
    return model._init_from_db(**rows[0]) if rows else None


async def create(connection: BaseDBAsyncClient, model: type[M], values: Mapping[str, Any]) -> M:
    """INSERTs one row and returns it as the ORM would have read it back."""
    p = Params(connection.capabilities.dialect)
    (row,) = await connection.execute_query_dict(
        f"{insert_text(model, [values], p)} RETURNING *", p.values
    )
    return model._init_from_db(**row)


async def update(
    connection: BaseDBAsyncClient, model: type[Model], key: Any, values: Mapping[str, Any]
) -> None:
    """UPDATEs the row whose primary key is `key` with `values` (by field name)."""
    p = Params(connection.capabilities.dialect)
    changes = ", ".join(
        f"{column(model, name)} = {p(db_value(model, name, value))}"
        for name, value in values.items()
    )
    pk = model._meta.pk_attr
    await connection.execute_query(
        f'UPDATE "{model._meta.db_table}" SET {changes} WHERE {column(model, pk)} = {p(key)}',
        p.values,
    )
