"""The naive app for reads: strawberry over tortoise as their docs teach, answering the tracking
page's query (bench/workload.py, TRACKING_PAGE) with the same JSON as Cargolive.

Types with resolvers that ask the ORM (`await Vehicle.filter(...)`), the token looked up through
the ORM in `get_context`, the visibility rule as a queryset filter, no loaders, no caches, no
extensions. It reads Cargolive's own tables (models/), so it serves the same seeded database.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import strawberry
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from strawberry.asgi import GraphQL
from tortoise.contrib.starlette import RegisterTortoise
from tortoise.expressions import Q

from bench.ceiling_reads import cursor, global_id, key_of
from bench.serving import run
from models import MODEL_MODULES
from models.accounts.tables import AccessToken
from models.events import EventTopic
from models.shipments import tables
from models.shipments.containers import Container as ContainerRow


@strawberry.type
class Location:
    name: str
    unlocode: str | None
    country: str


def place(row: Any, prefix: str) -> Location | None:
    name, country = getattr(row, f"{prefix}_name"), getattr(row, f"{prefix}_country")
    if name is None or country is None:
        return None
    return Location(name=name, unlocode=getattr(row, f"{prefix}_unlocode"), country=country)


@strawberry.type
class Vehicle:
    id: strawberry.ID
    vin: str
    make: str
    model: str
    year: int
    auction: str | None
    lot_number: str | None


@strawberry.type
class Container:
    id: strawberry.ID
    number: str
    type: str
    loading_status: str
    vessel_name: str | None
    voyage: str | None
    port_of_loading: Location | None
    port_of_discharge: Location | None


@strawberry.type
class TrackingEvent:
    id: strawberry.ID
    cursor: str
    type: str
    classifier: str
    occurred_at: dt.datetime
    recorded_at: dt.datetime
    description: str | None
    location: Location | None


@strawberry.type
class TrackingEventEdge:
    node: TrackingEvent


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class TrackingEventConnection:
    edges: list[TrackingEventEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type
class Shipment:
    row: strawberry.Private[tables.Shipment]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(global_id("Shipment", self.row.id))

    @strawberry.field
    def waybill(self) -> str:
        return self.row.waybill

    @strawberry.field
    def reference(self) -> str | None:
        return self.row.reference

    @strawberry.field
    def status(self) -> str:
        return self.row.status.value

    @strawberry.field
    def eta(self) -> dt.datetime | None:
        return self.row.eta

    @strawberry.field
    def picked_up_at(self) -> dt.datetime | None:
        return self.row.picked_up_at

    @strawberry.field
    def origin(self) -> Location | None:
        return place(self.row, "origin")

    @strawberry.field
    def destination(self) -> Location | None:
        return place(self.row, "destination")

    @strawberry.field
    async def vehicles(self) -> list[Vehicle]:
        rows = await tables.Vehicle.filter(shipment_id=self.row.id).order_by("id")
        return [
            Vehicle(
                id=strawberry.ID(global_id("Vehicle", v.id)),
                vin=v.vin,
                make=v.make,
                model=v.model,
                year=v.year,
                auction=v.auction,
                lot_number=v.lot_number,
            )
            for v in rows
        ]

    @strawberry.field
    async def container(self) -> Container | None:
        if self.row.container_id is None:
            return None
        c = await ContainerRow.get_or_none(id=self.row.container_id)
        if c is None:
            return None
        return Container(
            id=strawberry.ID(global_id("Container", c.id)),
            number=c.number,
            type=c.type.value,
            loading_status=c.loading_status.value,
            vessel_name=c.vessel_name,
            voyage=c.voyage,
            port_of_loading=place(c, "port_of_loading"),
            port_of_discharge=place(c, "port_of_discharge"),
        )

    @strawberry.field
    async def events(self, first: int = 20) -> TrackingEventConnection:
        topic = f"shipment:{self.row.id}"
        seqs = EventTopic.filter(topic=topic).values_list("seq", flat=True)
        total = await EventTopic.filter(topic=topic).count()
        rows = (
            await tables.TrackingEvent.filter(seq__in=await seqs).order_by("seq").limit(first + 1)
        )
        shown = rows[:first]
        return TrackingEventConnection(
            edges=[
                TrackingEventEdge(
                    node=TrackingEvent(
                        id=strawberry.ID(global_id("TrackingEvent", e.id)),
                        cursor=cursor(e.seq or 0),
                        type=e.type.value,
                        classifier=e.classifier.value,
                        occurred_at=e.occurred_at,
                        recorded_at=e.recorded_at,
                        description=e.description,
                        location=place(e, "location"),
                    )
                )
                for e in shown
            ],
            page_info=PageInfo(
                has_next_page=len(rows) > first,
                end_cursor=cursor(shown[-1].seq or 0) if shown else None,
            ),
            total_count=total,
        )


@strawberry.type
class Query:
    @strawberry.field
    async def shipment(self, info: strawberry.Info, id: strawberry.ID) -> Shipment | None:
        token = info.context["token"]
        if token is None:
            return None
        found = (
            await AccessToken.filter(
                token_hash=hashlib.sha256(token.encode()).hexdigest(), revoked_at=None
            )
            .select_related("user__organization")
            .first()
        )
        if found is None:
            return None
        organization = found.user.organization
        key = key_of(str(id))
        if key is None:
            return None
        rows = tables.Shipment.filter(id=key)
        if organization.kind.value != "PLATFORM":
            rows = rows.filter(Q(customer_id=organization.id) | Q(carrier_id=organization.id))
        row = await rows.first()
        return Shipment(row=row) if row else None


class App(GraphQL[dict[str, Any], None]):
    async def get_context(self, request: Any, response: Any) -> dict[str, Any]:
        header = request.headers.get("authorization", "")
        return {"token": header.removeprefix("Bearer ").strip() or None}


graphql = App(strawberry.Schema(query=Query))


async def healthz(_: Request) -> JSONResponse:
    return JSONResponse({"status": "alive"})


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    async with RegisterTortoise(
        app,
        db_url=os.environ.get("DATABASE_URL", "sqlite://cargolive.sqlite3"),
        modules={"models": MODEL_MODULES},
        use_tz=True,
        timezone="UTC",
    ):
        yield


app = Starlette(
    routes=[Route("/graphql", graphql, methods=["POST"]), Route("/healthz", healthz)],
    lifespan=lifespan,
)

if __name__ == "__main__":
    run(app)
