"""Invoice amendments and extra-service orders walked through the API: each step and each
refusal, parcels received one by one, and the price added to the shipment's."""

from __future__ import annotations

from decimal import Decimal

import pytest

from models.calculations.tables import ExtraService, ExtraServicePrice
from models.enums import Role
from models.shipments.tables import Shipment, ShipmentStatus
from tests.documents import PDF, PNG, call, done, uploaded
from tests.services import (
    ADVANCE_AMENDMENT,
    ADVANCE_EXTRA,
    CANCEL,
    ORDER_EXTRA,
    RECEIVE,
    REQUEST_AMENDMENT,
    codes,
)
from tests.shipping import gid


@pytest.fixture
async def back_office(make):
    return await make.party(Role.BACK_OFFICE)


@pytest.fixture
async def shipment(make, dealer):
    return await make.shipment(
        customer=dealer.organization_id,
        vehicles=2,
        price_amount=Decimal("1500.000"),
        price_currency="USD",
    )


async def test_an_invoice_amendment_is_applied_or_declined(
    client, dealer, other_dealer, back_office, shipment, make
):
    invoice = await uploaded(client, dealer, shipment, "INVOICE", PDF)
    photo = await uploaded(client, dealer, shipment, "PHOTO", PNG)
    changes = [{"field": "buyer", "value": "Blue Harbor Motors LLC, Tbilisi"}]
    base = {"invoiceId": invoice["id"], "changes": changes, "reason": "Wrong company name"}
    assert codes(await call(client, REQUEST_AMENDMENT, dealer, input={**base, "changes": []})) == [
        "INVALID_INPUT"
    ]
    wrong_kind = {**base, "invoiceId": photo["id"]}
    assert (await call(client, REQUEST_AMENDMENT, dealer, input=wrong_kind))["errors"][0][
        "field"
    ] == ["input", "invoiceId"]
    assert codes(await call(client, REQUEST_AMENDMENT, other_dealer, input=base)) == ["NOT_FOUND"]
    applied = (await done(client, REQUEST_AMENDMENT, dealer, input=base))["request"]
    declined = (await done(client, REQUEST_AMENDMENT, dealer, input=base))["request"]
    assert applied["changes"] == changes and applied["shipment"]["id"] == gid(
        "Shipment", shipment.id
    )

    assert codes(
        await call(client, ADVANCE_AMENDMENT, dealer, id=applied["id"], status="APPLIED")
    ) == ["FORBIDDEN"]
    corrected = await uploaded(client, back_office, shipment, "INVOICE", PDF)
    same = await call(
        client,
        ADVANCE_AMENDMENT,
        back_office,
        id=applied["id"],
        status="APPLIED",
        amended=invoice["id"],
    )
    assert same["errors"][0]["field"] == ["amendedInvoiceId"]
    result = await done(
        client,
        ADVANCE_AMENDMENT,
        back_office,
        id=applied["id"],
        status="APPLIED",
        amended=corrected["id"],
    )
    assert result["request"]["amendedInvoice"]["id"] == corrected["id"]
    bare = await call(client, ADVANCE_AMENDMENT, back_office, id=declined["id"], status="DECLINED")
    assert bare["errors"][0]["field"] == ["note"]
    await done(
        client,
        ADVANCE_AMENDMENT,
        back_office,
        id=declined["id"],
        status="DECLINED",
        note="The invoice is the auction's: ask the auction",
    )
    again = await call(
        client, ADVANCE_AMENDMENT, back_office, id=applied["id"], status="DECLINED", note="x"
    )
    assert codes(again) == ["INVALID_TRANSITION"]


async def test_auto_parts_are_received_one_by_one_and_priced_into_the_shipment(
    client, dealer, warehouse, shipment, make
):
    await ExtraServicePrice.create(
        service=ExtraService.AUTO_PARTS, amount=Decimal("150.0050"), currency="USD"
    )
    parcels = [
        {"carrier": "UPS", "trackingNumber": "1Z999AA10123456784"},
        {"carrier": "FedEx", "trackingNumber": "449044304137821", "description": "mirrors"},
    ]
    order = {"shipmentId": gid("Shipment", shipment.id), "service": "AUTO_PARTS"}
    assert (await call(client, ORDER_EXTRA, dealer, input=order))["errors"][0]["field"] == [
        "input",
        "parcels",
    ]
    packing = {**order, "service": "EXTRA_PACKING"}
    unpriced = await call(client, ORDER_EXTRA, dealer, input=packing)
    assert unpriced["errors"][0]["field"] == ["input", "service"]
    request = (await done(client, ORDER_EXTRA, dealer, input={**order, "parcels": parcels}))[
        "request"
    ]
    # 150.0050 per vehicle, two vehicles: 300.01 half-up
    assert request["price"] == {"amount": "300.01", "currency": "USD"}

    first, second = (parcel["id"] for parcel in request["parcels"])
    assert codes(await call(client, RECEIVE, dealer, id=first)) == ["FORBIDDEN"]
    received = await done(client, RECEIVE, warehouse, id=first)
    assert received["request"]["parcels"][0]["receivedBy"]["role"] == "WAREHOUSE"
    assert received["request"]["serviceLevel"]["firstActionAt"] is not None
    assert codes(await call(client, RECEIVE, warehouse, id=first)) == ["INVALID_TRANSITION"]
    assert codes(
        await call(client, ADVANCE_EXTRA, dealer, id=request["id"], status="CONFIRMED")
    ) == ["FORBIDDEN"]
    await done(client, ADVANCE_EXTRA, warehouse, id=request["id"], status="CONFIRMED")
    assert (await Shipment.get(id=shipment.id)).price_amount == Decimal("1800.010")
    assert codes(await call(client, CANCEL, dealer, id=request["id"])) == ["INVALID_TRANSITION"]
    early = await call(client, ADVANCE_EXTRA, warehouse, id=request["id"], status="FULFILLED")
    assert codes(early) == ["INVALID_TRANSITION"] and "1 parcel" in early["errors"][0]["message"]
    await done(client, RECEIVE, warehouse, id=second)
    fulfilled = await done(client, ADVANCE_EXTRA, warehouse, id=request["id"], status="FULFILLED")
    steps = [(s["status"], s["note"]) for s in fulfilled["request"]["history"]]
    assert [status for status, _ in steps] == [
        "REQUESTED",
        "REQUESTED",
        "CONFIRMED",
        "CONFIRMED",
        "FULFILLED",
    ]
    assert steps[1][1].startswith("parcel 1Z999AA10123456784")


async def test_photos_are_fulfilled_by_documents_and_packing_not_after_loading(
    client, dealer, warehouse, shipment, make
):
    for service in (ExtraService.PHOTO_VIDEO, ExtraService.EXTRA_PACKING):
        await ExtraServicePrice.create(service=service, amount=Decimal("25"), currency="USD")
    loaded = await make.shipment(
        customer=dealer.organization_id, status=ShipmentStatus.LOADED, price_currency="USD"
    )
    late = {"shipmentId": gid("Shipment", loaded.id), "service": "EXTRA_PACKING"}
    assert codes(await call(client, ORDER_EXTRA, dealer, input=late)) == ["INVALID_TRANSITION"]
    photos = (await done(client, ORDER_EXTRA, dealer, input={**late, "service": "PHOTO_VIDEO"}))[
        "request"
    ]
    assert photos["price"]["amount"] == "25.00"
    await done(client, ADVANCE_EXTRA, warehouse, id=photos["id"], status="CONFIRMED")
    assert (await Shipment.get(id=loaded.id)).price_amount == Decimal("25")
    early = await call(client, ADVANCE_EXTRA, warehouse, id=photos["id"], status="FULFILLED")
    assert codes(early) == ["INVALID_TRANSITION"]
    await uploaded(client, warehouse, loaded, "PHOTO", PNG)
    await done(client, ADVANCE_EXTRA, warehouse, id=photos["id"], status="FULFILLED")

    packing = (
        await done(
            client,
            ORDER_EXTRA,
            dealer,
            input={"shipmentId": gid("Shipment", shipment.id), "service": "EXTRA_PACKING"},
        )
    )["request"]
    bare = await call(client, ADVANCE_EXTRA, warehouse, id=packing["id"], status="DECLINED")
    assert bare["errors"][0]["field"] == ["note"]
    await done(
        client, ADVANCE_EXTRA, warehouse, id=packing["id"], status="DECLINED", note="no crate fits"
    )
    assert (await Shipment.get(id=shipment.id)).price_amount == Decimal("1500")
