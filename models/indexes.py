"""The indexes the tables declare, and which of them a database lacks.

tortoise 1.1.9's migrations lose indexes two ways: `AddField` ignores `db_index` (on both
backends), and on SQLite every `AddField`/`AlterField`/`RemoveField` rebuilds the table, which
drops all of its indexes and unique constraints without making them again. A migration with
such a step ends with `restore` (RunPython); tests/test_indexes.py checks after migrating that
nothing the models declare is missing, and that every foreign key leads an index (the
visibility rules, loaders and pages filter by them; without one each is a scan of the table).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.indexes import Index
from tortoise.models import Model


@dataclass(frozen=True)
class Wanted:
    table: str
    columns: tuple[str, ...]
    unique: bool = False

    @property
    def name(self) -> str:
        """Unique per table and columns, within the 63 characters PostgreSQL keeps."""
        digest = hashlib.sha1(f"{self.table}:{','.join(self.columns)}".encode()).hexdigest()[:8]
        prefix = "uidx" if self.unique else "idx"
        return f"{prefix}_{self.table[:24]}_{self.columns[0][:20]}_{digest}"

    def met_by(self, present: Iterable[tuple[tuple[str, ...], bool]]) -> bool:
        """A unique index on the same columns (any order) enforces a unique one; any index
        that starts with the columns serves a plain one."""
        for columns, unique in present:
            if self.unique:
                if unique and set(columns) == set(self.columns):
                    return True
            elif columns[: len(self.columns)] == self.columns:
                return True
        return False


def _column(model: type[Model], name: str) -> str:
    meta = model._meta
    if name in meta.fk_fields or name in meta.o2o_fields:
        return str(meta.fields_map[name].source_field)
    return meta.fields_db_projection.get(name, name)


def declared(model: type[Model]) -> list[Wanted]:
    """Every index `model` declares: its fields' `db_index` and `unique`, `Meta.indexes` and
    `Meta.unique_together` (the primary key is the table's own)."""
    meta = model._meta
    table = meta.db_table
    wanted = []
    for name, column in meta.fields_db_projection.items():
        field = meta.fields_map[name]
        if field.pk:
            continue
        if field.unique:
            wanted.append(Wanted(table, (column,), unique=True))
        elif field.index:
            wanted.append(Wanted(table, (column,)))
    for index in meta.indexes:
        names = index.fields if isinstance(index, Index) else index
        wanted.append(Wanted(table, tuple(_column(model, name) for name in names)))
    for together in meta.unique_together:
        wanted.append(Wanted(table, tuple(_column(model, name) for name in together), unique=True))
    return wanted


# Foreign keys left without an index: the user who recorded a tracking event or a loading
# change. No read filters by them, users are never deleted (so no RESTRICT check scans), and
# an index would cost every event's write (bench: recordTrackingEvent on SQLite 514/s without
# the three new tracking_event indexes, 455-475/s with them).
UNINDEXED = {("tracking_event", "recorded_by_id"), ("loading_change", "recorded_by_id")}


def foreign_keys(model: type[Model]) -> list[Wanted]:
    """An index led by each foreign key column of `model` (but those UNINDEXED)."""
    table = model._meta.db_table
    columns = (_column(model, name) for name in sorted(model._meta.fk_fields))
    return [Wanted(table, (column,)) for column in columns if (table, column) not in UNINDEXED]


async def present(
    client: BaseDBAsyncClient, model: type[Model]
) -> list[tuple[tuple[str, ...], bool]]:
    """The indexes a table has, as (columns in order, unique), its primary key included."""
    table = model._meta.db_table
    found: list[tuple[tuple[str, ...], bool]] = [((model._meta.db_pk_column,), True)]
    if client.capabilities.dialect == "postgres":
        rows = await client.execute_query_dict(
            """SELECT x.indisunique AS is_unique,
                   array_agg(a.attname ORDER BY k.n) AS columns
            FROM pg_index x
            JOIN pg_class t ON t.oid = x.indrelid
            CROSS JOIN LATERAL unnest(x.indkey) WITH ORDINALITY AS k(attnum, n)
            JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
            WHERE t.relname = $1 AND t.relnamespace = current_schema()::regnamespace
            GROUP BY x.indexrelid, x.indisunique""",
            [table],
        )
        found += [(tuple(row["columns"]), bool(row["is_unique"])) for row in rows]
        return found
    for index in await client.execute_query_dict(f'PRAGMA index_list("{table}")'):
        columns = await client.execute_query_dict(f'PRAGMA index_info("{index["name"]}")')
        ordered = tuple(c["name"] for c in sorted(columns, key=lambda c: c["seqno"]))
        found.append((ordered, bool(index["unique"])))
    return found


async def missing(
    client: BaseDBAsyncClient, models: Iterable[type[Model]], *, keys: bool = False
) -> list[Wanted]:
    """What the tables of `models` declare and lack (`keys`: also foreign keys that lead no
    index)."""
    lacking = []
    for model in models:
        have = await present(client, model)
        wanted = declared(model) + (foreign_keys(model) if keys else [])
        lacking += [want for want in dict.fromkeys(wanted) if not want.met_by(have)]
    return lacking


class Repeated(Exception):
    """A unique index cannot be made again: rows written while it was lost repeat its key."""


async def restore(client: BaseDBAsyncClient, models: Iterable[type[Model]]) -> list[Wanted]:
    """Makes what the tables of `models` declare and lack; returns what it made. A unique one
    whose key rows repeat is not made: Repeated names the table, the columns and the keys, and
    the migration stops before anything else (nothing here picks which row to keep)."""
    made = await missing(client, models)
    for want in made:
        columns = ", ".join(f'"{column}"' for column in want.columns)
        if want.unique:
            repeated = await client.execute_query_dict(
                f'SELECT {columns}, COUNT(*) AS "rows" FROM "{want.table}" GROUP BY {columns} '
                "HAVING COUNT(*) > 1 LIMIT 5"
            )
            if repeated:
                raise Repeated(
                    f"{want.table} ({', '.join(want.columns)}) must be unique, but rows repeat "
                    f"these keys: {repeated}; remove the extra rows, then migrate again"
                )
        unique = "UNIQUE " if want.unique else ""
        # not execute_script: on SQLite it commits first, out of the migration's transaction
        await client.execute_query(
            f'CREATE {unique}INDEX IF NOT EXISTS "{want.name}" ON "{want.table}" ({columns})'
        )
    return made


async def restore_all(apps: Any, schema_editor: Any) -> None:
    """RunPython step: every table of the migration's state gets what it declares."""
    await restore(schema_editor.client, apps.apps["models"].values())
