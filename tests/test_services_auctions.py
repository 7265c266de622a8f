"""Bid orders and resale requests walked through the API: each step and each refusal, the
maximum bid, the dealer's priorities, and the payment request a win opens."""

from __future__ import annotations

import datetime as dt

import pytest

from models import clock
from models.enums import Role
from tests.documents import call, done
from tests.services import (
    ADVANCE_BID,
    ADVANCE_PAYMENT,
    ADVANCE_RESALE,
    CANCEL,
    ORDER_BID,
    REQUEST_RESALE,
    bid_input,
    codes,
)

USD = "USD"


@pytest.fixture
async def bidder(make):
    return await make.party(Role.BIDDER)


def usd(amount: str) -> dict:
    return {"amount": amount, "currency": USD}


async def test_a_bid_order_is_placed_and_won_never_above_its_maximum(client, dealer, bidder, make):
    back_office = await make.party(Role.BACK_OFFICE)
    past = bid_input(auctionStartsAt="2020-01-01T10:00:00Z")
    assert (await call(client, ORDER_BID, dealer, input=past))["errors"][0]["field"] == [
        "input",
        "auctionStartsAt",
    ]
    assert codes(await call(client, ORDER_BID, dealer, input=bid_input(priority=0))) == [
        "INVALID_INPUT"
    ]
    assert codes(await call(client, ORDER_BID, back_office, input=bid_input())) == ["FORBIDDEN"]
    top = (await done(client, ORDER_BID, dealer, input=bid_input(priority=1)))["request"]
    skipped = (
        await done(client, ORDER_BID, dealer, input=bid_input(priority=2, skipIfHigherWon=True))
    )["request"]
    kept = (await done(client, ORDER_BID, dealer, input=bid_input(priority=3)))["request"]

    # only a bidder places it, and only once placed is it won
    early = await call(client, ADVANCE_BID, bidder, id=top["id"], status="WON", price=usd("1"))
    assert codes(early) == ["INVALID_TRANSITION"]
    assert codes(await call(client, ADVANCE_BID, back_office, id=top["id"], status="PLACED")) == [
        "FORBIDDEN"
    ]
    assert codes(await call(client, ADVANCE_BID, dealer, id=top["id"], status="PLACED")) == [
        "FORBIDDEN"
    ]
    for order in (top, skipped, kept):
        await done(client, ADVANCE_BID, bidder, id=order["id"], status="PLACED")

    # the maximum is never exceeded
    above = await call(
        client, ADVANCE_BID, bidder, id=top["id"], status="WON", price=usd("9000.01")
    )
    assert codes(above) == ["INVALID_INPUT"] and above["errors"][0]["field"] == [
        "finalPrice",
        "amount",
    ]
    euros = {"amount": "100.00", "currency": "EUR"}
    other = await call(client, ADVANCE_BID, bidder, id=top["id"], status="WON", price=euros)
    assert other["errors"][0]["field"] == ["finalPrice", "currency"]
    bare = await call(client, ADVANCE_BID, bidder, id=top["id"], status="WON")
    assert bare["errors"][0]["field"] == ["finalPrice"]

    won = await done(
        client, ADVANCE_BID, bidder, id=top["id"], status="WON", price=usd("9000.00"), open=True
    )
    order = won["request"]
    assert order["finalPrice"] == usd("9000.00")
    payment = order["paymentRequest"]
    assert payment["status"] == "REQUESTED" and payment["amount"]["amount"] == "9000.00"
    refused = await call(client, ADVANCE_PAYMENT, dealer, id=payment["id"], status="APPROVED")
    assert codes(refused) == ["FORBIDDEN"]

    # the lower priority that asked to be skipped is cancelled, the other stands
    skipped_now = await call(client, ADVANCE_BID, bidder, id=skipped["id"], status="LOST")
    assert codes(skipped_now) == ["INVALID_TRANSITION"]
    lost = await done(client, ADVANCE_BID, bidder, id=kept["id"], status="LOST")
    assert lost["request"]["status"] == "LOST"
    history = lost["request"]["history"]
    assert [step["status"] for step in history] == ["REQUESTED", "PLACED", "LOST"]


async def test_the_dealer_cancels_a_bid_until_the_auction_starts(client, dealer, bidder):
    starts = clock.now() + dt.timedelta(minutes=20)
    order = (
        await done(client, ORDER_BID, dealer, input=bid_input(auctionStartsAt=starts.isoformat()))
    )["request"]
    later = (await done(client, ORDER_BID, dealer, input=bid_input(priority=2)))["request"]
    await done(client, ADVANCE_BID, bidder, id=later["id"], status="PLACED")
    assert codes(await call(client, CANCEL, bidder, id=later["id"])) == ["FORBIDDEN"]
    cancelled = await done(client, CANCEL, dealer, id=later["id"])
    assert cancelled["request"]["status"] == "CANCELLED"
    with clock.travel(starts + dt.timedelta(minutes=1)):
        assert codes(await call(client, CANCEL, dealer, id=order["id"])) == ["DEADLINE_PASSED"]


async def test_a_resale_is_listed_then_sold_or_withdrawn(
    client, dealer, other_dealer, bidder, make
):
    shipment = await make.shipment(customer=dealer.organization_id)
    foreign = await make.shipment(customer=other_dealer.organization_id)
    base = {"auction": "Manheim Riverside", "askingPrice": usd("12500.00")}
    neither = await call(client, REQUEST_RESALE, dealer, input=base)
    assert neither["errors"][0]["field"] == ["input", "vin"]
    theirs = {**base, "shipmentId": _gid("Shipment", foreign.id)}
    assert codes(await call(client, REQUEST_RESALE, dealer, input=theirs)) == ["NOT_FOUND"]
    mine = {**base, "shipmentId": _gid("Shipment", shipment.id)}
    sold = (await done(client, REQUEST_RESALE, dealer, input=mine))["request"]
    assert sold["shipment"]["id"] == _gid("Shipment", shipment.id)
    withdrawn = (
        await done(client, REQUEST_RESALE, dealer, input={**base, "vin": "WVWZZZ1JZXW000001"})
    )["request"]

    unnamed = await call(client, ADVANCE_RESALE, bidder, id=sold["id"], status="LISTED")
    assert unnamed["errors"][0]["field"] == ["lotNumber"]
    assert codes(
        await call(client, ADVANCE_RESALE, dealer, id=sold["id"], status="LISTED", lot="9")
    ) == ["FORBIDDEN"]
    early = await call(client, ADVANCE_RESALE, bidder, id=sold["id"], status="SOLD", sold=usd("1"))
    assert codes(early) == ["INVALID_TRANSITION"]
    for request in (sold, withdrawn):
        await done(client, ADVANCE_RESALE, bidder, id=request["id"], status="LISTED", lot="R-77")
    unpriced = await call(client, ADVANCE_RESALE, bidder, id=sold["id"], status="SOLD")
    assert unpriced["errors"][0]["field"] == ["soldFor"]
    done_sale = await done(
        client, ADVANCE_RESALE, bidder, id=sold["id"], status="SOLD", sold=usd("12100.00")
    )
    assert done_sale["request"]["soldFor"] == usd("12100.00")
    assert done_sale["request"]["lotNumber"] == "R-77"
    pulled = await done(client, ADVANCE_RESALE, dealer, id=withdrawn["id"], status="WITHDRAWN")
    assert pulled["request"]["status"] == "WITHDRAWN" and pulled["request"]["closedAt"]
    again = await call(
        client, ADVANCE_RESALE, bidder, id=withdrawn["id"], status="SOLD", sold=usd("1")
    )
    assert codes(again) == ["INVALID_TRANSITION"]


def _gid(type_name: str, key: int) -> str:
    from tests.shipping import gid

    return gid(type_name, key)
