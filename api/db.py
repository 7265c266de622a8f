"""The tortoise configuration, migrations and the database checks of the command line."""

from __future__ import annotations

from typing import Any

from tortoise import Tortoise
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.migrations.api.migrate import migrate as run_migrations

from api.settings import Settings, get_settings
from models import MODEL_MODULES


async def _keep_session(_: Any) -> None:
    """asyncpg's pool resets every connection it takes back with a round trip (`SELECT
    pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL`): one more per statement, a
    fifth of a tracking page query's time. Nothing here leaves session state behind: the one
    advisory lock is transaction-scoped, cursors live in transactions, nothing LISTENs (the bus
    is Redis) and nothing SETs; an open transaction is still rolled back by the pool itself."""


def connection(settings: Settings) -> dict[str, Any]:
    """The `default` connection: the URL's, with the pool's size and reset on PostgreSQL."""
    expanded = expand_db_url(settings.database_url)
    if expanded["engine"].endswith("sqlite"):
        # One connection writes (tortoise's), in WAL mode (tortoise's default); synchronous=NORMAL
        # syncs the WAL at checkpoints rather than at every commit: a crash of the machine may
        # lose the last commits, never corrupt the file (SQLite's documented trade in WAL mode).
        # bench/write_cpu.py measures what it saves per recordTrackingEvent (bench/RESULTS.md).
        expanded["credentials"].setdefault("synchronous", "NORMAL")
        # tortoise's SQLite client with its statements run on the loop's thread (api/sqlite.py)
        expanded["engine"] = "api.sqlite"
    if expanded["engine"].endswith("asyncpg"):
        expanded["credentials"] |= {
            "minsize": 1,
            "maxsize": settings.database_pool_size,
            "reset": _keep_session,
        }
    return expanded


def tortoise_config(settings: Settings) -> dict[str, Any]:
    return {
        "connections": {"default": connection(settings)},
        "apps": {
            "models": {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": "models.migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def __getattr__(name: str) -> Any:
    # `tortoise -c api.db.TORTOISE_ORM makemigrations` reads the config from here.
    if name == "TORTOISE_ORM":
        return tortoise_config(get_settings())
    raise AttributeError(name)


async def migrate(settings: Settings) -> None:
    """Bring the schema up to the newest migration (the only way tables are made)."""
    await run_migrations(config=tortoise_config(settings))


async def init(settings: Settings) -> None:
    await Tortoise.init(config=tortoise_config(settings), _enable_global_fallback=True)


async def close() -> None:
    await Tortoise.close_connections()


async def check(settings: Settings) -> None:
    """Raises when the database does not answer."""
    await Tortoise.get_connection("default").execute_query("SELECT 1")
