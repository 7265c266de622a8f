"""One database per test session (migrated, never generated), emptied after every test.

DATABASE_URL and BROADCAST_URL choose the backends: SQLite + memory by default, PostgreSQL +
Redis when the test command's second pass sets them. In CI a missing service fails the run.
On PostgreSQL, DATABASE_URL names the server only: the run works in a database of its own,
`cargolive_test_<pid>`, created there and dropped at the end (tests/own_database.py).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import httpx2
import pytest
from tortoise import Tortoise

from api import db
from api.app import create_app
from api.settings import Settings, load_settings
from models.enums import Role
from tests import own_database
from tests.factories import Factory, Party
from tests.processes import RedisServer
from tests.servers import running

TMP = Path(tempfile.mkdtemp(prefix="cargolive-tests-"))
os.environ.setdefault("DATABASE_URL", f"sqlite://{TMP / 'test.sqlite3'}")
os.environ.setdefault("BROADCAST_URL", "memory://")
os.environ.setdefault("CARGOLIVE_LOG_LEVEL", "WARNING")
os.environ.setdefault("CARGOLIVE_STORAGE_URL", (TMP / "files").as_uri())
# Tests raise SLA alerts by calling the check; a background round would also raise them for the
# past timers clock.travel makes, and put its queries into the counted ones.
os.environ.setdefault("CARGOLIVE_SLA_CHECK_SECONDS", "0")
# Tests that deliver webhooks or mail run their own worker; elsewhere its polls would only add
# queries to the counted ones.
os.environ.setdefault("CARGOLIVE_DELIVERY_POLL_SECONDS", "0")

if os.environ["DATABASE_URL"].startswith(("postgres", "asyncpg")) and (
    own_database.OWNED not in os.environ
):
    try:
        os.environ["DATABASE_URL"] = own_database.create(os.environ["DATABASE_URL"])
    except Exception as error:
        pytest.exit(f"cannot create the tests' own database on DATABASE_URL's server: {error}", 2)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    own_database.drop()


def postgres() -> bool:
    return os.environ["DATABASE_URL"].startswith(("postgres", "asyncpg"))


def settings_with(**overrides: object) -> Settings:
    return load_settings(**overrides)


@pytest.fixture(scope="session")
async def database() -> AsyncIterator[Settings]:
    settings = settings_with()  # on PostgreSQL a new database, made above for this run
    await db.migrate(settings)
    await Tortoise.close_connections()
    await db.init(settings)
    yield settings
    await db.close()


def _tables() -> list[str]:
    return [model._meta.db_table for model in Tortoise.apps["models"].values()]


@pytest.fixture(autouse=True)
async def clean(database: Settings) -> AsyncIterator[None]:
    yield
    connection = Tortoise.get_connection("default")
    tables = _tables()
    if postgres():
        quoted = ", ".join(f'"{name}"' for name in tables)
        # Identities keep counting: seqs and ids are never reused, as in production.
        await connection.execute_script(f"TRUNCATE {quoted} CASCADE")
    else:
        script = "".join(f'DELETE FROM "{name}";' for name in tables)
        await connection.execute_script(
            "PRAGMA foreign_keys = OFF;" + script + "PRAGMA foreign_keys = ON;"
        )


@pytest.fixture
async def app(database: Settings):
    application = create_app(database, manage_database=False)
    async with application.router.lifespan_context(application):
        await application.state.limits.reset()
        yield application


@pytest.fixture
async def rome_client(database) -> AsyncIterator[httpx2.AsyncClient]:
    """The API of a deployment in Europe/Rome (its working days and alerts in that zone)."""
    app = create_app(
        settings_with(timezone="Europe/Rome", pickup_check_seconds=0), manage_database=False
    )
    async with app.router.lifespan_context(app):
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://test") as http:
            yield http


@pytest.fixture
async def client(app) -> AsyncIterator[httpx2.AsyncClient]:
    transport = httpx2.ASGITransport(app=app)
    async with httpx2.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


@pytest.fixture
async def server(app) -> AsyncIterator[str]:
    """The app behind a real uvicorn on a free port, in this test's event loop."""
    async with running(app) as address:
        yield address


@pytest.fixture
async def http(server: str) -> AsyncIterator[httpx2.AsyncClient]:
    """A client of the app behind real uvicorn (real HTTP, real sockets)."""
    async with httpx2.AsyncClient(base_url=f"http://{server}", timeout=30) as client:
        yield client


@pytest.fixture
async def redis_server() -> AsyncIterator[RedisServer]:
    """A redis-server of the test's own, to stop and start (tests/processes.py)."""
    server = RedisServer()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def make(database: Settings) -> Factory:
    return Factory()


# Signed-in parties by role, each in an organization of its own (a Party: user and token).


@pytest.fixture
async def dealer(make) -> Party:
    return await make.party(Role.DEALER)


@pytest.fixture
async def other_dealer(make) -> Party:
    return await make.party(Role.DEALER)


@pytest.fixture
async def carrier(make) -> Party:
    return await make.party(Role.CARRIER)


@pytest.fixture
async def other_carrier(make) -> Party:
    return await make.party(Role.CARRIER)


@pytest.fixture
async def warehouse(make) -> Party:
    return await make.party(Role.WAREHOUSE)


@pytest.fixture
async def dispatcher(make) -> Party:
    return await make.party(Role.DISPATCHER)


@pytest.fixture
async def admin(make) -> Party:
    return await make.party(Role.ADMIN)
