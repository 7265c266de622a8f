"""Destination changes: the dealer asks with a reason, staff approve or decline."""

from __future__ import annotations

import pytest

from models.enums import Role
from models.shipments.tables import Shipment, ShipmentStatus, TrackingEvent
from tests.shipping import (
    DECIDE_DESTINATION_CHANGE,
    POTI,
    REQUEST_DESTINATION_CHANGE,
    ROTTERDAM,
    SHIPMENT_EVENTS,
    gid,
    payload,
)


async def _request(client, party, shipment_id: str, **overrides):
    variables = {
        "shipmentId": shipment_id,
        "destination": ROTTERDAM,
        "reason": "buyer moved to the Netherlands",
    } | overrides
    return await payload(client, REQUEST_DESTINATION_CHANGE, variables, party)


async def _decide(client, party, shipment_id: str, approve: bool, note: str | None = None):
    variables = {"shipmentId": shipment_id, "approve": approve, "note": note}
    return await payload(client, DECIDE_DESTINATION_CHANGE, variables, party)


async def _last_event(client, party, shipment_id: str) -> dict:
    events = await payload(client, SHIPMENT_EVENTS, {"id": shipment_id}, party)
    return events["events"]["edges"][-1]["node"]


@pytest.fixture
async def shipment(make, dealer) -> str:
    row = await make.shipment(customer=dealer.organization_id, status=ShipmentStatus.IN_TRANSIT)
    return gid("Shipment", row.id)


async def test_a_dealer_asks_and_staff_approve(client, dealer, dispatcher, shipment):
    asked = await _request(client, dealer, shipment)

    assert asked["errors"] == []
    assert asked["shipment"]["destination"] == POTI  # unchanged until decided
    received = await _last_event(client, dealer, shipment)
    assert received["type"] == "AMENDMENT_RECEIVED"
    assert "buyer moved to the Netherlands" in received["description"]

    approved = await _decide(client, dispatcher, shipment, True, "fine by the line")

    assert approved["errors"] == []
    assert approved["shipment"]["destination"] == ROTTERDAM
    confirmed = await _last_event(client, dealer, shipment)
    assert confirmed["type"] == "AMENDMENT_CONFIRMED"
    assert confirmed["description"] == "Destination changed to Rotterdam: fine by the line"
    stored = await Shipment.get()
    assert stored.requested_destination_name is None


@pytest.mark.parametrize("role", [Role.BACK_OFFICE, Role.SUPPORT_AGENT, Role.ADMIN])
async def test_staff_decline_and_the_destination_stays(client, make, dealer, shipment, role):
    staff = await make.party(role)
    await _request(client, dealer, shipment)

    declined = await _decide(client, staff, shipment, False)

    assert declined["errors"] == []
    assert declined["shipment"]["destination"] == POTI
    assert (await _last_event(client, dealer, shipment))["type"] == "AMENDMENT_DECLINED"
    assert (await Shipment.get()).requested_destination_name is None


async def test_one_request_waits_at_a_time(client, dealer, dispatcher, shipment):
    await _request(client, dealer, shipment)

    second = await _request(client, dealer, shipment, reason="changed my mind again")

    assert second["errors"][0]["code"] == "CONFLICT"
    await _decide(client, dispatcher, shipment, False)
    assert (await _request(client, dealer, shipment))["errors"] == []


async def test_nothing_to_decide_is_an_invalid_transition(client, dispatcher, shipment):
    result = await _decide(client, dispatcher, shipment, True)
    assert result["errors"][0]["code"] == "INVALID_TRANSITION"
    assert await TrackingEvent.all().count() == 0


@pytest.mark.parametrize(
    ("status", "before_hold"),
    [
        (ShipmentStatus.ARRIVED, None),
        (ShipmentStatus.RELEASED, None),
        (ShipmentStatus.DELIVERED, None),
        (ShipmentStatus.CANCELLED, None),
        (ShipmentStatus.ON_HOLD, ShipmentStatus.ARRIVED),
    ],
)
async def test_not_from_arrival_on_nor_when_terminal(client, make, dealer, status, before_hold):
    row = await make.shipment(
        customer=dealer.organization_id, status=status, status_before_hold=before_hold
    )

    result = await _request(client, dealer, gid("Shipment", row.id))

    assert result["errors"][0]["code"] == "INVALID_TRANSITION"
    assert (await Shipment.get(id=row.id)).requested_destination_name is None


async def test_approval_is_refused_once_the_shipment_arrived_meanwhile(
    client, dealer, dispatcher, shipment
):
    await _request(client, dealer, shipment)
    await Shipment.all().update(status=ShipmentStatus.ARRIVED)

    approved = await _decide(client, dispatcher, shipment, True)
    declined = await _decide(client, dispatcher, shipment, False)

    assert approved["errors"][0]["code"] == "INVALID_TRANSITION"
    assert declined["errors"] == []


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"reason": "  "}, ["reason"]),
        ({"destination": ROTTERDAM | {"country": "GE"}}, ["destination", "unlocode"]),
        ({"destination": ROTTERDAM | {"country": "ZZ"}}, ["destination", "country"]),
        ({"destination": ROTTERDAM | {"name": ""}}, ["destination", "name"]),
    ],
)
async def test_the_request_is_checked_field_by_field(client, dealer, shipment, overrides, field):
    result = await _request(client, dealer, shipment, **overrides)

    assert [(e["code"], e["field"]) for e in result["errors"]] == [("INVALID_INPUT", field)]
    assert await TrackingEvent.all().count() == 0


async def test_only_the_dealer_asks_and_only_staff_decide(
    client, make, dealer, carrier, dispatcher, shipment
):
    await Shipment.all().update(carrier_id=carrier.organization_id)
    by_carrier = await _request(client, carrier, shipment)
    by_staff = await _request(client, dispatcher, shipment)
    await _request(client, dealer, shipment)
    warehouse = await make.party(Role.WAREHOUSE)

    decided_by_dealer = await _decide(client, dealer, shipment, True)
    decided_by_warehouse = await _decide(client, warehouse, shipment, True)

    assert by_carrier["errors"][0]["code"] == "FORBIDDEN"
    assert by_staff["errors"][0]["code"] == "FORBIDDEN"
    assert decided_by_dealer["errors"][0]["code"] == "FORBIDDEN"
    assert decided_by_warehouse["errors"][0]["code"] == "FORBIDDEN"
    assert (await Shipment.get()).destination_name == "Poti"
