"""The naive app: strawberry subscriptions over broadcaster, exactly as strawberry's docs teach.

Every subscriber runs its own async generator (`async with broadcast.subscribe(channel) as
subscriber: async for event in subscriber: yield ...`), and strawberry's own GraphQL ASGI app
executes and serializes the selection for each of them on graphql-transport-ws. The message
carries the whole event, so no subscriber reads the database: the naive app is spared what
Cargolive does per event (a log read, a row load, access checks), which favours it.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from enum import Enum
from typing import Any

import orjson
import strawberry
from broadcaster import Broadcast
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from strawberry.asgi import GraphQL
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from bench.serving import run

broadcast = Broadcast("memory://")


@strawberry.enum
class TrackingEventType(Enum):
    BOOKED = "BOOKED"
    PICKED_UP = "PICKED_UP"
    GATED_IN = "GATED_IN"
    LOADED = "LOADED"
    DEPARTED = "DEPARTED"
    ARRIVED = "ARRIVED"
    DELAYED = "DELAYED"
    DELIVERED = "DELIVERED"


@strawberry.enum
class EventClassifier(Enum):
    PLANNED = "PLANNED"
    ESTIMATED = "ESTIMATED"
    ACTUAL = "ACTUAL"


@strawberry.type
class Location:
    name: str
    unlocode: str | None
    country: str


@strawberry.type
class TrackingEvent:
    id: strawberry.ID
    cursor: str
    type: TrackingEventType
    classifier: EventClassifier
    occurred_at: dt.datetime
    recorded_at: dt.datetime
    location: Location | None
    description: str | None

    @classmethod
    def from_message(cls, message: str) -> TrackingEvent:
        event = orjson.loads(message)
        place = event.get("location")
        return cls(
            id=strawberry.ID(event["id"]),
            cursor=event["cursor"],
            type=TrackingEventType(event["type"]),
            classifier=EventClassifier(event["classifier"]),
            occurred_at=dt.datetime.fromisoformat(event["occurredAt"]),
            recorded_at=dt.datetime.fromisoformat(event["recordedAt"]),
            location=Location(**place) if place else None,
            description=event.get("description"),
        )


@strawberry.type
class Query:
    @strawberry.field
    def ping(self) -> bool:
        return True


@strawberry.type
class Subscription:
    @strawberry.subscription
    async def shipment_tracking(
        self, shipment_id: strawberry.ID, after: str | None = None
    ) -> AsyncGenerator[TrackingEvent, None]:
        async with broadcast.subscribe(channel=f"shipment:{shipment_id}") as subscriber:
            async for event in subscriber:
                yield TrackingEvent.from_message(event.message)


schema = strawberry.Schema(query=Query, subscription=Subscription)
graphql = GraphQL(schema, subscription_protocols=[GRAPHQL_TRANSPORT_WS_PROTOCOL])


async def publish(request: Request) -> JSONResponse:
    """Body as the ceiling's trigger: variables, data (the payload's `data`) and key."""
    body: dict[str, Any] = orjson.loads(await request.body())
    root, field = body["key"][0], body["key"][-1]
    event = body["data"][root]
    sent_ns = time.time_ns()
    event[field] = str(sent_ns)
    channel = f"shipment:{body['variables']['shipmentId']}"
    await broadcast.publish(channel=channel, message=orjson.dumps(event).decode())
    return JSONResponse({"sent_ns": sent_ns})


async def healthz(_: Request) -> JSONResponse:
    return JSONResponse({"status": "alive"})


@asynccontextmanager
async def lifespan(_: Starlette):  # type: ignore[no-untyped-def]
    await broadcast.connect()
    yield
    await broadcast.disconnect()


app = Starlette(
    routes=[
        Route("/graphql", graphql),
        WebSocketRoute("/graphql", graphql),
        Route("/publish", publish, methods=["POST"]),
        Route("/healthz", healthz),
    ],
    lifespan=lifespan,
)

if __name__ == "__main__":
    run(app)
