"""Containers: creating them, and their loading status moving forward with its events."""

from __future__ import annotations

import pytest

from models.enums import Role
from models.events import Event, EventKind, EventTopic
from models.shipments.containers import Container, LoadingChange, LoadingStatus
from models.shipments.tables import Shipment, ShipmentStatus, TrackingEvent
from tests.shipping import (
    CONTAINER_EVENTS,
    CREATE_CONTAINER,
    NEW_YORK,
    POTI,
    RECORD_EVENT,
    SHIPMENT_EVENTS,
    UPDATE_LOADING,
    gid,
    payload,
)

L = LoadingStatus
S = ShipmentStatus


def _container_input(**overrides) -> dict:
    return {
        "number": "CSQU3054383",
        "type": "HC40",
        "vehicleCapacity": 4,
        "vesselName": "MSC Aurora",
        "voyage": "AU245E",
        "billOfLading": "MEDU1234567",
        "portOfLoading": NEW_YORK,
        "portOfDischarge": POTI,
    } | overrides


# Creating.


async def test_the_warehouse_creates_a_container(client, warehouse):
    created = await payload(
        client, CREATE_CONTAINER, {"input": _container_input(number=" csqu 305438 3 ")}, warehouse
    )

    assert created["errors"] == []
    assert created["container"] | {"id": None} == {
        "id": None,
        "number": "CSQU3054383",
        "type": "HC40",
        "loadingStatus": "EMPTY",
        "sealNumber": None,
        "vehicleCapacity": 4,
        "loadedVehicles": 0,
        "vesselName": "MSC Aurora",
        "voyage": "AU245E",
        "billOfLading": "MEDU1234567",
        "portOfLoading": NEW_YORK,
        "portOfDischarge": POTI,
        "shipments": [],
    }


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"number": "CSQU3054384"}, "number", "INVALID_CONTAINER_NUMBER"),  # check digit
        ({"number": "CSQX3054383"}, "number", "INVALID_CONTAINER_NUMBER"),  # category
        ({"number": "CS1U3054383"}, "number", "INVALID_CONTAINER_NUMBER"),  # owner code
        ({"number": "CSQU305438"}, "number", "INVALID_CONTAINER_NUMBER"),  # length
        ({"vehicleCapacity": 0}, "vehicleCapacity", "INVALID_INPUT"),
        ({"vehicleCapacity": 21}, "vehicleCapacity", "INVALID_INPUT"),
        ({"type": "GP20", "vehicleCapacity": 5}, "vehicleCapacity", "INVALID_INPUT"),
        ({"voyage": "V" * 41}, "voyage", "INVALID_INPUT"),
        ({"portOfLoading": NEW_YORK | {"country": "GE"}}, "portOfLoading.unlocode", "INPUT"),
        ({"portOfDischarge": POTI | {"unlocode": "GE-PT"}}, "portOfDischarge.unlocode", "INPUT"),
    ],
)
async def test_each_field_is_checked(client, warehouse, change, field, code):
    input = _container_input(**change)

    result = await payload(client, CREATE_CONTAINER, {"input": input}, warehouse)

    code = "INVALID_INPUT" if code == "INPUT" else code
    assert [(e["code"], e["field"]) for e in result["errors"]] == [
        (code, ["input", *field.split(".")])
    ]
    assert await Container.all().count() == 0


async def test_a_container_number_is_unique(client, warehouse):
    await payload(client, CREATE_CONTAINER, {"input": _container_input()}, warehouse)
    again = await payload(client, CREATE_CONTAINER, {"input": _container_input()}, warehouse)
    assert [(e["code"], e["field"]) for e in again["errors"]] == [("CONFLICT", ["input", "number"])]


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.WAREHOUSE, True),
        (Role.DISPATCHER, True),
        (Role.ADMIN, True),
        (Role.DEALER, False),
        (Role.CARRIER, False),
        (Role.SUPPORT_AGENT, False),
    ],
)
async def test_who_creates_containers(client, make, role, allowed):
    party = await make.party(role)
    result = await payload(client, CREATE_CONTAINER, {"input": _container_input()}, party)
    assert (result["errors"] == []) is allowed
    if not allowed:
        assert result["errors"][0]["code"] == "FORBIDDEN"


# Loading.


async def _load(client, party, container: Container, status: str, **extra) -> dict:
    variables = {"containerId": gid("Container", container.id), "status": status} | extra
    return await payload(client, UPDATE_LOADING, variables, party)


async def test_loading_moves_forward_step_by_step(client, make, warehouse):
    container = await make.container()
    await make.shipment(customer=(await make.organization()).id, container=container, vehicles=4)
    await _load(client, warehouse, container, "PLANNED")
    await _load(client, warehouse, container, "STUFFING", loadedVehicles=2)
    await _load(client, warehouse, container, "STUFFED", loadedVehicles=4)
    sealed = await _load(client, warehouse, container, "SEALED", sealNumber="SL-778812")
    for status in ["GATED_IN", "LOADED", "DEPARTED", "ARRIVED", "DISCHARGED"]:
        assert (await _load(client, warehouse, container, status))["errors"] == []

    assert sealed["container"]["sealNumber"] == "SL-778812"
    changes = await LoadingChange.all().order_by("id")
    assert [(c.previous_status, c.status) for c in changes][:3] == [
        (L.EMPTY, L.PLANNED),
        (L.PLANNED, L.STUFFING),
        (L.STUFFING, L.STUFFED),
    ]
    assert [c.loaded_vehicles for c in changes][:4] == [0, 2, 4, 4]
    stored = await Container.get(id=container.id)
    assert (stored.loading_status, stored.loaded_vehicles) == (L.DISCHARGED, 4)


@pytest.mark.parametrize("current", [L.STUFFING, L.SEALED, L.DEPARTED])
async def test_loading_never_steps_back_or_stays(client, make, warehouse, current):
    container = await make.container(status=current, seal_number="SL-1")
    for status in list(L)[: list(L).index(current) + 1]:
        result = await _load(client, warehouse, container, status.value)
        assert [(e["code"], e["field"]) for e in result["errors"]] == [
            ("INVALID_TRANSITION", ["status"])
        ], status
    assert await LoadingChange.all().count() == 0


async def test_sealing_needs_a_seal_number(client, make, warehouse):
    container = await make.container(status=L.STUFFED)

    unsealed = await _load(client, warehouse, container, "SEALED")
    skipping = await _load(client, warehouse, container, "DEPARTED", sealNumber=" ")

    for result in (unsealed, skipping):
        assert [(e["code"], e["field"]) for e in result["errors"]] == [
            ("INVALID_INPUT", ["sealNumber"])
        ]
    assert (await Container.get(id=container.id)).loading_status is L.STUFFED


@pytest.mark.parametrize("loaded", [-1, 5])
async def test_loaded_vehicles_stay_within_the_capacity(client, make, warehouse, loaded):
    container = await make.container(capacity=4)
    result = await _load(client, warehouse, container, "STUFFING", loadedVehicles=loaded)
    assert [(e["code"], e["field"]) for e in result["errors"]] == [
        ("INVALID_INPUT", ["loadedVehicles"])
    ]


async def test_stuffed_records_who_confirmed_it_and_when(client, make, warehouse):
    container = await make.container(status=L.STUFFING)
    await make.shipment(customer=(await make.organization()).id, container=container, vehicles=3)

    await _load(client, warehouse, container, "STUFFED", loadedVehicles=3)

    stored = await Container.get(id=container.id)
    assert stored.stuffed_confirmed_by_id == warehouse.user.id
    assert stored.stuffed_confirmed_at is not None


async def test_a_loading_change_is_logged_for_the_containers_parties(
    client, make, dealer, other_dealer, carrier, warehouse
):
    container = await make.container(status=L.PLANNED)
    await make.shipment(
        customer=dealer.organization_id, container=container, carrier=carrier.organization_id
    )
    await make.shipment(customer=other_dealer.organization_id, container=container)

    await _load(client, warehouse, container, "STUFFING", loadedVehicles=1)

    (change,) = await LoadingChange.all()
    (logged,) = await Event.all()  # STUFFING has no tracking event of that name
    assert (logged.seq, logged.kind) == (change.seq, EventKind.LOADING)
    assert logged.subject_id == change.id
    assert sorted(logged.audience_orgs) == sorted(
        [dealer.organization_id, other_dealer.organization_id, carrier.organization_id]
    )
    assert logged.public is False
    orgs = sorted([dealer.organization_id, other_dealer.organization_id, carrier.organization_id])
    assert [t.topic for t in await EventTopic.all().order_by("id")] == [
        f"container:{container.id}",
        *(f"org:{org}" for org in orgs),  # each party's feed
    ]


async def test_a_loading_step_moves_every_shipment_inside_forward(
    client, make, dealer, other_dealer, warehouse
):
    container = await make.container(
        status=L.LOADED,
        seal_number="SL-9",
        port_of_loading_name="Savannah",
        port_of_loading_country="US",
        port_of_loading_unlocode="USSAV",
    )
    at_warehouse = await make.shipment(
        customer=dealer.organization_id, status=S.AT_WAREHOUSE, container=container
    )
    already_arrived = await make.shipment(
        customer=dealer.organization_id, status=S.ARRIVED, container=container
    )
    held = await make.shipment(
        customer=other_dealer.organization_id,
        status=S.ON_HOLD,
        status_before_hold=S.LOADED,
        container=container,
    )

    result = await _load(client, warehouse, container, "DEPARTED")

    assert result["errors"] == []
    statuses = {row.id: (row.status, row.status_before_hold) for row in await Shipment.all()}
    assert statuses == {
        at_warehouse.id: (S.IN_TRANSIT, None),
        already_arrived.id: (S.ARRIVED, None),
        held.id: (S.ON_HOLD, S.IN_TRANSIT),
    }
    (event,) = await TrackingEvent.all()
    assert (event.type, event.container_id, event.shipment_id) == ("DEPARTED", container.id, None)
    assert event.location_unlocode == "USSAV"


async def test_a_container_event_reaches_each_shipments_events_exactly_once(
    client, make, dealer, other_dealer, warehouse
):
    container = await make.container(status=L.SEALED, seal_number="SL-5")
    mine = await make.shipment(
        customer=dealer.organization_id, status=S.LOADED, container=container
    )
    theirs = await make.shipment(
        customer=other_dealer.organization_id, status=S.LOADED, container=container
    )
    container_id = gid("Container", container.id)

    recorded = await payload(
        client,
        RECORD_EVENT,
        {"input": {"containerId": container_id, "type": "DEPARTED", "location": NEW_YORK}},
        warehouse,
    )

    assert recorded["errors"] == []
    event_id = recorded["event"]["id"]
    assert recorded["event"]["container"]["id"] == container_id
    for party, shipment in ((dealer, mine), (other_dealer, theirs)):
        events = await payload(client, SHIPMENT_EVENTS, {"id": gid("Shipment", shipment.id)}, party)
        nodes = [edge["node"] for edge in events["events"]["edges"]]
        assert [(n["id"], n["type"]) for n in nodes] == [(event_id, "DEPARTED")]
        assert nodes[0]["container"] == {"id": container_id}
        assert nodes[0]["shipment"] == {"id": gid("Shipment", shipment.id)}  # read for it
        assert (await Shipment.get(id=shipment.id)).status is S.IN_TRANSIT
    (logged,) = await Event.all()
    topics = sorted(
        t.topic for t in await EventTopic.filter(seq=logged.seq) if not t.topic.startswith("org:")
    )
    assert topics == sorted(
        [f"container:{container.id}", f"shipment:{mine.id}", f"shipment:{theirs.id}"]
    )
    container_events = await payload(client, CONTAINER_EVENTS, {"id": container_id}, dealer)
    assert [e["node"]["id"] for e in container_events["events"]["edges"]] == [event_id]
