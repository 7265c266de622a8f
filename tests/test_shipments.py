"""Booking shipments, with every rule of the input, and the shipments list, over GraphQL."""

from __future__ import annotations

import datetime as dt

import pytest

from models import validators
from models.enums import OrganizationKind, Role
from models.events import Event
from models.shipments.tables import Shipment, ShipmentStatus, TrackingEvent, Vehicle
from tests.factories import valid_vin
from tests.graphql import gql
from tests.shipping import (
    CREATE_SHIPMENT,
    NEW_YORK,
    POTI,
    SHIPMENT_EVENTS,
    SHIPMENTS,
    book,
    booking,
    gid,
    later,
    payload,
)


async def _nothing_written() -> bool:
    counts = [await model.all().count() for model in (Shipment, Vehicle, TrackingEvent, Event)]
    return counts == [0, 0, 0, 0]


async def _event_types(client, party, shipment_id: str) -> list[str]:
    events = await payload(client, SHIPMENT_EVENTS, {"id": shipment_id}, party)
    return [edge["node"]["type"] for edge in events["events"]["edges"]]


# Booking.


async def test_a_dealer_books_a_shipment_with_a_waybill_and_a_booked_event(client, dealer):
    shipment = await book(client, dealer, pickupScheduledAt=later(days=2))

    assert validators.waybill(shipment["waybill"]) == shipment["waybill"]
    assert shipment["status"] == "BOOKED"
    assert shipment["customer"]["id"] == gid("Organization", dealer.organization_id)
    assert shipment["carrier"] is None
    assert shipment["origin"] == NEW_YORK
    assert shipment["destination"] == POTI
    assert shipment["deposit"] == {"amount": "250.00", "currency": "USD"}
    assert shipment["price"] == {"amount": "1450.00", "currency": "USD"}
    assert [v["vin"] for v in shipment["vehicles"]] == [valid_vin(424_242)]
    assert shipment["vehicles"][0]["lotNumber"] == "48213377"
    assert shipment["pickupScheduledAt"] is not None
    assert await _event_types(client, dealer, shipment["id"]) == ["BOOKED"]


async def test_input_is_normalized_before_it_is_stored(client, dealer):
    vin = valid_vin(7)
    shipment = await book(
        client,
        dealer,
        reference="  ",
        origin={"name": " Savannah ", "unlocode": "us sav", "country": "us"},
        vehicles=[{"vin": vin.lower(), "make": " Ford ", "model": "F-150", "year": 2021}],
        deposit={"amount": "10.000", "currency": "eur"},
        price=None,
    )

    assert shipment["reference"] is None
    assert shipment["origin"] == {"name": "Savannah", "unlocode": "USSAV", "country": "US"}
    assert shipment["vehicles"][0]["vin"] == vin
    assert shipment["vehicles"][0]["make"] == "Ford"
    assert shipment["deposit"] == {"amount": "10.00", "currency": "EUR"}
    assert shipment["price"] is None


async def test_staff_book_for_a_named_dealer(client, dispatcher, dealer):
    customer = gid("Organization", dealer.organization_id)

    shipment = await book(client, dispatcher, customerId=customer)

    assert shipment["customer"]["id"] == customer


@pytest.mark.parametrize(
    ("kind", "named", "code"),
    [
        (None, False, "INVALID_INPUT"),  # staff must say for whom
        (OrganizationKind.CARRIER, True, "INVALID_INPUT"),
        (OrganizationKind.PLATFORM, True, "INVALID_INPUT"),
    ],
)
async def test_staff_must_name_a_dealer_as_customer(client, make, admin, kind, named, code):
    input = booking()
    if named:
        organization = await make.organization(kind)
        input["customerId"] = gid("Organization", organization.id)

    result = await payload(client, CREATE_SHIPMENT, {"input": input}, admin)

    assert result["shipment"] is None
    assert [(e["code"], e["field"]) for e in result["errors"]] == [(code, ["input", "customerId"])]
    assert await _nothing_written()


async def test_a_missing_customer_is_not_found(client, admin):
    input = booking(customerId=gid("Organization", 999))
    result = await payload(client, CREATE_SHIPMENT, {"input": input}, admin)
    assert result["errors"] == [
        {"field": ["input", "customerId"], "message": "organization not found", "code": "NOT_FOUND"}
    ]


async def test_a_dealer_books_only_for_itself(client, dealer, other_dealer):
    input = booking(customerId=gid("Organization", other_dealer.organization_id))

    result = await payload(client, CREATE_SHIPMENT, {"input": input}, dealer)

    assert [(e["code"], e["field"]) for e in result["errors"]] == [
        ("FORBIDDEN", ["input", "customerId"])
    ]
    assert await _nothing_written()


@pytest.mark.parametrize("role", [Role.CARRIER, Role.WAREHOUSE, Role.SUPPORT_AGENT])
async def test_only_dealers_and_booking_staff_book(client, make, role):
    party = await make.party(role)
    result = await payload(client, CREATE_SHIPMENT, {"input": booking()}, party)
    assert result["errors"][0]["code"] == "FORBIDDEN"
    assert await _nothing_written()


def _vehicle(**overrides):
    return {"vin": valid_vin(1), "make": "Honda", "model": "Civic", "year": 2018} | overrides


def _bad_check_digit(vin: str) -> str:
    wrong = "0" if vin[8] != "0" else "1"
    return vin[:8] + wrong + vin[9:]


NEXT_YEAR = dt.datetime.now(dt.UTC).year + 1


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"vehicles": [_vehicle(vin=_bad_check_digit(valid_vin(1)))]}, "vehicles.0.vin", "VIN"),
        ({"vehicles": [_vehicle(vin="1HGCM82633A00435I")]}, "vehicles.0.vin", "VIN"),
        ({"vehicles": [_vehicle(vin="1HGCM8263")]}, "vehicles.0.vin", "VIN"),
        ({"vehicles": [_vehicle(), _vehicle(vin="JH4KA765XMC0O1234")]}, "vehicles.1.vin", "VIN"),
        ({"vehicles": [_vehicle(), _vehicle()]}, "vehicles.1.vin", "INPUT"),
        ({"vehicles": [_vehicle(year=1885)]}, "vehicles.0.year", "INPUT"),
        ({"vehicles": [_vehicle(year=NEXT_YEAR + 1)]}, "vehicles.0.year", "INPUT"),
        ({"vehicles": [_vehicle(make=" ")]}, "vehicles.0.make", "INPUT"),
        ({"vehicles": [_vehicle(model="")]}, "vehicles.0.model", "INPUT"),
        ({"vehicles": [_vehicle(lotNumber="9" * 51)]}, "vehicles.0.lotNumber", "INPUT"),
        ({"vehicles": []}, "vehicles", "INPUT"),
        ({"vehicles": [_vehicle(vin=valid_vin(n)) for n in range(101)]}, "vehicles", "INPUT"),
        ({"origin": NEW_YORK | {"country": "XX"}}, "origin.country", "INPUT"),
        ({"origin": NEW_YORK | {"country": "USA"}}, "origin.country", "INPUT"),
        ({"origin": NEW_YORK | {"name": " "}}, "origin.name", "INPUT"),
        ({"origin": NEW_YORK | {"unlocode": "US1"}}, "origin.unlocode", "INPUT"),
        ({"destination": POTI | {"unlocode": "NLRTM"}}, "destination.unlocode", "INPUT"),
        ({"deposit": {"amount": "10", "currency": "XYZ"}}, "deposit.currency", "INPUT"),
        ({"deposit": {"amount": "10", "currency": "XAU"}}, "deposit.currency", "INPUT"),
        ({"deposit": {"amount": "-1", "currency": "USD"}}, "deposit.amount", "INPUT"),
        ({"price": {"amount": "10.001", "currency": "USD"}}, "price.amount", "INPUT"),
        ({"price": {"amount": "10.5", "currency": "JPY"}}, "price.amount", "INPUT"),
        ({"pickupScheduledAt": "2020-01-01T10:00:00Z"}, "pickupScheduledAt", "INPUT"),
        ({"pickupScheduledAt": "2099-01-01T10:00:00"}, "pickupScheduledAt", "INPUT"),
        ({"reference": "R" * 101}, "reference", "INPUT"),
    ],
)
async def test_every_field_is_checked_and_bad_input_writes_nothing(
    client, dealer, change, field, code
):
    result = await payload(client, CREATE_SHIPMENT, {"input": booking(**change)}, dealer)

    assert result["shipment"] is None
    (error,) = result["errors"]
    assert error["field"] == ["input", *field.split(".")]
    assert error["code"] == {"VIN": "INVALID_VIN", "INPUT": "INVALID_INPUT"}[code]
    assert error["message"]
    assert await _nothing_written()


async def test_a_vin_error_says_what_is_wrong(client, dealer):
    vin = _bad_check_digit(valid_vin(1))
    result = await payload(
        client, CREATE_SHIPMENT, {"input": booking(vehicles=[_vehicle(vin=vin)])}, dealer
    )
    assert result["errors"][0]["message"] == (
        f"VIN check digit (9th character) should be {valid_vin(1)[8]} for this VIN"
    )


async def test_an_anonymous_booking_is_a_top_level_error(client):
    result = await gql(client, CREATE_SHIPMENT, {"input": booking()})
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert await _nothing_written()


# The list.


async def test_shipments_are_listed_newest_first_a_page_at_a_time(client, make, dealer):
    rows = [await make.shipment(customer=dealer.organization_id) for _ in range(5)]
    newest_first = [gid("Shipment", row.id) for row in reversed(rows)]

    first = await payload(client, SHIPMENTS, {"first": 2}, dealer)
    rest = await payload(
        client, SHIPMENTS, {"first": 10, "after": first["pageInfo"]["endCursor"]}, dealer
    )

    assert [e["node"]["id"] for e in first["edges"]] == newest_first[:2]
    assert first["pageInfo"]["hasNextPage"] is True
    assert first["totalCount"] == 5
    assert [e["node"]["id"] for e in rest["edges"]] == newest_first[2:]
    assert rest["pageInfo"] | {"startCursor": None, "endCursor": None} == {
        "hasNextPage": False,
        "hasPreviousPage": True,
        "startCursor": None,
        "endCursor": None,
    }


async def test_shipments_filter_by_status_waybill_and_container(client, make, dealer):
    container = await make.container()
    booked = await make.shipment(customer=dealer.organization_id)
    loaded = await make.shipment(
        customer=dealer.organization_id, status=ShipmentStatus.LOADED, container=container
    )

    async def ids(filter: dict) -> list[str]:
        found = await payload(client, SHIPMENTS, {"filter": filter}, dealer)
        return [edge["node"]["id"] for edge in found["edges"]]

    assert await ids({"status": ["LOADED", "IN_TRANSIT"]}) == [gid("Shipment", loaded.id)]
    spaced = "-".join(booked.waybill[i : i + 5] for i in range(0, 15, 5)).lower()
    assert await ids({"waybill": spaced}) == [gid("Shipment", booked.id)]
    typo = booked.waybill[:-1] + ("0" if booked.waybill[-1] != "0" else "1")
    assert await ids({"waybill": typo}) == []
    assert await ids({"containerId": gid("Container", container.id)}) == [
        gid("Shipment", loaded.id)
    ]


async def test_a_page_is_at_most_a_hundred(client, dealer):
    result = await gql(client, SHIPMENTS, {"first": 101}, token=dealer.token)
    assert result["errors"][0]["extensions"] == {"code": "INVALID_INPUT", "field": ["first"]}
