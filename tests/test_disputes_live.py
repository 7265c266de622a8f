"""disputeUpdates and the cancellation tracking events, over real sockets."""

from __future__ import annotations

import asyncio

import pytest

from models.enums import Role
from tests import ws
from tests.disputing import (
    DECIDE,
    POST_MESSAGE,
    PROPOSE,
    RESPOND,
    accepted_shipment,
    ok,
    open_dispute,
)
from tests.shipping import gid

DISPUTE_UPDATES = """
subscription ($id: ID!, $after: String) {
  disputeUpdates(disputeId: $id, after: $after) {
    cursor kind status outcome occurredAt
    dispute { id status shipment { id } }
    message { body author { role } }
    proposal { terms }
  }
}
"""
SHIPMENT_TRACKING = """
subscription ($id: ID!) { shipmentTracking(shipmentId: $id) { cursor type description } }
"""


async def frames(socket, count: int) -> list[dict]:
    received = []
    while len(received) < count:
        frame = await ws.receive(socket)
        assert frame["type"] == "next", frame
        received.append(frame["payload"]["data"])
    return received


async def quiet(socket, seconds: float = 0.4) -> None:
    with pytest.raises(TimeoutError):
        frame = await asyncio.wait_for(socket.recv(), seconds)
        pytest.fail(f"unexpected frame {frame}")


@pytest.fixture
async def case(client, make, dealer, carrier):
    shipment = await accepted_shipment(make, dealer, carrier)
    dispute = await open_dispute(client, dealer, shipment)
    return shipment, dispute


async def test_both_parties_and_staff_hear_every_message_and_status_change(
    server, client, make, dealer, carrier, other_dealer, case
):
    shipment, dispute = case
    agent = await make.party(Role.SUPPORT_AGENT)
    variables = {"id": dispute["id"]}
    async with (
        await ws.connect(server) as customer,
        await ws.connect(server) as haulier,
        await ws.connect(server) as staff,
        await ws.connect(server) as stranger,
    ):
        for socket, party in (
            (customer, dealer),
            (haulier, carrier),
            (staff, agent),
            (stranger, other_dealer),
        ):
            await ws.init(socket, party.token)
        for socket in (customer, haulier, staff):
            await ws.subscribe(socket, DISPUTE_UPDATES, variables)
        refused_id = await ws.subscribe(stranger, DISPUTE_UPDATES, variables)
        refusal = await ws.receive(stranger)
        await asyncio.sleep(0.2)

        await ok(client, POST_MESSAGE, carrier, disputeId=dispute["id"], body="Can we talk?")
        proposed = await ok(client, PROPOSE, dealer, disputeId=dispute["id"], terms="Pay less")
        await ok(client, RESPOND, carrier, proposalId=proposed["proposals"][0]["id"], accept=False)
        await ok(client, DECIDE, carrier, disputeId=dispute["id"], refund=True)

        heard = [await frames(socket, 4) for socket in (customer, haulier, staff)]
        for socket in (customer, haulier, staff, stranger):
            await quiet(socket)

    assert refusal["id"] == refused_id and refusal["type"] == "error"
    assert refusal["payload"][0]["extensions"]["code"] == "NOT_FOUND"
    assert heard[0] == heard[1] == heard[2]
    updates = [data["disputeUpdates"] for data in heard[0]]
    assert [(u["kind"], u["status"], u["outcome"]) for u in updates] == [
        ("MESSAGE", "NEGOTIATING", None),
        ("PROPOSAL", "NEGOTIATING", None),
        ("PROPOSAL_DECLINED", "NEGOTIATING", None),
        ("DECIDED", "RESOLVED", "CANCELLED_WITH_REFUND"),
    ]
    assert updates[0]["message"] == {"body": "Can we talk?", "author": {"role": "CARRIER"}}
    assert updates[1]["proposal"] == {"terms": "Pay less"}
    assert updates[3]["dispute"]["shipment"] == {"id": gid("Shipment", shipment.id)}
    cursors = [u["cursor"] for u in updates]
    assert len(set(cursors)) == 4


async def test_a_subscriber_resumes_from_its_cursor(server, client, dealer, carrier, case):
    _, dispute = case
    async with await ws.connect(server) as socket:
        await ws.init(socket, dealer.token)
        await ws.subscribe(socket, DISPUTE_UPDATES, {"id": dispute["id"]})  # live from now
        await asyncio.sleep(0.2)
        await ok(client, POST_MESSAGE, carrier, disputeId=dispute["id"], body="one")
        first = await frames(socket, 1)
    last = first[0]["disputeUpdates"]["cursor"]
    for body in ("two", "three"):
        await ok(client, POST_MESSAGE, carrier, disputeId=dispute["id"], body=body)

    async with await ws.connect(server) as socket:
        await ws.init(socket, dealer.token)
        await ws.subscribe(socket, DISPUTE_UPDATES, {"id": dispute["id"], "after": last})
        replayed = await frames(socket, 2)
        await ok(client, POST_MESSAGE, dealer, disputeId=dispute["id"], body="four")
        live = await frames(socket, 1)
        await quiet(socket)

    got = [d["disputeUpdates"]["message"]["body"] for d in replayed + live]
    assert got == ["two", "three", "four"]


async def test_cancellation_events_reach_the_shipments_subscribers(
    server, client, make, dealer, carrier
):
    shipment = await accepted_shipment(make, dealer, carrier)
    async with await ws.connect(server) as socket:
        await ws.init(socket, dealer.token)
        await ws.subscribe(socket, SHIPMENT_TRACKING, {"id": gid("Shipment", shipment.id)})
        await asyncio.sleep(0.2)

        dispute = await open_dispute(client, dealer, shipment)
        proposed = await ok(client, PROPOSE, carrier, disputeId=dispute["id"], terms="Tomorrow")
        await ok(client, RESPOND, dealer, proposalId=proposed["proposals"][0]["id"], accept=True)
        second = await open_dispute(client, dealer, shipment)
        await ok(client, DECIDE, carrier, disputeId=second["id"], refund=False)

        heard = await frames(socket, 4)
        await quiet(socket)

    assert [d["shipmentTracking"]["type"] for d in heard] == [
        "CANCELLATION_RECEIVED",
        "CANCELLATION_DECLINED",
        "CANCELLATION_RECEIVED",
        "CANCELLATION_CONFIRMED",
    ]
