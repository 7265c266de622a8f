"""Who sees a dispute: its two parties and staff; to anyone else it is like a missing one."""

from __future__ import annotations

import pytest

from models import clock
from models.disputes.tables import (
    AgreementProposal,
    CancellationReason,
    Dispute,
    DisputeMessage,
    DisputeStatus,
)
from models.enums import Role
from tests.disputing import (
    DECIDE,
    DISPUTE,
    DISPUTES,
    ESCALATE,
    POST_MESSAGE,
    PROPOSE,
    QUOTE,
    REMIND,
    RESPOND,
    accepted_shipment,
    history,
    ok,
    open_dispute,
    refused,
)
from tests.graphql import gql
from tests.shipping import gid, payload
from tests.test_query_count import counting_queries

NODE = """
query ($id: ID!) {
  node(id: $id) {
    __typename id
    ... on Dispute { status }
    ... on DisputeMessage { body }
    ... on AgreementProposal { terms }
  }
}
"""
SHIPMENT_DISPUTES = """
query ($id: ID!) {
  shipment(id: $id) {
    disputes { id status }
    customer { penaltyPoints cancellationRate }
  }
}
"""


async def test_the_parties_and_staff_see_it_and_nobody_else(
    client, make, dealer, carrier, other_dealer, other_carrier, admin
):
    shipment = await accepted_shipment(make, dealer, carrier)
    dispute = await open_dispute(client, dealer, shipment)
    messaged = await ok(client, POST_MESSAGE, carrier, disputeId=dispute["id"], body="Hi")
    proposed = await ok(client, PROPOSE, carrier, disputeId=dispute["id"], terms="Deal")
    officer = await make.party(Role.DISPUTE_OFFICER)
    ids = [dispute["id"], messaged["messages"][0]["id"], proposed["proposals"][0]["id"]]

    for party in (dealer, carrier, officer, admin):
        seen = await payload(client, DISPUTE, {"id": dispute["id"]}, party)
        assert seen["id"] == dispute["id"]
        for key in ids:
            assert (await payload(client, NODE, {"id": key}, party))["id"] == key
        listed = await payload(client, DISPUTES, {}, party)
        assert [e["node"]["id"] for e in listed["edges"]] == [dispute["id"]]
    for party in (other_dealer, other_carrier):
        assert await payload(client, DISPUTE, {"id": dispute["id"]}, party) is None
        for key in ids:
            assert await payload(client, NODE, {"id": key}, party) is None
        assert (await payload(client, DISPUTES, {}, party))["totalCount"] == 0


async def test_a_hidden_dispute_answers_every_mutation_like_a_missing_one(
    client, make, dealer, carrier, other_dealer, other_carrier
):
    shipment = await accepted_shipment(make, dealer, carrier)
    dispute = await open_dispute(client, dealer, shipment)
    proposed = await ok(client, PROPOSE, carrier, disputeId=dispute["id"], terms="Deal")
    missing = gid("Dispute", 10**9)

    for key in (dispute["id"], missing):
        hidden = [
            await refused(client, POST_MESSAGE, other_dealer, disputeId=key, body="x"),
            await refused(client, DECIDE, other_carrier, disputeId=key, refund=True),
            await refused(client, ESCALATE, other_dealer, disputeId=key, reason="x"),
            await refused(client, PROPOSE, other_carrier, disputeId=key, terms="x"),
        ]
        assert {(e["code"], tuple(e["field"])) for e in hidden} == {("NOT_FOUND", ("disputeId",))}
    for key in (proposed["proposals"][0]["id"], gid("AgreementProposal", 10**9)):
        error = await refused(client, RESPOND, other_dealer, proposalId=key, accept=True)
        assert (error["code"], error["field"]) == ("NOT_FOUND", ["proposalId"])
    agent = await make.party(Role.SUPPORT_AGENT)
    not_a_dispute = await refused(client, REMIND, agent, disputeId=gid("Shipment", shipment.id))
    assert (not_a_dispute["code"], not_a_dispute["field"]) == ("INVALID_INPUT", ["disputeId"])
    assert await DisputeMessage.all().count() == 0


async def test_a_shipment_lists_its_disputes_and_its_customers_record(
    client, make, dealer, carrier, other_dealer
):
    await history(dealer.organization_id, accepted=3, cancelled=1)
    shipment = await accepted_shipment(make, dealer, carrier)
    dispute = await open_dispute(client, dealer, shipment)

    mine = await payload(client, SHIPMENT_DISPUTES, {"id": gid("Shipment", shipment.id)}, dealer)
    theirs = await gql(
        client, QUOTE, {"shipmentId": gid("Shipment", shipment.id)}, token=other_dealer.token
    )

    assert mine["disputes"] == [{"id": dispute["id"], "status": "NEGOTIATING"}]
    # 1 of 4 accepted, over at least 10 (models/disputes/rules.py: small samples)
    assert mine["customer"] == {"penaltyPoints": 0, "cancellationRate": 0.1}
    assert theirs["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_the_list_filters_by_status_and_pages_newest_first(client, make, dealer, carrier):
    keys = []
    for _ in range(3):
        shipment = await accepted_shipment(make, dealer, carrier)
        keys.append((await open_dispute(client, dealer, shipment))["id"])
    await ok(client, DECIDE, carrier, disputeId=keys[0], refund=False)

    first = await payload(client, DISPUTES, {"first": 1}, dealer)
    rest = await payload(
        client, DISPUTES, {"first": 5, "after": first["pageInfo"]["endCursor"]}, dealer
    )
    open_only = await payload(client, DISPUTES, {"filter": {"status": ["NEGOTIATING"]}}, carrier)

    assert [e["node"]["id"] for e in first["edges"] + rest["edges"]] == keys[::-1]
    assert first["pageInfo"]["hasNextPage"] and not rest["pageInfo"]["hasNextPage"]
    assert [e["node"]["id"] for e in open_only["edges"]] == keys[:0:-1]
    assert open_only["totalCount"] == 2


PAGE = """
query ($first: Int!) {
  disputes(first: $first) {
    totalCount
    edges { node {
      id status openedBy { name }
      shipment { id status customer { cancellationRate } }
      messages { body author { name } }
      proposals { terms proposedBy { name } }
      refund { amount { amount currency } }
    } }
  }
}
"""


@pytest.mark.parametrize("size", [20, 3])
async def test_a_page_of_disputes_costs_the_same_queries_whatever_its_size(
    client, make, dealer, carrier, size
):
    now = clock.now()
    for _ in range(20):
        shipment = await accepted_shipment(make, dealer, carrier)
        dispute = await Dispute.create(
            shipment=shipment,
            opened_by_id=dealer.organization_id,
            reason=CancellationReason.OTHER,
            explanation="x",
            status=DisputeStatus.NEGOTIATING,
            opened_at=now,
        )
        await DisputeMessage.create(
            dispute=dispute, author_id=carrier.user.id, body="hi", created_at=now, seq=1
        )
        await AgreementProposal.create(
            dispute=dispute, proposed_by_id=carrier.organization_id, terms="t", created_at=now
        )

    with counting_queries() as statements:
        page = await payload(client, PAGE, {"first": size}, dealer)

    assert len(page["edges"]) == size
    assert all(len(edge["node"]["messages"]) == 1 for edge in page["edges"])
    # The viewer, the total, the page, then one batch each: shipments, organizations (who
    # opened, who proposed), messages, proposals, refunds, message authors, the customers'
    # rates and the customers themselves.
    assert len(statements) == 11, "\n".join(statements)
