"""Fraud reports: support alerted at once, reminders, refund and block in acceptedAt + 7 days."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import httpx2
import pytest

from api.app import create_app
from models import clock
from models.accounts.tables import Organization
from models.alerts.tables import StaffAlert, StaffAlertKind
from models.disputes.tables import Dispute, DisputeStatus, Refund, RefundKind
from models.enums import Role
from models.shipments.tables import CancelledBy, Shipment, TrackingEvent
from resolvers.disputes.fraud import escalate_lapsed_fraud_reviews
from tests.conftest import settings_with
from tests.disputing import (
    DECIDE,
    POST_MESSAGE,
    REFUND_FOR_FRAUD,
    REMIND,
    accepted_shipment,
    ask,
    history,
    key_of,
    ok,
    open_dispute,
    refused,
)
from tests.factories import Party
from tests.shipping import ACCEPT_SHIPMENT, gid, payload

WEEK = dt.timedelta(days=7)
SECOND = dt.timedelta(seconds=1)


async def _lasting(make, role: Role) -> Party:
    """A party whose token outlives the week these tests travel through."""
    user = await make.user(role)
    return Party(user=user, token=await make.token(user, dt.timedelta(days=30)))


@pytest.fixture
async def cast(make) -> dict[str, Party]:
    roles = {"dealer": Role.DEALER, "carrier": Role.CARRIER, "agent": Role.SUPPORT_AGENT}
    return {name: await _lasting(make, role) for name, role in roles.items()}


@pytest.fixture
def accepted_at() -> dt.datetime:
    return (clock.now() - dt.timedelta(hours=1)).replace(microsecond=0)


async def _report(client, make, cast, accepted_at, **fields) -> tuple[Shipment, dict]:
    shipment = await accepted_shipment(
        make, cast["dealer"], cast["carrier"], accepted_at=accepted_at, **fields
    )
    return shipment, await open_dispute(client, cast["dealer"], shipment, "FRAUD")


async def _remind(client, agent: Party, key: str, times: int) -> dict:
    dispute = {}
    for _ in range(times):
        dispute = await ok(client, REMIND, agent, disputeId=key)
    return dispute


async def test_a_fraud_report_reaches_support_at_once(client, make, cast, accepted_at):
    shipment, dispute = await _report(client, make, cast, accepted_at)

    assert dispute["status"] == "FRAUD_REVIEW"
    assert dt.datetime.fromisoformat(dispute["fraudRefundDeadline"]) == accepted_at + WEEK
    (alert,) = await StaffAlert.all()
    assert alert.kind is StaffAlertKind.FRAUD_REPORTED
    assert (alert.dispute_id, alert.shipment_id) == (key_of(dispute["id"]), shipment.id)
    assert shipment.waybill in alert.message
    (event,) = await TrackingEvent.filter(shipment_id=shipment.id)
    assert event.type == "CANCELLATION_RECEIVED"


async def test_support_refunds_and_blocks_after_three_unanswered_reminders(
    client, make, cast, accepted_at
):
    dealer, carrier, agent = cast["dealer"], cast["carrier"], cast["agent"]
    await history(dealer.organization_id, accepted=9, cancelled=9)  # a rate that would cost 100%
    shipment, dispute = await _report(client, make, cast, accepted_at, deposit="10.00")
    key = dispute["id"]

    reminded = await _remind(client, agent, key, 2)
    early = await refused(client, REFUND_FOR_FRAUD, agent, disputeId=key)
    reminded = await _remind(client, agent, key, 1)
    refunded = await ok(client, REFUND_FOR_FRAUD, agent, disputeId=key)

    assert early["code"] == "INVALID_TRANSITION" and "3 reminders" in early["message"]
    assert (reminded["carrierReminders"], reminded["unansweredReminders"]) == (3, 3)
    assert [m["author"]["role"] for m in reminded["messages"]] == ["SUPPORT_AGENT"] * 3
    assert (refunded["status"], refunded["outcome"]) == ("RESOLVED", "FRAUD_REFUND")
    assert refunded["refund"]["amount"] == {"amount": "10.00", "currency": "EUR"}  # whole
    assert refunded["refund"]["kind"] == "FRAUD"
    stored = await Shipment.get(id=shipment.id)
    assert (stored.status, stored.cancelled_by) == ("CANCELLED", CancelledBy.FRAUD)
    blocked = await Organization.get(id=carrier.organization_id)
    customer = await Organization.get(id=dealer.organization_id)
    assert (blocked.blocked, blocked.penalty_points) == (True, 1)
    assert (customer.blocked, customer.penalty_points) == (False, 0)

    # The blocked carrier reads but writes nothing.
    offer = await make.shipment(customer=dealer.organization_id)
    taken = await payload(client, ACCEPT_SHIPMENT, {"id": gid("Shipment", offer.id)}, carrier)
    said = await refused(client, POST_MESSAGE, carrier, disputeId=key, body="I am honest")
    cancel = await ask(client, carrier, await accepted_shipment(make, dealer, carrier))
    assert taken["errors"][0]["code"] == said["code"] == "ACCOUNT_BLOCKED"
    assert cancel["errors"][0]["code"] == "ACCOUNT_BLOCKED"


async def test_the_refund_is_possible_a_second_before_the_deadline(client, make, cast, accepted_at):
    _, dispute = await _report(client, make, cast, accepted_at)
    await _remind(client, cast["agent"], dispute["id"], 3)

    with clock.travel(accepted_at + WEEK - SECOND):
        refunded = await ok(client, REFUND_FOR_FRAUD, cast["agent"], disputeId=dispute["id"])

    assert refunded["outcome"] == "FRAUD_REFUND"


async def test_a_second_after_the_deadline_the_case_goes_to_the_centre(
    client, make, cast, accepted_at
):
    _, dispute = await _report(client, make, cast, accepted_at)
    key = dispute["id"]
    await _remind(client, cast["agent"], key, 3)

    with clock.travel(accepted_at + WEEK + SECOND):
        late = await refused(client, REFUND_FOR_FRAUD, cast["agent"], disputeId=key)
        reminder = await refused(client, REMIND, cast["agent"], disputeId=key)

    assert late["code"] == "DEADLINE_PASSED"
    assert reminder["code"] == "INVALID_TRANSITION"  # it is ESCALATED by then
    stored = await Dispute.get(id=key_of(key))
    assert stored.status is DisputeStatus.ESCALATED
    assert stored.escalated_at == accepted_at + WEEK
    assert stored.review_due_at is not None and stored.review_due_at > stored.escalated_at
    assert await Refund.all().count() == 0
    kinds = [a.kind for a in await StaffAlert.all().order_by("id")]
    assert kinds == [StaffAlertKind.FRAUD_REPORTED, StaffAlertKind.DISPUTE_ESCALATED]
    assert not (await Organization.get(id=cast["carrier"].organization_id)).blocked


async def test_a_late_report_is_escalated_at_once(client, make, cast):
    long_ago = clock.now() - WEEK - SECOND
    _, dispute = await _report(client, make, cast, long_ago)

    assert dispute["status"] == "ESCALATED"
    assert dispute["reviewDueAt"] is not None
    kinds = [a.kind for a in await StaffAlert.all().order_by("id")]
    assert kinds == [StaffAlertKind.FRAUD_REPORTED, StaffAlertKind.DISPUTE_ESCALATED]


async def test_a_report_a_second_inside_the_week_is_reviewed(client, make, cast):
    _, dispute = await _report(client, make, cast, clock.now() - WEEK + SECOND)

    assert dispute["status"] == "FRAUD_REVIEW"


async def test_a_carriers_reply_breaks_its_silence(client, make, cast, accepted_at):
    carrier, agent = cast["carrier"], cast["agent"]
    _, dispute = await _report(client, make, cast, accepted_at)
    key = dispute["id"]
    await _remind(client, agent, key, 3)

    replied = await ok(client, POST_MESSAGE, carrier, disputeId=key, body="We were delayed")
    refused_now = await refused(client, REFUND_FOR_FRAUD, agent, disputeId=key)
    silent_again = await _remind(client, agent, key, 3)
    refunded = await ok(client, REFUND_FOR_FRAUD, agent, disputeId=key)

    assert (replied["carrierReminders"], replied["unansweredReminders"]) == (3, 0)
    assert refused_now["code"] == "INVALID_TRANSITION"
    assert (silent_again["carrierReminders"], silent_again["unansweredReminders"]) == (6, 3)
    assert refunded["outcome"] == "FRAUD_REFUND"


async def test_the_number_of_reminders_is_a_deployment_setting(database, make, cast, accepted_at):
    app = create_app(
        settings_with(fraud_reminders_required=1, pickup_check_seconds=0), manage_database=False
    )
    async with (
        app.router.lifespan_context(app),
        httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="http://t") as client,
    ):
        _, dispute = await _report(client, make, cast, accepted_at)
        await _remind(client, cast["agent"], dispute["id"], 1)
        refunded = await ok(client, REFUND_FOR_FRAUD, cast["agent"], disputeId=dispute["id"])

    assert refunded["outcome"] == "FRAUD_REFUND"


async def test_only_support_reminds_and_refunds_and_only_in_review(
    client, make, cast, accepted_at, admin
):
    dealer, carrier = cast["dealer"], cast["carrier"]
    _, dispute = await _report(client, make, cast, accepted_at)
    key = dispute["id"]
    officer = await make.party(Role.DISPUTE_OFFICER)

    for party in (dealer, carrier, officer):
        assert (await refused(client, REMIND, party, disputeId=key))["code"] == "FORBIDDEN"
        assert (await refused(client, REFUND_FOR_FRAUD, party, disputeId=key))["code"] == (
            "FORBIDDEN"
        )
    by_carrier = await refused(client, DECIDE, carrier, disputeId=key, refund=False)
    by_admin = await ok(client, REMIND, admin, disputeId=key)
    plain = await open_dispute(
        client, dealer, await accepted_shipment(make, dealer, carrier), "OTHER"
    )
    not_fraud = await refused(client, REMIND, cast["agent"], disputeId=plain["id"])

    assert by_carrier["code"] == "INVALID_TRANSITION"
    assert by_admin["carrierReminders"] == 1
    assert not_fraud["code"] == "INVALID_TRANSITION"


async def test_every_process_escalates_lapsed_reviews_in_the_background(
    client, make, cast, accepted_at
):
    _, dispute = await _report(client, make, cast, accepted_at)

    with clock.travel(accepted_at + WEEK - SECOND):
        before = await escalate_lapsed_fraud_reviews()
    with clock.travel(accepted_at + WEEK + SECOND):
        moved = await escalate_lapsed_fraud_reviews()
        again = await escalate_lapsed_fraud_reviews()

    assert (before, moved, again) == (0, 1, 0)
    stored = await Dispute.get(id=key_of(dispute["id"]))
    assert stored.status is DisputeStatus.ESCALATED
    assert await Refund.filter(kind=RefundKind.FRAUD).count() == 0
    assert (await Shipment.get(id=stored.shipment_id)).deposit_amount == Decimal("10.00")
