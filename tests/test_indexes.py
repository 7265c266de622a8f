"""After every migration, the database has each index the models declare, and an index led by
every foreign key: tortoise's migrations lose some (models/indexes.py), and a page whose filter
has no index reads the whole table, so that its cost grows with the table, not the page."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from tortoise import Tortoise
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from models import indexes
from models.calculations.tables import InlandRate
from models.indexes import Wanted
from models.shipments.tables import TrackingEvent, Vehicle
from models.sql import Params


class _Rollback(Exception):
    pass


@asynccontextmanager
async def rolled_back() -> AsyncIterator[BaseDBAsyncClient]:
    """A transaction that is always rolled back, its DDL with it (both backends)."""
    try:
        async with in_transaction() as connection:
            yield connection
            raise _Rollback
    except _Rollback:
        pass


def models() -> list:
    return list(Tortoise.apps["models"].values())


async def test_every_declared_index_and_every_foreign_key_index_is_there(database):
    client = Tortoise.get_connection("default")
    assert await indexes.missing(client, models(), keys=True) == []


async def test_the_pages_filters_have_their_indexes(database):
    """The tracking page joins the log to its events by seq and reads a shipment's vehicles."""
    client = Tortoise.get_connection("default")
    for model, columns in ((TrackingEvent, ("seq",)), (Vehicle, ("shipment_id",))):
        assert Wanted(model._meta.db_table, columns).met_by(await indexes.present(client, model))


async def test_a_lost_index_is_found_and_made_again(database):
    """What a SQLite table rebuild does to a table's indexes, undone; rolled back after."""
    table = TrackingEvent._meta.db_table
    seq = Wanted(table, ("seq",))

    async with rolled_back() as connection:
        for name in await _index_names(connection, table):
            await connection.execute_query(f'DROP INDEX "{name}"')
        lost = await indexes.missing(connection, [TrackingEvent], keys=True)
        assert seq in lost
        assert {want.columns for want in lost} >= {("shipment_id",), ("container_id",)}
        assert await indexes.restore(connection, [TrackingEvent]) == [
            want for want in lost if want in indexes.declared(TrackingEvent)
        ]
        assert await indexes.missing(connection, [TrackingEvent], keys=True) == []
    assert await indexes.missing(Tortoise.get_connection("default"), [TrackingEvent]) == []


async def _index_names(connection, table: str) -> list[str]:
    if connection.capabilities.dialect == "postgres":
        rows = await connection.execute_query_dict(
            """SELECT i.relname AS name FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
            WHERE t.relname = $1 AND NOT x.indisprimary""",
            [table],
        )
        return [row["name"] for row in rows]
    rows = await connection.execute_query_dict(f'PRAGMA index_list("{table}")')
    return [row["name"] for row in rows if row["origin"] == "c"]


async def test_a_lost_unique_index_over_repeated_rows_is_refused_by_name(database):
    """Rows written while a unique index was lost may repeat its key: the migration stops with
    the table, the columns and the keys, and makes nothing (it cannot know which row to keep).
    The table is rebuilt without its constraints, as SQLite's rebuild leaves it; rolled back."""
    table = InlandRate._meta.db_table

    async with rolled_back() as connection:
        for statement in (  # one by one: SQLite's executescript commits first
            f'CREATE TABLE "{table}_bare" AS SELECT * FROM "{table}"',
            f'DROP TABLE "{table}"',
            f'ALTER TABLE "{table}_bare" RENAME TO "{table}"',
        ):
            await connection.execute_query(statement)
        for key in (1, 2):
            p = Params(connection.capabilities.dialect)
            await connection.execute_query(
                f'INSERT INTO "{table}" (id, region, vehicle_class, amount, currency, demo) '
                f"VALUES ({p(key)}, {p('Ohio')}, 'SEDAN', 1, 'USD', FALSE)",
                p.values,
            )
        with pytest.raises(indexes.Repeated, match=r"calc_inland_rate \(region, vehicle_class\)"):
            await indexes.restore(connection, [InlandRate])
        lost = await indexes.missing(connection, [InlandRate])
        assert Wanted(table, ("region", "vehicle_class"), unique=True) in lost
    assert await indexes.missing(Tortoise.get_connection("default"), [InlandRate]) == []
