"""The documents and claims of a page of shipments cost the same queries whatever its size."""

from __future__ import annotations

from decimal import Decimal

import pytest

from models import clock
from models.claims.rules import ClaimStatus
from models.claims.tables import ClaimChange, InsuranceClaim
from models.documents.rules import DocumentKind, DocumentStatus
from models.documents.tables import Document, DocumentChange
from models.enums import Role
from models.shipments.tables import ShipmentStatus
from tests.shipping import payload
from tests.test_query_count import counting_queries

PAGE = """
query ($first: Int!) {
  shipments(first: $first) {
    edges {
      node {
        documents(first: 10) {
          totalCount
          edges { node { kind status downloadUrl history { status by { name } } } }
        }
        insuranceClaims {
          status claimed { amount currency }
          history { status by { name } }
          documents { totalCount edges { node { kind } } }
        }
      }
    }
  }
}
"""


@pytest.fixture
async def papers(make, dealer, carrier) -> None:
    now = clock.now()
    for _ in range(20):
        shipment = await make.shipment(
            customer=dealer.organization_id,
            carrier=carrier.organization_id,
            status=ShipmentStatus.DELIVERED,
        )
        claim = await InsuranceClaim.create(
            shipment=shipment,
            status=ClaimStatus.REPORTED,
            description="Dent",
            claimed_amount=Decimal("100"),
            currency="EUR",
            reported_by_id=dealer.user.id,
            reported_at=now,
            updated_at=now,
            open_key=shipment.id,
        )
        await ClaimChange.create(
            claim=claim, status=ClaimStatus.REPORTED, by_id=dealer.user.id, occurred_at=now
        )
        for kind, claim_id in ((DocumentKind.INVOICE, None), (DocumentKind.PHOTO, claim.id)):
            document = await Document.create(
                shipment=shipment,
                kind=kind,
                status=DocumentStatus.UPLOADED,
                claim_id=claim_id,
                storage_key="documents/x",
                provider=Role.DEALER,
                link_secret="00" * 32,
                created_by_id=dealer.user.id,
                created_at=now,
                updated_at=now,
            )
            await DocumentChange.create(
                document=document,
                status=DocumentStatus.UPLOADED,
                by_id=dealer.user.id,
                occurred_at=now,
            )


@pytest.mark.parametrize("size", [20, 4])
async def test_a_page_of_shipments_with_papers_costs_the_same_queries(client, papers, dealer, size):
    with counting_queries() as statements:
        page = await payload(client, PAGE, {"first": size}, dealer)

    assert len(page["edges"]) == size
    for edge in page["edges"]:
        assert edge["node"]["documents"]["totalCount"] == 2
        (claim,) = edge["node"]["insuranceClaims"]
        assert claim["documents"]["totalCount"] == 1
    # the token's viewer, the total, the page, then one batch each: the shipments' documents,
    # their histories, the claims, their histories, the claims' documents, and the users
    assert len(statements) == 9, statements
