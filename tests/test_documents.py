"""Uploading and downloading a document's bytes, on a local folder and on S3 (moto's server)."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from models import clock
from models.documents.tables import Document, DocumentUpload
from models.enums import Role
from models.shipments.tables import ShipmentStatus
from resolvers.documents import storage
from tests.documents import (
    ATTACH,
    DOCUMENT,
    PDF,
    PNG,
    SET_STATUS,
    attach_input,
    call,
    carried,
    done,
    put,
    sample,
    uploaded,
)
from tests.storages import app, s3_url  # noqa: F401  (the app on both storages)


@pytest.fixture
async def shipment(make, dealer, carrier):
    return await carried(make, dealer, carrier, ShipmentStatus.IN_TRANSIT)


async def test_a_pdf_goes_up_by_its_url_and_comes_back_byte_identical(client, dealer, shipment):
    content = sample(PDF, 300_000)
    fields = attach_input(shipment, "INVOICE", content, fileName="invoice 42.pdf")
    payload = await done(client, ATTACH, dealer, input=fields)
    assert payload["uploadUrl"].startswith("/files/")
    assert payload["document"]["status"] == "REQUESTED"
    assert payload["document"]["downloadUrl"] is None

    response = await put(client, payload["uploadUrl"], content, "application/pdf")

    assert response.status_code == 201, response.text
    expected = hashlib.sha256(content).hexdigest()
    assert response.json() == {"sha256": expected, "sizeBytes": len(content), "status": "UPLOADED"}
    document = await call(client, DOCUMENT, dealer, id=payload["document"]["id"])
    assert document["status"] == "UPLOADED"
    assert (document["sha256"], document["sizeBytes"]) == (expected, len(content))
    assert document["fileName"] == "invoice 42.pdf"
    assert [step["status"] for step in document["history"]] == ["REQUESTED", "UPLOADED"]
    download = await client.get(document["downloadUrl"])
    assert download.status_code == 200
    assert download.content == content
    assert download.headers["content-type"] == "application/pdf"
    assert 'filename="invoice 42.pdf"' in download.headers["content-disposition"]


async def test_a_file_over_one_part_streams_through_a_multipart_upload(client, dealer, shipment):
    content = sample(PDF, 17 * 1024 * 1024 + 5)  # three parts of 8 MiB on S3
    document = await uploaded(client, dealer, shipment, "INVOICE", content)
    assert document["sha256"] == hashlib.sha256(content).hexdigest()
    download = await client.get(document["downloadUrl"])
    assert hashlib.sha256(download.content).hexdigest() == document["sha256"]


async def _attached(client, party, shipment, content=PDF, kind="INVOICE", **fields):
    payload = await done(client, ATTACH, party, input=attach_input(shipment, kind, content))
    return payload["document"]["id"], payload["uploadUrl"]


async def _nothing_kept(document_id: str) -> None:
    from schema.ids import parse_global_id

    parsed = parse_global_id(document_id)
    assert parsed is not None
    row = await Document.get(id=parsed[1])
    assert row.status.value == "REQUESTED" and row.storage_key is None and row.sha256 is None
    for upload in await DocumentUpload.filter(document_id=row.id):
        assert upload.completed_at is None and upload.claimed_at is None
        assert await storage.current().size(upload.storage_key) is None


async def test_a_body_of_another_length_is_refused_and_nothing_is_kept(client, dealer, shipment):
    document_id, url = await _attached(client, dealer, shipment, sample(PDF, 1000))

    shorter = await put(client, url, sample(PDF, 999), "application/pdf")
    longer = await put(client, url, sample(PDF, 1001), "application/pdf")

    assert shorter.status_code == 400 and "1000" in shorter.json()["errors"][0]["message"]
    assert longer.status_code == 413
    await _nothing_kept(document_id)
    assert (await put(client, url, sample(PDF, 1000), "application/pdf")).status_code == 201


async def test_a_pdf_declared_as_an_image_is_refused(client, dealer, shipment):
    content = sample(PDF, 5000)
    fields = attach_input(shipment, "PHOTO", content, contentType="image/png")
    payload = await done(client, ATTACH, dealer, input=fields)

    response = await put(client, payload["uploadUrl"], content, "image/png")

    assert response.status_code == 415
    assert "application/pdf" in response.json()["errors"][0]["message"]
    await _nothing_kept(payload["document"]["id"])


async def test_a_content_type_other_than_the_declared_one_is_refused(client, dealer, shipment):
    document_id, url = await _attached(client, dealer, shipment, PDF)
    for content_type in ("image/png", None):
        response = await put(client, url, PDF, content_type)
        assert response.status_code == 415, response.text
    await _nothing_kept(document_id)


async def test_an_upload_url_works_once(client, dealer, shipment):
    _, url = await _attached(client, dealer, shipment, PDF)
    assert (await put(client, url, PDF, "application/pdf")).status_code == 201

    again = await put(client, url, PDF, "application/pdf")

    assert again.status_code == 410
    assert "used already" in again.json()["errors"][0]["message"]


async def test_an_upload_url_expires_after_15_minutes(client, dealer, shipment):
    document_id, url = await _attached(client, dealer, shipment, PDF)

    with clock.travel(clock.now() + dt.timedelta(minutes=15, seconds=1)):
        response = await put(client, url, PDF, "application/pdf")

    assert response.status_code == 410
    await _nothing_kept(document_id)


async def test_forged_and_tampered_urls_are_unknown(client, dealer, shipment):
    _, url = await _attached(client, dealer, shipment, PDF)
    purpose, subject, expires, signature = url.removeprefix("/files/").split(".")
    forged = [
        f"/files/{purpose}.{subject}.{int(expires) + 3600}.{signature}",  # later expiry
        f"/files/{purpose}.{int(subject) + 1}.{expires}.{signature}",  # another upload
        f"/files/d.{subject}.{expires}.{signature}",  # a download of the same number
        "/files/u.1.2.3",
    ]
    for address in forged:
        assert (await put(client, address, PDF, "application/pdf")).status_code == 404, address
        assert (await client.get(address)).status_code == 404, address


async def test_sizes_over_the_caps_are_refused_before_any_upload(client, dealer, shipment):
    too_big = await call(
        client, ATTACH, dealer, input=attach_input(shipment, "INVOICE", sizeBytes=25 * 2**20 + 1)
    )
    video = await call(
        client,
        ATTACH,
        dealer,
        input=attach_input(shipment, "VIDEO", contentType="video/mp4", sizeBytes=200 * 2**20),
    )
    empty = await call(client, ATTACH, dealer, input=attach_input(shipment, sizeBytes=0))

    assert too_big["errors"][0]["field"] == ["input", "sizeBytes"]
    assert too_big["errors"][0]["code"] == "INVALID_INPUT"
    assert video["errors"] == [] and video["uploadUrl"]
    assert empty["errors"][0]["field"] == ["input", "sizeBytes"]
    assert await Document.filter(kind="INVOICE").count() == 0


async def test_a_type_the_kind_does_not_take_is_refused(client, dealer, shipment):
    answer = await call(
        client, ATTACH, dealer, input=attach_input(shipment, "PHOTO", contentType="video/mp4")
    )
    assert answer["errors"][0]["field"] == ["input", "contentType"]
    assert "image/png" in answer["errors"][0]["message"]


async def test_another_tenant_gets_nothing_and_a_new_upload_revokes_old_urls(
    client, dealer, other_dealer, shipment, make
):
    agent = await make.party(Role.BACK_OFFICE)
    document = await uploaded(client, dealer, shipment, "INVOICE", sample(PNG, 2000))
    assert await call(client, DOCUMENT, other_dealer, id=document["id"]) is None

    await done(client, SET_STATUS, agent, id=document["id"], status="REJECTED", note="Unreadable")
    old_url = document["downloadUrl"]
    fields = attach_input(shipment, "INVOICE", PDF, documentId=document["id"])
    again = await done(client, ATTACH, dealer, input=fields)
    assert (await put(client, again["uploadUrl"], PDF, "application/pdf")).status_code == 201

    assert (await client.get(old_url)).status_code == 404
    fresh = await call(client, DOCUMENT, dealer, id=document["id"])
    assert (await client.get(fresh["downloadUrl"])).content == PDF


async def test_a_download_url_expires(client, dealer, shipment):
    document = await uploaded(client, dealer, shipment, "INVOICE", PDF)
    with clock.travel(clock.now() + dt.timedelta(minutes=5, seconds=1)):
        response = await client.get(document["downloadUrl"])
    assert response.status_code == 410


async def test_a_file_missing_from_storage_is_not_found_not_a_broken_stream(
    client, dealer, shipment
):
    document = await uploaded(client, dealer, shipment, "INVOICE", PDF)
    row = await Document.get(sha256=document["sha256"])
    assert row.storage_key is not None
    await storage.current().delete(row.storage_key)

    response = await client.get(document["downloadUrl"])

    assert response.status_code == 404


async def test_a_file_name_in_any_script_comes_back_in_its_download(client, dealer, shipment):
    fields = attach_input(shipment, "INVOICE", PDF, fileName='Klaipėda "port" 発票.pdf')
    payload = await done(client, ATTACH, dealer, input=fields)
    assert (await put(client, payload["uploadUrl"], PDF, "application/pdf")).status_code == 201
    document = await call(client, DOCUMENT, dealer, id=payload["document"]["id"])

    response = await client.get(document["downloadUrl"])

    assert response.status_code == 200
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment; filename=\"Klaip_da 'port' __.pdf\"")
    assert "filename*=UTF-8''Klaip%C4%97da%20%22port%22%20%E7%99%BA%E7%A5%A8.pdf" in disposition
