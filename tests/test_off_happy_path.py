"""Where reality leaves the happy path (issue 15): each test failed before its fix."""

from __future__ import annotations

import datetime as dt

import pytest

from models import clock
from models.alerts.tables import StaffAlert, StaffAlertKind
from models.disputes.tables import Refund
from models.enums import Role
from models.shipments.tables import Shipment, ShipmentStatus
from tests.disputing import ESCALATE, accepted_shipment, ask, ok, open_dispute
from tests.shipping import (
    ACCEPT_SHIPMENT,
    ASSIGN,
    RECORD_EVENT,
    book,
    gid,
    later,
    payload,
)
from tests.support import OPEN_THREAD, build_desk, enquiry, open_thread

S = ShipmentStatus


async def _assign(client, warehouse, shipment: Shipment, container) -> dict:
    variables = {
        "shipmentId": gid("Shipment", shipment.id),
        "containerId": gid("Container", container.id),
    }
    return await payload(client, ASSIGN, variables, warehouse)


# 1. A cancelled shipment gives its places in the container back.


async def test_a_cancelled_shipment_frees_its_places(client, make, dealer, carrier, warehouse):
    container = await make.container(capacity=2)
    first, third, fourth = [
        await accepted_shipment(make, dealer, carrier, status=S.AT_WAREHOUSE) for _ in range(3)
    ]
    assert (await _assign(client, warehouse, first, container))["errors"] == []
    cancelled = await ask(client, carrier, first, "OTHER", "Truck broke down")
    assert cancelled["shipment"]["status"] == "CANCELLED"

    assert (await _assign(client, warehouse, third, container))["errors"] == []
    assert (await _assign(client, warehouse, fourth, container))["errors"] == []


# 2. A booking no carrier took is not shipped, and is cancelled at once only while BOOKED.


async def test_a_booking_no_carrier_took_cannot_join_a_container(client, make, dealer, warehouse):
    container = await make.container(capacity=2)
    booked = await make.shipment(customer=dealer.organization_id)

    result = await _assign(client, warehouse, booked, container)

    assert [(e["code"], e["field"]) for e in result["errors"]] == [
        ("INVALID_TRANSITION", ["shipmentId"])
    ]
    assert "carrier" in result["errors"][0]["message"]
    assert (await Shipment.get(id=booked.id)).container_id is None


async def test_a_shipment_under_way_is_never_cancelled_at_once_for_want_of_a_carrier(
    client, make, dealer
):
    at_sea = await make.shipment(
        customer=dealer.organization_id,
        status=S.IN_TRANSIT,
        deposit_amount=100,
        deposit_currency="EUR",
    )

    result = await ask(client, dealer, at_sea)

    assert [e["code"] for e in result["errors"]] == ["INVALID_TRANSITION"]
    assert (await Shipment.get(id=at_sea.id)).status is S.IN_TRANSIT
    assert await Refund.filter(shipment_id=at_sea.id).count() == 0


async def test_a_held_booking_is_still_cancelled_at_once(client, make, dealer):
    held = await make.shipment(
        customer=dealer.organization_id, status=S.ON_HOLD, status_before_hold=S.BOOKED
    )

    result = await ask(client, dealer, held)

    assert result["errors"] == [] and result["dispute"] is None
    assert result["shipment"]["status"] == "CANCELLED"


# 4. A pickup time given at booking does not block the pickup.


async def test_a_pickup_time_given_at_booking_does_not_block_the_pickup(
    client, make, dealer, carrier
):
    pickup = later(hours=2)
    booked = await book(client, dealer, pickupScheduledAt=pickup)
    accepted = await payload(client, ACCEPT_SHIPMENT, {"id": booked["id"]}, carrier)
    assert accepted["shipment"]["status"] == "ACCEPTED"

    with clock.travel(dt.datetime.fromisoformat(pickup) + dt.timedelta(minutes=5)):
        token = await make.token(carrier.user)
        recorded = await payload(
            client,
            RECORD_EVENT,
            {"input": {"shipmentId": booked["id"], "type": "PICKED_UP"}},
            type(carrier)(user=carrier.user, token=token),
        )

    assert recorded["errors"] == []
    assert recorded["event"]["shipment"]["status"] == "PICKED_UP"


# 8. Category and topic go together.


@pytest.mark.parametrize(
    ("category", "topic"),
    [("SERVICE_ACCIDENT", "CREDIT_LINE"), ("FINANCE", "LOADING_STATUS"), ("ACCOUNT", "RESALE")],
)
async def test_a_topic_of_another_category_is_refused(client, make, category, topic):
    desk = await build_desk(make)
    variables = {"input": enquiry(category=category, topic=topic)}

    result = await payload(client, OPEN_THREAD, variables, desk.dealer)

    assert result["thread"] is None
    [(code, field, message)] = [(e["code"], e["field"], e["message"]) for e in result["errors"]]
    assert (code, field) == ("INVALID_INPUT", ["input", "topic"])
    assert f"{topic} is not a {category} topic" in message


@pytest.mark.parametrize(
    ("category", "topic"),
    [
        ("FINANCE", "VEHICLE_PAYMENT"),
        ("COMPLAINT", "LOADING_STATUS"),
        ("SERVICE_ACCIDENT", "PICKUP_STATUS"),
        ("ENQUIRY", "OTHER"),
    ],
)
async def test_a_topic_of_its_category_is_taken(client, make, category, topic):
    desk = await build_desk(make)

    thread = await open_thread(client, desk.dealer, category=category, topic=topic)

    assert thread["group"] is not None and thread["slaTimers"] != []


# 9. The escalation alert gives its due moment in the deployment's zone, and says which.


async def test_the_escalation_alert_states_the_due_moment_in_the_local_zone(rome_client, make):
    # Thursday 23:30 UTC is Friday 00:30 in Rome: due 30 working days on, Friday 15 January.
    with clock.travel(dt.datetime(2026, 12, 3, 23, 30, tzinfo=dt.UTC)):
        dealer, carrier = await make.party(Role.DEALER), await make.party(Role.CARRIER)
        shipment = await accepted_shipment(make, dealer, carrier)
        dispute = await open_dispute(rome_client, dealer, shipment)
        escalated = await ok(rome_client, ESCALATE, dealer, disputeId=dispute["id"], reason="No")

    assert escalated["reviewDueAt"].startswith("2027-01-14T23:30")
    alert = await StaffAlert.get(kind=StaffAlertKind.DISPUTE_ESCALATED)
    assert alert.message.endswith("review due by 2027-01-15 00:30 Europe/Rome")
