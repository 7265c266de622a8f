"""ADMIN edits of the rate tables, their audit and who reads them; and the demo rates."""

from __future__ import annotations

import json

import pytest

from models.calculations.tables import CustomsRule, ExciseBand, PortFee, RateChange
from models.enums import Role
from resolvers.calculations.demo import CUSTOMS, OCEAN, ORIGINS, seed_rates
from schema.ids import to_global_id
from tests.calculation_rates import write_test_rates
from tests.graphql import gql

UPSERT_PORT_FEE = """
mutation ($input: PortFeeInput!) {
  upsertPortFee(input: $input) {
    portFee { id port amount { amount currency } demo }
    change { action oldValue newValue }
    errors { field message code }
  }
}
"""
DELETE_RATE = """
mutation ($id: ID!) {
  deleteCalculationRate(id: $id) {
    deletedId
    change { table action rowId oldValue newValue editor { email } }
    errors { field message code }
  }
}
"""
UPSERT_EXCISE_BAND = """
mutation ($input: ExciseBandInput!) {
  upsertExciseBand(input: $input) {
    exciseBand { country minAgeYears maxAgeYears perCc { amount currency } }
    errors { field message code }
  }
}
"""
UPSERT_CUSTOMS_RULE = """
mutation ($input: CustomsRuleInput!) {
  upsertCustomsRule(input: $input) {
    customsRule { country currency dutyPercent vatPercent }
    errors { field message code }
  }
}
"""
UPSERT_EXTRA = """
mutation ($input: ExtraServicePriceInput!) {
  upsertExtraServicePrice(input: $input) {
    extraServicePrice { service amount { amount currency } }
    errors { field message code }
  }
}
"""
UPSERT_INSURANCE = """
mutation ($input: InsuranceRateInput!) {
  upsertInsuranceRate(input: $input) {
    insuranceRate { percent minimum { amount currency } }
    errors { field message code }
  }
}
"""
RATES = """
query ($table: RateTable!, $first: Int, $after: String) {
  calculationRates(table: $table, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { __typename ... on PortFee { id port amount { amount currency } demo } } }
  }
}
"""
RATE_CHANGES = """
query ($first: Int) {
  rateChanges(first: $first) { totalCount edges { node { table action } } }
}
"""
NODE = "query ($id: ID!) { node(id: $id) { __typename ... on PortFee { port } } }"
QUOTE_TOTAL = """
query ($input: TransportQuoteInput!) {
  transportQuote(input: $input) { lines { label } total { amount currency } demo }
}
"""
ESTIMATE_TOTAL = """
query ($input: CustomsEstimateInput!) {
  customsEstimate(input: $input) { lines { label } total { amount currency } demo }
}
"""


@pytest.fixture
async def rates(database) -> None:
    await write_test_rates()


@pytest.fixture
async def admin(make):
    return await make.user(Role.ADMIN, email="admin@example.com")


@pytest.fixture
async def admin_token(make, admin) -> str:
    return await make.token(admin)


@pytest.fixture
async def dealer_token(make) -> str:
    return await make.token(await make.user(Role.DEALER))


def usd(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": "USD"}


async def test_an_admin_creates_then_deletes_a_rate_and_both_are_audited(
    client, rates, admin, admin_token, dealer_token
):
    created = await gql(
        client,
        UPSERT_PORT_FEE,
        {"input": {"port": "ltklj", "amount": usd("320.5"), "demo": True}},
        token=admin_token,
    )
    payload = created["data"]["upsertPortFee"]
    assert payload["errors"] == []
    assert payload["portFee"]["port"] == "LTKLJ"
    assert payload["portFee"]["amount"] == usd("320.50")
    assert payload["portFee"]["demo"] is True
    assert payload["change"]["action"] == "CREATED"
    assert payload["change"]["oldValue"] is None
    assert json.loads(payload["change"]["newValue"]) == {
        "port": "LTKLJ",
        "amount": "320.5",
        "currency": "USD",
        "demo": True,
    }

    deleted = await gql(client, DELETE_RATE, {"id": payload["portFee"]["id"]}, token=admin_token)

    result = deleted["data"]["deleteCalculationRate"]
    assert result["errors"] == []
    assert result["deletedId"] == payload["portFee"]["id"]
    assert result["change"]["table"] == "PORT_FEE"
    assert result["change"]["action"] == "DELETED"
    assert result["change"]["rowId"] == payload["portFee"]["id"]
    assert result["change"]["editor"] == {"email": admin.email}
    assert json.loads(result["change"]["oldValue"])["amount"] == "320.5"
    assert result["change"]["newValue"] is None
    assert not await PortFee.filter(port="LTKLJ").exists()
    log = await gql(client, RATE_CHANGES, token=admin_token)
    assert log["data"]["rateChanges"]["edges"] == [  # newest first
        {"node": {"table": "PORT_FEE", "action": "DELETED"}},
        {"node": {"table": "PORT_FEE", "action": "CREATED"}},
    ]


async def test_a_deleted_port_is_no_longer_quoted(client, rates, admin_token, dealer_token):
    poti = await PortFee.get(port="GEPTI")
    await gql(client, DELETE_RATE, {"id": to_global_id("PortFee", poti.id)}, token=admin_token)

    quote = await gql(
        client,
        QUOTE_TOTAL,
        {
            "input": {
                "origin": {"name": "Newark", "unlocode": "USEWR", "country": "US"},
                "destination": {"name": "Poti", "unlocode": "GEPTI", "country": "GE"},
                "vehicleClass": "SEDAN",
            }
        },
        token=dealer_token,
    )

    assert quote["errors"][0]["extensions"] == {
        "code": "INVALID_INPUT",
        "field": ["input", "destination", "unlocode"],
    }


async def test_only_an_admin_deletes_a_rate(client, make, rates):
    poti = await PortFee.get(port="GEPTI")
    for role in (Role.DEALER, Role.SUPPORT_AGENT):
        token = await make.token(await make.user(role))

        result = await gql(
            client, DELETE_RATE, {"id": to_global_id("PortFee", poti.id)}, token=token
        )

        assert result["data"]["deleteCalculationRate"]["errors"][0]["code"] == "FORBIDDEN"
    assert await PortFee.filter(port="GEPTI").exists()
    assert await RateChange.all().count() == 0


async def test_anonymous_edits_are_refused_at_the_top(client, rates):
    result = await gql(client, UPSERT_PORT_FEE, {"input": {"port": "GEPTI", "amount": usd("1")}})

    assert result["data"] is None
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.mark.parametrize(
    ("document", "fields", "error"),
    [
        (UPSERT_PORT_FEE, {"port": "Poti", "amount": usd("1")}, ["input", "port"]),
        (UPSERT_PORT_FEE, {"port": "GEPTI", "amount": usd("-1")}, ["input", "amount", "amount"]),
        (
            UPSERT_PORT_FEE,
            {"port": "GEPTI", "amount": usd("1.00001")},
            ["input", "amount", "amount"],
        ),
        (
            UPSERT_PORT_FEE,
            {"port": "GEPTI", "amount": {"amount": "1", "currency": "$"}},
            ["input", "amount", "currency"],
        ),
        (
            UPSERT_EXTRA,
            {"service": "INSURANCE", "amount": usd("10")},
            ["input", "service"],
        ),
        (
            UPSERT_INSURANCE,
            {"percent": "101", "minimum": usd("10")},
            ["input", "percent"],
        ),
        (
            UPSERT_CUSTOMS_RULE,
            {"country": "NL", "currency": "EUR", "dutyPercent": "10", "vatPercent": "-1"},
            ["input", "vatPercent"],
        ),
        (
            UPSERT_EXCISE_BAND,
            {"country": "FR", "minAgeYears": 0, "perCc": {"amount": "1", "currency": "EUR"}},
            ["input", "country"],
        ),
        (
            UPSERT_EXCISE_BAND,
            {"country": "GE", "minAgeYears": 0, "perCc": usd("1")},
            ["input", "perCc", "currency"],
        ),
        (
            UPSERT_EXCISE_BAND,
            {
                "country": "GE",
                "minAgeYears": 9,
                "maxAgeYears": 8,
                "perCc": {"amount": "1", "currency": "GEL"},
            },
            ["input", "maxAgeYears"],
        ),
    ],
)
async def test_a_bad_edit_is_refused_naming_its_field_and_writes_nothing(
    client, rates, admin_token, document, fields, error
):
    result = await gql(client, document, {"input": fields}, token=admin_token)

    payload = next(iter(result["data"].values()))
    assert payload["errors"][0]["code"] == "INVALID_INPUT"
    assert payload["errors"][0]["field"] == error
    assert await RateChange.all().count() == 0


async def test_excise_bands_of_a_country_never_overlap(client, rates, admin_token):
    # the test tables hold GE bands 0-2, 3-5 and 6+
    overlapping = {
        "country": "GE",
        "minAgeYears": 4,
        "maxAgeYears": 7,
        "perCc": {"amount": "1", "currency": "GEL"},
    }

    result = await gql(client, UPSERT_EXCISE_BAND, {"input": overlapping}, token=admin_token)

    error = result["data"]["upsertExciseBand"]["errors"][0]
    assert error["code"] == "CONFLICT"
    assert error["field"] == ["input", "minAgeYears"]
    assert await ExciseBand.filter(country="GE").count() == 3
    assert await RateChange.all().count() == 0


async def test_replacing_a_band_by_its_key_is_no_overlap(client, rates, admin_token):
    band = {
        "country": "GE",
        "minAgeYears": 3,
        "maxAgeYears": 5,
        "perCc": {"amount": "1.25", "currency": "GEL"},
    }

    result = await gql(client, UPSERT_EXCISE_BAND, {"input": band}, token=admin_token)

    assert result["data"]["upsertExciseBand"] == {
        "exciseBand": {
            "country": "GE",
            "minAgeYears": 3,
            "maxAgeYears": 5,
            "perCc": {"amount": "1.25", "currency": "GEL"},
        },
        "errors": [],
    }


async def test_a_rule_keeps_the_currency_of_its_excise_bands(client, rates, admin_token):
    rule = {"country": "GE", "currency": "USD", "dutyPercent": "0", "vatPercent": "18"}

    result = await gql(client, UPSERT_CUSTOMS_RULE, {"input": rule}, token=admin_token)

    error = result["data"]["upsertCustomsRule"]["errors"][0]
    assert (error["code"], error["field"]) == ("CONFLICT", ["input", "currency"])
    assert (await CustomsRule.get(country="GE")).currency == "GEL"


async def test_a_rule_with_excise_bands_is_not_deleted_before_them(client, rates, admin_token):
    georgia = await CustomsRule.get(country="GE")

    result = await gql(
        client, DELETE_RATE, {"id": to_global_id("CustomsRule", georgia.id)}, token=admin_token
    )

    error = result["data"]["deleteCalculationRate"]["errors"][0]
    assert (error["code"], error["field"]) == ("CONFLICT", ["id"])
    assert await CustomsRule.filter(country="GE").exists()


async def test_deleting_by_an_id_that_is_no_rate_is_refused(client, rates, admin, admin_token):
    for id_, code in [
        (to_global_id("User", admin.id), "INVALID_INPUT"),
        ("nonsense", "INVALID_INPUT"),
        (to_global_id("PortFee", 999), "NOT_FOUND"),
    ]:
        result = await gql(client, DELETE_RATE, {"id": id_}, token=admin_token)

        error = result["data"]["deleteCalculationRate"]["errors"][0]
        assert (error["code"], error["field"]) == (code, ["id"])


async def test_staff_page_through_a_rate_table_and_dealers_see_none(
    client, make, rates, dealer_token
):
    agent = await make.token(await make.user(Role.SUPPORT_AGENT))

    first = await gql(client, RATES, {"table": "PORT_FEE", "first": 1}, token=agent)
    page = first["data"]["calculationRates"]
    after = page["pageInfo"]["endCursor"]
    second = await gql(
        client, RATES, {"table": "PORT_FEE", "first": 1, "after": after}, token=agent
    )
    hidden = await gql(client, RATES, {"table": "PORT_FEE"}, token=dealer_token)

    assert page["totalCount"] == 2
    assert page["pageInfo"]["hasNextPage"] is True
    assert [edge["node"]["port"] for edge in page["edges"]] == ["GEPTI"]  # oldest first
    assert second["data"]["calculationRates"]["edges"][0]["node"]["port"] == "NLRTM"
    assert second["data"]["calculationRates"]["pageInfo"]["hasNextPage"] is False
    assert hidden["data"]["calculationRates"]["totalCount"] == 0
    node_id = page["edges"][0]["node"]["id"]
    assert (await gql(client, NODE, {"id": node_id}, token=agent))["data"]["node"] == {
        "__typename": "PortFee",
        "port": "GEPTI",
    }
    assert (await gql(client, NODE, {"id": node_id}, token=dealer_token))["data"]["node"] is None


async def test_a_page_of_the_audit_holds_at_most_100(client, admin_token):
    result = await gql(client, RATE_CHANGES, {"first": 101}, token=admin_token)

    assert result["errors"][0]["extensions"] == {"code": "INVALID_INPUT", "field": ["first"]}


# ---------------------------------------------------------------- demo rates


async def test_every_demo_route_is_quoted_in_usd_and_marked_demo(client, database, dealer_token):
    await seed_rates()
    ports = sorted({discharge for _, discharge in OCEAN})

    for unlocode, _, _, _ in ORIGINS:
        for port in ports:
            for consolidated in (True, False):
                variables = {
                    "input": {
                        "origin": {"name": "yard", "unlocode": unlocode, "country": "US"},
                        "destination": {"name": port, "unlocode": port, "country": port[:2]},
                        "vehicleClass": "SUV",
                        "consolidated": consolidated,
                        "vehicleValue": usd("8000"),
                        "extras": ["INSURANCE", "PHOTO_VIDEO", "EXTRA_PACKING", "AUTO_PARTS"],
                    }
                }

                result = await gql(client, QUOTE_TOTAL, variables, token=dealer_token)

                quote = result["data"]["transportQuote"]
                assert quote["total"]["currency"] == "USD"
                assert quote["demo"] is True
                assert all(line["label"].endswith("(DEMO RATE)") for line in quote["lines"])


async def test_every_demo_country_is_estimated_and_marked_demo(client, database, dealer_token):
    await seed_rates()

    for country, (currency, _, _) in CUSTOMS.items():
        variables = {
            "input": {
                "country": country,
                "vehicleValue": {"amount": "9000", "currency": currency},
                "year": 2018,
                "engineVolumeCc": 2400,
            }
        }

        result = await gql(client, ESTIMATE_TOTAL, variables, token=dealer_token)

        estimate = result["data"]["customsEstimate"]
        assert estimate["total"]["currency"] == currency
        assert estimate["demo"] is True
        assert all(line["label"].endswith("(DEMO RATE)") for line in estimate["lines"])
        assert any(line["label"].startswith("Excise") for line in estimate["lines"]) == (
            country == "GE"
        )
