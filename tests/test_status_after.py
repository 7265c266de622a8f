"""What a client needs to draw a timeline of statuses: every tracking event keeps the status
its shipment had right after it (`statusAfter`, stored with the event), and an event recorded
on a container reaches each shipment with that shipment (`shipment`) and its own status."""

from __future__ import annotations

import asyncio
import importlib
from types import SimpleNamespace

import httpx2
from tortoise import Tortoise

from models.events import Event
from models.shipments.containers import LoadingStatus as L
from models.shipments.tables import ShipmentStatus as S
from models.shipments.tables import TrackingEvent
from tests import ws
from tests.graphql import gql
from tests.shipping import NEW_YORK, RECORD_EVENT, gid, payload

EVENTS = """
query ($id: ID!) {
  shipment(id: $id) {
    status
    events { edges { node { type statusAfter late shipment { id } container { id } } } }
    timeline { type statusAfter shipment { id } }
  }
}
"""
CONTAINER_EVENTS = """
query ($id: ID!) {
  container(id: $id) { events { edges { node { type statusAfter shipment { id } } } } }
}
"""
TRACK = "query ($w: String!) { trackWaybill(waybill: $w) { status events { type statusAfter } } }"
TRACKING = """
subscription ($id: ID!, $after: String) {
  shipmentTracking(shipmentId: $id, after: $after) { type statusAfter shipment { id } }
}
"""
WAYBILL = """
subscription ($w: String!, $after: String) {
  waybillTracking(waybill: $w, after: $after) { type statusAfter }
}
"""


async def record(client, party, **event) -> dict:
    recorded = await payload(client, RECORD_EVENT, {"input": event}, party)
    assert recorded["errors"] == [], recorded
    return recorded["event"]


async def test_a_replay_shows_the_status_after_each_event_not_todays(
    client, make, dealer, carrier, warehouse
):
    shipment = await make.shipment(
        customer=dealer.organization_id, status=S.ACCEPTED, carrier=carrier.organization_id
    )
    key = gid("Shipment", shipment.id)
    for kind in ("PICKED_UP", "DELAYED", "GATED_IN", "PICKED_UP"):  # the last one: late
        await record(client, warehouse, shipmentId=key, type=kind)

    seen = (await gql(client, EVENTS, {"id": key}, token=dealer.token))["data"]["shipment"]

    assert seen["status"] == "AT_WAREHOUSE"
    nodes = [edge["node"] for edge in seen["events"]["edges"]]
    assert [(n["type"], n["statusAfter"], n["late"]) for n in nodes] == [
        ("PICKED_UP", "PICKED_UP", False),
        ("DELAYED", "PICKED_UP", False),
        ("GATED_IN", "AT_WAREHOUSE", False),
        ("PICKED_UP", "AT_WAREHOUSE", True),
    ]
    assert all(n["shipment"] == {"id": key} for n in nodes)
    assert [e["statusAfter"] for e in seen["timeline"]] == [n["statusAfter"] for n in nodes]
    public = await gql(client, TRACK, {"w": shipment.waybill})
    statuses = [e["statusAfter"] for e in public["data"]["trackWaybill"]["events"]]
    assert statuses == ["PICKED_UP", "PICKED_UP", "AT_WAREHOUSE", "AT_WAREHOUSE"]


async def test_a_container_event_carries_each_shipment_and_its_own_status(
    client, make, dealer, other_dealer, warehouse
):
    container = await make.container(status=L.SEALED, seal_number="SL-5")
    loaded = await make.shipment(
        customer=dealer.organization_id, status=S.LOADED, container=container
    )
    arrived = await make.shipment(
        customer=other_dealer.organization_id, status=S.ARRIVED, container=container
    )
    container_id = gid("Container", container.id)

    event = await record(
        client, warehouse, containerId=container_id, type="DEPARTED", location=NEW_YORK
    )

    assert event["shipment"] is None  # recorded on the container: no one shipment
    for party, shipment, status in (
        (dealer, loaded, "IN_TRANSIT"),
        (other_dealer, arrived, "ARRIVED"),
    ):
        key = gid("Shipment", shipment.id)
        seen = (await gql(client, EVENTS, {"id": key}, token=party.token))["data"]["shipment"]
        (node,) = [edge["node"] for edge in seen["events"]["edges"]]
        assert node["shipment"] == {"id": key}
        assert node["container"] == {"id": container_id}
        assert node["statusAfter"] == status
        (entry,) = seen["timeline"]
        assert (entry["shipment"], entry["statusAfter"]) == ({"id": key}, status)
    through = await gql(client, CONTAINER_EVENTS, {"id": container_id}, token=warehouse.token)
    (node,) = [e["node"] for e in through["data"]["container"]["events"]["edges"]]
    assert (node["shipment"], node["statusAfter"]) == (None, None)


async def test_each_shipments_stream_gets_its_own_shipment_and_status(
    server, make, dealer, other_dealer, warehouse
):
    container = await make.container(status=L.SEALED, seal_number="SL-6")
    loaded = await make.shipment(
        customer=dealer.organization_id, status=S.LOADED, container=container
    )
    arrived = await make.shipment(
        customer=other_dealer.organization_id, status=S.ARRIVED, container=container
    )
    watchers = [(dealer, loaded, "IN_TRANSIT"), (other_dealer, arrived, "ARRIVED")]
    async with httpx2.AsyncClient(base_url=f"http://{server}") as http:
        starts = {}  # where a replay starts: each shipment's own event before the container's
        for _, shipment, _ in watchers:
            key = gid("Shipment", shipment.id)
            starts[shipment.id] = (await record(http, warehouse, shipmentId=key, type="DELAYED"))[
                "cursor"
            ]
    async with (
        await ws.connect(server) as first,
        await ws.connect(server) as second,
        await ws.connect(server) as public,
    ):
        for socket, (party, shipment, _) in zip((first, second), watchers, strict=True):
            await ws.init(socket, party.token)
            await ws.subscribe(socket, TRACKING, {"id": gid("Shipment", shipment.id)})
        await ws.init(public)
        await ws.subscribe(public, WAYBILL, {"w": arrived.waybill})
        await asyncio.sleep(0.3)
        async with httpx2.AsyncClient(base_url=f"http://{server}") as http:
            await record(
                http, warehouse, containerId=gid("Container", container.id), type="DEPARTED"
            )

        for socket, (_, shipment, status) in zip((first, second), watchers, strict=True):
            frame = await ws.receive(socket)
            assert frame["payload"]["data"]["shipmentTracking"] == {
                "type": "DEPARTED",
                "statusAfter": status,
                "shipment": {"id": gid("Shipment", shipment.id)},
            }
        frame = await ws.receive(public)
        assert frame["payload"]["data"]["waybillTracking"] == {
            "type": "DEPARTED",
            "statusAfter": "ARRIVED",
        }

    # a replay from the start gives the same, each shipment its own
    for party, shipment, status in watchers:
        async with await ws.connect(server) as socket:
            await ws.init(socket, party.token)
            await ws.subscribe(
                socket, TRACKING, {"id": gid("Shipment", shipment.id), "after": starts[shipment.id]}
            )
            frame = await ws.receive(socket)
            assert frame["type"] == "next", frame
            assert frame["payload"]["data"]["shipmentTracking"]["statusAfter"] == status


async def test_the_migration_fills_in_the_events_written_before_it(
    client, make, dealer, carrier, warehouse
):
    """From the log's facts where the log still has them; else the newest event of each
    shipment gets the status it has now; the rest stay unknown (null)."""
    fill = importlib.import_module("models.migrations.0013_tracking_event_status_after")
    shipment = await make.shipment(
        customer=dealer.organization_id, status=S.ACCEPTED, carrier=carrier.organization_id
    )
    key = gid("Shipment", shipment.id)
    for kind in ("PICKED_UP", "GATED_IN", "DELAYED"):
        await record(client, warehouse, shipmentId=key, type=kind)
    events = await TrackingEvent.filter(shipment_id=shipment.id).order_by("seq")
    written = [event.statuses_after for event in events]
    editor = SimpleNamespace(client=Tortoise.get_connection("default"))

    await TrackingEvent.all().update(statuses_after=None)
    await fill.fill_statuses(None, editor)
    assert [e.statuses_after for e in await TrackingEvent.all().order_by("seq")] == written

    await TrackingEvent.all().update(statuses_after=None)
    await Event.filter(seq__in=[event.seq for event in events]).delete()  # pruned from the log
    await fill.fill_statuses(None, editor)
    after = [e.statuses_after for e in await TrackingEvent.all().order_by("seq")]
    assert after == [None, None, {str(shipment.id): "AT_WAREHOUSE"}]
