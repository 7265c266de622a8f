"""Escalation to the dispute resolution centre: 30 working days, and the officer's decision."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import httpx2
import pytest

from api.app import create_app
from models import clock
from models.accounts.tables import Organization
from models.alerts.tables import StaffAlert, StaffAlertKind
from models.disputes.tables import Refund, RefundKind
from models.enums import Role
from models.shipments.tables import CancelledBy, Shipment
from tests.conftest import settings_with
from tests.disputing import (
    DECIDE,
    ESCALATE,
    PROPOSE,
    RESOLVE,
    RESPOND,
    accepted_shipment,
    eur,
    key_of,
    ok,
    open_dispute,
    refused,
)

FRIDAY = dt.datetime(2026, 12, 4, 10, 0, tzinfo=dt.UTC)
HOLIDAYS = [dt.date(2026, 12, 25), dt.date(2027, 1, 1)]


@pytest.fixture
async def officer(make):
    return await make.party(Role.DISPUTE_OFFICER)


@pytest.fixture
async def holiday_client(database):
    """The API of a deployment that takes Christmas and New Year's Day off."""
    app = create_app(
        settings_with(holidays=HOLIDAYS, pickup_check_seconds=0), manage_database=False
    )
    async with app.router.lifespan_context(app):
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://test") as http:
            yield http


async def _points(*parties) -> list[int]:
    return [(await Organization.get(id=p.organization_id)).penalty_points for p in parties]


async def _escalated_at(client, make, start: dt.datetime) -> dict:
    with clock.travel(start):  # the parties sign in then, so their tokens are fresh there
        dealer, carrier = await make.party(Role.DEALER), await make.party(Role.CARRIER)
        shipment = await accepted_shipment(make, dealer, carrier)
        dispute = await open_dispute(client, dealer, shipment)
        return await ok(client, ESCALATE, dealer, disputeId=dispute["id"], reason="No answer")


def _at(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value)


async def test_review_is_due_thirty_working_days_on_weekends_skipped(client, make):
    escalated = await _escalated_at(client, make, FRIDAY)

    assert escalated["status"] == "ESCALATED"
    assert _at(escalated["escalatedAt"]) - FRIDAY < dt.timedelta(seconds=5)
    # Fri 4 Dec + 30 working days (six weekends skipped): Friday 15 January, same time.
    assert _at(escalated["reviewDueAt"]).date() == dt.date(2027, 1, 15)


async def test_the_deployments_holidays_are_skipped_too(holiday_client, make):
    escalated = await _escalated_at(holiday_client, make, FRIDAY)

    # Christmas and New Year's Day fall on Fridays: two more days, Tuesday 19 January.
    assert _at(escalated["reviewDueAt"]).date() == dt.date(2027, 1, 19)


async def test_a_weekend_escalation_counts_from_monday(client, make):
    saturday = FRIDAY + dt.timedelta(days=1)
    escalated = await _escalated_at(client, make, saturday)

    assert _at(escalated["reviewDueAt"]).date() == dt.date(2027, 1, 18)


async def test_the_customer_escalates_the_carriers_decision_and_the_officer_answers(
    client, make, dealer, carrier, officer
):
    shipment = await accepted_shipment(make, dealer, carrier, deposit="10.00")
    dispute = await open_dispute(client, dealer, shipment)
    key = dispute["id"]
    await ok(client, DECIDE, carrier, disputeId=key, refund=False)

    escalated = await ok(client, ESCALATE, dealer, disputeId=key, reason="Unfair: they never came")

    assert escalated["status"] == "ESCALATED"
    assert escalated["outcome"] == "CANCELLED_WITHOUT_REFUND"  # until the centre decides
    assert escalated["resolvedAt"] is None
    assert escalated["messages"][-1]["body"] == "Unfair: they never came"
    (alert,) = await StaffAlert.all()
    assert alert.kind is StaffAlertKind.DISPUTE_ESCALATED
    assert (alert.dispute_id, alert.shipment_id) == (key_of(key), shipment.id)

    resolved = await ok(
        client, RESOLVE, officer, disputeId=key, refund=eur("6.50"), note="Carrier no-show proven"
    )

    assert (resolved["status"], resolved["outcome"]) == ("RESOLVED", "PLATFORM_DECISION")
    assert resolved["refund"] == {
        "deposit": eur("10.00"),
        "penaltyPercent": 0,
        "penalty": eur("0.00"),
        "amount": eur("6.50"),
        "kind": "PLATFORM_DECISION",
    }
    last = resolved["messages"][-1]
    assert (last["body"], last["author"]["role"]) == ("Carrier no-show proven", "DISPUTE_OFFICER")
    assert await _points(dealer, carrier) == [1, 1]  # from the carrier's decision, no more


async def test_an_escalated_negotiation_is_cancelled_by_the_officers_decision(
    client, make, dealer, carrier, admin
):
    shipment = await accepted_shipment(make, dealer, carrier, deposit="10.00")
    dispute = await open_dispute(client, dealer, shipment)
    await ok(client, ESCALATE, dealer, disputeId=dispute["id"], reason="The carrier stalls")

    resolved = await ok(
        client, RESOLVE, admin, disputeId=dispute["id"], refund=eur("10"), note="Ok"
    )

    assert resolved["shipment"]["status"] == "CANCELLED"
    assert (await Shipment.get(id=shipment.id)).cancelled_by is CancelledBy.CUSTOMER
    assert await _points(dealer, carrier) == [1, 1]
    (refund,) = await Refund.all()
    assert (refund.kind, refund.amount) == (RefundKind.PLATFORM_DECISION, Decimal("10.00"))


async def test_the_officers_refund_never_takes_the_total_past_the_deposit(
    client, make, dealer, carrier, officer
):
    shipment = await accepted_shipment(make, dealer, carrier, deposit="10.00")
    dispute = await open_dispute(client, dealer, shipment)
    key = dispute["id"]
    await ok(client, DECIDE, carrier, disputeId=key, refund=True)  # 10.00 back at a 0% rate
    await ok(client, ESCALATE, dealer, disputeId=key, reason="Want compensation")

    cases = [
        ({"amount": "0.01", "currency": "EUR"}, ["refund", "amount"]),  # 10.00 refunded already
        ({"amount": "5", "currency": "USD"}, ["refund", "currency"]),
        ({"amount": "1.001", "currency": "EUR"}, ["refund", "amount"]),
        ({"amount": "-1", "currency": "EUR"}, ["refund", "amount"]),
        ({"amount": "1", "currency": "EURO"}, ["refund", "currency"]),
    ]
    for money, field in cases:
        error = await refused(client, RESOLVE, officer, disputeId=key, refund=money, note="x")
        assert (error["field"], error["code"]) == (field, "INVALID_INPUT"), money
    blank = await refused(client, RESOLVE, officer, disputeId=key, refund=eur("0"), note=" ")
    assert blank["field"] == ["note"]
    assert await Refund.all().count() == 1

    nothing = await ok(client, RESOLVE, officer, disputeId=key, refund=eur("0"), note="Fair")

    assert nothing["refund"]["amount"] == eur("0.00")  # the decision is on record
    assert [r.kind for r in await Refund.all().order_by("id")] == [
        RefundKind.CUSTOMER_CANCELLED,
        RefundKind.PLATFORM_DECISION,
    ]


async def test_more_than_the_deposit_is_refused(client, make, dealer, carrier, officer):
    shipment = await accepted_shipment(make, dealer, carrier, deposit="10.00")
    dispute = await open_dispute(client, dealer, shipment)
    await ok(client, ESCALATE, dealer, disputeId=dispute["id"], reason="Stalling")

    error = await refused(
        client, RESOLVE, officer, disputeId=dispute["id"], refund=eur("10.01"), note="x"
    )

    assert (error["field"], error["code"]) == (["refund", "amount"], "INVALID_INPUT")
    assert "10.00 EUR" in error["message"]


async def test_who_may_escalate_and_resolve_and_when(client, make, dealer, carrier, officer):
    shipment = await accepted_shipment(make, dealer, carrier)
    dispute = await open_dispute(client, dealer, shipment)
    key = dispute["id"]
    agent = await make.party(Role.SUPPORT_AGENT)

    by_carrier = await refused(client, ESCALATE, carrier, disputeId=key, reason="x")
    by_officer = await refused(client, ESCALATE, officer, disputeId=key, reason="x")
    blank = await refused(client, ESCALATE, dealer, disputeId=key, reason="")
    too_early = await refused(client, RESOLVE, officer, disputeId=key, refund=eur("1"), note="x")
    await ok(client, ESCALATE, dealer, disputeId=key, reason="Help")
    by_agent = await refused(client, RESOLVE, agent, disputeId=key, refund=eur("1"), note="x")
    by_dealer = await refused(client, RESOLVE, dealer, disputeId=key, refund=eur("1"), note="x")
    decide_now = await refused(client, DECIDE, carrier, disputeId=key, refund=True)
    again = await refused(client, ESCALATE, dealer, disputeId=key, reason="Again")

    assert by_carrier["code"] == by_officer["code"] == "FORBIDDEN"
    assert blank["field"] == ["reason"]
    assert too_early["code"] == "INVALID_TRANSITION"
    assert by_agent["code"] == by_dealer["code"] == "FORBIDDEN"
    assert decide_now["code"] == again["code"] == "INVALID_TRANSITION"


async def test_an_agreement_cannot_be_escalated(client, make, dealer, carrier):
    shipment = await accepted_shipment(make, dealer, carrier)
    dispute = await open_dispute(client, dealer, shipment)
    proposed = await ok(client, PROPOSE, carrier, disputeId=dispute["id"], terms="Next week")
    await ok(client, RESPOND, dealer, proposalId=proposed["proposals"][0]["id"], accept=True)

    error = await refused(client, ESCALATE, dealer, disputeId=dispute["id"], reason="Changed mind")

    assert error["code"] == "INVALID_TRANSITION"
