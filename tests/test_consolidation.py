"""Consolidation: several dealers' shipments in one container, and what each party sees."""

from __future__ import annotations

import asyncio

import pytest

from models.enums import OrganizationKind, Role
from models.shipments.containers import Container, LoadingStatus
from models.shipments.tables import Shipment, ShipmentStatus
from resolvers.shipments import containers as container_use_cases
from tests.factories import valid_container_number
from tests.shipping import (
    ASSIGN,
    CONTAINER,
    CONTAINERS,
    RECORD_EVENT,
    SHIPMENT_EVENTS,
    gid,
    payload,
    read_together,
)

L = LoadingStatus
S = ShipmentStatus


async def accepted(make, *, customer: int, status: ShipmentStatus = S.ACCEPTED, **fields):
    """A shipment a carrier took: only those join containers (a booking has no carrier yet)."""
    if "carrier" not in fields:
        fields["carrier"] = (await make.organization(OrganizationKind.CARRIER)).id
    return await make.shipment(customer=customer, status=status, **fields)


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
    mine = await accepted(make, customer=dealer.organization_id, vehicles=2, status=S.AT_WAREHOUSE)
    theirs = await accepted(make, customer=other_dealer.organization_id, vehicles=2)

    first = await _assign(client, warehouse, mine, container)
    second = await _assign(client, warehouse, theirs, container)

    assert first["errors"] == second["errors"] == []
    assert [s["id"] for s in second["container"]["shipments"]] == [
        gid("Shipment", mine.id),
        gid("Shipment", theirs.id),
    ]


async def test_a_shipment_that_does_not_fit_is_refused(client, make, dealer, warehouse):
    container = await make.container(capacity=4)
    await accepted(make, customer=dealer.organization_id, vehicles=3, container=container)
    bigger = await accepted(make, customer=dealer.organization_id, vehicles=2)

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
    shipment = await accepted(make, customer=dealer.organization_id)

    result = await _assign(client, warehouse, shipment, container)

    assert [(e["code"], e["field"]) for e in result["errors"]] == [
        ("INVALID_TRANSITION", ["containerId"])
    ]


@pytest.mark.parametrize("status", [S.LOADED, S.IN_TRANSIT, S.DELIVERED, S.CANCELLED])
async def test_a_loaded_or_finished_shipment_does_not_join(client, make, dealer, warehouse, status):
    container = await make.container()
    shipment = await accepted(make, customer=dealer.organization_id, status=status)

    result = await _assign(client, warehouse, shipment, container)

    assert result["errors"][0]["code"] == "INVALID_TRANSITION"


async def test_a_shipment_joins_one_container(client, make, dealer, warehouse):
    first, second = await make.container(), await make.container()
    shipment = await accepted(make, customer=dealer.organization_id, container=first)

    result = await _assign(client, warehouse, shipment, second)

    assert result["errors"][0]["code"] == "CONFLICT"
    assert (await Shipment.get(id=shipment.id)).container_id == first.id


async def test_only_warehouse_and_dispatch_consolidate(client, make, dealer, carrier):
    container = await make.container()
    shipment = await accepted(
        make, customer=dealer.organization_id, carrier=carrier.organization_id, status=S.ACCEPTED
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
    one = await accepted(make, customer=dealer.organization_id, vehicles=3)
    two = await accepted(make, customer=other_dealer.organization_id, vehicles=3)
    # Both have checked the room (3 of 4 free each) before either writes.
    read_together(monkeypatch, container_use_cases, "find_container")

    results = await asyncio.gather(
        _assign(client, warehouse, one, container), _assign(client, dispatcher, two, container)
    )

    assert sorted([e["code"] for e in r["errors"]] for r in results) == [[], ["LIMIT_EXCEEDED"]]
    assert await Shipment.filter(container_id=container.id).count() == 1


async def test_a_later_shipment_does_not_get_the_containers_earlier_events(
    client, make, dealer, warehouse
):
    container = await make.container(status=L.PLANNED)
    early = await accepted(make, customer=dealer.organization_id, container=container)
    await payload(
        client,
        RECORD_EVENT,
        {"input": {"containerId": gid("Container", container.id), "type": "DELAYED"}},
        warehouse,
    )
    late = await accepted(make, customer=dealer.organization_id)

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
    mine = await accepted(
        make,
        customer=dealer.organization_id,
        container=container,
        carrier=carrier.organization_id,
        status=S.AT_WAREHOUSE,
    )
    theirs = await accepted(
        make,
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
    await accepted(make, customer=dealer.organization_id, container=stuffing)

    async def numbers(party, filter=None) -> list[str]:
        found = await payload(client, CONTAINERS, {"filter": filter}, party)
        return [edge["node"]["number"] for edge in found["edges"]]

    assert await numbers(warehouse) == [empty.number, stuffing.number]
    assert await numbers(dealer) == [stuffing.number]
    assert await numbers(warehouse, {"loadingStatus": ["STUFFING"]}) == [stuffing.number]
    assert await numbers(warehouse, {"number": empty.number.lower()}) == [empty.number]
    assert await numbers(warehouse, {"number": "not a number"}) == []
    assert valid_container_number(1) not in await numbers(warehouse)
