"""The lists across shipments: the papers a desk must act on, and the claims to handle."""

from __future__ import annotations

import datetime as dt

from models import clock
from models.enums import Role
from tests.claims import OPEN_CLAIM, claim_input
from tests.documents import PDF, REQUEST, call, carried, done, uploaded
from tests.shipping import gid, later
from tests.test_claims import delivered

DOCUMENTS = """
query ($first: Int, $after: String, $filter: DocumentFilter) {
  documents(first: $first, after: $after, filter: $filter) {
    totalCount
    edges { node { kind status holder overdue shipment { id } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
CLAIMS = """
query ($status: [ClaimStatus!]) {
  insuranceClaims(status: $status) { totalCount edges { node { status shipment { id } } } }
}
"""


async def test_back_office_sees_what_it_holds_and_what_is_overdue(
    client, make, dealer, other_dealer, carrier
):
    office = await make.party(Role.BACK_OFFICE)
    mine = await carried(make, dealer, carrier)
    theirs = await carried(make, other_dealer, carrier)
    for shipment, party, kind in ((mine, dealer, "RELEASE_ORDER"), (theirs, other_dealer, "PHOTO")):
        due = later(minutes=30)
        request = {"shipmentId": gid("Shipment", shipment.id), "kind": kind, "dueAt": due}
        await done(client, REQUEST, party, input=request)
    await uploaded(client, dealer, mine, "INVOICE", PDF)

    held = await call(client, DOCUMENTS, office, filter={"holder": "BACK_OFFICE"})
    awaited = await call(client, DOCUMENTS, office, filter={"status": ["REQUESTED"]})
    with clock.travel(clock.now() + dt.timedelta(minutes=31)):
        late = await call(client, DOCUMENTS, office, filter={"overdue": True})
    by_dealer = await call(client, DOCUMENTS, dealer)
    paged = await call(client, DOCUMENTS, dealer, first=1)
    rest = await call(client, DOCUMENTS, dealer, first=1, after=paged["pageInfo"]["endCursor"])

    assert {e["node"]["kind"] for e in held["edges"]} == {"RELEASE_ORDER", "INVOICE"}
    assert {e["node"]["kind"] for e in awaited["edges"]} == {"RELEASE_ORDER", "PHOTO"}
    assert {e["node"]["kind"] for e in late["edges"]} == {"RELEASE_ORDER", "PHOTO"}
    assert all(e["node"]["overdue"] for e in late["edges"])
    assert by_dealer["totalCount"] == 2
    assert {e["node"]["shipment"]["id"] for e in by_dealer["edges"]} == {gid("Shipment", mine.id)}
    assert paged["pageInfo"]["hasNextPage"] and len(paged["edges"]) == len(rest["edges"]) == 1
    assert paged["edges"][0] != rest["edges"][0]


async def test_claims_are_listed_for_their_customer_and_claim_staff_only(
    client, make, dealer, other_dealer, carrier
):
    office = await make.party(Role.BACK_OFFICE)
    for party in (dealer, other_dealer):
        shipment = await delivered(make, party, carrier)
        await done(client, OPEN_CLAIM, party, input=claim_input(shipment))

    assert (await call(client, CLAIMS, office))["totalCount"] == 2
    assert (await call(client, CLAIMS, office, status=["PAID"]))["totalCount"] == 0
    assert (await call(client, CLAIMS, dealer))["totalCount"] == 1
    assert (await call(client, CLAIMS, carrier))["totalCount"] == 0
    assert (await call(client, CLAIMS, await make.party(Role.WAREHOUSE)))["totalCount"] == 0
