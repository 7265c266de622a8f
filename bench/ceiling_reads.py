"""The ceiling for reads: bare Starlette, the database driver and hand-written SQL answering the
tracking page's query (bench/workload.py, TRACKING_PAGE) with the same JSON as Cargolive.

No GraphQL at all: the body's `variables.id` picks the shipment, the bearer token is looked up
as Cargolive looks it up (one statement), the shipment is read through the same visibility rule
(its customer, its carrier, or staff), then its vehicles, its container and its first 20 events
with their count, four statements in all, and the answer is built as dicts and dumped with
orjson. Served by the same uvicorn settings as `cargolive serve` (bench/serving.py).

DATABASE_URL: postgres:// (asyncpg, a pool of 4) or sqlite:// (the standard library's sqlite3,
called inline: the cheapest a read can be on one core).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import os
import sqlite3
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bench.serving import run

STAFF_KINDS = {"PLATFORM"}
PAGE = 20


class Database:
    """`fetch(sql, args)` -> rows as dicts, on asyncpg ($1) or sqlite3 (?)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.postgres = url.startswith(("postgres://", "postgresql://"))
        self.pool: Any = None
        self.sqlite: sqlite3.Connection | None = None

    async def open(self) -> None:
        if self.postgres:
            import asyncpg

            url = self.url.replace("postgres://", "postgresql://", 1)
            self.pool = await asyncpg.create_pool(url, min_size=4, max_size=4, reset=None)
        else:
            path = self.url.removeprefix("sqlite://")
            self.sqlite = sqlite3.connect(path, check_same_thread=False)
            self.sqlite.row_factory = sqlite3.Row

    async def close(self) -> None:
        if self.pool is not None:
            await self.pool.close()
        if self.sqlite is not None:
            self.sqlite.close()

    async def fetch(self, text: str, args: Sequence[Any]) -> list[dict[str, Any]]:
        if self.pool is not None:
            async with self.pool.acquire() as connection:
                return [dict(row) for row in await connection.fetch(text, *args)]
        assert self.sqlite is not None
        for number in range(len(args), 0, -1):
            text = text.replace(f"${number}", "?")
        return [dict(row) for row in self.sqlite.execute(text, list(args))]


db = Database(os.environ.get("DATABASE_URL", "sqlite://cargolive.sqlite3"))


def global_id(type_name: str, key: int) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{key}".encode()).decode().rstrip("=")


def cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(f"k:{seq}".encode()).decode().rstrip("=")


def when(value: Any) -> str | None:
    """A timestamp as Cargolive answers it: ISO 8601 in UTC."""
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat()


def place(row: dict[str, Any], prefix: str) -> dict[str, Any] | None:
    name, country = row[f"{prefix}_name"], row[f"{prefix}_country"]
    if name is None or country is None:
        return None
    return {"name": name, "unlocode": row[f"{prefix}_unlocode"], "country": country}


async def viewer(token: str | None) -> dict[str, Any] | None:
    if not token:
        return None
    digest = hashlib.sha256(token.encode()).hexdigest()
    rows = await db.fetch(
        """SELECT u.id AS user_id, u.role, o.id AS organization_id, o.kind, o.blocked
           FROM access_token t
           JOIN user_account u ON u.id = t.user_id
           JOIN organization o ON o.id = u.organization_id
           WHERE t.token_hash = $1 AND t.revoked_at IS NULL LIMIT 1""",
        [digest],
    )
    return rows[0] if rows else None


async def shipment(who: dict[str, Any], key: int) -> dict[str, Any] | None:
    rows = await db.fetch("SELECT * FROM shipment WHERE id = $1", [key])
    if not rows:
        return None
    row = rows[0]
    org = who["organization_id"]
    if who["kind"] in STAFF_KINDS or org in (row["customer_id"], row["carrier_id"]):
        return row
    if who["kind"] == "CARRIER" and row["status"] == "BOOKED" and row["carrier_id"] is None:
        return row
    return None


async def answer(who: dict[str, Any], key: int) -> dict[str, Any] | None:
    row = await shipment(who, key)
    if row is None:
        return None
    vehicles = await db.fetch("SELECT * FROM vehicle WHERE shipment_id = $1 ORDER BY id", [key])
    container = None
    if row["container_id"] is not None:
        found = await db.fetch("SELECT * FROM container WHERE id = $1", [row["container_id"]])
        if found:
            c = found[0]
            container = {
                "id": global_id("Container", c["id"]),
                "number": c["number"],
                "type": c["type"],
                "loadingStatus": c["loading_status"],
                "vesselName": c["vessel_name"],
                "voyage": c["voyage"],
                "portOfLoading": place(c, "port_of_loading"),
                "portOfDischarge": place(c, "port_of_discharge"),
            }
    events = await db.fetch(
        """SELECT te.*, COUNT(*) OVER () AS page_total
           FROM event_topic et JOIN tracking_event te ON te.seq = et.seq
           WHERE et.topic = $1 ORDER BY te.seq LIMIT $2""",
        [f"shipment:{key}", PAGE + 1],
    )
    shown = events[:PAGE]
    edges = [
        {
            "node": {
                "id": global_id("TrackingEvent", e["id"]),
                "cursor": cursor(e["seq"]),
                "type": e["type"],
                "classifier": e["classifier"],
                "occurredAt": when(e["occurred_at"]),
                "recordedAt": when(e["recorded_at"]),
                "description": e["description"],
                "location": place(e, "location"),
            }
        }
        for e in shown
    ]
    return {
        "id": global_id("Shipment", row["id"]),
        "waybill": row["waybill"],
        "reference": row["reference"],
        "status": row["status"],
        "eta": when(row["eta"]),
        "pickedUpAt": when(row["picked_up_at"]),
        "origin": place(row, "origin"),
        "destination": place(row, "destination"),
        "vehicles": [
            {
                "id": global_id("Vehicle", v["id"]),
                "vin": v["vin"],
                "make": v["make"],
                "model": v["model"],
                "year": v["year"],
                "auction": v["auction"],
                "lotNumber": v["lot_number"],
            }
            for v in vehicles
        ],
        "container": container,
        "events": {
            "edges": edges,
            "pageInfo": {
                "hasNextPage": len(events) > PAGE,
                "endCursor": cursor(shown[-1]["seq"]) if shown else None,
            },
            "totalCount": int(events[0]["page_total"]) if events else 0,
        },
    }


def key_of(global_id_text: str) -> int | None:
    try:
        text = base64.urlsafe_b64decode(global_id_text + "=" * (-len(global_id_text) % 4))
        type_name, _, key = text.decode().partition(":")
        return int(key) if type_name == "Shipment" else None
    except (ValueError, UnicodeDecodeError):
        return None


async def graphql(request: Request) -> Response:
    body = orjson.loads(await request.body())
    header = request.headers.get("authorization", "")
    who = await viewer(header.removeprefix("Bearer ").strip() or None)
    if who is None:
        error = {"message": "sign in first", "extensions": {"code": "UNAUTHENTICATED"}}
        return Response(orjson.dumps({"data": None, "errors": [error]}), 200)
    key = key_of(str(body.get("variables", {}).get("id", "")))
    data = {"shipment": await answer(who, key) if key is not None else None}
    return Response(orjson.dumps({"data": data}), media_type="application/json")


async def healthz(_: Request) -> JSONResponse:
    return JSONResponse({"status": "alive"})


@asynccontextmanager
async def lifespan(_: Starlette) -> AsyncIterator[None]:
    await db.open()
    yield
    await db.close()


app = Starlette(
    routes=[Route("/graphql", graphql, methods=["POST"]), Route("/healthz", healthz)],
    lifespan=lifespan,
)

if __name__ == "__main__":
    run(app)
