"""cancellationQuote and the carrier's decision: the customer's rate, its band, its refund."""

from __future__ import annotations

from decimal import Decimal

import pytest

from models.disputes.tables import Refund
from tests.disputing import DECIDE, QUOTE, accepted_shipment, history, ok, open_dispute
from tests.graphql import gql
from tests.shipping import gid, payload
from tests.test_penalty_table import EDGES

# The shipment at hand is one of the 100 and not cancelled yet: 99 cancelled at most.
QUOTED_EDGES = [*EDGES[:-1], (99, 100)]


@pytest.mark.parametrize(("cancelled", "percent"), QUOTED_EDGES)
async def test_the_quote_shows_each_band_before_anyone_commits(
    client, make, dealer, carrier, cancelled, percent
):
    # 99 past shipments and the one at hand: 100 accepted, `cancelled` at the dealer's request.
    await history(dealer.organization_id, accepted=99, cancelled=cancelled)
    shipment = await accepted_shipment(make, dealer, carrier, deposit="10.00")

    quote = await payload(client, QUOTE, {"shipmentId": gid("Shipment", shipment.id)}, dealer)

    assert quote["cancellationRate"] == pytest.approx(cancelled / 100)
    assert quote["penaltyPercent"] == percent
    penalty = Decimal("10.00") * percent / 100
    assert quote["deposit"] == {"amount": "10.00", "currency": "EUR"}
    assert Decimal(quote["penalty"]["amount"]) == penalty
    assert Decimal(quote["refund"]["amount"]) == Decimal("10.00") - penalty
    assert await Refund.all().count() == 0  # a dry run writes nothing


async def test_only_the_last_hundred_accepted_shipments_count(client, make, dealer, carrier):
    # 30 old cancellations, then 99 kept shipments: the old ones fall out of the window.
    await history(dealer.organization_id, accepted=30, cancelled=30, days_ago=300)
    await history(dealer.organization_id, accepted=99, cancelled=0, days_ago=100)
    await make.shipment(customer=dealer.organization_id)  # a booking: never in the window
    shipment = await accepted_shipment(make, dealer, carrier)

    quote = await payload(client, QUOTE, {"shipmentId": gid("Shipment", shipment.id)}, dealer)

    assert quote["cancellationRate"] == 0.0
    assert quote["penaltyPercent"] == 0


async def test_the_seeds_example_end_to_end(client, make, dealer, carrier):
    # 15 of 100 accepted cancelled at the dealer's request: 15% pays 20%.
    await history(dealer.organization_id, accepted=99, cancelled=15)
    shipment = await accepted_shipment(make, dealer, carrier, deposit="10.00")
    dispute = await open_dispute(client, dealer, shipment)

    decided = await ok(client, DECIDE, carrier, disputeId=dispute["id"], refund=True)

    assert decided["outcome"] == "CANCELLED_WITH_REFUND"
    assert decided["refund"] == {
        "deposit": {"amount": "10.00", "currency": "EUR"},
        "penaltyPercent": 20,
        "penalty": {"amount": "2.00", "currency": "EUR"},
        "amount": {"amount": "8.00", "currency": "EUR"},
        "kind": "CUSTOMER_CANCELLED",
    }
    after = await gql(
        client, QUOTE, {"shipmentId": gid("Shipment", shipment.id)}, token=dealer.token
    )
    assert after["errors"][0]["extensions"]["code"] == "INVALID_TRANSITION"  # nothing to cancel


async def test_a_booking_is_quoted_whole_and_outside_the_rate(client, make, dealer):
    await history(dealer.organization_id, accepted=10, cancelled=9)
    booking = await make.shipment(
        customer=dealer.organization_id, deposit_amount=Decimal("50"), deposit_currency="USD"
    )

    quote = await payload(client, QUOTE, {"shipmentId": gid("Shipment", booking.id)}, dealer)

    assert quote["cancellationRate"] == pytest.approx(0.9)
    assert quote["penaltyPercent"] == 0
    assert quote["refund"] == {"amount": "50.00", "currency": "USD"}
