"""Attack classes 7 and 9: values past the database's range or made to look like others. Each
is INVALID_INPUT naming the field, before anything is written, on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import datetime as dt

import pytest

from models import clock
from models.enums import Role
from models.shipments.tables import Shipment
from schema.ids import to_global_id
from tests.graphql import gql
from tests.shipping import (
    ACCEPT_SHIPMENT,
    CREATE_SHIPMENT,
    NEW_YORK,
    RECORD_EVENT,
    SHIPMENTS,
    booking,
    payload,
)

LOGIN = """
mutation ($email: String!, $password: String!) {
  login(email: $email, password: $password) { token errors { field code } }
}
"""
NODE = "query ($id: ID!) { node(id: $id) { id } }"


def raw_id(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def invalid_fields(result: dict) -> list[list[str]]:
    """The fields of a payload's INVALID_INPUT errors."""
    (value,) = result["data"].values()
    return [e["field"] for e in value["errors"] if e["code"] == "INVALID_INPUT"]


def refused_at_the_boundary(result: dict, path: str) -> None:
    """A top-level INVALID_INPUT error naming `path` (a.b.c) as its field; nothing ran."""
    assert result["data"] is None, result
    (error,) = result["errors"]
    assert error["extensions"]["code"] == "INVALID_INPUT", error
    assert error["extensions"]["field"] == path.split("."), error


async def nothing_written() -> bool:
    return await Shipment.all().count() == 0


@pytest.mark.parametrize(
    "key", ["Shipment:2147483648", "Shipment:99999999999999999999", "Shipment:١", "Shipment:0x1"]
)
async def test_ids_out_of_range_or_not_in_ascii_digits_are_invalid(http, make, key):
    carrier = await make.party(Role.CARRIER)
    dealer = await make.party(Role.DEALER)
    await make.shipment(customer=dealer.organization_id)

    result = await gql(http, ACCEPT_SHIPMENT, {"id": raw_id(key)}, token=carrier.token)

    assert invalid_fields(result) == [["id"]]
    node = await gql(http, NODE, {"id": raw_id(key)}, token=carrier.token)
    assert node["errors"][0]["extensions"]["code"] == "INVALID_INPUT"


async def test_cursors_out_of_range_are_invalid(http, make):
    dealer = await make.party(Role.DEALER)
    for cursor in ["k:2147483648", "k:١", "k:-1"]:
        result = await gql(
            http, SHIPMENTS, {"first": 5, "after": raw_id(cursor)}, token=dealer.token
        )
        assert result["errors"][0]["extensions"] == {"code": "INVALID_INPUT", "field": ["after"]}


@pytest.mark.parametrize(
    ("amount", "field"),
    [
        ("1000000000000.01", ["input", "deposit", "amount"]),
        ("99999999999999999999999999", ["input", "deposit", "amount"]),
    ],
)
async def test_money_above_the_ceiling_is_invalid(http, dealer, amount, field):
    variables = {"input": booking(deposit={"amount": amount, "currency": "USD"})}
    result = await gql(http, CREATE_SHIPMENT, variables, token=dealer.token)
    assert invalid_fields(result) == [field]
    assert await nothing_written()


async def test_the_money_ceiling_itself_is_accepted(http, dealer):
    variables = {"input": booking(price={"amount": "1000000000000", "currency": "USD"})}
    created = await payload(http, CREATE_SHIPMENT, variables, dealer)
    assert created["errors"] == []
    assert created["shipment"]["price"]["amount"] == "1000000000000.00"


@pytest.mark.parametrize("amount", ["١٠.00", "1_000.00", "1e3", "10.", " 10", "NaN", "Infinity"])
async def test_amounts_are_ascii_decimals(http, dealer, amount):
    variables = {"input": booking(deposit={"amount": amount, "currency": "USD"})}
    result = await gql(http, CREATE_SHIPMENT, variables, token=dealer.token)
    refused_at_the_boundary(result, "input.deposit.amount")
    assert await nothing_written()


async def test_a_control_character_in_any_text_is_refused(http, dealer):
    login = await gql(http, LOGIN, {"email": "dealer\x00@example.com", "password": "x"})
    refused_at_the_boundary(login, "email")

    origin = NEW_YORK | {"name": "Port\x00Newark"}
    result = await gql(http, CREATE_SHIPMENT, {"input": booking(origin=origin)}, token=dealer.token)
    refused_at_the_boundary(result, "input.origin.name")
    assert await nothing_written()


async def test_a_control_character_in_a_literal_is_refused(http):
    document = 'mutation { login(email: "a\\u0000@b.co", password: "x") { token } }'
    refused_at_the_boundary(await gql(http, document), "email")


@pytest.mark.parametrize("blank", ["\u200b\u200b", " \u2060 ", "\ufeff", "\u00a0\u3000"])
async def test_a_required_text_of_invisible_characters_is_refused(http, dealer, blank):
    origin = NEW_YORK | {"name": blank}
    result = await gql(http, CREATE_SHIPMENT, {"input": booking(origin=origin)}, token=dealer.token)
    assert invalid_fields(result) == [["input", "origin", "name"]]
    assert await nothing_written()


@pytest.mark.parametrize("moment", ["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+01:00"])
async def test_date_times_that_overflow_in_utc_are_refused(http, dealer, moment):
    variables = {"input": booking(pickupScheduledAt=moment)}
    result = await gql(http, CREATE_SHIPMENT, variables, token=dealer.token)
    refused_at_the_boundary(result, "input.pickupScheduledAt")
    assert await nothing_written()


async def test_planned_times_stay_within_five_years(http, dealer):
    far = (clock.now() + dt.timedelta(days=6 * 365)).isoformat()
    near = (clock.now() + dt.timedelta(days=4 * 365)).isoformat()

    refused = await gql(
        http, CREATE_SHIPMENT, {"input": booking(pickupScheduledAt=far)}, token=dealer.token
    )
    accepted = await payload(
        http, CREATE_SHIPMENT, {"input": booking(pickupScheduledAt=near)}, dealer
    )

    assert invalid_fields(refused) == [["input", "pickupScheduledAt"]]
    assert accepted["errors"] == []
    assert await Shipment.all().count() == 1


async def test_an_eta_decades_ahead_is_refused(http, make, dealer, dispatcher):
    shipment = await make.shipment(customer=dealer.organization_id)

    def eta(moment: str) -> dict:
        return {
            "input": {
                "shipmentId": to_global_id("Shipment", shipment.id),
                "type": "ARRIVED",
                "classifier": "ESTIMATED",
                "occurredAt": moment,
            }
        }

    year_9999 = await gql(http, RECORD_EVENT, eta("9999-01-01T00:00:00Z"), token=dispatcher.token)
    year_2100 = await gql(http, RECORD_EVENT, eta("2100-01-01T00:00:00Z"), token=dispatcher.token)

    refused_at_the_boundary(year_9999, "input.occurredAt")
    assert invalid_fields(year_2100) == [["input", "occurredAt"]]
    assert (await Shipment.get(id=shipment.id)).eta is None
