"""Containers: creating them, consolidating shipments, loading, and what each party sees."""

from __future__ import annotations

import asyncio

import pytest

from models.containers import Container, LoadingChange, LoadingStatus
from models.enums import Role
from models.events import Event, EventKind, EventTopic
from models.shipments import Shipment, ShipmentStatus, TrackingEvent
from resolvers import containers as container_use_cases
from tests.factories import valid_container_number
from tests.shipping import (
    ASSIGN,
    CONTAINER,
    CONTAINER_EVENTS,
    CONTAINERS,
    CREATE_CONTAINER,
    NEW_YORK,
    POTI,
    RECORD_EVENT,
    SHIPMENT_EVENTS,
    UPDATE_LOADING,
    gid,
    payload,
    read_together,
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


# Consolidating.


async def _assign(client, party, shipment: Shipment, container: Container) -> dict:
    variables = {
        "shipmentId": gid("Shipment", shipment.id),
        "containerId": gid("Container", container.id),
    }
    return await payload(client, ASSIGN, variables, party)


async def test_shipments_of_several_dealers_share_a_container(
    client, make, dealer, other_dealer, warehouse
):
    container = await make.container(capacity=4)
    mine = await make.shipment(customer=dealer.organization_id, vehicles=2, status=S.AT_WAREHOUSE)
    theirs = await make.shipment(customer=other_dealer.organization_id, vehicles=2)

    first = await _assign(client, warehouse, mine, container)
    second = await _assign(client, warehouse, theirs, container)

    assert first["errors"] == second["errors"] == []
    assert [s["id"] for s in second["container"]["shipments"]] == [
        gid("Shipment", mine.id),
        gid("Shipment", theirs.id),
    ]


async def test_a_shipment_that_does_not_fit_is_refused(client, make, dealer, warehouse):
    container = await make.container(capacity=4)
    await make.shipment(customer=dealer.organization_id, vehicles=3, container=container)
    bigger = await make.shipment(customer=dealer.organization_id, vehicles=2)

    result = await _assign(client, warehouse, bigger, container)

    assert [(e["code"], e["field"]) for e in result["errors"]] == [
        ("LIMIT_EXCEEDED", ["shipmentId"])
    ]
    assert (await Shipment.get(id=bigger.id)).container_id is None


@pytest.mark.parametrize("status", [s for s in L if list(L).index(s) >= list(L).index(L.STUFFED)])
async def test_no_shipment_joins_once_the_container_is_stuffed(
    client, make, dealer, warehouse, status
):
    container = await make.container(status=status)
    shipment = await make.shipment(customer=dealer.organization_id)

    result = await _assign(client, warehouse, shipment, container)

    assert [(e["code"], e["field"]) for e in result["errors"]] == [
        ("INVALID_TRANSITION", ["containerId"])
    ]


@pytest.mark.parametrize("status", [S.LOADED, S.IN_TRANSIT, S.DELIVERED, S.CANCELLED])
async def test_a_loaded_or_finished_shipment_does_not_join(client, make, dealer, warehouse, status):
    container = await make.container()
    shipment = await make.shipment(customer=dealer.organization_id, status=status)

    result = await _assign(client, warehouse, shipment, container)

    assert result["errors"][0]["code"] == "INVALID_TRANSITION"


async def test_a_shipment_joins_one_container(client, make, dealer, warehouse):
    first, second = await make.container(), await make.container()
    shipment = await make.shipment(customer=dealer.organization_id, container=first)

    result = await _assign(client, warehouse, shipment, second)

    assert result["errors"][0]["code"] == "CONFLICT"
    assert (await Shipment.get(id=shipment.id)).container_id == first.id


async def test_only_warehouse_and_dispatch_consolidate(client, make, dealer, carrier):
    container = await make.container()
    shipment = await make.shipment(
        customer=dealer.organization_id, carrier=carrier.organization_id, status=S.ACCEPTED
    )
    # The dealer and the carrier see the shipment but not the (empty) container.
    for party in (dealer, carrier):
        result = await _assign(client, party, shipment, container)
        assert result["errors"][0] == {
            "field": ["containerId"],
            "message": "container not found",
            "code": "NOT_FOUND",
        }
    agent = await make.party(Role.SUPPORT_AGENT)
    assert (await _assign(client, agent, shipment, container))["errors"][0]["code"] == "FORBIDDEN"


async def test_two_assignments_that_fit_alone_but_not_together_do_not_both_land(
    client, make, monkeypatch, dealer, other_dealer, warehouse, dispatcher
):
    container = await make.container(capacity=4)
    one = await make.shipment(customer=dealer.organization_id, vehicles=3)
    two = await make.shipment(customer=other_dealer.organization_id, vehicles=3)
    # Both have checked the room (3 of 4 free each) before either writes.
    read_together(monkeypatch, container_use_cases, "find_container")

    results = await asyncio.gather(
        _assign(client, warehouse, one, container), _assign(client, dispatcher, two, container)
    )

    assert sorted([e["code"] for e in r["errors"]] for r in results) == [[], ["LIMIT_EXCEEDED"]]
    assert await Shipment.filter(container_id=container.id).count() == 1


# Loading.


async def _load(client, party, container: Container, status: str, **extra) -> dict:
    variables = {"containerId": gid("Container", container.id), "status": status} | extra
    return await payload(client, UPDATE_LOADING, variables, party)


async def test_loading_moves_forward_step_by_step(client, make, warehouse):
    container = await make.container()
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
    assert [t.topic for t in await EventTopic.all()] == [f"container:{container.id}"]


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
        assert nodes[0]["shipment"] is None
        assert (await Shipment.get(id=shipment.id)).status is S.IN_TRANSIT
    (logged,) = await Event.all()
    topics = sorted(t.topic for t in await EventTopic.filter(seq=logged.seq))
    assert topics == sorted(
        [f"container:{container.id}", f"shipment:{mine.id}", f"shipment:{theirs.id}"]
    )
    container_events = await payload(client, CONTAINER_EVENTS, {"id": container_id}, dealer)
    assert [e["node"]["id"] for e in container_events["events"]["edges"]] == [event_id]


async def test_a_later_shipment_does_not_get_the_containers_earlier_events(
    client, make, dealer, warehouse
):
    container = await make.container(status=L.PLANNED)
    early = await make.shipment(customer=dealer.organization_id, container=container)
    await payload(
        client,
        RECORD_EVENT,
        {"input": {"containerId": gid("Container", container.id), "type": "DELAYED"}},
        warehouse,
    )
    late = await make.shipment(customer=dealer.organization_id)

    await _assign(client, warehouse, late, container)

    async def count(shipment: Shipment) -> int:
        events = await payload(
            client, SHIPMENT_EVENTS, {"id": gid("Shipment", shipment.id)}, dealer
        )
        return events["events"]["totalCount"]

    assert (await count(early), await count(late)) == (1, 0)


# What each party sees.


async def test_each_dealer_sees_the_shared_container_with_only_its_own_shipments(
    client, make, dealer, other_dealer, carrier, other_carrier, warehouse
):
    container = await make.container(status=L.STUFFING)
    mine = await make.shipment(
        customer=dealer.organization_id,
        container=container,
        carrier=carrier.organization_id,
        status=S.AT_WAREHOUSE,
    )
    theirs = await make.shipment(
        customer=other_dealer.organization_id,
        container=container,
        carrier=other_carrier.organization_id,
        status=S.AT_WAREHOUSE,
    )
    unrelated_carrier = await make.party(Role.CARRIER)
    container_id = gid("Container", container.id)

    async def seen(party) -> list[str] | None:
        found = await payload(client, CONTAINER, {"id": container_id}, party)
        return None if found is None else [s["id"] for s in found["shipments"]]

    assert await seen(dealer) == [gid("Shipment", mine.id)]
    assert await seen(other_dealer) == [gid("Shipment", theirs.id)]
    assert await seen(carrier) == [gid("Shipment", mine.id)]
    assert await seen(other_carrier) == [gid("Shipment", theirs.id)]
    assert await seen(unrelated_carrier) is None
    assert await seen(warehouse) == [gid("Shipment", mine.id), gid("Shipment", theirs.id)]


async def test_containers_are_listed_with_filters(client, make, dealer, warehouse):
    stuffing = await make.container(status=L.STUFFING)
    empty = await make.container()
    await make.shipment(customer=dealer.organization_id, container=stuffing)

    async def numbers(party, filter=None) -> list[str]:
        found = await payload(client, CONTAINERS, {"filter": filter}, party)
        return [edge["node"]["number"] for edge in found["edges"]]

    assert await numbers(warehouse) == [empty.number, stuffing.number]
    assert await numbers(dealer) == [stuffing.number]
    assert await numbers(warehouse, {"loadingStatus": ["STUFFING"]}) == [stuffing.number]
    assert await numbers(warehouse, {"number": empty.number.lower()}) == [empty.number]
    assert await numbers(warehouse, {"number": "not a number"}) == []
    assert valid_container_number(1) not in await numbers(warehouse)
