"""insuranceClaimUpdates: the customer and claim staff see every step live; no one else."""

from __future__ import annotations

import asyncio

import pytest

from models.enums import Role
from tests import ws
from tests.claims import ADVANCE, OPEN_CLAIM, claim_input
from tests.documents import done
from tests.shipping import gid
from tests.test_claims import delivered

CLAIM_UPDATES = """
subscription ($id: ID!, $after: String) {
  insuranceClaimUpdates(shipmentId: $id, after: $after) {
    cursor
    claim { id status approved { amount currency } }
    change { previousStatus status by { role } }
  }
}
"""


async def test_every_step_reaches_the_customer_and_claim_staff_only(
    server, client, make, dealer, carrier, other_dealer, warehouse
):
    shipment = await delivered(make, dealer, carrier)
    back_office = await make.party(Role.BACK_OFFICE)
    variables = {"id": gid("Shipment", shipment.id)}
    async with (
        await ws.connect(server) as customer,
        await ws.connect(server) as office,
        await ws.connect(server) as haulier,
        await ws.connect(server) as stranger,
        await ws.connect(server) as store,
    ):
        parties = {
            customer: dealer,
            office: back_office,
            haulier: carrier,
            stranger: other_dealer,
            store: warehouse,
        }
        for socket, party in parties.items():
            await ws.init(socket, party.token)
            await ws.subscribe(socket, CLAIM_UPDATES, variables)
        refusals = {
            socket: (await ws.receive(socket))["payload"][0]["extensions"]["code"]
            for socket in (haulier, stranger, store)
        }
        await asyncio.sleep(0.2)

        claim = (await done(client, OPEN_CLAIM, dealer, input=claim_input(shipment)))["claim"]
        for step in (
            {"status": "INSURER_NOTIFIED", "insurerReference": "R"},
            {"status": "UNDER_ASSESSMENT"},
            {"status": "APPROVED", "approved": {"amount": "99.99", "currency": "EUR"}},
            {"status": "PAID"},
        ):
            await done(client, ADVANCE, back_office, id=claim["id"], **step)

        heard = {}
        for socket in (customer, office):
            frames = [await ws.receive(socket) for _ in range(5)]
            heard[socket] = [f["payload"]["data"]["insuranceClaimUpdates"] for f in frames]
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(socket.recv(), 0.4)

    assert refusals == {haulier: "FORBIDDEN", stranger: "NOT_FOUND", store: "FORBIDDEN"}
    assert heard[customer] == heard[office]
    steps = [(u["change"]["previousStatus"], u["change"]["status"]) for u in heard[customer]]
    assert steps == [
        (None, "REPORTED"),
        ("REPORTED", "INSURER_NOTIFIED"),
        ("INSURER_NOTIFIED", "UNDER_ASSESSMENT"),
        ("UNDER_ASSESSMENT", "APPROVED"),
        ("APPROVED", "PAID"),
    ]
    assert heard[customer][-1]["change"]["by"] == {"role": "BACK_OFFICE"}
