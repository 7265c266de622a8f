"""The ASGI application: routes, middleware and the lifespan that opens and closes everything."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import strawberry
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from tortoise import Tortoise
from tortoise.contrib.starlette import RegisterTortoise

from api.db import tortoise_config
from api.graphql import CargoliveGraphQL
from api.logs import configure_logging
from api.metrics import metrics
from api.middleware import BodyLimit, RequestContext
from api.ratelimit import RateLimits
from api.settings import Settings, get_settings
from api.track import track_routes
from resolvers.fraud import escalate_lapsed_fraud_reviews
from resolvers.pickups import raise_late_pickups
from schema import build_schema
from subscriptions import hub
from subscriptions.bus import Bus
from subscriptions.hub import Hub

log = logging.getLogger("cargolive.app")


async def healthz(_: Request) -> JSONResponse:
    return JSONResponse({"status": "alive"})


async def readyz(request: Request) -> JSONResponse:
    checks = {"database": await _database_ready(), "bus": await request.app.state.bus.ready()}
    ready = all(checks.values())
    body = {"status": "ready" if ready else "not ready", "checks": checks}
    return JSONResponse(body, status_code=200 if ready else 503)


async def _database_ready() -> bool:
    try:
        await Tortoise.get_connection("default").execute_query("SELECT 1")
    except Exception:
        return False
    return True


async def check_pickups_forever(every: float, settings: Settings | None = None) -> None:
    """Raises late pickups and escalates lapsed fraud reviews every `every` seconds; each
    process may run it (claims are atomic)."""
    calendar: dict[str, Any] = {}
    if settings is not None:
        calendar = {"holidays": frozenset(settings.holidays), "zone": settings.zone}
    while True:
        await asyncio.sleep(every)
        try:
            await raise_late_pickups()
        except Exception:  # a database hiccup must not end the loop: the next round retries
            log.exception("the late-pickup check failed")
        try:
            await escalate_lapsed_fraud_reviews(**calendar)
        except Exception:
            log.exception("the fraud-deadline check failed")


@asynccontextmanager
async def background(every: float, settings: Settings | None = None) -> AsyncIterator[None]:
    """Runs the deadline checks while the app serves, and stops them at shutdown."""
    if every <= 0:
        yield
        return
    task = asyncio.create_task(check_pickups_forever(every, settings), name="late-pickups")
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
) -> Starlette:
    """The app; `manage_database=False` when the caller (a test session) owns the ORM."""
    settings = settings or get_settings()
    configure_logging(settings.log_level)
    bus = Bus(settings.broadcast_url)
    limits = RateLimits(settings)
    graphql = CargoliveGraphQL(
        schema
        or build_schema(
            max_depth=settings.max_query_depth,
            max_aliases=settings.max_aliases,
            max_tokens=settings.max_tokens,
            introspection=settings.introspection_enabled,
        ),
        settings=settings,
        limits=limits,
    )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            if manage_database:
                await stack.enter_async_context(
                    RegisterTortoise(app, config=tortoise_config(settings))
                )
            await bus.connect()
            stack.push_async_callback(bus.disconnect)
            fanout = Hub()
            await fanout.start()
            hub.install(fanout)
            stack.push_async_callback(fanout.stop)
            await stack.enter_async_context(background(settings.pickup_check_seconds, settings))
            yield

    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics),
            *track_routes(),
        ],
        middleware=[
            Middleware(RequestContext),
            Middleware(BodyLimit, max_bytes=settings.max_body_bytes),
        ],
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.bus = bus
    app.state.limits = limits
    return app
