"""On PostgreSQL the tests run in a database of their own, made for the run and dropped after it.

DATABASE_URL (or the test command's TEST_POSTGRES_URL) names the server: the run creates
`cargolive_test_<pid>` there, points DATABASE_URL at it (servers the tests start inherit it), and
drops it when the run ends, so a database the tests did not create is never changed, whatever
its name. Only connecting to the named database (or to `postgres`) is needed, to run CREATE
DATABASE.
"""

from __future__ import annotations

import asyncio
import os
from urllib.parse import urlsplit, urlunsplit

OWNED = "CARGOLIVE_TESTS_OWN_DATABASE"  # set to the database's name by the run that made it
PREFIX = "cargolive_test_"
_server: list[str] = []  # the URL the run was given: connected to for CREATE and DROP


def _with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


async def _admin(url: str, sql: str) -> None:
    import asyncpg

    dsn = url.replace("asyncpg://", "postgresql://", 1).replace("postgres://", "postgresql://", 1)
    try:
        connection = await asyncpg.connect(dsn, timeout=10)
    except asyncpg.InvalidCatalogNameError:  # the named database is missing: the server's own
        connection = await asyncpg.connect(_with_database(dsn, "postgres"), timeout=10)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def create(url: str) -> str:
    """Creates this run's database on the server of `url`; the URL to use instead."""
    name = f"{PREFIX}{os.getpid()}"
    asyncio.run(_admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    asyncio.run(_admin(url, f'CREATE DATABASE "{name}"'))
    os.environ[OWNED] = name
    _server.append(url)
    return _with_database(url, name)


def drop() -> None:
    """Drops the database this process's `create` made (only that one), closing what still
    uses it."""
    if not _server:
        return
    name = f"{PREFIX}{os.getpid()}"
    asyncio.run(_admin(_server[0], f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
