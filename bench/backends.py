"""The two backends a scenario runs on, each with a fresh database per scenario."""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from tortoise import Tortoise
from tortoise.backends.base.executor import EXECUTOR_CACHE

from api import db
from api.settings import Settings, load_settings
from subscriptions.bus import Bus

POSTGRES_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/cargolive_bench"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")


@dataclass(frozen=True)
class Backend:
    name: str  # "postgres" (PostgreSQL + Redis) or "sqlite" (the embedded default)
    database_url: str
    broadcast_url: str

    @property
    def label(self) -> str:
        return "PostgreSQL + Redis" if self.name == "postgres" else "SQLite + memory://"

    @property
    def shared_bus(self) -> bool:
        """Whether a process other than the server can announce events to it."""
        return self.name == "postgres"

    def server_env(self) -> dict[str, str]:
        return {
            "DATABASE_URL": self.database_url,
            "BROADCAST_URL": self.broadcast_url,
            "CARGOLIVE_DEMO_DATA": "false",
            "CARGOLIVE_LOG_LEVEL": "WARNING",
            "CARGOLIVE_ENV": "production",
        }

    def settings(self) -> Settings:
        return load_settings(database_url=self.database_url, broadcast_url=self.broadcast_url)


def backend(name: str) -> Backend:
    if name == "postgres":
        return Backend(name, POSTGRES_URL, REDIS_URL)
    if name == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix="cargolive-bench-"))
        return Backend(name, f"sqlite://{folder / 'cargolive.sqlite3'}", "memory://")
    raise ValueError(f"--backend: {name!r} is not postgres or sqlite")


async def _empty_postgres(url: str) -> None:
    """Empties the bench database, creating it first on a machine that has never run one."""
    import asyncpg

    url = url.replace("postgres://", "postgresql://", 1)
    try:
        connection = await asyncpg.connect(url)
    except asyncpg.InvalidCatalogNameError:
        base, _, name = url.rpartition("/")
        admin = await asyncpg.connect(f"{base}/postgres")
        try:
            await admin.execute(f'CREATE DATABASE "{name}"')
        finally:
            await admin.close()
        connection = await asyncpg.connect(url)
    try:
        await connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    finally:
        await connection.close()


@asynccontextmanager
async def fresh_database(chosen: Backend) -> AsyncIterator[Backend]:
    """An empty, migrated database that this process can seed through the models."""
    if chosen.name == "postgres":
        await _empty_postgres(chosen.database_url)
    else:
        chosen = backend("sqlite")
    settings = chosen.settings()
    # tortoise keeps each table's INSERT by connection name, not dialect: the SQLite text with
    # its `?` placeholders failed on PostgreSQL when one run took both backends in turn
    EXECUTOR_CACHE.clear()
    await db.migrate(settings)
    await Tortoise.close_connections()
    await db.init(settings)
    try:
        yield chosen
    finally:
        await db.close()


@asynccontextmanager
async def announcing(chosen: Backend) -> AsyncIterator[Bus | None]:
    """This process's own bus on Redis, so that events it records reach the server's hub."""
    if not chosen.shared_bus:
        yield None
        return
    bus = Bus(chosen.broadcast_url)
    await bus.connect()
    try:
        yield bus
    finally:
        await bus.disconnect()
