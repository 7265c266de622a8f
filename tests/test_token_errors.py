"""A credential that is sent but refused is told apart from no credential at all: a top-level
UNAUTHENTICATED error with its reason (401 for GraphQL over HTTP's own media type), never a
silent anonymous answer. No credential stays anonymous: public tracking works without one."""

from __future__ import annotations

import datetime as dt

import pytest

from models import clock
from models.enums import Role
from resolvers.accounts.users import revoke_token
from tests import ws
from tests.graphql import gql
from tests.keys import REVOKE_API_KEY, create_key

VIEWER = "query { viewer { email } }"
TRACK = "query ($w: String!) { trackWaybill(waybill: $w) { status } }"
GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"


async def post(
    client, authorization: str | None, *, accept: str | None = None, query=VIEWER, variables=None
):
    headers = {} if authorization is None else {"Authorization": authorization}
    if accept is not None:
        headers["Accept"] = accept
    body = {"query": query, "variables": variables or {}}
    return await client.post("/graphql", json=body, headers=headers)


def refusal(response) -> dict:
    body = response.json()
    assert "data" not in body, body  # refused before it ran: a request error
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    return error


async def test_an_expired_token_is_refused_as_expired(client, make):
    token = await make.token(await make.user(Role.DEALER), ttl=dt.timedelta(minutes=1))
    with clock.travel(clock.now() + dt.timedelta(minutes=2)):
        response = await post(client, f"Bearer {token}")
    assert response.status_code == 200  # application/json: 200, as that media type asks
    error = refusal(response)
    assert error["extensions"]["reason"] == "expired"
    assert "expired at" in error["message"]


async def test_graphql_response_json_gets_401_with_a_bearer_challenge(client, make):
    token = await make.token(await make.user(Role.DEALER))
    await revoke_token(token)

    response = await post(client, f"Bearer {token}", accept=GRAPHQL_RESPONSE_JSON)

    assert response.status_code == 401
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE_JSON)
    assert response.headers["www-authenticate"].startswith('Bearer error="invalid_token"')
    assert refusal(response)["extensions"]["reason"] == "revoked"


@pytest.mark.parametrize(
    ("authorization", "reason"),
    [
        ("clv_abcdef", "malformed"),  # no scheme: refused, not ignored
        ("Token clv_abcdef", "malformed"),
        ("Basic dXNlcjpwYXNz", "malformed"),
        ("Bearer", "malformed"),
        ("Bearer clv_a clv_b", "malformed"),
        ("Bearer garbage", "malformed"),
        ("Bearer clv_neverissued", "invalid"),
        ("bearer clv_neverissued", "invalid"),  # the scheme is case-insensitive
    ],
)
async def test_a_malformed_or_unknown_credential_says_which(client, authorization, reason):
    response = await post(client, authorization)
    assert refusal(response)["extensions"]["reason"] == reason


async def test_api_keys_are_refused_with_their_reason(http, dealer):
    created = await create_key(http, dealer, "READ")
    secret = created["secret"]
    flipped = secret[:-1] + ("A" if secret[-1] != "A" else "B")
    unknown = await create_key(http, dealer, "READ")
    expiring = await create_key(
        http, dealer, "READ", expiresAt=(clock.now() + dt.timedelta(days=1)).isoformat()
    )
    await gql(http, REVOKE_API_KEY, {"id": created["apiKey"]["id"]}, token=dealer.token)
    await gql(http, REVOKE_API_KEY, {"id": unknown["apiKey"]["id"]}, token=dealer.token)

    assert refusal(await post(http, f"Bearer {secret}"))["extensions"]["reason"] == "revoked"
    assert refusal(await post(http, f"Bearer {flipped}"))["extensions"]["reason"] == "malformed"
    with clock.travel(clock.now() + dt.timedelta(days=1, minutes=1)):
        expired = await post(http, f"Bearer {expiring['secret']}")
    assert refusal(expired)["extensions"]["reason"] == "expired"


async def test_a_refused_credential_is_refused_for_public_fields_too(client, make, dealer):
    """A client that sends a credential means to be signed in: it is told, not served as a
    stranger."""
    shipment = await make.shipment(customer=dealer.organization_id)
    waybill = {"w": shipment.waybill}
    response = await post(client, "Bearer clv_neverissued", query=TRACK, variables=waybill)
    assert refusal(response)["extensions"]["reason"] == "invalid"


@pytest.mark.parametrize("authorization", [None, "", "   "])
async def test_no_credential_is_anonymous_and_public_tracking_works(
    client, make, dealer, authorization
):
    shipment = await make.shipment(customer=dealer.organization_id)
    response = await post(client, authorization, query=TRACK, variables={"w": shipment.waybill})
    assert response.status_code == 200
    assert response.json() == {"data": {"trackWaybill": {"status": "BOOKED"}}}
    anonymous = await post(client, authorization, accept=GRAPHQL_RESPONSE_JSON)
    assert anonymous.status_code == 200
    assert anonymous.json() == {"data": {"viewer": None}}


async def test_a_valid_token_still_signs_in(client, dealer):
    response = await post(client, f"Bearer {dealer.token}", accept=GRAPHQL_RESPONSE_JSON)
    assert response.json() == {"data": {"viewer": {"email": dealer.user.email}}}


async def test_a_socket_closes_with_the_reason_of_its_refused_token(server, make):
    token = await make.token(await make.user(Role.DEALER), ttl=dt.timedelta(minutes=1))
    for payload, reason in (
        ({"authorization": "clv_abcdef"}, "malformed"),
        ({"authorization": "Bearer clv_neverissued"}, "invalid"),
    ):
        async with await ws.connect(server) as socket:
            await ws.send(socket, {"type": "connection_init", "payload": payload})
            assert await ws.closed_with_reason(socket) == (4403, reason)
    with clock.travel(clock.now() + dt.timedelta(minutes=2)):
        async with await ws.connect(server) as socket:
            await ws.send(
                socket, {"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}
            )
            assert await ws.closed_with_reason(socket) == (4403, "expired")


async def test_a_socket_with_a_malformed_upgrade_header_closes_at_init(server):
    headers = {"Authorization": "Token clv_abcdef"}
    async with await ws.connect(server, additional_headers=headers) as socket:
        await ws.send(socket, {"type": "connection_init", "payload": {}})
        assert await ws.closed_with_reason(socket) == (4403, "malformed")
