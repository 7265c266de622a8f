"""Races on one document: two uploads, or two decisions, at once; one wins, nothing is lost."""

from __future__ import annotations

import asyncio

from models.documents.rules import DocumentStatus
from models.documents.tables import Document, DocumentChange, DocumentUpload
from models.enums import Role
from resolvers.documents import storage, uploads, writes
from tests.documents import (
    ATTACH,
    PDF,
    REQUEST,
    SET_STATUS,
    attach_input,
    call,
    carried,
    done,
    put,
    sample,
    uploaded,
)
from tests.shipping import gid, later, read_together


async def test_two_uploads_for_one_request_at_once_keep_one_file(
    client, make, monkeypatch, dealer, carrier
):
    shipment = await carried(make, dealer, carrier)
    office = await make.party(Role.BACK_OFFICE)
    request = {
        "shipmentId": gid("Shipment", shipment.id),
        "kind": "RELEASE_ORDER",
        "dueAt": later(days=1),
    }
    document = (await done(client, REQUEST, dealer, input=request))["document"]
    files = [sample(PDF, 2000), sample(PDF, 3000)]
    urls = []
    for content in files:
        fields = attach_input(shipment, "RELEASE_ORDER", content, documentId=document["id"])
        urls.append((await done(client, ATTACH, office, input=fields))["uploadUrl"])
    # Both have streamed their file and read the REQUESTED document before either completes.
    read_together(monkeypatch, uploads, "document_of")

    responses = await asyncio.gather(
        *(
            put(client, url, content, "application/pdf")
            for url, content in zip(urls, files, strict=True)
        )
    )

    assert sorted(response.status_code for response in responses) == [201, 409]
    row = await Document.get()
    winner = files[[r.status_code for r in responses].index(201)]
    assert row.status is DocumentStatus.UPLOADED and row.size_bytes == len(winner)
    assert await DocumentChange.filter(status=DocumentStatus.UPLOADED).count() == 1
    for upload in await DocumentUpload.all():
        kept = await storage.current().size(upload.storage_key)
        assert kept == (len(winner) if upload.storage_key == row.storage_key else None)


async def test_a_verification_and_a_rejection_at_once_decide_once(
    client, make, monkeypatch, dealer, carrier
):
    shipment = await carried(make, dealer, carrier)
    office, colleague = await make.party(Role.BACK_OFFICE), await make.party(Role.BACK_OFFICE)
    document = await uploaded(client, dealer, shipment, "INVOICE", PDF)
    read_together(monkeypatch, writes, "find_document")

    results = await asyncio.gather(
        call(client, SET_STATUS, office, id=document["id"], status="VERIFIED"),
        call(client, SET_STATUS, colleague, id=document["id"], status="REJECTED", note="Blurry"),
    )

    codes = sorted([error["code"] for error in result["errors"]] for result in results)
    assert codes == [[], ["CONFLICT"]]
    assert await DocumentChange.all().count() == 3  # REQUESTED, UPLOADED, and the one decision
