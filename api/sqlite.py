"""The SQLite engine: tortoise's, with each statement run on the event loop's own thread.

aiosqlite runs every call in a thread of its own: the statement goes over a queue, the thread
wakes, runs it and wakes the loop back through its self-pipe. On a recordTrackingEvent (eight
statements) those hand-offs cost about a ninth of the request's CPU on uvloop, 330-440 µs of
2.9-3.6 ms (`python -m bench.write_cpu`, bench/RESULTS.md), more than the statements themselves
take. Cargolive's statements are short (keyset pages, single-row writes, WAL with
synchronous=NORMAL syncing only at checkpoints), and tortoise already lets one call at a time
use the connection, so they run where they are awaited. A statement outside a transaction
still yields to the loop first, so concurrent requests interleave statement by statement as
they did with the thread. Inside a transaction they run back to back: the transaction holds
the one connection (and the file's write lock) until it ends, so nothing another task could do
with the database goes faster for the yield, and the lock is held shorter without it (a
recordTrackingEvent: 5 of its 9 calls, 1,612-1,713 → 1,544-1,633 µs of CPU in
`python -m bench.write_cpu`).

The one long wait SQLite has is for another process's write lock, which its busy handler
spends asleep: on the loop, that would stop every request of the process. So the connection
has no busy timeout; a statement refused with SQLITE_BUSY is tried again after an
`asyncio.sleep`, for as long as the busy timeout would have waited (`busy_timeout` in the URL,
in ms; sqlite3's 5 s by default). SQLITE_BUSY_SNAPSHOT is not retried (a transaction whose
snapshot is stale cannot write, however long it waits: SQLite's handler does not wait for it
either). executemany and executescript may have written part of their work when refused, so
they keep aiosqlite's thread and a busy timeout, as before.

Use: `engine: "api.sqlite"` (api/db.py sets it for every sqlite:// URL).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from typing import Any

import aiosqlite
from tortoise.backends.sqlite.client import SqliteClient

DEFAULT_PATIENCE_MS = 5000  # sqlite3.connect's own default timeout
FIRST_PAUSE, LONGEST_PAUSE = 0.001, 0.05  # seconds between tries, doubling


def is_busy(error: sqlite3.OperationalError) -> bool:
    """Refused for another connection's lock: worth trying again (not a stale snapshot)."""
    code = getattr(error, "sqlite_errorcode", None)
    return (
        code is not None
        and code & 0xFF == sqlite3.SQLITE_BUSY
        and code != sqlite3.SQLITE_BUSY_SNAPSHOT
    )


class InlineConnection(aiosqlite.Connection):
    """An aiosqlite connection whose calls run on the calling thread, but for executemany and
    executescript; its worker thread is still what opens and closes the file."""

    def __init__(
        self, connector: Callable[[], sqlite3.Connection], patience_ms: int, iter_chunk_size: int
    ) -> None:
        super().__init__(connector, iter_chunk_size)
        self.patience = patience_ms / 1000

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        # other tasks run between two statements, as they did while the thread ran one, but in a
        # transaction (tortoise's commit() after COMMIT is one too: nothing to wait for)
        name = getattr(fn, "__name__", "")
        busy = self._connection is not None and self._connection.in_transaction
        if not (busy or name == "commit"):
            await asyncio.sleep(0)
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        if name in ("executemany", "executescript"):
            return await super()._execute(self._patiently, fn, *args, **kwargs)
        loop = asyncio.get_running_loop()
        deadline, pause = loop.time() + self.patience, FIRST_PAUSE
        while True:
            try:
                return fn(*args, **kwargs)
            except sqlite3.OperationalError as error:
                left = deadline - loop.time()
                if not is_busy(error) or left <= 0:
                    raise
            await asyncio.sleep(min(pause, left))
            pause = min(pause * 2, LONGEST_PAUSE)

    def _patiently(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """`fn` in the worker thread, with SQLite's own busy handler waiting meanwhile."""
        self._conn.execute(f"PRAGMA busy_timeout = {int(self.patience * 1000)}")
        try:
            return fn(*args, **kwargs)
        finally:
            self._conn.execute("PRAGMA busy_timeout = 0")


def connect(database: str, patience_ms: int) -> InlineConnection:
    def connector() -> sqlite3.Connection:
        # timeout=0: no busy handler; check_same_thread=False: opened in the worker thread,
        # used on the loop's (one call at a time: tortoise holds a lock around each)
        return sqlite3.connect(database, isolation_level=None, timeout=0, check_same_thread=False)

    return InlineConnection(connector, patience_ms, iter_chunk_size=64)


class InlineSqliteClient(SqliteClient):
    def __init__(self, file_path: str, **kwargs: Any) -> None:
        super().__init__(file_path, **kwargs)
        # a busy timeout in the URL is how long a statement waits for a lock, here not SQLite's
        self.patience_ms = int(self.pragmas.pop("busy_timeout", DEFAULT_PATIENCE_MS))

    async def create_connection(self, with_db: bool) -> None:
        if not self._connection:
            self._connection = await connect(self.filename, self.patience_ms)
            self._connection._conn.row_factory = sqlite3.Row
            for pragma, value in self.pragmas.items():
                cursor = await self._connection.execute(f"PRAGMA {pragma}={value}")
                await cursor.close()
            await self._post_connect()


client_class = InlineSqliteClient
