"""Recording tracking events on shipments and containers, and the event lists."""

from __future__ import annotations

import datetime as dt

import pytest

from models import clock
from models.enums import Role
from models.events import Event, EventKind, EventTopic
from models.shipments.tables import Shipment, ShipmentStatus, TrackingEvent
from resolvers.pagination import encode_cursor
from tests.graphql import gql
from tests.shipping import (
    NEW_YORK,
    POTI,
    RECORD_EVENT,
    SHIPMENT_EVENTS,
    gid,
    later,
    payload,
)

S = ShipmentStatus
# DOMAIN.md, written out: the chain, and what each ACTUAL event drives a shipment to.
CHAIN = [
    S.BOOKED,
    S.ACCEPTED,
    S.PICKUP_SCHEDULED,
    S.PICKED_UP,
    S.AT_WAREHOUSE,
    S.LOADED,
    S.IN_TRANSIT,
    S.ARRIVED,
    S.RELEASED,
    S.DELIVERED,
]
DRIVES = {
    "PICKED_UP": S.PICKED_UP,
    "GATED_IN": S.AT_WAREHOUSE,
    "STUFFED": S.LOADED,
    "DEPARTED": S.IN_TRANSIT,
    "ARRIVED": S.ARRIVED,
    "DISCHARGED": S.ARRIVED,
    "RELEASED": S.RELEASED,
    "AVAILABLE_FOR_PICKUP": S.RELEASED,
    "DELIVERED": S.DELIVERED,
}


def _expected(status: ShipmentStatus, event: str) -> ShipmentStatus | None:
    """The status after an ACTUAL `event` on a shipment in `status`; None when refused."""
    if event == "ON_HOLD":
        return None if status in {S.DELIVERED, S.CANCELLED, S.ON_HOLD} else S.ON_HOLD
    if event == "HOLD_RELEASED":
        return S.AT_WAREHOUSE if status is S.ON_HOLD else None
    # Milestones are facts: forward, skipping steps; behind, recorded without a change (late).
    target = DRIVES[event]
    if status in {S.BOOKED, S.CANCELLED}:  # no carrier took it yet / nothing happens any more
        return None
    if status is S.ON_HOLD:  # held at AT_WAREHOUSE: ahead of that waits for the release
        return status if CHAIN.index(target) <= CHAIN.index(S.AT_WAREHOUSE) else None
    return max(target, status, key=CHAIN.index)


def _record(**input):
    return {"input": input}


@pytest.mark.parametrize("status", [*CHAIN, S.CANCELLED, S.ON_HOLD])
async def test_every_transition_by_event_allowed_or_refused(client, make, dispatcher, status):
    customer = await make.organization()
    wrong = []
    for event in [*DRIVES, "ON_HOLD", "HOLD_RELEASED"]:
        row = await make.shipment(
            customer=customer.id,
            status=status,
            status_before_hold=S.AT_WAREHOUSE if status is S.ON_HOLD else None,
        )
        input = _record(shipmentId=gid("Shipment", row.id), type=event)
        result = await payload(client, RECORD_EVENT, input, dispatcher)
        stored = await Shipment.get(id=row.id)
        expected = _expected(status, event)
        if expected is None:
            codes = [e["code"] for e in result["errors"]]
            written = await TrackingEvent.filter(shipment_id=row.id).count()
            if codes != ["INVALID_TRANSITION"] or stored.status is not status or written:
                wrong.append((event, codes, stored.status, written))
        elif result["errors"] or stored.status is not expected:
            wrong.append((event, result["errors"], stored.status, expected))
    assert wrong == []


async def test_a_hold_returns_the_shipment_where_it_was(client, make, dealer, warehouse):
    row = await make.shipment(customer=dealer.organization_id, status=S.LOADED)
    shipment_id = gid("Shipment", row.id)

    held = await payload(
        client, RECORD_EVENT, _record(shipmentId=shipment_id, type="ON_HOLD"), warehouse
    )
    released = await payload(
        client, RECORD_EVENT, _record(shipmentId=shipment_id, type="HOLD_RELEASED"), warehouse
    )

    assert held["event"]["shipment"]["status"] == "ON_HOLD"
    assert released["event"]["shipment"]["status"] == "LOADED"
    assert (await Shipment.get(id=row.id)).status_before_hold is None


async def test_events_without_a_status_record_only(client, make, dealer, warehouse):
    row = await make.shipment(customer=dealer.organization_id, status=S.IN_TRANSIT)
    before = row.version

    result = await payload(
        client,
        RECORD_EVENT,
        _record(
            shipmentId=gid("Shipment", row.id),
            type="DAMAGED",
            description="scratch on the rear door",
            location=POTI,
        ),
        warehouse,
    )

    event = result["event"]
    assert event["type"] == "DAMAGED"
    assert event["classifier"] == "ACTUAL"
    assert event["location"] == POTI
    assert event["description"] == "scratch on the rear door"
    stored = await Shipment.get(id=row.id)
    assert (stored.status, stored.version) == (S.IN_TRANSIT, before)


async def test_picked_up_sets_the_pickup_time_and_an_estimated_arrival_the_eta(
    client, make, dealer, carrier
):
    row = await make.shipment(
        customer=dealer.organization_id, status=S.PICKUP_SCHEDULED, carrier=carrier.organization_id
    )
    shipment_id = gid("Shipment", row.id)
    picked = (clock.now() - dt.timedelta(minutes=20)).replace(microsecond=0)
    eta = (clock.now() + dt.timedelta(days=30)).replace(microsecond=0)

    await payload(
        client,
        RECORD_EVENT,
        _record(shipmentId=shipment_id, type="PICKED_UP", occurredAt=picked.isoformat()),
        carrier,
    )
    estimated = await payload(
        client,
        RECORD_EVENT,
        _record(
            shipmentId=shipment_id,
            type="ARRIVED",
            classifier="ESTIMATED",
            occurredAt=eta.isoformat(),
        ),
        carrier,
    )

    assert estimated["errors"] == []
    stored = await Shipment.get(id=row.id)
    assert (stored.status, stored.picked_up_at, stored.eta) == (S.PICKED_UP, picked, eta)


async def test_an_actual_event_may_not_lie_in_the_future(client, make, dealer, warehouse):
    row = await make.shipment(customer=dealer.organization_id, status=S.IN_TRANSIT)

    result = await payload(
        client,
        RECORD_EVENT,
        _record(shipmentId=gid("Shipment", row.id), type="ARRIVED", occurredAt=later(hours=1)),
        warehouse,
    )

    assert [(e["code"], e["field"]) for e in result["errors"]] == [
        ("INVALID_INPUT", ["input", "occurredAt"])
    ]
    assert await TrackingEvent.all().count() == 0


@pytest.mark.parametrize(
    ("input", "field"),
    [
        ({}, ["input"]),
        ({"containerId": "both"}, ["input"]),
        ({"type": "BOOKED"}, ["input", "type"]),
        ({"type": "ACCEPTED"}, ["input", "type"]),
        ({"type": "AMENDMENT_CONFIRMED"}, ["input", "type"]),
        ({"location": NEW_YORK | {"unlocode": "GEPTI"}}, ["input", "location", "unlocode"]),
        ({"occurredAt": "2026-01-01T10:00:00"}, ["input", "occurredAt"]),
        ({"description": "x" * 2001}, ["input", "description"]),
    ],
)
async def test_the_input_is_checked(client, make, dealer, warehouse, input, field):
    row = await make.shipment(customer=dealer.organization_id, status=S.IN_TRANSIT)
    container = await make.container()
    values = {"shipmentId": gid("Shipment", row.id), "type": "DAMAGED"} | input
    if values.get("containerId") == "both":
        values["containerId"] = gid("Container", container.id)
    if not input:
        del values["shipmentId"]

    result = await payload(client, RECORD_EVENT, {"input": values}, warehouse)

    assert [(e["code"], e["field"]) for e in result["errors"]] == [("INVALID_INPUT", field)]
    assert await TrackingEvent.all().count() == 0


async def test_who_records_on_a_shipment(client, make, dealer, carrier, other_carrier):
    carried = await make.shipment(
        customer=dealer.organization_id, status=S.IN_TRANSIT, carrier=carrier.organization_id
    )
    offered = await make.shipment(customer=dealer.organization_id)
    agent = await make.party(Role.SUPPORT_AGENT)

    async def code(party, row) -> str | None:
        result = await payload(
            client, RECORD_EVENT, _record(shipmentId=gid("Shipment", row.id), type="DELAYED"), party
        )
        return result["errors"][0]["code"] if result["errors"] else None

    assert await code(carrier, carried) is None
    assert await code(carrier, offered) == "FORBIDDEN"  # on offer, not carried
    assert await code(other_carrier, carried) == "NOT_FOUND"
    assert await code(dealer, carried) == "FORBIDDEN"
    assert await code(agent, carried) == "FORBIDDEN"
    for role in (Role.WAREHOUSE, Role.DISPATCHER, Role.ADMIN):
        assert await code(await make.party(role), carried) is None


async def test_a_carrier_does_not_record_on_containers(client, make, dealer, carrier):
    container = await make.container()
    await make.shipment(
        customer=dealer.organization_id,
        status=S.LOADED,
        carrier=carrier.organization_id,
        container=container,
    )
    other = await make.container()

    async def code(row) -> str:
        input = _record(containerId=gid("Container", row.id), type="DEPARTED")
        return (await payload(client, RECORD_EVENT, input, carrier))["errors"][0]["code"]

    assert await code(container) == "FORBIDDEN"
    assert await code(other) == "NOT_FOUND"  # holds nothing the carrier may see


async def test_a_hold_is_recorded_on_shipments_not_containers(client, make, warehouse):
    container = await make.container()
    input = _record(containerId=gid("Container", container.id), type="ON_HOLD")
    result = await payload(client, RECORD_EVENT, input, warehouse)
    assert [(e["code"], e["field"]) for e in result["errors"]] == [
        ("INVALID_INPUT", ["input", "type"])
    ]


# The event lists.


async def test_events_are_listed_oldest_first_with_the_log_seq_as_cursor(
    client, make, dealer, warehouse
):
    row = await make.shipment(customer=dealer.organization_id, status=S.IN_TRANSIT)
    shipment_id = gid("Shipment", row.id)
    for note in ("one", "two", "three"):
        await payload(
            client,
            RECORD_EVENT,
            _record(shipmentId=shipment_id, type="DELAYED", description=note),
            warehouse,
        )
    seqs = [e.seq for e in await TrackingEvent.all().order_by("id")]

    first = await payload(client, SHIPMENT_EVENTS, {"id": shipment_id, "first": 2}, dealer)
    page = first["events"]
    rest = await payload(
        client,
        SHIPMENT_EVENTS,
        {"id": shipment_id, "first": 2, "after": page["pageInfo"]["endCursor"]},
        dealer,
    )

    assert [e["node"]["description"] for e in page["edges"]] == ["one", "two"]
    assert [e["cursor"] for e in page["edges"]] == [encode_cursor(s) for s in seqs[:2]]
    assert [e["node"]["cursor"] for e in page["edges"]] == [e["cursor"] for e in page["edges"]]
    assert page["pageInfo"]["hasNextPage"] is True
    assert page["totalCount"] == 3
    later_page = rest["events"]
    assert [e["node"]["description"] for e in later_page["edges"]] == ["three"]
    assert later_page["pageInfo"]["hasNextPage"] is False
    assert later_page["pageInfo"]["hasPreviousPage"] is True
    assert later_page["totalCount"] == 3

    past_the_end = await payload(
        client,
        SHIPMENT_EVENTS,
        {"id": shipment_id, "after": later_page["pageInfo"]["endCursor"]},
        dealer,
    )
    assert past_the_end["events"]["edges"] == []
    assert past_the_end["events"]["totalCount"] == 3


async def test_an_event_is_in_the_log_once_with_its_topics_and_audience(
    client, make, dealer, carrier
):
    row = await make.shipment(
        customer=dealer.organization_id, status=S.IN_TRANSIT, carrier=carrier.organization_id
    )

    await payload(
        client, RECORD_EVENT, _record(shipmentId=gid("Shipment", row.id), type="DELAYED"), carrier
    )

    (event,) = await TrackingEvent.all()
    (logged,) = await Event.all()
    assert (logged.seq, logged.kind, logged.subject_id) == (event.seq, EventKind.TRACKING, event.id)
    assert sorted(logged.audience_orgs) == sorted([dealer.organization_id, carrier.organization_id])
    assert (logged.staff, logged.public) == (True, True)
    orgs = sorted([dealer.organization_id, carrier.organization_id])
    assert [t.topic for t in await EventTopic.all().order_by("id")] == [
        f"shipment:{row.id}",
        *(f"org:{org}" for org in orgs),  # each party's feed
    ]
    assert logged.facts == {
        "shipments": [
            {
                "id": row.id,
                "customer": dealer.organization_id,
                "carrier": carrier.organization_id,
                "before": "IN_TRANSIT",
                "after": "IN_TRANSIT",
            }
        ]
    }


async def test_an_events_page_is_capped_at_a_hundred(client, make, dealer):
    row = await make.shipment(customer=dealer.organization_id)
    result = await gql(
        client, SHIPMENT_EVENTS, {"id": gid("Shipment", row.id), "first": 101}, token=dealer.token
    )
    assert result["errors"][0]["extensions"] == {"code": "INVALID_INPUT", "field": ["first"]}
