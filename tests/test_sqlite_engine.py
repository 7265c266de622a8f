"""The SQLite engine (api/sqlite.py) runs statements on the loop's thread: a lock held by another
connection makes a statement wait without stopping the loop, for as long as the busy timeout
says and no longer; a stale snapshot fails at once; executemany still waits in the thread."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from tortoise.exceptions import OperationalError

from api import db
from api.sqlite import InlineSqliteClient, is_busy
from tests.conftest import settings_with


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[tuple[InlineSqliteClient, Path]]:
    path = tmp_path / "engine.sqlite3"
    client = InlineSqliteClient(str(path), connection_name="engine", busy_timeout=400)
    await client.create_connection(with_db=True)
    await client.execute_query("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    try:
        yield client, path
    finally:
        await client.close()


def other(path: Path) -> sqlite3.Connection:
    """Another process's connection to the same file, in autocommit mode."""
    return sqlite3.connect(path, isolation_level=None, timeout=0)


async def ticking(until: asyncio.Event) -> int:
    """How many times the loop ran this task while `until` was unset (a blocked loop: once)."""
    ticks = 0
    while not until.is_set():
        ticks += 1
        await asyncio.sleep(0.005)
    return ticks


def test_the_settings_choose_this_engine_for_sqlite_only_and_pass_it_the_busy_timeout():
    sqlite = db.connection(settings_with(database_url="sqlite:///tmp/x.sqlite3?busy_timeout=100"))
    assert sqlite["engine"] == "api.sqlite"
    credentials = dict(sqlite["credentials"])
    path = credentials.pop("file_path")
    client = InlineSqliteClient(path, connection_name="x", **credentials)
    assert client.patience_ms == 100
    assert "busy_timeout" not in client.pragmas  # SQLite's own handler would block the loop
    postgres = db.connection(settings_with(database_url="postgres://u@localhost:5432/x"))
    assert postgres["engine"] == "tortoise.backends.asyncpg"


async def test_a_statement_waits_for_a_lock_while_the_loop_runs(engine):
    client, path = engine
    holder = other(path)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO t (v) VALUES ('theirs')")
    done = asyncio.Event()
    ticker = asyncio.create_task(ticking(done))
    asyncio.get_running_loop().call_later(0.1, holder.execute, "COMMIT")

    await client.execute_query("INSERT INTO t (v) VALUES ('ours')")
    done.set()

    assert await ticker > 5  # the loop went on while the statement waited
    _, rows = await client.execute_query("SELECT v FROM t ORDER BY id")
    assert [row["v"] for row in rows] == ["theirs", "ours"]
    holder.close()


async def test_a_lock_held_longer_than_the_busy_timeout_fails_the_statement(engine):
    client, path = engine
    holder = other(path)
    holder.execute("BEGIN IMMEDIATE")
    done = asyncio.Event()
    ticker = asyncio.create_task(ticking(done))
    loop = asyncio.get_running_loop()
    started = loop.time()

    with pytest.raises(OperationalError, match="database is locked"):
        await client.execute_query("INSERT INTO t (v) VALUES ('ours')")
    done.set()

    assert loop.time() - started >= 0.4  # it waited its busy timeout (400 ms), then gave up
    assert await ticker > 5
    holder.execute("ROLLBACK")
    _, rows = await client.execute_query("SELECT count(*) AS n FROM t")
    assert rows[0]["n"] == 0
    holder.close()


async def test_a_transaction_whose_snapshot_went_stale_fails_without_waiting(engine):
    """Its write could never succeed: SQLite reports SQLITE_BUSY_SNAPSHOT, not worth a retry."""
    client, path = engine
    holder = other(path)
    async with client._in_transaction() as transaction:
        await transaction.execute_query("SELECT count(*) FROM t")  # its snapshot, from here
        holder.execute("INSERT INTO t (v) VALUES ('theirs')")
        with pytest.raises(OperationalError) as refused:
            await transaction.execute_query("INSERT INTO t (v) VALUES ('ours')")
        cause = refused.value.args[0]
        assert isinstance(cause, sqlite3.OperationalError)
        assert cause.sqlite_errorname == "SQLITE_BUSY_SNAPSHOT"
        assert not is_busy(cause)
    holder.close()


async def test_executemany_waits_in_the_thread_with_a_busy_timeout(engine):
    client, path = engine
    holder = other(path)
    holder.execute("BEGIN IMMEDIATE")
    asyncio.get_running_loop().call_later(0.1, holder.execute, "COMMIT")

    await client.execute_many("INSERT INTO t (v) VALUES (?)", [["a"], ["b"], ["c"]])

    _, rows = await client.execute_query("SELECT v FROM t ORDER BY id")
    assert [row["v"] for row in rows] == ["a", "b", "c"]
    # and its statements after it have no busy handler again: they wait on the loop
    holder.execute("BEGIN IMMEDIATE")
    loop = asyncio.get_running_loop()
    loop.call_later(0.05, holder.execute, "COMMIT")
    done = asyncio.Event()
    ticker = asyncio.create_task(ticking(done))
    await client.execute_query("INSERT INTO t (v) VALUES ('d')")
    done.set()
    assert await ticker > 2
    holder.close()


async def test_other_tasks_run_between_statements_but_not_inside_a_transaction(engine):
    """Outside a transaction each statement lets the loop run other tasks first; inside one the
    statements run back to back (the transaction holds the connection and the write lock)."""
    client, _ = engine
    ran: list[str] = []

    async def statements(connection, tag: str) -> None:
        for n in range(3):
            await connection.execute_query(f"INSERT INTO t (v) VALUES ('{tag}{n}')")
            ran.append(f"{tag}{n}")

    async def other_task() -> None:
        for n in range(3):
            ran.append(f"other{n}")
            await asyncio.sleep(0)

    await asyncio.gather(statements(client, "a"), other_task())
    assert ran.index("other1") < ran.index("a2")  # interleaved
    ran.clear()
    async with client._in_transaction() as transaction:
        await asyncio.gather(statements(transaction, "b"), other_task())
    assert ran == ["b0", "b1", "b2", "other0", "other1", "other2"]  # back to back
    _, rows = await client.execute_query("SELECT count(*) AS n FROM t")
    assert rows[0]["n"] == 6


def test_a_lock_refusal_is_retried_and_other_errors_are_not(tmp_path):
    path = tmp_path / "plain.sqlite3"
    holder, refused = other(path), other(path)
    holder.execute("CREATE TABLE t (v TEXT)")
    holder.execute("BEGIN IMMEDIATE")
    with pytest.raises(sqlite3.OperationalError) as locked:
        refused.execute("INSERT INTO t VALUES ('x')")
    with pytest.raises(sqlite3.OperationalError) as missing:
        refused.execute("SELECT * FROM nowhere")
    assert is_busy(locked.value)
    assert not is_busy(missing.value)
    holder.close()
    refused.close()
