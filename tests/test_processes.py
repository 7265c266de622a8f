"""Several `cargolive serve` processes on one database and one Redis act as one service,
also through a Redis restart and a writer that commits but never publishes."""

from __future__ import annotations

import asyncio

import httpx2
import pytest

from models import clock
from models.enums import Role
from models.events import EventKind
from models.shipments.tables import (
    EventClassifier,
    ShipmentStatus,
    TrackingEvent,
    TrackingEventType,
)
from resolvers.shipments.events import shipment_topic
from subscriptions.log import Audience, recording
from tests import ws
from tests.processes import service
from tests.shipping import gid

RECORD = """
mutation ($input: RecordTrackingEventInput!) {
  recordTrackingEvent(input: $input) { event { cursor } errors { code message } }
}
"""
TRACKING = """
subscription ($id: ID!, $after: String) {
  shipmentTracking(shipmentId: $id, after: $after) { cursor description }
}
"""


@pytest.fixture
async def parties(make):
    dealer = await make.party(Role.DEALER)
    warehouse = await make.party(Role.WAREHOUSE)
    shipment = await make.shipment(
        customer=dealer.organization_id, status=ShipmentStatus.AT_WAREHOUSE
    )
    return dealer, warehouse, shipment


async def record(address: str, token: str, shipment_id: int, text: str) -> str:
    async with httpx2.AsyncClient() as http:
        response = await http.post(
            f"http://{address}/graphql",
            json={
                "query": RECORD,
                "variables": {
                    "input": {
                        "shipmentId": gid("Shipment", shipment_id),
                        "type": "DELAYED",
                        "description": text,
                    }
                },
            },
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
    payload = response.json()["data"]["recordTrackingEvent"]
    assert payload["errors"] == [], payload
    return payload["event"]["cursor"]


async def descriptions(socket, count: int, within: float = 10) -> list[str]:
    got = []
    while len(got) < count:
        frame = await ws.receive(socket, within)
        assert frame["type"] == "next", frame
        got.append(frame["payload"]["data"]["shipmentTracking"]["description"])
    return got


async def test_a_write_on_one_process_reaches_subscribers_on_another(redis_server, parties):
    dealer, warehouse, shipment = parties
    variables = {"id": gid("Shipment", shipment.id)}
    async with (
        service(BROADCAST_URL=redis_server.url) as (a, _),
        service(BROADCAST_URL=redis_server.url) as (b, _),
    ):
        async with await ws.connect(b) as socket:
            await ws.init(socket, dealer.token)
            await ws.subscribe(socket, TRACKING, variables)
            await asyncio.sleep(0.3)
            await record(a, warehouse.token, shipment.id, "from a")
            assert await descriptions(socket, 1) == ["from a"]
        last = await record(a, warehouse.token, shipment.id, "while away 1")
        await record(b, warehouse.token, shipment.id, "while away 2")

        # the client comes back to the other process with its cursor
        async with await ws.connect(a) as socket:
            await ws.init(socket, dealer.token)
            await ws.subscribe(socket, TRACKING, variables | {"after": last})
            assert await descriptions(socket, 1) == ["while away 2"]
            await record(b, warehouse.token, shipment.id, "live again")
            assert await descriptions(socket, 1) == ["live again"]


async def test_a_redis_restart_mid_stream_loses_nothing(redis_server, parties):
    dealer, warehouse, shipment = parties
    variables = {"id": gid("Shipment", shipment.id)}
    async with (
        service(BROADCAST_URL=redis_server.url) as (a, _),
        service(BROADCAST_URL=redis_server.url) as (b, _),
    ):
        async with await ws.connect(b) as socket:
            await ws.init(socket, dealer.token)
            await ws.subscribe(socket, TRACKING, variables)
            await asyncio.sleep(0.3)
            await record(a, warehouse.token, shipment.id, "before")
            assert await descriptions(socket, 1) == ["before"]

            await redis_server.stop()
            # Redis down: mutations still succeed, readiness says the bus is gone
            await record(a, warehouse.token, shipment.id, "during 1")
            await record(a, warehouse.token, shipment.id, "during 2")
            async with httpx2.AsyncClient() as http:
                ready = await http.get(f"http://{a}/readyz", timeout=5)
            assert ready.status_code == 503
            assert ready.json()["checks"]["bus"] is False
            await redis_server.start()
            await record(a, warehouse.token, shipment.id, "after")

            got = await descriptions(socket, 3, within=15)
            assert got == ["during 1", "during 2", "after"]
            await record(b, warehouse.token, shipment.id, "through redis again")
            assert await descriptions(socket, 1) == ["through redis again"]
            with pytest.raises(TimeoutError):
                await ws.receive(socket, 1.5)  # and nothing twice


async def test_an_event_committed_without_a_publish_still_arrives(redis_server, parties):
    """A process killed between commit and publish: the row is in the log, no notice went out."""
    dealer, _, shipment = parties
    async with service(BROADCAST_URL=redis_server.url) as (address, _):
        async with await ws.connect(address) as socket:
            await ws.init(socket, dealer.token)
            await ws.subscribe(socket, TRACKING, {"id": gid("Shipment", shipment.id)})
            await asyncio.sleep(0.3)
            # This test process has no bus: recording() commits and announces to no one.
            async with recording() as log:
                row = await TrackingEvent.create(
                    shipment_id=shipment.id,
                    type=TrackingEventType.DELAYED,
                    classifier=EventClassifier.ACTUAL,
                    occurred_at=clock.now(),
                    recorded_at=clock.now(),
                    description="committed, never published",
                )
                row.seq = await log.append(
                    kind=EventKind.TRACKING,
                    subject_id=row.id,
                    topics=[shipment_topic(shipment.id)],
                    audience=Audience(orgs=frozenset({dealer.organization_id}), public=True),
                    occurred_at=row.occurred_at,
                )
                await row.save(update_fields=["seq"])
            assert await descriptions(socket, 1, within=5) == ["committed, never published"]


async def test_two_workers_answer_and_metrics_add_up_across_them(redis_server):
    async with service("--workers", "2", BROADCAST_URL=redis_server.url) as (address, _):
        async with httpx2.AsyncClient() as http:
            for _ in range(6):
                assert (await http.get(f"http://{address}/healthz")).status_code == 200
            text = (await http.get(f"http://{address}/metrics")).text
    line = next(
        row
        for row in text.splitlines()
        if row.startswith('cargolive_http_requests_total{method="GET",route="/healthz"')
    )
    assert float(line.rsplit(" ", 1)[1]) == 6.0  # whichever worker answered each request
