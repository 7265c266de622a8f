"""Prometheus metrics, served at /metrics.

With several uvicorn workers `cargolive serve` sets PROMETHEUS_MULTIPROC_DIR, and /metrics adds
up every worker's figures (gauges as the live sum), so one scrape sees the whole service.
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Iterable, Mapping
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from starlette.requests import Request
from starlette.responses import Response

REQUESTS = Counter(
    "cargolive_http_requests_total", "HTTP requests answered", ["method", "route", "status"]
)
LATENCY = Histogram(
    "cargolive_http_request_seconds",
    "Time to answer an HTTP request",
    ["route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
GRAPHQL_ERRORS = Counter(
    "cargolive_graphql_errors_total", "GraphQL errors returned, by code", ["code"]
)
QUERY_COST = Histogram(
    "cargolive_graphql_query_cost",
    "Objects an operation may return, as costed before it runs (schema/cost.py)",
    buckets=(1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 25_000, 100_000),
)
RATE_LIMITS_DEGRADED = Gauge(
    "cargolive_rate_limits_degraded",
    "1 while Redis fails and rate limits are counted per process instead of shared",
    multiprocess_mode="livemax",
)
OPEN_SOCKETS = Gauge(
    "cargolive_open_websockets", "WebSocket connections open now", multiprocess_mode="livesum"
)
ACTIVE_SUBSCRIPTIONS = Gauge(
    "cargolive_active_subscriptions",
    "GraphQL subscriptions running now",
    multiprocess_mode="livesum",
)


GC_PAUSES = Histogram(
    "cargolive_gc_pause_seconds",
    "Time the process stood still in a garbage collection, by generation",
    ["generation"],
    buckets=(0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)
_gc_started = 0.0


def _on_gc(phase: str, info: dict[str, int]) -> None:
    global _gc_started
    if phase == "start":
        _gc_started = time.perf_counter()
    else:
        GC_PAUSES.labels(str(info["generation"])).observe(time.perf_counter() - _gc_started)


def time_gc_pauses() -> None:
    """Times every collection into GC_PAUSES: a full collection stops every socket at once."""
    if _on_gc not in gc.callbacks:
        gc.callbacks.append(_on_gc)


def count_errors(errors: Iterable[Mapping[str, Any]]) -> None:
    """Counts formatted GraphQL errors by their extensions code (GRAPHQL for the spec's own)."""
    for error in errors:
        code = (error.get("extensions") or {}).get("code") or "GRAPHQL"
        if error.get("message", "").startswith("Unexpected error"):
            code = "UNEXPECTED"
        GRAPHQL_ERRORS.labels(code).inc()


async def metrics(_: Request) -> Response:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
