"""Transport quotes and customs estimates over GraphQL: every figure is worked out by hand here.

The `rates` fixture writes small, round test tables (not the demo rates), so each expected
amount below can be checked with pencil and paper; the arithmetic sits in a comment beside it.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from decimal import Decimal

import pytest

from models import clock
from models.calculations.tables import InlandRate, RateChange, VehicleClass
from models.enums import Role
from tests.calculation_rates import write_test_rates
from tests.graphql import gql

TRANSPORT_QUOTE = """
query ($input: TransportQuoteInput!) {
  transportQuote(input: $input) {
    lines { label amount { amount currency } }
    total { amount currency }
    demo
  }
}
"""
CUSTOMS_ESTIMATE = """
query ($input: CustomsEstimateInput!) {
  customsEstimate(input: $input) {
    lines { label amount { amount currency } }
    total { amount currency }
    demo
  }
}
"""
NEWARK = {"name": "Copart Newark", "unlocode": "USEWR", "country": "US"}
POTI = {"name": "Poti", "unlocode": "GEPTI", "country": "GE"}
ROTTERDAM = {"name": "Rotterdam", "unlocode": "NLRTM", "country": "NL"}


def usd(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": "USD"}


def figures(result: dict) -> tuple[list[tuple[str, str]], str]:
    """(label, amount) of each line, and the total, of a quote or an estimate."""
    assert "errors" not in result, result
    quote = next(iter(result["data"].values()))
    lines = [(line["label"], line["amount"]["amount"]) for line in quote["lines"]]
    return lines, quote["total"]["amount"]


def error_of(result: dict) -> dict:
    assert result["data"] is None, result
    return result["errors"][0]["extensions"]


def quote_input(**change: object) -> dict[str, object]:
    return {
        "origin": NEWARK,
        "destination": POTI,
        "vehicleClass": "SEDAN",
        "consolidated": True,
    } | change


def age(years: int) -> int:
    """The model year of a vehicle `years` old today (age = this year - model year)."""
    return clock.now().year - years


@pytest.fixture
async def dealer_token(make) -> str:
    return await make.token(await make.user(Role.DEALER))


@pytest.fixture
async def admin(make):
    return await make.user(Role.ADMIN, email="admin@example.com")


@pytest.fixture
async def admin_token(make, admin) -> str:
    return await make.token(admin)


@pytest.fixture
async def rates(database) -> None:
    await write_test_rates()


# ---------------------------------------------------------------- transport quotes


async def test_a_consolidated_quote_adds_inland_ocean_and_port_lines(client, rates, dealer_token):
    result = await gql(client, TRANSPORT_QUOTE, {"input": quote_input()}, token=dealer_token)

    lines, total = figures(result)
    assert lines == [
        ("Inland transport Newark yards (USEWR) to USNYC, SEDAN", "350.00"),
        ("Ocean freight USNYC to GEPTI, consolidated container, per vehicle", "1350.00"),
        ("Port and handling fees at GEPTI", "285.00"),
    ]
    assert total == "1985.00"  # 350.00 + 1350.00 + 285.00
    quote = result["data"]["transportQuote"]
    assert quote["total"]["currency"] == "USD"  # the ocean freight's currency
    assert quote["demo"] is False


async def test_an_exclusive_container_is_priced_per_container(client, rates, dealer_token):
    variables = {"input": quote_input(consolidated=False, vehicleClass="SUV")}

    lines, total = figures(await gql(client, TRANSPORT_QUOTE, variables, token=dealer_token))

    assert lines[0] == ("Inland transport Newark yards (USEWR) to USNYC, SUV", "425.00")
    assert lines[1] == ("Ocean freight USNYC to GEPTI, exclusive container", "3900.00")
    assert total == "4610.00"  # 425.00 + 3900.00 + 285.00


@pytest.mark.parametrize(
    ("extra", "line"),
    [
        ("EXTRA_PACKING", ("Extra packing and protection", "120.00")),
        ("PHOTO_VIDEO", ("Additional photos and video", "25.00")),
        ("AUTO_PARTS", ("Auto parts loaded with the vehicle", "150.00")),
        # 2.5% of 10000.00 = 250.00, above the 75.00 minimum
        ("INSURANCE", ("Insurance 2.5% of 10000.00 USD (minimum 75.00 USD)", "250.00")),
    ],
)
async def test_each_extra_adds_its_line(client, rates, dealer_token, extra, line):
    variables = {"input": quote_input(extras=[extra], vehicleValue=usd("10000.00"))}

    lines, total = figures(await gql(client, TRANSPORT_QUOTE, variables, token=dealer_token))

    assert lines[3:] == [line]
    assert Decimal(total) == Decimal("1985.00") + Decimal(line[1])


async def test_all_extras_come_in_the_order_asked(client, rates, dealer_token):
    extras = ["INSURANCE", "AUTO_PARTS", "PHOTO_VIDEO", "EXTRA_PACKING"]
    variables = {"input": quote_input(extras=extras, vehicleValue=usd("10000.00"))}

    lines, total = figures(await gql(client, TRANSPORT_QUOTE, variables, token=dealer_token))

    assert [amount for _, amount in lines[3:]] == ["250.00", "150.00", "25.00", "120.00"]
    assert total == "2530.00"  # 1985.00 + 250.00 + 150.00 + 25.00 + 120.00


async def test_insurance_is_never_below_its_minimum(client, rates, dealer_token):
    variables = {"input": quote_input(extras=["INSURANCE"], vehicleValue=usd("1000.00"))}

    lines, total = figures(await gql(client, TRANSPORT_QUOTE, variables, token=dealer_token))

    # 2.5% of 1000.00 = 25.00, below the minimum: 75.00
    assert lines[3] == ("Insurance 2.5% of 1000.00 USD (minimum 75.00 USD)", "75.00")
    assert total == "2060.00"  # 1985.00 + 75.00


async def test_a_line_on_an_exact_half_cent_rounds_up(client, rates, dealer_token):
    variables = {"input": quote_input(extras=["INSURANCE"], vehicleValue=usd("4100.20"))}

    lines, total = figures(await gql(client, TRANSPORT_QUOTE, variables, token=dealer_token))

    # 2.5% of 4100.20 = 102.505 exactly: half-up gives 102.51 (half-even would give 102.50)
    assert lines[3][1] == "102.51"
    assert total == "2087.51"  # 1985.00 + 102.51


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"origin": NEWARK | {"unlocode": "USBOS"}}, ["input", "origin", "unlocode"]),
        ({"origin": NEWARK | {"unlocode": None}}, ["input", "origin", "unlocode"]),
        ({"origin": NEWARK | {"unlocode": "Newark"}}, ["input", "origin", "unlocode"]),
        ({"origin": NEWARK | {"country": "CA"}}, ["input", "origin", "country"]),
        (
            {"destination": {"name": "Felixstowe", "unlocode": "GBFXT", "country": "GB"}},
            ["input", "destination", "unlocode"],
        ),
        ({"destination": POTI | {"country": "Georgia"}}, ["input", "destination", "country"]),
        ({"vehicleClass": "MOTORCYCLE"}, ["input", "vehicleClass"]),
        ({"destination": ROTTERDAM, "consolidated": False}, ["input", "consolidated"]),
        ({"vehicleValue": usd("-1.00")}, ["input", "vehicleValue", "amount"]),
        ({"vehicleValue": usd("10.005")}, ["input", "vehicleValue", "amount"]),
        ({"vehicleValue": usd("NaN")}, ["input", "vehicleValue", "amount"]),
        (
            {"vehicleValue": {"amount": "10", "currency": "US$"}},
            ["input", "vehicleValue", "currency"],
        ),
        (
            {"vehicleValue": {"amount": "10", "currency": "EUR"}},
            ["input", "vehicleValue", "currency"],
        ),
        ({"extras": ["INSURANCE"]}, ["input", "vehicleValue"]),
        ({"extras": ["PHOTO_VIDEO", "PHOTO_VIDEO"]}, ["input", "extras", "1"]),
    ],
)
async def test_a_bad_or_unknown_input_is_refused_naming_its_field(
    client, rates, dealer_token, change, field
):
    result = await gql(
        client, TRANSPORT_QUOTE, {"input": quote_input(**change)}, token=dealer_token
    )

    assert error_of(result) == {"code": "INVALID_INPUT", "field": field}


async def test_rates_in_two_currencies_are_never_added_up(client, rates, dealer_token):
    await InlandRate.filter(region="US-NE", vehicle_class=VehicleClass.SEDAN).update(currency="EUR")

    result = await gql(client, TRANSPORT_QUOTE, {"input": quote_input()}, token=dealer_token)

    assert error_of(result) == {"code": "CONFLICT", "field": ["input", "origin"]}
    assert "inland rate US-NE is in EUR but this quote is in USD" in result["errors"][0]["message"]


async def test_anonymous_callers_get_no_quote_or_estimate(client, rates):
    quote = await gql(client, TRANSPORT_QUOTE, {"input": quote_input()})
    estimate = await gql(
        client,
        CUSTOMS_ESTIMATE,
        {
            "input": {
                "country": "NL",
                "vehicleValue": {"amount": "1", "currency": "EUR"},
                "year": 2020,
            }
        },
    )

    assert error_of(quote) == {"code": "UNAUTHENTICATED"}
    assert error_of(estimate) == {"code": "UNAUTHENTICATED"}


# ---------------------------------------------------------------- customs estimates


def customs_input(country: str, amount: str, currency: str, **change: object) -> dict:
    return {
        "country": country,
        "vehicleValue": {"amount": amount, "currency": currency},
        "year": age(4),
    } | change


async def test_an_eu_estimate_is_duty_then_vat_on_value_and_duty(client, rates, dealer_token):
    variables = {"input": customs_input("NL", "20000.00", "EUR")}

    lines, total = figures(await gql(client, CUSTOMS_ESTIMATE, variables, token=dealer_token))

    assert lines == [
        ("Import duty 10% of 20000.00 EUR", "2000.00"),  # 10% of 20000.00
        ("VAT 21% of 22000.00 EUR (value and duty)", "4620.00"),  # 21% of 22000.00
    ]
    assert total == "6620.00"  # 2000.00 + 4620.00


async def test_duty_on_an_exact_half_cent_rounds_up_before_vat(client, rates, dealer_token):
    variables = {"input": customs_input("NL", "1000.05", "EUR")}

    lines, total = figures(await gql(client, CUSTOMS_ESTIMATE, variables, token=dealer_token))

    # duty: 10% of 1000.05 = 100.005 -> 100.01 (half-even would give 100.00)
    # VAT: 21% of (1000.05 + 100.01 = 1100.06) = 231.0126 -> 231.01
    assert [amount for _, amount in lines] == ["100.01", "231.01"]
    assert total == "331.02"  # 100.01 + 231.01


@pytest.mark.parametrize(
    ("years", "per_cc", "excise", "vat", "total"),
    [
        # excise = 2000 cc x rate; VAT = 18% of (15000.00 + 0.00 duty + excise)
        (0, "1.4", "2800.00", "3204.00", "6004.00"),  # 18% of 17800.00
        (2, "1.4", "2800.00", "3204.00", "6004.00"),  # last year of band 0-2
        (3, "1", "2000.00", "3060.00", "5060.00"),  # first year of band 3-5: 18% of 17000.00
        (5, "1", "2000.00", "3060.00", "5060.00"),  # last year of band 3-5
        (6, "2.5", "5000.00", "3600.00", "8600.00"),  # open band 6+: 18% of 20000.00
        (40, "2.5", "5000.00", "3600.00", "8600.00"),
    ],
)
async def test_georgian_excise_follows_the_age_band(
    client, rates, dealer_token, years, per_cc, excise, vat, total
):
    variables = {
        "input": customs_input("GE", "15000.00", "GEL", year=age(years), engineVolumeCc=2000)
    }

    lines, got_total = figures(await gql(client, CUSTOMS_ESTIMATE, variables, token=dealer_token))

    assert lines[0] == ("Import duty 0% of 15000.00 GEL", "0.00")
    assert lines[1][0].startswith(f"Excise 2000 cc × {per_cc} GEL/cc (vehicle {years} years old")
    assert lines[1][1] == excise
    assert lines[2][1] == vat
    assert got_total == total  # 0.00 + excise + VAT


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"country": "FR"}, ["input", "country"]),
        ({"country": "Georgia"}, ["input", "country"]),
        ({"year": age(-2)}, ["input", "year"]),  # after next year's models
        ({"year": 1885}, ["input", "year"]),  # before the first car
        ({"engineVolumeCc": 0}, ["input", "engineVolumeCc"]),
        (
            {"vehicleValue": {"amount": "100", "currency": "USD"}},
            ["input", "vehicleValue", "currency"],
        ),
        (
            {"vehicleValue": {"amount": "-5", "currency": "EUR"}},
            ["input", "vehicleValue", "amount"],
        ),
        (
            {"vehicleValue": {"amount": "5", "currency": "euro"}},
            ["input", "vehicleValue", "currency"],
        ),
    ],
)
async def test_a_bad_or_unknown_customs_input_is_refused_naming_its_field(
    client, rates, dealer_token, change, field
):
    variables = {"input": customs_input("NL", "20000.00", "EUR") | change}

    result = await gql(client, CUSTOMS_ESTIMATE, variables, token=dealer_token)

    assert error_of(result) == {"code": "INVALID_INPUT", "field": field}


async def test_an_unknown_country_names_the_known_ones(client, rates, dealer_token):
    variables = {"input": customs_input("FR", "20000.00", "EUR")}

    result = await gql(client, CUSTOMS_ESTIMATE, variables, token=dealer_token)

    assert result["errors"][0]["message"] == "no customs rules for FR; known: GE, NL"


async def test_a_country_with_excise_needs_the_engine_volume(client, rates, dealer_token):
    variables = {"input": customs_input("GE", "15000.00", "GEL")}

    result = await gql(client, CUSTOMS_ESTIMATE, variables, token=dealer_token)

    assert error_of(result) == {"code": "INVALID_INPUT", "field": ["input", "engineVolumeCc"]}


# ---------------------------------------------------------------- editing the rates

UPSERT_INLAND_RATE = """
mutation ($input: InlandRateInput!) {
  upsertInlandRate(input: $input) {
    inlandRate { id region vehicleClass amount { amount currency } demo }
    change { id table action at rowId oldValue newValue editor { email } }
    errors { field message code }
  }
}
"""
RATE_CHANGES = """
query ($table: RateTable) {
  rateChanges(first: 10, table: $table) {
    totalCount
    edges { node { id table action at rowId oldValue newValue editor { email } } }
  }
}
"""
SEDAN_AT_400 = {"region": "us-ne", "vehicleClass": "SEDAN", "amount": usd("400.00")}


async def test_only_an_admin_edits_rates_and_a_refusal_writes_nothing(client, make, rates):
    for role in (Role.DEALER, Role.CARRIER, Role.SUPPORT_AGENT, Role.ACCOUNT_MANAGER):
        token = await make.token(await make.user(role))

        result = await gql(client, UPSERT_INLAND_RATE, {"input": SEDAN_AT_400}, token=token)

        payload = result["data"]["upsertInlandRate"]
        assert payload["errors"][0]["code"] == "FORBIDDEN", role
        assert payload["inlandRate"] is None
        assert payload["change"] is None
    rate = await InlandRate.get(region="US-NE", vehicle_class=VehicleClass.SEDAN)
    assert rate.amount == Decimal("350")
    assert await RateChange.all().count() == 0


async def test_an_admin_edit_changes_the_next_quote_and_is_audited(
    client, rates, dealer_token, admin_token, admin
):
    before = await gql(client, TRANSPORT_QUOTE, {"input": quote_input()}, token=dealer_token)
    held = copy.deepcopy(before)  # what the dealer's client holds
    started = clock.now()

    edited = await gql(client, UPSERT_INLAND_RATE, {"input": SEDAN_AT_400}, token=admin_token)

    payload = edited["data"]["upsertInlandRate"]
    assert payload["errors"] == []
    assert payload["inlandRate"]["region"] == "US-NE"
    assert payload["inlandRate"]["amount"] == usd("400.00")
    assert payload["inlandRate"]["demo"] is False
    change = payload["change"]
    assert change["table"] == "INLAND"
    assert change["action"] == "UPDATED"
    assert change["rowId"] == payload["inlandRate"]["id"]
    assert change["editor"] == {"email": admin.email}
    assert json.loads(change["oldValue"]) == {
        "region": "US-NE",
        "vehicle_class": "SEDAN",
        "amount": "350",
        "currency": "USD",
        "demo": False,
    }
    assert json.loads(change["newValue"])["amount"] == "400"
    at = dt.datetime.fromisoformat(change["at"])
    assert started - dt.timedelta(seconds=1) <= at <= clock.now()

    after = await gql(client, TRANSPORT_QUOTE, {"input": quote_input()}, token=dealer_token)
    assert figures(after) == (
        [
            ("Inland transport Newark yards (USEWR) to USNYC, SEDAN", "400.00"),
            ("Ocean freight USNYC to GEPTI, consolidated container, per vehicle", "1350.00"),
            ("Port and handling fees at GEPTI", "285.00"),
        ],
        "2035.00",  # 400.00 + 1350.00 + 285.00
    )
    # A quote is computed per request and never stored, so no edit can reach back into one
    # already returned: the earlier answer keeps its figures.
    assert before == held
    assert figures(before)[1] == "1985.00"

    audit = await gql(client, RATE_CHANGES, {"table": "INLAND"}, token=admin_token)
    log = audit["data"]["rateChanges"]
    assert log["totalCount"] == 1
    assert log["edges"][0]["node"] == change
    stored = await RateChange.get()
    assert stored.editor_id == admin.id


async def test_only_an_admin_reads_the_audit(client, rates, dealer_token, admin_token):
    await gql(client, UPSERT_INLAND_RATE, {"input": SEDAN_AT_400}, token=admin_token)

    seen = await gql(client, RATE_CHANGES, token=dealer_token)

    assert seen["data"]["rateChanges"] == {"totalCount": 0, "edges": []}


@pytest.mark.parametrize("year", [1886, age(-1)])  # the first car, and next year's models
async def test_an_estimate_takes_every_model_year_a_booking_takes(
    client, rates, dealer_token, year
):
    variables = {"input": customs_input("NL", "20000.00", "EUR", year=year)}

    _, total = figures(await gql(client, CUSTOMS_ESTIMATE, variables, token=dealer_token))

    assert total == "6620.00"
