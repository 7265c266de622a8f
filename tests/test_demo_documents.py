"""The demo's documents and claim: every status, a claim in progress, none of it public."""

from __future__ import annotations

import hashlib

from models.claims.rules import ClaimStatus
from models.claims.tables import InsuranceClaim
from models.documents.rules import DocumentStatus
from models.documents.tables import Document
from models.shipments.tables import Shipment
from tests.claims import CLAIM
from tests.documents import DOCUMENT, call
from tests.graphql import gql
from tests.shipping import TRACK, gid
from tests.test_demo import _party, seed_demo


async def test_the_demo_has_documents_in_every_status_and_a_claim_in_progress_none_public(
    client, make
):
    await seed_demo()

    documents = await Document.all()
    assert {document.status for document in documents} == set(DocumentStatus)
    (claim,) = await InsuranceClaim.all()
    assert claim.status is ClaimStatus.UNDER_ASSESSMENT
    assert await Document.filter(claim_id=claim.id).count() == 2

    dealer2 = await _party(make, "dealer2@cargolive.test")
    seen = await call(client, CLAIM, dealer2, id=gid("InsuranceClaim", claim.id))
    assert [step["status"] for step in seen["history"]] == [
        "REPORTED",
        "INSURER_NOTIFIED",
        "DOCUMENTS_REQUESTED",
        "UNDER_ASSESSMENT",
    ]
    stored = [document for document in documents if document.sha256]
    for document in stored:
        owner = await Shipment.get(id=document.shipment_id)
        email = (
            "dealer@cargolive.test"
            if owner.reference.startswith("BH")
            else "dealer2@cargolive.test"
        )
        viewer = await _party(make, email)
        answer = await call(client, DOCUMENT, viewer, id=gid("Document", document.id))
        body = (await client.get(answer["downloadUrl"])).content
        assert hashlib.sha256(body).hexdigest() == document.sha256

    # The public tracking view of those shipments shows nothing of either.
    for shipment in await Shipment.filter(id__in=[document.shipment_id for document in documents]):
        tracking = (await gql(client, TRACK, {"waybill": shipment.waybill}))["data"]["trackWaybill"]
        text = str(tracking).lower()
        for secret in ("pdf", "png", "title", "claim", "mar-2026", "invoice", "survey", "dent"):
            assert secret not in text, (shipment.reference, secret)
