"""A document's lifecycle: requests with due dates, who fulfils them, verification, loss."""

from __future__ import annotations

import datetime as dt

import pytest

from models import clock
from models.enums import Role
from models.shipments.tables import ShipmentStatus
from tests.documents import (
    ATTACH,
    DOCUMENT,
    MP4,
    PDF,
    PNG,
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
from tests.shipping import gid, later


@pytest.fixture
async def shipment(make, dealer, carrier):
    return await carried(make, dealer, carrier, ShipmentStatus.ARRIVED)


@pytest.fixture
async def back_office(make):
    return await make.party(Role.BACK_OFFICE)


def request_input(shipment, kind: str, **fields):
    return {
        "shipmentId": gid("Shipment", shipment.id),
        "kind": kind,
        "dueAt": later(days=3),
    } | fields


async def fulfil(client, party, shipment, document, content, content_type):
    fields = attach_input(shipment, document["kind"], content, documentId=document["id"])
    fields["contentType"] = content_type
    payload = await call(client, ATTACH, party, input=fields)
    if payload["errors"]:
        return payload
    response = await put(client, payload["uploadUrl"], content, content_type)
    assert response.status_code == 201, response.text
    return payload


async def test_the_dealer_requests_a_release_order_and_back_office_fulfils_it(
    client, dealer, back_office, shipment
):
    due = later(days=2)
    requested = await done(
        client,
        REQUEST,
        dealer,
        input=request_input(shipment, "RELEASE_ORDER", dueAt=due, note="Needed for the port"),
    )
    document = requested["document"]
    assert document["status"] == "REQUESTED"
    assert (document["holder"], document["provider"]) == ("BACK_OFFICE", "BACK_OFFICE")
    assert document["heldSince"] is not None and document["note"] == "Needed for the port"
    assert document["dueAt"][:16] == due[:16]

    refused = await fulfil(client, dealer, shipment, document, PDF, "application/pdf")
    assert refused["errors"][0]["code"] == "FORBIDDEN"
    await fulfil(client, back_office, shipment, document, PDF, "application/pdf")

    now = await call(client, DOCUMENT, dealer, id=document["id"])
    assert now["status"] == "UPLOADED" and now["holder"] == "BACK_OFFICE"
    verified = await done(client, SET_STATUS, back_office, id=document["id"], status="VERIFIED")
    assert verified["document"]["holder"] is None
    steps = [(s["previousStatus"], s["status"]) for s in verified["document"]["history"]]
    assert steps == [(None, "REQUESTED"), ("REQUESTED", "UPLOADED"), ("UPLOADED", "VERIFIED")]
    assert verified["document"]["history"][0]["by"]["role"] == "DEALER"
    assert verified["document"]["history"][2]["by"]["role"] == "BACK_OFFICE"


async def test_photo_and_video_requests_are_fulfilled_by_the_warehouse(
    client, dealer, warehouse, back_office, shipment
):
    photo = (await done(client, REQUEST, dealer, input=request_input(shipment, "PHOTO")))[
        "document"
    ]
    video = (await done(client, REQUEST, dealer, input=request_input(shipment, "VIDEO")))[
        "document"
    ]
    assert photo["holder"] == video["holder"] == "WAREHOUSE"

    refused = await fulfil(client, back_office, shipment, photo, sample(PNG, 500), "image/png")
    assert refused["errors"][0]["code"] == "FORBIDDEN"
    await fulfil(client, warehouse, shipment, photo, sample(PNG, 500), "image/png")
    await fulfil(client, warehouse, shipment, video, sample(MP4, 5000), "video/mp4")

    for document in (photo, video):
        assert (await call(client, DOCUMENT, dealer, id=document["id"]))["status"] == "UPLOADED"


async def test_a_rejected_document_asks_its_provider_for_a_new_file(
    client, dealer, back_office, shipment
):
    document = await uploaded(client, dealer, shipment, "TITLE", PDF)

    no_reason = await call(client, SET_STATUS, back_office, id=document["id"], status="REJECTED")
    rejected = await done(
        client, SET_STATUS, back_office, id=document["id"], status="REJECTED", note="Cut off"
    )

    assert no_reason["errors"][0]["field"] == ["note"]
    assert rejected["document"]["status"] == "REJECTED"
    assert rejected["document"]["holder"] == "DEALER" and rejected["document"]["note"] == "Cut off"
    await fulfil(client, dealer, shipment, document, sample(PDF, 900), "application/pdf")
    again = await call(client, DOCUMENT, dealer, id=document["id"])
    assert again["status"] == "UPLOADED" and again["sizeBytes"] == 900


async def test_a_lost_paper_is_reported_and_recovered(client, dealer, back_office, shipment):
    document = await uploaded(client, dealer, shipment, "TITLE", PDF)
    await done(client, SET_STATUS, back_office, id=document["id"], status="VERIFIED")

    lost = await done(client, SET_STATUS, dealer, id=document["id"], status="LOST", note="Courier")
    by_dealer = await call(client, SET_STATUS, dealer, id=document["id"], status="RECOVERED")
    recovered = await done(client, SET_STATUS, back_office, id=document["id"], status="RECOVERED")

    assert lost["document"]["holder"] == "BACK_OFFICE"
    assert by_dealer["errors"][0]["code"] == "FORBIDDEN"
    assert recovered["document"]["status"] == "RECOVERED"
    assert [s["status"] for s in recovered["document"]["history"]] == [
        "REQUESTED",
        "UPLOADED",
        "VERIFIED",
        "LOST",
        "RECOVERED",
    ]


async def test_a_lost_paper_found_as_a_scan_is_recovered_by_its_upload(
    client, dealer, back_office, shipment
):
    requested = await done(client, REQUEST, dealer, input=request_input(shipment, "BILL_OF_LADING"))
    document = requested["document"]
    await done(client, SET_STATUS, back_office, id=document["id"], status="LOST")
    await fulfil(client, back_office, shipment, document, PDF, "application/pdf")
    assert (await call(client, DOCUMENT, dealer, id=document["id"]))["status"] == "RECOVERED"


@pytest.mark.parametrize(
    ("start", "wanted", "code"),
    [
        ("REQUESTED", "VERIFIED", "INVALID_TRANSITION"),
        ("REQUESTED", "RECOVERED", "INVALID_TRANSITION"),
        ("REQUESTED", "UPLOADED", "INVALID_INPUT"),
        ("REQUESTED", "REQUESTED", "INVALID_INPUT"),
    ],
)
async def test_moves_the_lifecycle_forbids_change_nothing(
    client, dealer, back_office, shipment, start, wanted, code
):
    document = (
        await done(client, REQUEST, dealer, input=request_input(shipment, "BILL_OF_LADING"))
    )["document"]
    answer = await call(client, SET_STATUS, back_office, id=document["id"], status=wanted, note="x")
    assert answer["errors"][0]["code"] == code
    after = await call(client, DOCUMENT, dealer, id=document["id"])
    assert after["status"] == start and len(after["history"]) == 1


async def test_who_may_request_what(client, dealer, carrier, back_office, shipment):
    own = await call(client, REQUEST, dealer, input=request_input(shipment, "INVOICE"))
    by_carrier = await call(
        client, REQUEST, carrier, input=request_input(shipment, "BILL_OF_LADING")
    )
    past = await call(
        client, REQUEST, dealer, input=request_input(shipment, "PHOTO", dueAt=later(hours=-1))
    )
    asked = await done(client, REQUEST, back_office, input=request_input(shipment, "INVOICE"))

    assert own["errors"][0]["code"] == "FORBIDDEN"
    assert by_carrier["errors"][0]["code"] == "FORBIDDEN"
    assert past["errors"][0]["field"] == ["input", "dueAt"]
    assert asked["document"]["holder"] == "DEALER"
    assert asked["document"]["requestedBy"] == {"role": "BACK_OFFICE"}


async def test_a_request_past_its_due_date_is_overdue_until_it_is_fulfilled(
    client, dealer, back_office, shipment
):
    due = clock.now() + dt.timedelta(minutes=30)  # within the test token's hour
    requested = await done(
        client,
        REQUEST,
        dealer,
        input=request_input(shipment, "RELEASE_ORDER", dueAt=due.isoformat()),
    )
    document = requested["document"]
    assert document["overdue"] is False
    with clock.travel(due + dt.timedelta(minutes=1)):
        assert (await call(client, DOCUMENT, dealer, id=document["id"]))["overdue"] is True
        await fulfil(client, back_office, shipment, document, PDF, "application/pdf")
        assert (await call(client, DOCUMENT, dealer, id=document["id"]))["overdue"] is False
