"""Login tokens a browser app can manage: an expiry it is told, a refresh that keeps its
sockets open, and a logout that closes them."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from api.app import create_app
from models.accounts.tables import AccessToken
from models.enums import Role
from models.shipments.tables import ShipmentStatus
from resolvers.accounts.users import token_digest
from tests import ws
from tests.conftest import settings_with
from tests.graphql import gql, refused
from tests.keys import VIEWER, create_key, real_http
from tests.servers import running
from tests.shipping import gid

LOGIN = """
mutation ($e: String!, $p: String!) {
  login(email: $e, password: $p) { token expiresAt errors { code } }
}
"""
REFRESH = "mutation { refreshToken { token expiresAt user { email } errors { code message } } }"
LOGOUT = "mutation { logout { revokedTokens errors { code message } } }"
TRACKING = "subscription ($id: ID!) { shipmentTracking(shipmentId: $id) { description } }"
RECORD = """
mutation ($input: RecordTrackingEventInput!) {
  recordTrackingEvent(input: $input) { errors { code } }
}
"""


@pytest.fixture
async def address(database):
    """The service with the periodic re-check an hour apart: what closes or keeps a socket
    within a test is the revocation's event."""
    app = create_app(settings_with(token_recheck_seconds=3600), manage_database=False)
    async with app.router.lifespan_context(app):
        await app.state.limits.reset()
        async with running(app) as where:
            yield where


@pytest.fixture
async def http(address):
    async with real_http(address) as client:
        yield client


async def sign_in(http, party) -> dict:
    result = await gql(http, LOGIN, {"e": party.user.email, "p": "correct horse battery"})
    return result["data"]["login"]


async def test_login_tells_when_the_token_expires(http, dealer):
    signed = await sign_in(http, dealer)
    row = await AccessToken.get(token_hash=token_digest(signed["token"]))
    assert dt.datetime.fromisoformat(signed["expiresAt"]) == row.expires_at
    assert row.expires_at - row.created_at == dt.timedelta(hours=24)


async def test_refresh_gives_a_new_token_and_revokes_the_old(http, dealer):
    old = await sign_in(http, dealer)
    await asyncio.sleep(0.01)

    refreshed = (await gql(http, REFRESH, token=old["token"]))["data"]["refreshToken"]

    assert refreshed["errors"] == [] and refreshed["token"] != old["token"]
    assert refreshed["expiresAt"] > old["expiresAt"]
    assert refreshed["user"] == {"email": dealer.user.email}
    assert await refused(http, old["token"]) == "revoked"
    assert (await gql(http, VIEWER, token=refreshed["token"]))["data"]["viewer"] is not None
    again = await gql(http, REFRESH, token=old["token"])
    assert again["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_socket_outlives_the_refresh_of_its_token(address, http, make, dealer):
    warehouse = await make.party(Role.WAREHOUSE)
    shipment = await make.shipment(
        customer=dealer.organization_id, status=ShipmentStatus.AT_WAREHOUSE
    )
    signed = await sign_in(http, dealer)
    variables = {"id": gid("Shipment", shipment.id)}
    async with await ws.connect(address) as socket:
        await ws.init(socket, signed["token"])
        await ws.subscribe(socket, TRACKING, variables)
        await asyncio.sleep(0.2)

        refreshed = (await gql(http, REFRESH, token=signed["token"]))["data"]["refreshToken"]
        await asyncio.sleep(0.5)  # the revocation's event has woken the watch meanwhile
        event = {"shipmentId": variables["id"], "type": "DELAYED", "description": "still here"}
        await gql(http, RECORD, {"input": event}, token=warehouse.token)

        frame = await ws.receive(socket)
        assert frame["payload"]["data"]["shipmentTracking"]["description"] == "still here"

        # logging out with the new token ends the whole sign-in, the old socket included
        out = (await gql(http, LOGOUT, token=refreshed["token"]))["data"]["logout"]
        assert out == {"revokedTokens": 1, "errors": []}
        assert await ws.closed_with(socket) == 4403


async def test_logout_revokes_the_token_and_closes_its_sockets(address, http, dealer):
    signed = await sign_in(http, dealer)
    kept = await sign_in(http, dealer)  # another sign-in (another tab) stays signed in
    async with await ws.connect(address) as socket:
        await ws.init(socket, signed["token"])

        out = (await gql(http, LOGOUT, token=signed["token"]))["data"]["logout"]

        assert out == {"revokedTokens": 1, "errors": []}
        assert await ws.closed_with(socket) == 4403
    assert await refused(http, signed["token"]) == "revoked"
    assert (await gql(http, VIEWER, token=kept["token"]))["data"]["viewer"] is not None


async def test_logout_and_refresh_are_for_login_tokens_only(http, dealer):
    key = (await create_key(http, dealer, "WRITE"))["secret"]
    for document in (LOGOUT, REFRESH):
        result = (await gql(http, document, token=key))["data"]
        (payload,) = result.values()
        assert payload["errors"][0]["code"] == "FORBIDDEN"
    anonymous = await gql(http, LOGOUT)
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
