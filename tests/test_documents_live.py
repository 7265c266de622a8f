"""documentUpdates: each change reaches the shipment's subscribers who may see that document."""

from __future__ import annotations

import asyncio

import pytest

from models.enums import Role
from models.shipments.tables import ShipmentStatus
from tests import ws
from tests.claims import OPEN_CLAIM, claim_input
from tests.documents import PDF, REQUEST, SET_STATUS, carried, done, uploaded
from tests.shipping import gid, later

DOCUMENT_UPDATES = """
subscription ($id: ID!, $after: String) {
  documentUpdates(shipmentId: $id, after: $after) {
    cursor
    document { id kind status shipment { id } }
    change { previousStatus status note by { role } }
  }
}
"""


async def heard(socket, count: int) -> list[tuple[str, str]]:
    received = []
    while len(received) < count:
        frame = await ws.receive(socket)
        assert frame["type"] == "next", frame
        update = frame["payload"]["data"]["documentUpdates"]
        received.append((update["document"]["kind"], update["change"]["status"]))
    return received


async def quiet(socket, seconds: float = 0.4) -> None:
    with pytest.raises(TimeoutError):
        frame = await asyncio.wait_for(socket.recv(), seconds)
        pytest.fail(f"unexpected frame {frame}")


async def test_each_subscriber_hears_the_changes_of_what_it_may_see(
    server, client, make, dealer, carrier, warehouse, other_dealer
):
    shipment = await make.shipment(
        customer=dealer.organization_id,
        carrier=carrier.organization_id,
        status=ShipmentStatus.ARRIVED,
    )
    back_office = await make.party(Role.BACK_OFFICE)
    variables = {"id": gid("Shipment", shipment.id)}
    async with (
        await ws.connect(server) as customer,
        await ws.connect(server) as haulier,
        await ws.connect(server) as store,
        await ws.connect(server) as office,
        await ws.connect(server) as stranger,
    ):
        sockets = (customer, haulier, store, office)
        for socket, party in zip(
            (*sockets, stranger),
            (dealer, carrier, warehouse, back_office, other_dealer),
            strict=True,
        ):
            await ws.init(socket, party.token)
        for socket in sockets:
            await ws.subscribe(socket, DOCUMENT_UPDATES, variables)
        refused_id = await ws.subscribe(stranger, DOCUMENT_UPDATES, variables)
        refusal = await ws.receive(stranger)
        await asyncio.sleep(0.2)

        invoice = await uploaded(client, dealer, shipment, "INVOICE", PDF)
        await done(client, SET_STATUS, back_office, id=invoice["id"], status="VERIFIED")
        due = later(days=1)
        await done(
            client,
            REQUEST,
            dealer,
            input={"shipmentId": variables["id"], "kind": "BILL_OF_LADING", "dueAt": due},
        )

        by_customer = await heard(customer, 4)
        by_office = await heard(office, 4)
        by_carrier = await heard(haulier, 1)
        by_warehouse = await heard(store, 1)
        for socket in (*sockets, stranger):
            await quiet(socket)

    assert refusal["id"] == refused_id and refusal["type"] == "error"
    assert refusal["payload"][0]["extensions"]["code"] == "NOT_FOUND"
    assert (
        by_customer
        == by_office
        == [
            ("INVOICE", "REQUESTED"),
            ("INVOICE", "UPLOADED"),
            ("INVOICE", "VERIFIED"),
            ("BILL_OF_LADING", "REQUESTED"),
        ]
    )
    assert by_carrier == by_warehouse == [("BILL_OF_LADING", "REQUESTED")]


async def test_a_subscriber_resumes_after_its_cursor(server, client, make, dealer):
    shipment = await make.shipment(
        customer=dealer.organization_id, status=ShipmentStatus.IN_TRANSIT
    )
    variables = {"id": gid("Shipment", shipment.id)}
    async with await ws.connect(server) as socket:
        await ws.init(socket, dealer.token)
        await ws.subscribe(socket, DOCUMENT_UPDATES, variables)
        await asyncio.sleep(0.2)
        await uploaded(client, dealer, shipment, "TITLE", PDF)
        frames = []
        for _ in range(2):
            frames.append((await ws.receive(socket))["payload"]["data"]["documentUpdates"])
    await uploaded(client, dealer, shipment, "INVOICE", PDF)

    async with await ws.connect(server) as socket:
        await ws.init(socket, dealer.token)
        await ws.subscribe(socket, DOCUMENT_UPDATES, variables | {"after": frames[0]["cursor"]})
        replayed = await heard(socket, 3)
        await quiet(socket)

    assert replayed == [("TITLE", "UPLOADED"), ("INVOICE", "REQUESTED"), ("INVOICE", "UPLOADED")]


async def test_the_public_waybill_stream_carries_nothing_of_documents_or_claims(
    server, client, make, dealer, carrier
):
    shipment = await carried(make, dealer, carrier, ShipmentStatus.DELIVERED)
    public = "subscription ($w: String!) { waybillTracking(waybill: $w) { cursor type } }"
    async with await ws.connect(server) as socket:
        await ws.init(socket)
        await ws.subscribe(socket, public, {"w": shipment.waybill})
        await asyncio.sleep(0.2)
        await uploaded(client, dealer, shipment, "INVOICE", PDF)
        await done(client, OPEN_CLAIM, dealer, input=claim_input(shipment))
        await quiet(socket, 0.8)
