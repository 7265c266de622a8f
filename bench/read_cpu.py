"""`python -m bench.read_cpu [--profile N]`: the CPU of one tracking page query through the
whole ASGI app in-process on SQLite (no HTTP parsing, no load generator): with the result cache
answering, with it off (every request executes), and with every request right after a new
event on its shipment (the cache cold). The median of ROUNDS rounds of REQUESTS requests, so a
step of issue 20 can be measured on a loaded machine without a load run. --profile N prints
cProfile's N costliest functions of the cache-off path.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import statistics
import tempfile
import time
from pathlib import Path

import orjson
from tortoise import Tortoise

from api import db
from api.app import create_app
from api.settings import load_settings
from bench.cost_check import request_cpu
from bench.workload import EVENT, NOTE, PLACE, TRACKING_PAGE, page_variables, seed
from models.shipments.tables import EventClassifier
from resolvers.shipments.tracking import record_tracking_event

REQUESTS = int(os.environ.get("BENCH_READ_REQUESTS", "500"))
ROUNDS = 5


async def cold_cpu(app: object, body: bytes, token: str, seeded: object, count: int) -> float:
    """CPU per request when an event on the shipment came just before each request (the
    event's own write is not counted)."""
    spent = 0.0
    for _ in range(count):
        await record_tracking_event(
            viewer=seeded.writer,  # type: ignore[attr-defined]
            event=EVENT,
            shipment_id=seeded.shipments[0],  # type: ignore[attr-defined]
            classifier=EventClassifier.ACTUAL,
            location=PLACE,
            description=NOTE,
        )
        started = time.process_time()
        await request_cpu(app, body, token, 1)
        spent += time.process_time() - started
    return spent / count


async def main() -> None:
    options = argparse.ArgumentParser()
    options.add_argument("--profile", type=int, default=0)
    arguments = options.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="cargolive-reads-"))
    settings = load_settings(
        database_url=f"sqlite://{folder / 'bench.sqlite3'}",
        broadcast_url="memory://",
        log_level="WARNING",
        pickup_check_seconds=0,
        sla_check_seconds=0,
    )
    await db.migrate(settings)
    await Tortoise.close_connections()
    await db.init(settings)
    figures: dict[str, list[float]] = {}
    try:
        seeded = await seed(4, history=20)
        body = orjson.dumps(
            {"query": TRACKING_PAGE, "variables": page_variables(seeded.global_ids[0])}
        )
        token = seeded.viewer_token
        for label, cache in (("cache off", False), ("cache on, kept", True)):
            app = create_app(
                settings.model_copy(update={"result_cache": cache}), manage_database=False
            )
            async with app.router.lifespan_context(app):
                await request_cpu(app, body, token, 100)  # warm caches and pools
                figures[label] = [
                    await request_cpu(app, body, token, REQUESTS) for _ in range(ROUNDS)
                ]
                if cache:
                    figures["cache on, after an event"] = [
                        await cold_cpu(app, body, token, seeded, REQUESTS // 5)
                        for _ in range(ROUNDS)
                    ]
                elif arguments.profile:
                    profiler = cProfile.Profile()
                    profiler.enable()
                    await request_cpu(app, body, token, REQUESTS)
                    profiler.disable()
                    stats = pstats.Stats(profiler).sort_stats("tottime")
                    stats.print_stats(arguments.profile)
    finally:
        await db.close()
    for label, values in figures.items():
        print(
            f"{label:28} {statistics.median(values) * 1e6:8,.0f} µs CPU per request "
            f"(median of {ROUNDS})"
        )


if __name__ == "__main__":
    asyncio.run(main())
