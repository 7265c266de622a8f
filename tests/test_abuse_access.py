"""Attack classes 8 and 9 (the socket's key): what a carrier sees of a customer through an
offer, and a token given under another spelling of its key."""

from __future__ import annotations

import pytest

from models.enums import Role
from models.support.tables import DealerDesk
from schema.ids import to_global_id
from tests import ws
from tests.graphql import gql

OFFER = """
query ($id: ID!) {
  shipment(id: $id) {
    id status
    customer {
      name blocked penaltyPoints cancellationRate
      accountManager { email }
      supportGroup { id }
    }
  }
}
"""
OFFERS = "{ shipments(first: 10) { edges { node { customer { name penaltyPoints } } } } }"


@pytest.fixture
async def offer(make, dealer):
    organization = await dealer.user.organization
    organization.penalty_points = 3
    await organization.save()
    manager = await make.user(Role.ACCOUNT_MANAGER)
    await DealerDesk.create(organization=organization, account_manager=manager)
    return await make.shipment(customer=dealer.organization_id)


async def test_a_carrier_sees_a_booked_offers_customer_by_name_only(http, carrier, offer):
    result = await gql(http, OFFER, {"id": to_global_id("Shipment", offer.id)}, token=carrier.token)

    customer = result["data"]["shipment"]["customer"]
    assert result["data"]["shipment"]["status"] == "BOOKED"
    assert customer == {
        "name": customer["name"],
        "blocked": False,
        "penaltyPoints": 0,
        "cancellationRate": 0.0,
        "accountManager": None,
        "supportGroup": None,
    }
    listed = await gql(http, OFFERS, token=carrier.token)
    assert listed["data"]["shipments"]["edges"] == [
        {"node": {"customer": {"name": customer["name"], "penaltyPoints": 0}}}
    ]


async def test_the_customer_and_the_staff_still_see_its_standing(http, dealer, admin, offer):
    for party in (dealer, admin):
        result = await gql(
            http, OFFER, {"id": to_global_id("Shipment", offer.id)}, token=party.token
        )
        customer = result["data"]["shipment"]["customer"]
        assert customer["penaltyPoints"] == 3
        assert customer["accountManager"] is not None


@pytest.mark.parametrize("key", ["AUTHORIZATION", "Authorization", "authoriZation"])
async def test_the_socket_reads_the_token_under_any_case_of_its_key(server, dealer, key):
    async with await ws.connect(server) as socket:
        await ws.send(
            socket, {"type": "connection_init", "payload": {key: f"Bearer {dealer.token}"}}
        )
        assert (await ws.receive(socket))["type"] == "connection_ack"
        operation = await ws.subscribe(socket, "{ viewer { email } }")
        answer = await ws.receive(socket)
    assert answer["id"] == operation
    assert answer["payload"]["data"]["viewer"]["email"] == dealer.user.email


async def test_the_token_given_twice_under_two_spellings_closes_the_socket(server, dealer):
    async with await ws.connect(server) as socket:
        payload = {"authorization": f"Bearer {dealer.token}", "AUTHORIZATION": "Bearer other"}
        await ws.send(socket, {"type": "connection_init", "payload": payload})
        assert await ws.closed_with(socket) == 4400
