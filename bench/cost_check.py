"""What the checks made before execution cost a request: `python -m bench.cost_check`.

The tracking page's query (bench/workload.py's TRACKING_PAGE, one shipment with 2 vehicles,
a container and 20 events, as its customer) is sent through the whole ASGI app in-process,
N times, and the process's CPU time per request is measured. Then the checks alone (the cost
limit's costing and the input guard, schema/cost.py and schema/scalars.py) are timed on the
same document and variables, with a fresh copy of the query text each time as a request body
gives. The request's CPU here leaves out uvicorn's own HTTP parsing, so the share is, if
anything, overstated.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import orjson
from tortoise import Tortoise

from api import db
from api.app import create_app
from api.graphql import refuse_subscriptions
from api.metrics import QUERY_COST
from api.settings import load_settings
from bench.workload import TRACKING_PAGE, page_variables, seed
from schema.budget import cost_limit
from schema.parsing import parsed
from schema.scalars import InputGuard

REQUESTS = 2000
ROUNDS = 5


async def request_cpu(app: object, body: bytes, token: str, count: int) -> float:
    """CPU seconds per request of `count` POSTs of `body` through the ASGI app."""
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
    statuses: list[int] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    started = time.process_time()
    for _ in range(count):
        await app(dict(scope), receive, send)  # type: ignore[operator]
    spent = time.process_time() - started
    if set(statuses) != {200}:
        raise RuntimeError(f"the tracking page query failed: {set(statuses)}")
    return spent / count


def checks_cpu(schema: Any, query: str, variables: dict, count: int) -> float:
    """CPU seconds per request of the checks made before execution: the two extensions' hooks
    run as strawberry runs them (on_operation around on_execute), on a stand-in context."""
    document = parsed(query, 2000)
    extensions = [InputGuard, cost_limit(50_000, QUERY_COST.observe)]
    texts = ["".join([query[:1], query[1:]]) for _ in range(count)]  # a fresh text per request
    started = time.process_time()
    for text in texts:
        refuse_subscriptions(text, None, 2000)
        context = SimpleNamespace(
            query=text,
            graphql_document=document,
            operation_name=None,
            variables=variables,
            result=None,
            schema=schema,
        )
        for extension_class in extensions:
            extension = extension_class()
            extension.execution_context = context
            for hook in (extension.on_operation(), extension.on_execute()):
                for _ in hook:
                    pass
    return (time.process_time() - started) / count


async def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="cargolive-cost-"))
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
    try:
        seeded = await seed(4, history=20)
        variables = page_variables(seeded.global_ids[0])
        body = orjson.dumps({"query": TRACKING_PAGE, "variables": variables})
        whole = {}
        for level in ("WARNING", "INFO"):  # INFO: each request also writes its log line
            app = create_app(
                settings.model_copy(update={"log_level": level}), manage_database=False
            )
            async with app.router.lifespan_context(app):
                await request_cpu(app, body, seeded.viewer_token, 200)  # warm caches and pools
                whole[level] = [
                    await request_cpu(app, body, seeded.viewer_token, REQUESTS)
                    for _ in range(ROUNDS)
                ]
        from schema import schema

        checks = [checks_cpu(schema, TRACKING_PAGE, variables, REQUESTS) for _ in range(ROUNDS)]
    finally:
        await db.close()
    request, check = statistics.median(whole["WARNING"]), statistics.median(checks)
    logged = statistics.median(whole["INFO"])
    print(f"tracking page query, whole request: {request * 1e6:,.0f} µs CPU (median of {ROUNDS})")
    print(f"cost limit + input guard:          {check * 1e6:,.1f} µs CPU")
    print(f"share of the request:              {check / request:.2%}")
    print(f"whole request with its log line:   {logged * 1e6:,.0f} µs CPU (INFO; stderr)")


if __name__ == "__main__":
    asyncio.run(main())
