"""organizationEvents over real HTTP, on the demo business seeded through the use cases: each of
an organization's changes exactly once and in log order, nothing of another tenant's."""

from __future__ import annotations

from collections import Counter
from typing import Any

import httpx2
import pytest

from models.claims.tables import ClaimChange, InsuranceClaim
from models.disputes.tables import Dispute, DisputeUpdate
from models.documents.rules import carrier_sees
from models.documents.tables import Document, DocumentChange
from models.shipments.tables import Shipment
from models.support.tables import SupportMessage, SupportThread
from resolvers.integrations.cursor import Position
from tests.feeds import FEED, TIMELINE, demo_parties, key, read_feed
from tests.graphql import gql


@pytest.fixture
async def demo(make) -> dict[str, Any]:
    return await demo_parties(make)


@pytest.fixture
async def http(server) -> httpx2.AsyncClient:
    async with httpx2.AsyncClient(base_url=f"http://{server}") as client:
        yield client


def positions(events: list[dict[str, Any]]) -> list[Position]:
    return [Position.parse(event["cursor"]) for event in events]


async def timeline(http: httpx2.AsyncClient, party, shipment_id: str) -> list[str]:
    result = await gql(http, TIMELINE, {"id": shipment_id}, token=party.token)
    edges = result["data"]["shipment"]["events"]["edges"]
    return [edge["node"]["id"] for edge in edges]


async def test_a_dealers_feed_has_each_of_its_changes_once_in_order_and_none_of_another(http, demo):
    dealer, other = demo["dealer"], demo["dealer2"]
    mine = set(
        await Shipment.filter(customer_id=dealer.organization_id).values_list("id", flat=True)
    )
    theirs = set(
        await Shipment.filter(customer_id=other.organization_id).values_list("id", flat=True)
    )

    events, _ = await read_feed(http, dealer, first=7)

    assert positions(events) == sorted(set(positions(events)))  # strictly increasing
    by_type = Counter(event["type"] for event in events)
    # every booking once, with the shipment's own id and waybill
    booked = [e["data"] for e in events if e["type"] == "SHIPMENT_BOOKED"]
    assert sorted(key(d["shipmentId"]) for d in booked) == sorted(mine)
    # every tracking event of every shipment of its own (container events included) once
    for shipment in mine:
        recorded = [
            e["data"]["trackingEventId"]
            for e in events
            if e["type"] == "TRACKING_EVENT_RECORDED" and key(e["data"]["shipmentId"]) == shipment
        ]
        gid = [
            e["subject"]["id"]
            for e in events
            if e["subject"]
            and key(e["subject"]["id"]) == shipment
            and e["subject"]["__typename"] == "Shipment"
        ]
        assert gid, shipment
        assert recorded == await timeline(http, dealer, gid[0])
        # the last status the feed told is the shipment's status
        statuses = [
            e["data"]["status"]
            for e in events
            if e["type"] in ("SHIPMENT_BOOKED", "SHIPMENT_STATUS_CHANGED")
            and key(e["data"]["shipmentId"]) == shipment
        ]
        assert statuses[-1] == (await Shipment.get(id=shipment)).status.value
    # its disputes' every update, and its threads' public messages, never a note
    disputes = await Dispute.filter(shipment_id__in=list(mine)).values_list("id", flat=True)
    updates = await DisputeUpdate.filter(dispute_id__in=list(disputes)).count()
    assert by_type["DISPUTE_UPDATED"] == updates > 0
    threads = await SupportThread.filter(dealer_id=dealer.organization_id).values_list(
        "id", flat=True
    )
    public = await SupportMessage.filter(thread_id__in=list(threads), internal=False).order_by(
        "seq"
    )
    posted = [e["data"]["messageId"] for e in events if e["type"] == "SUPPORT_MESSAGE_POSTED"]
    assert [key(m) for m in posted] == [m.id for m in public]
    assert await SupportMessage.filter(thread_id__in=list(threads), internal=True).exists()
    # nothing of the other dealer, anywhere in the data
    for event in events:
        for field in ("shipmentId",):
            if event["data"].get(field) is not None:  # a service request may have no shipment
                assert key(event["data"][field]) not in theirs
        for shipment_id in event["data"].get("shipmentIds", []):
            assert key(shipment_id) in mine
    assert by_type["CONTAINER_LOADING_CHANGED"] > 0
    # every step of its shipments' papers and claims
    papers = await Document.filter(shipment_id__in=list(mine)).values_list("id", flat=True)
    steps = await DocumentChange.filter(document_id__in=list(papers)).count()
    assert by_type["DOCUMENT_UPDATED"] == steps > 0
    claims = await InsuranceClaim.filter(shipment_id__in=list(mine)).values_list("id", flat=True)
    claim_steps = await ClaimChange.filter(claim_id__in=list(claims)).count()
    assert by_type["INSURANCE_CLAIM_UPDATED"] == claim_steps


async def test_a_carriers_feed_has_only_the_shipments_it_carries(http, demo):
    carrier = demo["carrier"]
    carried = set(
        await Shipment.filter(carrier_id=carrier.organization_id).values_list("id", flat=True)
    )

    events, _ = await read_feed(http, carrier)

    concerned = {key(e["data"]["shipmentId"]) for e in events if "shipmentId" in e["data"]} | {
        key(s) for e in events for s in e["data"].get("shipmentIds", [])
    }
    assert concerned and concerned <= carried
    types = {event["type"] for event in events}
    assert "SHIPMENT_BOOKED" not in types  # bookings are the customer's
    assert "SUPPORT_MESSAGE_POSTED" not in types  # the desk serves dealers
    assert "INSURANCE_CLAIM_UPDATED" not in types  # claims are the customer's
    for event in events:  # papers only of the kinds that are a carrier's business
        if event["type"] == "DOCUMENT_UPDATED":
            document = await Document.get(id=key(event["data"]["documentId"]))
            assert carrier_sees(document.kind, in_claim=document.claim_id is not None)
    # from its acceptance on, each carried shipment's every tracking event, once
    for shipment in carried:
        recorded = [
            key(e["data"]["trackingEventId"])
            for e in events
            if e["type"] == "TRACKING_EVENT_RECORDED" and key(e["data"]["shipmentId"]) == shipment
        ]
        assert len(recorded) == len(set(recorded))
        assert recorded and recorded[0] == min(recorded)


async def test_paging_with_any_size_or_type_filter_tells_the_same_story(http, demo):
    dealer = demo["dealer"]
    whole, last = await read_feed(http, dealer)

    small, _ = await read_feed(http, dealer, first=3)
    statuses, _ = await read_feed(http, dealer, types=["SHIPMENT_STATUS_CHANGED"])
    resumed, _ = await read_feed(http, dealer, after=whole[40]["cursor"], first=5)

    assert small == whole
    assert statuses == [e for e in whole if e["type"] == "SHIPMENT_STATUS_CHANGED"]
    assert resumed == whole[41:]
    assert (await read_feed(http, dealer, after=last))[0] == []


async def test_the_feed_is_for_dealer_and_carrier_organizations_with_a_cursor_it_gave(
    http, demo, admin
):
    refused = await gql(http, FEED, {}, token=admin.token)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    bad = await gql(http, FEED, {"after": "bm90IGEgY3Vyc29y"}, token=demo["dealer"].token)
    assert bad["errors"][0]["extensions"] == {"code": "INVALID_INPUT", "field": ["after"]}
    anonymous = await gql(http, FEED, {})
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
