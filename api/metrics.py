"""Prometheus metrics of this process, served at /metrics."""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest
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
    "cargolive_graphql_errors_total", "GraphQL errors returned, by kind", ["kind"]
)
OPEN_SOCKETS = Gauge("cargolive_open_websockets", "WebSocket connections open now")
ACTIVE_SUBSCRIPTIONS = Gauge("cargolive_active_subscriptions", "GraphQL subscriptions running now")


async def metrics(_: Request) -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
