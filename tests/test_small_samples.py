"""A new customer's first cancellations (models/disputes/rules.py: a denominator of 10 at least)."""

from __future__ import annotations

import datetime as dt

import pytest

from models import clock
from tests.disputing import (
    DECIDE,
    ORGANIZATION,
    QUOTE,
    accepted_shipment,
    ok,
    open_dispute,
)
from tests.shipping import gid, payload

# (the quote's rate before, its penalty, the rate the organization shows after)
FIRST_FIVE = [(0.0, 0, 0.1), (0.1, 0, 0.2), (0.2, 20, 0.3), (0.3, 40, 0.4), (0.4, 60, 0.5)]


async def test_the_first_five_cancellations_of_a_new_customer(client, make, dealer, carrier):
    start = clock.now() - dt.timedelta(days=5)
    shipments = [
        await accepted_shipment(make, dealer, carrier, accepted_at=start + dt.timedelta(hours=n))
        for n in range(5)
    ]
    seen = []
    for shipment in shipments:
        key = gid("Shipment", shipment.id)
        quote = await payload(client, QUOTE, {"shipmentId": key}, dealer)
        dispute = await open_dispute(client, dealer, shipment)
        decided = await ok(client, DECIDE, carrier, disputeId=dispute["id"], refund=True)
        org = gid("Organization", dealer.organization_id)
        after = await payload(client, ORGANIZATION, {"id": org}, dealer)
        refund = decided["refund"]
        assert quote["penaltyPercent"] == refund["penaltyPercent"]
        seen.append(
            (
                pytest.approx(quote["cancellationRate"]),
                refund["penaltyPercent"],
                pytest.approx(after["cancellationRate"]),
            )
        )
        assert refund["amount"]["amount"] == f"{10 * (100 - refund['penaltyPercent']) / 100:.2f}"

    assert seen == FIRST_FIVE


async def test_from_ten_shipments_on_the_rate_is_the_plain_ratio(client, make, dealer, carrier):
    start = clock.now() - dt.timedelta(days=20)
    shipments = [
        await accepted_shipment(make, dealer, carrier, accepted_at=start + dt.timedelta(hours=n))
        for n in range(12)
    ]
    for shipment in shipments[:2]:
        dispute = await open_dispute(client, dealer, shipment)
        await ok(client, DECIDE, carrier, disputeId=dispute["id"], refund=True)

    quote = await payload(client, QUOTE, {"shipmentId": gid("Shipment", shipments[2].id)}, dealer)

    assert quote["cancellationRate"] == pytest.approx(2 / 12)
    assert quote["penaltyPercent"] == 20
