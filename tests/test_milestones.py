"""Milestones are facts (DOMAIN.md, issue 15): forward with gaps, late ones kept, nothing back."""

from __future__ import annotations

import datetime as dt

from models import clock
from models.enums import OrganizationKind
from models.shipments.containers import LoadingStatus
from models.shipments.tables import Shipment, ShipmentStatus, TrackingEvent
from tests.shipping import RECORD_EVENT, SHIPMENT_EVENTS, TRACK, UPDATE_LOADING, gid, payload

S = ShipmentStatus
L = LoadingStatus
RECORD = RECORD_EVENT.replace(
    "id cursor type classifier occurredAt recordedAt description", "late id cursor type occurredAt"
)
TIMELINE = """
query ($id: ID!) { shipment(id: $id) { status timeline { cursor type occurredAt late } } }
"""


async def _carried(make, dealer, status: S, **fields) -> Shipment:
    carrier = await make.organization(OrganizationKind.CARRIER)
    return await make.shipment(
        customer=dealer.organization_id, carrier=carrier.id, status=status, **fields
    )


def _ago(**delta: float) -> str:
    return (clock.now() - dt.timedelta(**delta)).isoformat()


async def _record(client, party, **input) -> dict:
    return await payload(client, RECORD, {"input": input}, party)


async def test_a_milestone_after_a_missed_scan_moves_the_shipment_forward(
    client, make, dealer, dispatcher
):
    loaded = await _carried(make, dealer, S.LOADED)

    result = await _record(
        client, dispatcher, shipmentId=gid("Shipment", loaded.id), type="ARRIVED"
    )

    assert result["errors"] == []
    assert result["event"]["late"] is False
    assert (await Shipment.get(id=loaded.id)).status is S.ARRIVED


async def test_a_late_fact_is_recorded_without_a_change_and_shown_where_it_happened(
    client, make, dealer, dispatcher
):
    at_sea = await _carried(make, dealer, S.LOADED)
    shipment_id = gid("Shipment", at_sea.id)
    departed = await _record(
        client, dispatcher, shipmentId=shipment_id, type="DEPARTED", occurredAt=_ago(hours=2)
    )

    late = await _record(
        client, dispatcher, shipmentId=shipment_id, type="GATED_IN", occurredAt=_ago(days=2)
    )

    assert late["errors"] == []
    assert late["event"]["late"] is True
    assert (await Shipment.get(id=at_sea.id)).status is S.IN_TRANSIT
    timeline = (await payload(client, TIMELINE, {"id": shipment_id}, dealer))["timeline"]
    assert [(e["type"], e["late"]) for e in timeline] == [("GATED_IN", True), ("DEPARTED", False)]
    # The cursors keep log order: the page of the log after DEPARTED's cursor holds the late fact.
    assert [e["cursor"] for e in timeline] == [late["event"]["cursor"], departed["event"]["cursor"]]
    after = {"id": shipment_id, "after": departed["event"]["cursor"]}
    page = (await payload(client, SHIPMENT_EVENTS, after, dealer))["events"]
    assert [edge["node"]["type"] for edge in page["edges"]] == ["GATED_IN"]
    tracked = await payload(client, TRACK, {"waybill": at_sea.waybill}, None)
    assert [e["type"] for e in tracked["events"]] == ["GATED_IN", "DEPARTED"]


async def test_ties_in_time_keep_log_order(client, make, dealer, dispatcher):
    loaded = await _carried(make, dealer, S.AT_WAREHOUSE)
    shipment_id = gid("Shipment", loaded.id)
    moment = _ago(minutes=5)
    for kind in ("STUFFED", "DEPARTED"):
        await _record(client, dispatcher, shipmentId=shipment_id, type=kind, occurredAt=moment)

    timeline = (await payload(client, TIMELINE, {"id": shipment_id}, dealer))["timeline"]

    assert [e["type"] for e in timeline] == ["STUFFED", "DEPARTED"]


async def test_nothing_moves_a_shipment_backwards_or_out_of_a_terminal_state(
    client, make, dealer, dispatcher
):
    delivered = await _carried(make, dealer, S.DELIVERED)
    cancelled = await _carried(make, dealer, S.CANCELLED)
    held = await _carried(make, dealer, S.ON_HOLD, status_before_hold=S.LOADED)

    late = await _record(
        client, dispatcher, shipmentId=gid("Shipment", delivered.id), type="ARRIVED"
    )
    on_cancelled = await _record(
        client, dispatcher, shipmentId=gid("Shipment", cancelled.id), type="DELIVERED"
    )
    ahead_of_hold = await _record(
        client, dispatcher, shipmentId=gid("Shipment", held.id), type="DEPARTED"
    )
    behind_hold = await _record(
        client, dispatcher, shipmentId=gid("Shipment", held.id), type="PICKED_UP"
    )

    assert late["event"]["late"] is True
    assert [e["code"] for e in on_cancelled["errors"]] == ["INVALID_TRANSITION"]
    assert [e["code"] for e in ahead_of_hold["errors"]] == ["INVALID_TRANSITION"]
    assert behind_hold["event"]["late"] is True
    stored = {s.id: (s.status, s.status_before_hold) for s in await Shipment.all()}
    assert stored == {
        delivered.id: (S.DELIVERED, None),
        cancelled.id: (S.CANCELLED, None),
        held.id: (S.ON_HOLD, S.LOADED),
    }


async def test_no_milestone_on_a_booking_no_carrier_took(client, make, dealer, dispatcher):
    booked = await make.shipment(customer=dealer.organization_id)

    result = await _record(
        client, dispatcher, shipmentId=gid("Shipment", booked.id), type="PICKED_UP"
    )

    assert [(e["code"], e["field"]) for e in result["errors"]] == [
        ("INVALID_TRANSITION", ["input", "type"])
    ]
    assert "no carrier" in result["errors"][0]["message"]
    assert await TrackingEvent.filter(shipment_id=booked.id).count() == 0


async def test_a_container_skipping_stuffed_loads_its_shipments(client, make, dealer, warehouse):
    container = await make.container(status=L.STUFFING)
    accepted = await _carried(make, dealer, S.ACCEPTED, container=container)
    at_warehouse = await _carried(make, dealer, S.AT_WAREHOUSE, container=container)
    variables = {"containerId": gid("Container", container.id), "status": "SEALED"}

    result = await payload(client, UPDATE_LOADING, variables | {"sealNumber": "SL-1"}, warehouse)

    assert result["errors"] == []
    statuses = {s["id"]: s["status"] for s in result["container"]["shipments"]}
    assert statuses == {
        gid("Shipment", accepted.id): "LOADED",
        gid("Shipment", at_warehouse.id): "LOADED",
    }


async def test_a_container_departing_moves_shipments_that_missed_steps(
    client, make, dealer, warehouse
):
    container = await make.container(status=L.STUFFING)
    shipment = await _carried(make, dealer, S.PICKUP_SCHEDULED, container=container)
    variables = {
        "containerId": gid("Container", container.id),
        "status": "DEPARTED",
        "sealNumber": "SL-2",
    }

    result = await payload(client, UPDATE_LOADING, variables, warehouse)

    assert result["errors"] == []
    assert (await Shipment.get(id=shipment.id)).status is S.IN_TRANSIT


async def test_a_container_milestone_behind_all_its_cargo_is_late(client, make, dealer, warehouse):
    container = await make.container(status=L.DEPARTED, seal_number="SL-3")
    await _carried(make, dealer, S.IN_TRANSIT, container=container)
    await _carried(make, dealer, S.ARRIVED, container=container)

    result = await _record(
        client, warehouse, containerId=gid("Container", container.id), type="GATED_IN"
    )

    assert result["errors"] == []
    assert result["event"]["late"] is True
    statuses = sorted(s.status.value for s in await Shipment.all())
    assert statuses == ["ARRIVED", "IN_TRANSIT"]
