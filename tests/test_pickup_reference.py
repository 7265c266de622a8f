"""The pickup service level counts from the customer's time (001 A, issue 15 points 4 and 5)."""

from __future__ import annotations

import datetime as dt

from models import clock
from models.alerts.tables import StaffAlert, StaffAlertKind
from models.shipments.tables import Shipment
from resolvers.shipments.pickups import raise_late_pickups
from tests.shipping import ACCEPT_SHIPMENT, RECORD_EVENT, SHIPMENT_EVENTS, book, gid, payload

PICKUP_FIELDS = "id status pickupScheduledAt pickupDesignatedAt pickupRescheduleReason"
SCHEDULE = f"""
mutation ($id: ID!, $at: DateTime!, $reason: String) {{
  schedulePickup(id: $id, at: $at, reason: $reason) {{
    shipment {{ {PICKUP_FIELDS} }} errors {{ field message code }}
  }}
}}
"""
AGREE = f"""
mutation ($id: ID!) {{
  agreeToPickupTime(id: $id) {{ shipment {{ {PICKUP_FIELDS} }} errors {{ field message code }} }}
}}
"""
PICKUP = f"query ($id: ID!) {{ shipment(id: $id) {{ {PICKUP_FIELDS} }} }}"


async def _booked_at(client, dealer, carrier, pickup: dt.datetime) -> str:
    booked = await book(client, dealer, pickupScheduledAt=pickup.isoformat())
    accepted = await payload(client, ACCEPT_SHIPMENT, {"id": booked["id"]}, carrier)
    assert accepted["errors"] == []
    return booked["id"]


async def _alerts() -> int:
    return await StaffAlert.filter(kind=StaffAlertKind.PICKUP_LATE).count()


async def test_a_carriers_reschedule_needs_a_reason_and_leaves_the_customers_time(
    client, dealer, carrier
):
    pickup = (clock.now() + dt.timedelta(minutes=30)).replace(microsecond=0)
    shipment_id = await _booked_at(client, dealer, carrier, pickup)
    two_days_on = pickup + dt.timedelta(days=2)

    with clock.travel(pickup + dt.timedelta(minutes=29)):
        silent = await payload(
            client, SCHEDULE, {"id": shipment_id, "at": two_days_on.isoformat()}, carrier
        )
        moved = await payload(
            client,
            SCHEDULE,
            {"id": shipment_id, "at": two_days_on.isoformat(), "reason": "Truck in the garage"},
            carrier,
        )
        seen = await payload(client, PICKUP, {"id": shipment_id}, dealer)
        events = await payload(client, SHIPMENT_EVENTS, {"id": shipment_id}, dealer)

    assert [(e["code"], e["field"]) for e in silent["errors"]] == [("INVALID_INPUT", ["reason"])]
    assert moved["errors"] == []
    assert seen["status"] == "PICKUP_SCHEDULED"
    assert dt.datetime.fromisoformat(seen["pickupScheduledAt"]) == two_days_on
    assert dt.datetime.fromisoformat(seen["pickupDesignatedAt"]) == pickup
    assert seen["pickupRescheduleReason"] == "Truck in the garage"
    last = events["events"]["edges"][-1]["node"]
    assert last["type"] == "PICKUP_SCHEDULED"
    assert "Truck in the garage" in last["description"]
    # Late is measured from the customer's time, however often the carrier moves the pickup.
    assert await raise_late_pickups(pickup + dt.timedelta(minutes=60)) == 0
    assert await raise_late_pickups(pickup + dt.timedelta(minutes=61)) == 1
    assert await _alerts() == 1


async def test_a_reschedule_the_customer_agrees_to_becomes_the_reference(client, dealer, carrier):
    pickup = (clock.now() + dt.timedelta(minutes=30)).replace(microsecond=0)
    shipment_id = await _booked_at(client, dealer, carrier, pickup)
    later = pickup + dt.timedelta(hours=5)
    reason = {"reason": "Road closed"}
    await payload(client, SCHEDULE, {"id": shipment_id, "at": later.isoformat()} | reason, carrier)

    refused = await payload(client, AGREE, {"id": shipment_id}, carrier)
    agreed = await payload(client, AGREE, {"id": shipment_id}, dealer)
    again = await payload(client, AGREE, {"id": shipment_id}, dealer)

    assert [e["code"] for e in refused["errors"]] == ["FORBIDDEN"]
    assert agreed["errors"] == []
    assert dt.datetime.fromisoformat(agreed["shipment"]["pickupDesignatedAt"]) == later
    assert agreed["shipment"]["pickupRescheduleReason"] is None
    assert [e["code"] for e in again["errors"]] == ["INVALID_TRANSITION"]
    assert await raise_late_pickups(pickup + dt.timedelta(hours=2)) == 0
    assert await raise_late_pickups(later + dt.timedelta(minutes=61)) == 1


async def test_the_customer_designates_and_the_carriers_first_plan_is_the_reference_without_one(
    client, dealer, carrier
):
    first = (clock.now() + dt.timedelta(hours=3)).replace(microsecond=0)
    booked = await book(client, dealer)
    await payload(client, ACCEPT_SHIPMENT, {"id": booked["id"]}, carrier)

    planned = await payload(
        client, SCHEDULE, {"id": booked["id"], "at": first.isoformat()}, carrier
    )
    designated = await payload(
        client,
        SCHEDULE,
        {"id": booked["id"], "at": (first + dt.timedelta(hours=1)).isoformat()},
        dealer,
    )
    back = await payload(
        client,
        SCHEDULE,
        {"id": booked["id"], "at": (first + dt.timedelta(hours=1)).isoformat()},
        carrier,
    )

    assert dt.datetime.fromisoformat(planned["shipment"]["pickupDesignatedAt"]) == first
    assert designated["errors"] == []
    shown = designated["shipment"]
    assert shown["pickupDesignatedAt"] == shown["pickupScheduledAt"]
    assert back["errors"] == [] and back["shipment"]["pickupRescheduleReason"] is None
    stored = await Shipment.get(waybill=booked["waybill"])
    assert stored.pickup_designated_at == first + dt.timedelta(hours=1)


async def test_the_pickup_is_recorded_whenever_it_happens_after_acceptance(client, dealer, carrier):
    pickup = (clock.now() + dt.timedelta(hours=2)).replace(microsecond=0)
    shipment_id = await _booked_at(client, dealer, carrier, pickup)

    early = await payload(
        client, RECORD_EVENT, {"input": {"shipmentId": shipment_id, "type": "PICKED_UP"}}, carrier
    )

    assert early["errors"] == []
    assert early["event"]["shipment"]["status"] == "PICKED_UP"
    assert await raise_late_pickups(pickup + dt.timedelta(hours=3)) == 0
    assert gid("Shipment", (await Shipment.first()).id) == shipment_id
