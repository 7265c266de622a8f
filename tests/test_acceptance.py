"""A carrier accepts a booked shipment and schedules its pickup, over GraphQL."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from models.enums import OrganizationKind, Role
from models.shipments.tables import Shipment, ShipmentStatus, TrackingEvent
from resolvers.shipments import bookings as shipment_use_cases
from tests.shipping import (
    ACCEPT_SHIPMENT,
    SCHEDULE_PICKUP,
    SHIPMENT_EVENTS,
    book,
    gid,
    later,
    payload,
    read_together,
)


async def _event_types(client, party, shipment_id: str) -> list[str]:
    events = await payload(client, SHIPMENT_EVENTS, {"id": shipment_id}, party)
    return [edge["node"]["type"] for edge in events["events"]["edges"]]


# Accepting.


async def test_a_carrier_accepts_a_booked_shipment(client, dealer, carrier):
    shipment = await book(client, dealer)

    accepted = await payload(client, ACCEPT_SHIPMENT, {"id": shipment["id"]}, carrier)

    assert accepted["errors"] == []
    assert accepted["shipment"]["status"] == "ACCEPTED"
    assert accepted["shipment"]["carrier"]["id"] == gid("Organization", carrier.organization_id)
    assert accepted["shipment"]["acceptedAt"] is not None
    assert await _event_types(client, dealer, shipment["id"]) == ["BOOKED", "ACCEPTED"]


async def test_only_a_carrier_accepts(client, make, dealer, dispatcher, admin):
    shipment = await book(client, dealer)
    for party in (dealer, dispatcher, admin):
        result = await payload(client, ACCEPT_SHIPMENT, {"id": shipment["id"]}, party)
        assert result["errors"][0]["code"] == "FORBIDDEN", party.user.role
    assert (await Shipment.get()).status is ShipmentStatus.BOOKED


async def test_an_accepted_shipment_is_gone_from_other_carriers_and_not_accepted_twice(
    client, dealer, carrier, other_carrier
):
    shipment = await book(client, dealer)
    await payload(client, ACCEPT_SHIPMENT, {"id": shipment["id"]}, carrier)

    again = await payload(client, ACCEPT_SHIPMENT, {"id": shipment["id"]}, carrier)
    other = await payload(client, ACCEPT_SHIPMENT, {"id": shipment["id"]}, other_carrier)

    assert again["errors"][0]["code"] == "INVALID_TRANSITION"
    assert other["errors"] == [
        {"field": ["id"], "message": "shipment not found", "code": "NOT_FOUND"}
    ]


async def test_a_blocked_carrier_cannot_accept(client, make, dealer):
    blocked = await make.organization(OrganizationKind.CARRIER, blocked=True)
    carrier = await make.party(Role.CARRIER, blocked)
    shipment = await book(client, dealer)

    result = await payload(client, ACCEPT_SHIPMENT, {"id": shipment["id"]}, carrier)

    assert result["errors"][0]["code"] == "ACCOUNT_BLOCKED"
    assert (await Shipment.get()).carrier_id is None


async def test_of_two_carriers_racing_exactly_one_wins(
    client, monkeypatch, dealer, carrier, other_carrier
):
    shipment = await book(client, dealer)
    # Both read the BOOKED shipment before either writes: the race at its tightest.
    read_together(monkeypatch, shipment_use_cases, "find_shipment")

    results = await asyncio.gather(
        payload(client, ACCEPT_SHIPMENT, {"id": shipment["id"]}, carrier),
        payload(client, ACCEPT_SHIPMENT, {"id": shipment["id"]}, other_carrier),
    )

    outcomes = sorted([e["code"] for e in r["errors"]] for r in results)
    assert outcomes == [[], ["CONFLICT"]]
    winner = next(r for r in results if not r["errors"])
    stored = await Shipment.get()
    assert winner["shipment"]["carrier"]["id"] == gid("Organization", stored.carrier_id)
    assert await TrackingEvent.filter(type="ACCEPTED").count() == 1


# Scheduling the pickup.


async def _accepted(client, dealer, carrier) -> dict:
    shipment = await book(client, dealer)
    await payload(client, ACCEPT_SHIPMENT, {"id": shipment["id"]}, carrier)
    return shipment


async def test_the_carrier_schedules_and_moves_the_pickup(client, dealer, carrier):
    shipment = await _accepted(client, dealer, carrier)
    first, second = later(hours=5), later(days=1)

    scheduled = await payload(client, SCHEDULE_PICKUP, {"id": shipment["id"], "at": first}, carrier)
    unexplained = await payload(
        client, SCHEDULE_PICKUP, {"id": shipment["id"], "at": second}, carrier
    )
    moved = await payload(
        client,
        SCHEDULE_PICKUP,
        {"id": shipment["id"], "at": second, "reason": "Ferry cancelled"},
        carrier,
    )

    assert scheduled["shipment"]["status"] == "PICKUP_SCHEDULED"
    # The first plan is the reference (the dealer gave no time): moving it needs a reason.
    assert [e["field"] for e in unexplained["errors"]] == [["reason"]]
    assert moved["errors"] == []
    assert dt.datetime.fromisoformat(moved["shipment"]["pickupScheduledAt"]) == (
        dt.datetime.fromisoformat(second)
    )
    events = await payload(client, SHIPMENT_EVENTS, {"id": shipment["id"]}, dealer)
    planned = [e["node"] for e in events["events"]["edges"][2:]]
    assert [(e["type"], e["classifier"]) for e in planned] == [
        ("PICKUP_SCHEDULED", "PLANNED"),
        ("PICKUP_SCHEDULED", "PLANNED"),
    ]


async def test_dispatch_schedules_any_pickup(client, dealer, carrier, dispatcher):
    shipment = await _accepted(client, dealer, carrier)
    result = await payload(
        client, SCHEDULE_PICKUP, {"id": shipment["id"], "at": later(hours=3)}, dispatcher
    )
    assert result["errors"] == []


async def test_who_may_not_schedule_a_pickup(client, dealer, carrier, other_carrier, warehouse):
    shipment = await _accepted(client, dealer, carrier)
    at = later(hours=3)

    by_other = await payload(
        client, SCHEDULE_PICKUP, {"id": shipment["id"], "at": at}, other_carrier
    )
    by_warehouse = await payload(
        client, SCHEDULE_PICKUP, {"id": shipment["id"], "at": at}, warehouse
    )

    assert by_other["errors"][0]["code"] == "NOT_FOUND"  # another carrier's shipment is hidden
    assert by_warehouse["errors"][0]["code"] == "FORBIDDEN"


async def test_a_pickup_is_not_scheduled_in_the_past_or_before_acceptance(
    client, dealer, carrier, other_carrier
):
    offered = await book(client, dealer)
    accepted = await _accepted(client, dealer, other_carrier)

    past = await payload(
        client, SCHEDULE_PICKUP, {"id": accepted["id"], "at": later(minutes=-1)}, other_carrier
    )
    on_offer = await payload(
        client, SCHEDULE_PICKUP, {"id": offered["id"], "at": later(hours=1)}, carrier
    )

    assert (past["errors"][0]["code"], past["errors"][0]["field"]) == ("INVALID_INPUT", ["at"])
    # A carrier sees the offer but does not carry it yet.
    assert on_offer["errors"][0]["code"] == "FORBIDDEN"
    assert (await Shipment.get(waybill=accepted["waybill"])).pickup_scheduled_at is None


@pytest.mark.parametrize(
    "status", [s for s in ShipmentStatus if s not in {"ACCEPTED", "PICKUP_SCHEDULED"}]
)
async def test_a_pickup_is_scheduled_only_once_accepted(client, make, carrier, status):
    customer = await make.organization()
    row = await make.shipment(
        customer=customer.id,
        status=status,
        carrier=carrier.organization_id,
        status_before_hold=ShipmentStatus.ACCEPTED if status == "ON_HOLD" else None,
    )

    result = await payload(
        client, SCHEDULE_PICKUP, {"id": gid("Shipment", row.id), "at": later(hours=1)}, carrier
    )

    assert result["errors"][0]["code"] == "INVALID_TRANSITION"
    assert (await Shipment.get(id=row.id)).version == 0
