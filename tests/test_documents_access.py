"""Who sees which document: a hidden one answers exactly like a missing one, everywhere."""

from __future__ import annotations

import pytest

from models.enums import Role
from models.shipments.tables import ShipmentStatus
from tests.documents import (
    ATTACH,
    DOCUMENT,
    NODE,
    PDF,
    PNG,
    SET_STATUS,
    SHIPMENT_DOCUMENTS,
    attach_input,
    call,
    carried,
    uploaded,
)
from tests.graphql import gql
from tests.shipping import TRACK, gid


@pytest.fixture
async def shipment(make, dealer, carrier):
    return await carried(make, dealer, carrier, ShipmentStatus.ARRIVED)


@pytest.fixture
async def papers(client, dealer, shipment):
    """The shipment's B/L, invoice and photo, uploaded by its customer."""
    return {
        kind: await uploaded(client, dealer, shipment, kind, PNG if kind == "PHOTO" else PDF)
        for kind in ("BILL_OF_LADING", "INVOICE", "PHOTO")
    }


async def _seen(client, party, papers) -> set[str]:
    seen = set()
    for kind, document in papers.items():
        answer = await call(client, DOCUMENT, party, id=document["id"])
        node = await call(client, NODE, party, id=document["id"])
        assert (answer is None) == (node is None)
        if answer is not None:
            assert answer["downloadUrl"] is not None
            seen.add(kind)
    return seen


async def test_each_party_sees_the_kinds_that_are_its_business(
    client, make, dealer, carrier, other_dealer, other_carrier, warehouse, papers
):
    bidder = await make.party(Role.BIDDER)
    back_office = await make.party(Role.BACK_OFFICE)
    assert await _seen(client, dealer, papers) == {"BILL_OF_LADING", "INVOICE", "PHOTO"}
    assert await _seen(client, back_office, papers) == {"BILL_OF_LADING", "INVOICE", "PHOTO"}
    assert await _seen(client, carrier, papers) == {"BILL_OF_LADING"}
    assert await _seen(client, warehouse, papers) == {"BILL_OF_LADING", "PHOTO"}
    assert await _seen(client, bidder, papers) == {"INVOICE"}
    assert await _seen(client, other_dealer, papers) == set()
    assert await _seen(client, other_carrier, papers) == set()


async def test_a_hidden_document_is_not_found_for_every_write(
    client, carrier, other_dealer, shipment, papers
):
    invoice = papers["INVOICE"]
    for party in (carrier, other_dealer):
        lost = await call(client, SET_STATUS, party, id=invoice["id"], status="LOST")
        again = await call(
            client,
            ATTACH,
            party,
            input=attach_input(shipment, "INVOICE", PDF, documentId=invoice["id"]),
        )
        assert lost["errors"][0]["code"] == "NOT_FOUND", party
        assert lost["errors"][0]["field"] == ["documentId"]
        assert again["errors"][0]["code"] == "NOT_FOUND"


async def test_a_missing_and_a_hidden_document_answer_alike(client, other_dealer, papers):
    hidden = await call(client, SET_STATUS, other_dealer, id=papers["INVOICE"]["id"], status="LOST")
    missing = await call(client, SET_STATUS, other_dealer, id=gid("Document", 10**9), status="LOST")
    assert hidden == missing


async def test_the_shipments_list_holds_only_what_the_viewer_sees_paged(
    client, dealer, carrier, shipment, papers
):
    variables = {"id": gid("Shipment", shipment.id), "first": 2}
    first = (await call(client, SHIPMENT_DOCUMENTS, dealer, **variables))["documents"]
    after = first["pageInfo"]["endCursor"]
    rest = (await call(client, SHIPMENT_DOCUMENTS, dealer, **variables, after=after))["documents"]
    carried = (await call(client, SHIPMENT_DOCUMENTS, carrier, **variables))["documents"]

    kinds = [edge["node"]["kind"] for edge in first["edges"] + rest["edges"]]
    assert kinds == ["BILL_OF_LADING", "INVOICE", "PHOTO"]
    assert first["totalCount"] == rest["totalCount"] == 3 and first["pageInfo"]["hasNextPage"]
    assert not rest["pageInfo"]["hasNextPage"]
    assert carried["totalCount"] == 1
    assert carried["edges"][0]["node"]["kind"] == "BILL_OF_LADING"


async def test_a_carrier_attaches_only_its_papers_to_what_it_carries(
    client, make, dealer, carrier, other_carrier, shipment
):
    offer = await make.shipment(customer=dealer.organization_id)  # BOOKED, offered to carriers
    bill = await call(client, ATTACH, carrier, input=attach_input(shipment, "BILL_OF_LADING"))
    invoice = await call(client, ATTACH, carrier, input=attach_input(shipment, "INVOICE"))
    on_offer = await call(
        client, ATTACH, other_carrier, input=attach_input(offer, "BILL_OF_LADING")
    )
    foreign = await call(
        client, ATTACH, other_carrier, input=attach_input(shipment, "BILL_OF_LADING")
    )

    assert bill["errors"] == [] and bill["document"]["provider"] == "CARRIER"
    assert invoice["errors"][0]["code"] == "FORBIDDEN"
    assert on_offer["errors"][0]["code"] == "FORBIDDEN"
    assert foreign["errors"][0]["code"] == "NOT_FOUND"


async def test_the_public_tracking_view_shows_nothing_of_documents(
    client, shipment, dealer, papers
):
    public = await gql(client, TRACK, {"waybill": shipment.waybill})
    assert "errors" not in public
    assert public["data"]["trackWaybill"]["events"] == []
    fields = await gql(client, '{ __type(name: "PublicTracking") { fields { name } } }', {})
    names = {field["name"] for field in fields["data"]["__type"]["fields"]}
    assert not names & {"documents", "insuranceClaims", "claims"}
