"""The ASGI application: routes, middleware and the lifespan that opens and closes everything."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import gc
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from typing import TYPE_CHECKING, Any

import strawberry
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from tortoise import Tortoise
from tortoise.contrib.starlette import RegisterTortoise

from api import access_watch, tracing
from api.access_watch import AccessWatch
from api.cors import GraphQLCORS
from api.db import tortoise_config
from api.files import file_routes
from api.graphiql import graphiql_routes
from api.graphql import CargoliveGraphQL
from api.logs import configure_logging
from api.metrics import QUERY_COST, metrics, time_gc_pauses
from api.middleware import BodyLimit, RequestContext
from api.ratelimit import RateLimits
from api.reports import report_routes
from api.settings import Settings, get_settings
from api.track import track_routes
from resolvers.disputes.fraud import escalate_lapsed_fraud_reviews
from resolvers.documents import storage
from resolvers.documents.links import PREFIX as FILES
from resolvers.documents.storage import Storage
from resolvers.integrations.credentials import flush_use
from resolvers.integrations.idempotency import prune as prune_idempotency
from resolvers.integrations.retention import prune
from resolvers.integrations.worker import delivering
from resolvers.services.levels import raise_service_alerts
from resolvers.shipments.pickups import raise_late_pickups
from resolvers.support.sla import raise_sla_alerts
from schema import assemble
from subscriptions import hub
from subscriptions.bus import Bus
from subscriptions.hub import Hub

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider

log = logging.getLogger("cargolive.app")
PRUNE_SECONDS = 600  # how often each process deletes expired idempotency keys


async def healthz(_: Request) -> JSONResponse:
    return JSONResponse({"status": "alive"})


async def readyz(request: Request) -> JSONResponse:
    checks = {"database": await _database_ready(), "bus": await request.app.state.bus.ready()}
    ready = all(checks.values())
    # Degraded rate limits still serve (per process): reported, not a reason to take traffic off.
    body = {
        "status": "ready" if ready else "not ready",
        "checks": checks,
        "rate_limits": request.app.state.limits.mode,
    }
    return JSONResponse(body, status_code=200 if ready else 503)


async def _database_ready() -> bool:
    try:
        await Tortoise.get_connection("default").execute_query("SELECT 1")
    except Exception:
        return False
    return True


async def check_forever(name: str, every: float, check: Callable[[], Awaitable[int]]) -> None:
    """Runs `check` every `every` seconds; each process may run it (its claims are atomic)."""
    while True:
        await asyncio.sleep(every)
        try:
            await check()
        except Exception:  # a database hiccup must not end the loop: the next round retries
            log.exception("the %s check failed", name)


# Measured on the bench's spread (2,000 sockets, 200 events/s, timing every collection and the
# event loop's lag): with gc's default (700, 10, 10) a full collection came every few seconds,
# walking the objects of every open socket with the process stopped, 57 ms growing to 449 ms;
# with (700, 1000, 10) the one middle collection after the sockets connected walked them all
# at once (304 ms). (700, 100, 100) keeps each middle collection to 20-30 ms and leaves full
# collections rare; freeze_startup_objects() keeps the start-up heap out of all of them.
GC_THRESHOLDS = (700, 100, 100)


def tune_garbage_collector() -> None:
    gc.set_threshold(*GC_THRESHOLDS)
    time_gc_pauses()


def freeze_startup_objects() -> None:
    """Moves what start-up made (the schema, the ORM's metadata, every module: most of the
    heap) out of the collector's sight for the life of the process, so that a full collection
    walks only what came later: the pause it causes shrinks with it (gc.freeze's documented
    use). Only for a serving process, whose start-up objects live as long as it does."""
    gc.collect()
    gc.freeze()


@asynccontextmanager
async def background(
    name: str, every: float, check: Callable[[], Awaitable[int]]
) -> AsyncIterator[None]:
    """Runs a periodic check while the app serves, and stops it at shutdown (0: not here)."""
    if every <= 0:
        yield
        return
    task = asyncio.create_task(check_forever(name, every, check), name=name)
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def create_app(
    settings: Settings | None = None,
    *,
    manage_database: bool = True,
    schema: strawberry.Schema | None = None,
    tracer_provider: TracerProvider | None = None,
) -> Starlette:
    """The app; `manage_database=False` when the caller (a test session) owns the ORM.
    Traces are on with `tracer_provider`, or when OTEL_EXPORTER_OTLP_ENDPOINT is set."""
    settings = settings or get_settings()
    configure_logging(settings.log_level, production=settings.production)
    if tracer_provider is None and tracing.enabled():
        tracer_provider = tracing.provider_from_environment()
    if tracer_provider is not None:
        tracing.instrument_database(tracer_provider)
    bus = Bus(settings.broadcast_url)
    limits = RateLimits(settings)
    graphql = CargoliveGraphQL(
        schema
        or assemble(
            max_depth=settings.max_query_depth,
            max_aliases=settings.max_aliases,
            max_tokens=settings.max_tokens,
            introspection=settings.introspection_enabled,
            max_cost=settings.max_query_cost,
            observe_cost=QUERY_COST.observe,
            suggestions=settings.field_suggestions,
            tracing=tracing.operation_spans(tracer_provider) if tracer_provider else None,
        ),
        settings=settings,
        limits=limits,
    )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        tune_garbage_collector()
        async with AsyncExitStack() as stack:
            if manage_database:
                await stack.enter_async_context(
                    RegisterTortoise(app, config=tortoise_config(settings))
                )
            await bus.connect()
            stack.push_async_callback(bus.disconnect)
            await graphql.results.start()
            stack.push_async_callback(graphql.results.stop)
            storage.install(Storage(settings.files_url))
            fanout = Hub()
            await fanout.start()
            hub.install(fanout)
            stack.push_async_callback(fanout.stop)
            decisions = AccessWatch()
            await decisions.start(fanout)
            access_watch.install(decisions)
            stack.callback(decisions.stop, fanout)
            await stack.enter_async_context(
                background("late-pickups", settings.pickup_check_seconds, raise_late_pickups)
            )
            await stack.enter_async_context(
                background("sla-alerts", settings.sla_check_seconds, raise_sla_alerts)
            )
            await stack.enter_async_context(
                background("service-levels", settings.sla_check_seconds, raise_service_alerts)
            )
            calendar: dict[str, Any] = {
                "holidays": frozenset(settings.holidays),
                "zone": settings.zone,
            }
            await stack.enter_async_context(
                background(
                    "fraud-deadlines",
                    settings.pickup_check_seconds,
                    lambda: escalate_lapsed_fraud_reviews(**calendar),
                )
            )
            window = dt.timedelta(hours=settings.idempotency_window_hours)
            await stack.enter_async_context(
                background("idempotency-prune", PRUNE_SECONDS, lambda: prune_idempotency(window))
            )
            stack.push_async_callback(flush_use)  # after the loop below stops: the last uses
            await stack.enter_async_context(
                background("api-key-use", settings.api_key_use_flush_seconds, flush_use)
            )
            await stack.enter_async_context(
                background(
                    "event-log-pruning",
                    settings.event_prune_seconds,
                    lambda: prune(settings.event_retention),
                )
            )
            app.state.deliverer = await stack.enter_async_context(delivering(settings))
            if manage_database:
                freeze_startup_objects()
            log.info(f"ready (process {os.getpid()})", extra={"pid": os.getpid()})
            yield
        log.info(f"stopped (process {os.getpid()})", extra={"pid": os.getpid()})

    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics),
            *track_routes(),
            *graphiql_routes(),
            *file_routes(),
            *report_routes(),
        ],
        middleware=[
            *([tracing.middleware(tracer_provider)] if tracer_provider else []),
            Middleware(RequestContext),
            Middleware(GraphQLCORS, origins=settings.allowed_origins),
            # Files stream past the JSON body cap: their own URL says how long they may be.
            Middleware(BodyLimit, max_bytes=settings.max_body_bytes, exempt=FILES),
        ],
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.bus = bus
    app.state.limits = limits
    app.state.results = graphql.results
    return app
