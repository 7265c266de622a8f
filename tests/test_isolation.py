"""Two dealers (and two carriers): another tenant's ids answer exactly like missing ones.

Every query, `node` and mutation is asked twice, with a hidden id and with an id that never
existed, and the two whole responses must be equal: nothing tells the hidden object apart.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from models.events import Event
from models.shipments.containers import LoadingStatus
from models.shipments.tables import Shipment, ShipmentStatus, TrackingEvent
from tests.graphql import gql
from tests.shipping import (
    ACCEPT_SHIPMENT,
    ASSIGN,
    CONTAINER,
    CONTAINER_EVENTS,
    CONTAINERS,
    DECIDE_DESTINATION_CHANGE,
    NODE,
    RECORD_EVENT,
    REQUEST_DESTINATION_CHANGE,
    ROTTERDAM,
    SCHEDULE_PICKUP,
    SHIPMENT,
    SHIPMENT_EVENTS,
    SHIPMENTS,
    UPDATE_LOADING,
    gid,
    later,
    payload,
)

MISSING = 999_999


@dataclass
class World:
    """Dealer A's shipment in a container of its own, with a vehicle and an event."""

    shipment: int
    container: int
    vehicle: int
    event: int
    waybill: str
    own_shipment: int  # one of the viewer's own, for mutations that take two ids


@pytest.fixture
async def world(client, make, dealer, other_dealer, carrier, warehouse) -> World:
    container = await make.container(status=LoadingStatus.STUFFING)
    shipment = await make.shipment(
        customer=dealer.organization_id,
        carrier=carrier.organization_id,
        status=ShipmentStatus.AT_WAREHOUSE,
        container=container,
    )
    recorded = await payload(
        client,
        RECORD_EVENT,
        {"input": {"shipmentId": gid("Shipment", shipment.id), "type": "DELAYED"}},
        warehouse,
    )
    assert recorded["errors"] == []
    vehicle = (await shipment.vehicles.all())[0]
    own = await make.shipment(customer=other_dealer.organization_id)
    return World(
        shipment=shipment.id,
        container=container.id,
        vehicle=vehicle.id,
        event=(await TrackingEvent.get()).id,
        waybill=shipment.waybill,
        own_shipment=own.id,
    )


def _reads(w: World) -> list[tuple[str, str, dict, dict]]:
    """(name, document, variables with the hidden ids, variables with missing ids)."""
    return [
        (
            "shipment",
            SHIPMENT,
            {"id": gid("Shipment", w.shipment)},
            {"id": gid("Shipment", MISSING)},
        ),
        (
            "shipment events",
            SHIPMENT_EVENTS,
            {"id": gid("Shipment", w.shipment)},
            {"id": gid("Shipment", MISSING)},
        ),
        (
            "container",
            CONTAINER,
            {"id": gid("Container", w.container)},
            {"id": gid("Container", MISSING)},
        ),
        (
            "container events",
            CONTAINER_EVENTS,
            {"id": gid("Container", w.container)},
            {"id": gid("Container", MISSING)},
        ),
        *(
            (f"node {kind}", NODE, {"id": gid(kind, key)}, {"id": gid(kind, MISSING)})
            for kind, key in (
                ("Shipment", w.shipment),
                ("Vehicle", w.vehicle),
                ("TrackingEvent", w.event),
                ("Container", w.container),
            )
        ),
        (
            "shipments by container",
            SHIPMENTS,
            {"filter": {"containerId": gid("Container", w.container)}},
            {"filter": {"containerId": gid("Container", MISSING)}},
        ),
        (
            "shipments by waybill",
            SHIPMENTS,
            {"filter": {"waybill": w.waybill}},
            {"filter": {"waybill": "CL0000000000000"}},
        ),
    ]


def _writes(w: World) -> list[tuple[str, str, dict, dict]]:
    hidden, missing = gid("Shipment", w.shipment), gid("Shipment", MISSING)
    box, no_box = gid("Container", w.container), gid("Container", MISSING)
    own = gid("Shipment", w.own_shipment)
    return [
        ("accept", ACCEPT_SHIPMENT, {"id": hidden}, {"id": missing}),
        (
            "schedule pickup",
            SCHEDULE_PICKUP,
            {"id": hidden, "at": later(hours=1)},
            {"id": missing, "at": later(hours=1)},
        ),
        *(
            (
                f"record on {what}",
                RECORD_EVENT,
                {"input": {key: value, "type": "DELAYED"}},
                {"input": {key: absent, "type": "DELAYED"}},
            )
            for what, key, value, absent in (
                ("shipment", "shipmentId", hidden, missing),
                ("container", "containerId", box, no_box),
            )
        ),
        (
            "request destination change",
            REQUEST_DESTINATION_CHANGE,
            {"shipmentId": hidden, "destination": ROTTERDAM, "reason": "why not"},
            {"shipmentId": missing, "destination": ROTTERDAM, "reason": "why not"},
        ),
        (
            "decide destination change",
            DECIDE_DESTINATION_CHANGE,
            {"shipmentId": hidden, "approve": True},
            {"shipmentId": missing, "approve": True},
        ),
        (
            "assign the other's shipment",
            ASSIGN,
            {"shipmentId": hidden, "containerId": box},
            {"shipmentId": missing, "containerId": box},
        ),
        (
            "assign into the other's container",
            ASSIGN,
            {"shipmentId": own, "containerId": box},
            {"shipmentId": own, "containerId": no_box},
        ),
        (
            "update loading",
            UPDATE_LOADING,
            {"containerId": box, "status": "STUFFED"},
            {"containerId": no_box, "status": "STUFFED"},
        ),
    ]


async def _written(world: World) -> tuple[int, ...]:
    shipment = await Shipment.get(id=world.shipment)
    return (await Event.all().count(), await TrackingEvent.all().count(), shipment.version)


@pytest.mark.parametrize("viewer", ["other_dealer", "other_carrier"])
async def test_reads_of_another_tenants_ids_answer_like_missing_ones(
    client, world, other_dealer, other_carrier, viewer
):
    party = {"other_dealer": other_dealer, "other_carrier": other_carrier}[viewer]
    for name, document, hidden, missing in _reads(world):
        seen = await gql(client, document, hidden, token=party.token)
        absent = await gql(client, document, missing, token=party.token)
        assert seen == absent, name
        assert "errors" not in seen, name


@pytest.mark.parametrize("viewer", ["other_dealer", "other_carrier"])
async def test_writes_on_another_tenants_ids_answer_like_missing_ones(
    client, world, other_dealer, other_carrier, viewer
):
    party = {"other_dealer": other_dealer, "other_carrier": other_carrier}[viewer]
    before = await _written(world)
    for name, document, hidden, missing in _writes(world):
        seen = await gql(client, document, hidden, token=party.token)
        absent = await gql(client, document, missing, token=party.token)
        assert seen == absent, name
        (result,) = seen["data"].values()
        assert [error["code"] for error in result["errors"]] == ["NOT_FOUND"], name
    assert await _written(world) == before


async def test_lists_hold_only_the_viewers_own(client, world, dealer, other_dealer):
    mine = await payload(client, SHIPMENTS, {}, dealer)
    theirs = await payload(client, SHIPMENTS, {}, other_dealer)
    containers = await payload(client, CONTAINERS, {}, other_dealer)

    assert [e["node"]["id"] for e in mine["edges"]] == [gid("Shipment", world.shipment)]
    assert [e["node"]["id"] for e in theirs["edges"]] == [gid("Shipment", world.own_shipment)]
    assert containers == {
        "edges": [],
        "pageInfo": {
            "hasNextPage": False,
            "hasPreviousPage": False,
            "startCursor": None,
            "endCursor": None,
        },
        "totalCount": 0,
    }


async def test_anonymous_callers_read_nothing_but_public_tracking(client, world):
    for document, variables in (
        (SHIPMENT, {"id": gid("Shipment", world.shipment)}),
        (SHIPMENTS, {}),
        (CONTAINERS, {}),
        (NODE, {"id": gid("Container", world.container)}),
    ):
        result = await gql(client, document, variables)
        assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_the_owner_sees_what_the_others_do_not(client, world, dealer):
    # The control of the two tests above: the same ids do find something for their owner.
    for name, document, hidden, missing in _reads(world):
        seen = await gql(client, document, hidden, token=dealer.token)
        absent = await gql(client, document, missing, token=dealer.token)
        assert seen != absent, name
