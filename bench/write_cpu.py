"""`python -m bench.write_cpu [--profile N]`: recordTrackingEvent through the whole ASGI app
in-process on SQLite, one request after another: wall time and CPU per request, with SQLite's
`synchronous` at FULL (its default) and at NORMAL (Cargolive's, api/db.py). --profile N prints
cProfile's N costliest functions at NORMAL. On uvloop, as the server.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson
from tortoise import Tortoise

from api import db
from api.app import create_app
from api.settings import load_settings
from bench.workload import RECORD, record_variables, seed

REQUESTS = int(os.environ.get("BENCH_WRITE_REQUESTS", "300"))
ROUNDS = 3


async def record(app: Any, bodies: list[bytes], token: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds) per request of POSTing each of `bodies` in turn."""
    statuses: list[int] = []

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    wall, cpu = time.perf_counter(), time.process_time()
    for body in bodies:
        headers = [
            (b"content-type", b"application/json"),
            (b"authorization", f"Bearer {token}".encode()),
            (b"content-length", str(len(body)).encode()),
        ]
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": "/graphql",
            "raw_path": b"/graphql",
            "query_string": b"",
            "headers": headers,
            "client": ("127.0.0.1", 5000),
            "server": ("127.0.0.1", 8000),
        }

        async def receive(body: bytes = body) -> dict[str, Any]:
            return {"type": "http.request", "body": body, "more_body": False}

        await app(scope, receive, send)
    if set(statuses) != {200}:
        raise RuntimeError(f"recordTrackingEvent failed: {set(statuses)}")
    count = len(bodies)
    return (time.perf_counter() - wall) / count, (time.process_time() - cpu) / count


async def main() -> None:
    options = argparse.ArgumentParser()
    options.add_argument("--profile", type=int, default=0)
    arguments = options.parse_args()
    for synchronous in ("FULL", "NORMAL"):
        folder = Path(tempfile.mkdtemp(prefix="cargolive-writes-"))
        settings = load_settings(
            database_url=f"sqlite://{folder / 'bench.sqlite3'}?synchronous={synchronous}",
            broadcast_url="memory://",
            log_level="WARNING",
            pickup_check_seconds=0,
            sla_check_seconds=0,
        )
        await db.migrate(settings)
        await Tortoise.close_connections()
        await db.init(settings)
        try:
            seeded = await seed(50)
            bodies = [
                orjson.dumps({"query": RECORD, "variables": record_variables(gid)})
                for gid in seeded.global_ids
            ] * (REQUESTS // 50)
            app = create_app(settings, manage_database=False)
            async with app.router.lifespan_context(app):
                await record(app, bodies[:50], seeded.writer_token)  # warm up
                rounds = [await record(app, bodies, seeded.writer_token) for _ in range(ROUNDS)]
                if arguments.profile and synchronous == "NORMAL":
                    profiler = cProfile.Profile()
                    profiler.enable()
                    await record(app, bodies, seeded.writer_token)
                    profiler.disable()
                    pstats.Stats(profiler).sort_stats(
                        os.environ.get("BENCH_SORT", "tottime")
                    ).print_stats(arguments.profile)
        finally:
            await db.close()
        wall = statistics.median(r[0] for r in rounds) * 1e6
        cpu = statistics.median(r[1] for r in rounds) * 1e6
        print(f"synchronous={synchronous:6} {wall:8,.0f} µs wall, {cpu:8,.0f} µs CPU per request")


if __name__ == "__main__":
    import uvloop  # what `cargolive serve` runs on (uvicorn's loop="auto")

    uvloop.run(main())
