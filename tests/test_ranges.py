"""One range per concept (issue 15): model years 1886 to next year; VINs by model year."""

from __future__ import annotations

import datetime as dt

import pytest

from models import validators
from models.shipments.tables import Vehicle
from tests.factories import valid_vin
from tests.shipping import CREATE_SHIPMENT, booking, payload

NEXT_YEAR = dt.datetime.now(dt.UTC).year + 1
MUSTANG = "7R02C179544"  # a 1967 Ford's serial: 11 characters, no check digit
MODERN = valid_vin(81, prefix="19UYA315")  # a 1981-style VIN with its right check digit
WRONG_CHECK = MODERN[:8] + ("0" if MODERN[8] != "0" else "1") + MODERN[9:]


def _car(vin: str, year: int) -> dict:
    return {"vin": vin, "make": "Ford", "model": "Mustang", "year": year}


@pytest.mark.parametrize(
    ("vin", "year"),
    [
        (MUSTANG, 1967),
        ("12345", 1886),  # 5 characters: the shortest serial taken
        ("WP0ZZZ91ZCS100123", 1980),  # 17 characters before 1981: no check digit asked
        (MODERN, 1981),  # the standard VIN with its check digit
        (valid_vin(7), NEXT_YEAR),
    ],
)
async def test_classic_and_modern_vehicles_are_booked(client, dealer, vin, year):
    created = await payload(
        client, CREATE_SHIPMENT, {"input": booking(vehicles=[_car(vin.lower(), year)])}, dealer
    )

    assert created["errors"] == []
    assert (await Vehicle.get()).vin == vin.upper()


@pytest.mark.parametrize(
    ("vin", "year", "code", "field", "says"),
    [
        ("7R02", 1967, "INVALID_VIN", "vin", "5 to 17 letters"),
        ("7R02-C179544", 1967, "INVALID_VIN", "vin", "5 to 17 letters"),
        (MUSTANG, 1981, "INVALID_VIN", "vin", "must be 17 characters (vehicles from 1981 on"),
        (WRONG_CHECK, 1981, "INVALID_VIN", "vin", "check digit"),
        (MUSTANG, 1885, "INVALID_INPUT", "year", f"must be 1886 to {NEXT_YEAR}"),
        (valid_vin(8), NEXT_YEAR + 1, "INVALID_INPUT", "year", f"must be 1886 to {NEXT_YEAR}"),
    ],
)
async def test_each_rule_names_its_field(client, dealer, vin, year, code, field, says):
    created = await payload(
        client, CREATE_SHIPMENT, {"input": booking(vehicles=[_car(vin, year)])}, dealer
    )

    [error] = created["errors"]
    assert (error["code"], error["field"]) == (code, ["input", "vehicles", "0", field])
    assert says in error["message"]
    assert await Vehicle.all().count() == 0


def test_the_check_digit_rule_is_the_standard_vins():
    assert validators.vin(MODERN) == MODERN
    with pytest.raises(ValueError, match="check digit"):
        validators.vin(WRONG_CHECK, 2001)
    assert validators.vin(WRONG_CHECK, 1980) == WRONG_CHECK
