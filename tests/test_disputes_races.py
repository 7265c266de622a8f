"""Races on one dispute: whatever reaches it together, money goes back once."""

from __future__ import annotations

import asyncio

import pytest

from models.accounts.tables import Organization
from models.disputes.tables import Dispute, Refund, RefundKind
from models.enums import Role
from models.shipments.tables import Shipment, TrackingEvent
from resolvers.disputes import agreements, decisions, fraud
from resolvers.disputes import cancellations as disputes
from resolvers.disputes.refunds import whole, write_refund
from resolvers.errors import DomainError
from tests.disputing import (
    DECIDE,
    PROPOSE,
    REFUND_FOR_FRAUD,
    REMIND,
    RESPOND,
    accepted_shipment,
    act,
    ask,
    ok,
    open_dispute,
)
from tests.shipping import read_together


def _codes(results: list[dict]) -> list[list[str]]:
    return sorted([e["code"] for e in r["errors"]] for r in results)


async def test_two_decisions_at_once_refund_once(client, make, monkeypatch, dealer, carrier):
    shipment = await accepted_shipment(make, dealer, carrier, deposit="10.00")
    dispute = await open_dispute(client, dealer, shipment)
    colleague = await make.party(Role.CARRIER, await Organization.get(id=carrier.organization_id))
    # Both read the NEGOTIATING dispute before either writes: the race at its tightest.
    read_together(monkeypatch, decisions, "find_dispute")

    results = await asyncio.gather(
        act(client, DECIDE, carrier, disputeId=dispute["id"], refund=True),
        act(client, DECIDE, colleague, disputeId=dispute["id"], refund=True),
    )

    assert _codes(results) == [[], ["CONFLICT"]]
    assert await Refund.all().count() == 1
    assert await TrackingEvent.filter(type="CANCELLATION_CONFIRMED").count() == 1
    points = [o.penalty_points for o in await Organization.all().order_by("id")]
    assert points == [1, 1]


async def test_a_decision_and_an_agreement_at_once_end_the_dispute_once(
    client, make, monkeypatch, dealer, carrier
):
    shipment = await accepted_shipment(make, dealer, carrier, deposit="10.00")
    dispute = await open_dispute(client, dealer, shipment)
    proposed = await ok(client, PROPOSE, carrier, disputeId=dispute["id"], terms="Friday")
    barrier = asyncio.Barrier(2)
    real = agreements.find_dispute, decisions.find_dispute

    async def waiting(find, *args):
        found = await find(*args)
        await barrier.wait()
        return found

    monkeypatch.setattr(agreements, "find_dispute", lambda *a: waiting(real[0], *a))
    monkeypatch.setattr(decisions, "find_dispute", lambda *a: waiting(real[1], *a))

    results = await asyncio.gather(
        act(client, RESPOND, dealer, proposalId=proposed["proposals"][0]["id"], accept=True),
        act(client, DECIDE, carrier, disputeId=dispute["id"], refund=True),
    )

    assert _codes(results) == [[], ["CONFLICT"]]
    stored = await Dispute.get()
    cancelled = (await Shipment.get(id=shipment.id)).status == "CANCELLED"
    assert cancelled == (stored.outcome == "CANCELLED_WITH_REFUND")
    assert await Refund.all().count() == (1 if cancelled else 0)


async def test_two_requests_at_once_open_one_dispute(client, make, monkeypatch, dealer, carrier):
    shipment = await accepted_shipment(make, dealer, carrier)
    read_together(monkeypatch, disputes, "find_shipment")

    results = await asyncio.gather(ask(client, dealer, shipment), ask(client, dealer, shipment))

    assert _codes(results) == [[], ["CONFLICT"]]
    assert await Dispute.all().count() == 1


async def test_two_fraud_refunds_at_once_refund_once(client, make, monkeypatch, dealer, carrier):
    agent = await make.party(Role.SUPPORT_AGENT)
    shipment = await accepted_shipment(make, dealer, carrier)
    dispute = await open_dispute(client, dealer, shipment, "FRAUD")
    for _ in range(3):
        await ok(client, REMIND, agent, disputeId=dispute["id"])
    read_together(monkeypatch, fraud, "find_dispute")

    results = await asyncio.gather(
        act(client, REFUND_FOR_FRAUD, agent, disputeId=dispute["id"]),
        act(client, REFUND_FOR_FRAUD, agent, disputeId=dispute["id"]),
    )

    assert _codes(results) == [[], ["CONFLICT"]]
    assert await Refund.all().count() == 1


async def test_the_ledger_itself_refuses_a_second_refund_of_one_kind(make, dealer, carrier):
    shipment = await accepted_shipment(make, dealer, carrier)
    await write_refund(shipment, whole(shipment), RefundKind.CARRIER_CANCELLED)

    with pytest.raises(DomainError, match="refunded already") as refused:
        await write_refund(shipment, whole(shipment), RefundKind.CARRIER_CANCELLED)

    assert refused.value.code == "CONFLICT"
    assert await Refund.all().count() == 1
