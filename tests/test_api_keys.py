"""API keys over real HTTP: shown once, stored hashed, acting as their organization within
their scopes, refused at once when revoked or expired."""

from __future__ import annotations

import datetime as dt

import pytest

from models import clock
from models.enums import Role
from models.integrations.tables import ApiKey
from models.shipments.tables import Shipment
from resolvers.integrations import key_secrets
from schema.ids import parse_global_id
from tests.graphql import gql, refused
from tests.keys import API_KEYS, CREATE_API_KEY, REVOKE_API_KEY, VIEWER, create_key, key_party
from tests.keys import real_http as real_http_client
from tests.shipping import SHIPMENTS, book, booking, gid, payload

CREATE = "mutation ($input: CreateShipmentInput!) { createShipment(input: $input) { shipment { id customer { id } } errors { code } } }"  # noqa: E501
LOGIN = "mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { token errors { code } } }"  # noqa: E501


@pytest.fixture
async def http(server):
    async with real_http_client(server) as client:
        yield client


def key_id(created: dict) -> int:
    parsed = parse_global_id(created["apiKey"]["id"])
    assert parsed is not None and parsed[0] == "ApiKey"
    return parsed[1]


async def test_the_secret_is_shown_once_and_only_its_hash_is_kept(http, dealer):
    created = await create_key(http, dealer, "READ")

    secret = created["secret"]
    assert secret.startswith("clk_test_") and key_secrets.is_key(secret)
    assert created["apiKey"]["prefix"] == secret[:15]
    assert created["apiKey"]["createdBy"] == {"email": dealer.user.email}
    row = await ApiKey.get(id=key_id(created))
    assert secret not in {row.secret_hash, row.prefix, row.name}
    assert row.secret_hash == key_secrets.secret_hash(secret, "")
    listed = (await gql(http, API_KEYS, token=dealer.token))["data"]["apiKeys"]
    assert [key["id"] for key in listed] == [created["apiKey"]["id"]]
    revoked = await gql(http, REVOKE_API_KEY, {"id": created["apiKey"]["id"]}, token=dealer.token)
    assert revoked["data"]["revokeApiKey"]["secret"] is None


async def test_a_read_key_reads_its_organization_but_cannot_mutate(http, dealer, other_dealer):
    mine = await book(http, dealer)
    await book(http, other_dealer, reference="PO-THEIRS")
    key = await key_party(http, dealer, "READ")

    seen = await gql(http, SHIPMENTS, {"first": 10}, token=key.token)
    assert [edge["node"]["id"] for edge in seen["data"]["shipments"]["edges"]] == [mine["id"]]
    refused = await gql(http, CREATE, {"input": booking()}, token=key.token)

    assert refused["data"] is None
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert "WRITE" in refused["errors"][0]["message"]
    assert await Shipment.all().count() == 2


async def test_a_write_key_books_as_its_organization_through_its_own_user(http, dealer):
    key = await key_party(http, dealer, "WRITE")

    created = await payload(http, CREATE, {"input": booking()}, key)

    assert created["errors"] == []
    assert created["shipment"]["customer"]["id"] == gid("Organization", dealer.organization_id)
    me = (await gql(http, VIEWER, token=key.token))["data"]["viewer"]
    assert me["role"] == "DEALER" and me["email"] != dealer.user.email
    assert me["organization"]["id"] == gid("Organization", dealer.organization_id)


async def test_write_implies_read_and_scopes_are_listed_in_order(http, carrier):
    created = await create_key(http, carrier, "WEBHOOKS", "WRITE")
    assert created["apiKey"]["scopes"] == ["READ", "WRITE", "WEBHOOKS"]


async def test_a_webhooks_only_key_cannot_read_shipments(http, dealer):
    key = await key_party(http, dealer, "WEBHOOKS")
    refused = await gql(http, SHIPMENTS, {"first": 1}, token=key.token)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert "READ" in refused["errors"][0]["message"]


async def test_a_key_cannot_slip_a_mutation_past_the_gate_in_a_fragment(http, dealer):
    key = await key_party(http, dealer, "READ")
    sneaky = """
    mutation ($input: CreateShipmentInput!) { ...Booking }
    fragment Booking on Mutation { createShipment(input: $input) { errors { code } } }
    """
    refused = await gql(http, sneaky, {"input": booking()}, token=key.token)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await Shipment.all().count() == 0


async def test_a_revoked_key_is_refused_on_the_next_request(http, dealer):
    created = await create_key(http, dealer, "WRITE")
    secret = created["secret"]
    assert (await gql(http, VIEWER, token=secret))["data"]["viewer"] is not None

    revoked = await gql(http, REVOKE_API_KEY, {"id": created["apiKey"]["id"]}, token=dealer.token)

    assert revoked["data"]["revokeApiKey"]["apiKey"]["revokedAt"] is not None
    assert await refused(http, secret) == "revoked"
    refused_write = await gql(http, CREATE, {"input": booking()}, token=secret)
    assert refused_write["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert await Shipment.all().count() == 0


async def test_an_expired_key_is_refused(http, dealer):
    expiry = (clock.now() + dt.timedelta(days=1)).isoformat()
    created = await create_key(http, dealer, "READ", expiresAt=expiry)
    assert created["apiKey"]["expiresAt"] is not None
    with clock.travel(clock.now() + dt.timedelta(days=1, minutes=1)):
        assert await refused(http, created["secret"]) == "expired"


async def test_a_look_alike_secret_is_refused_without_a_match(http, dealer):
    created = await create_key(http, dealer, "READ")
    secret = created["secret"]
    flipped = secret[:-1] + ("A" if secret[-1] != "A" else "B")
    assert not key_secrets.is_key(flipped)
    assert await refused(http, flipped) == "malformed"


async def test_keys_cannot_manage_keys(http, dealer):
    key = await key_party(http, dealer, "WRITE")
    result = await gql(
        http, CREATE_API_KEY, {"input": {"name": "x", "scopes": ["READ"]}}, token=key.token
    )
    assert result["data"]["createApiKey"]["errors"][0]["code"] == "FORBIDDEN"
    assert (await gql(http, API_KEYS, token=key.token))["errors"][0]["message"].startswith(
        "an API key cannot manage"
    )


@pytest.mark.parametrize(
    ("fields", "code", "field"),
    [
        ({"scopes": []}, "INVALID_INPUT", ["input", "scopes"]),
        ({"name": "  "}, "INVALID_INPUT", ["input", "name"]),
        ({"name": "x" * 101}, "INVALID_INPUT", ["input", "name"]),
        ({"expiresAt": "2020-01-01T00:00:00Z"}, "INVALID_INPUT", ["input", "expiresAt"]),
        (
            {"organizationId": gid("Organization", 999_999)},
            "NOT_FOUND",
            ["input", "organizationId"],
        ),
    ],
)
async def test_bad_input_is_refused_naming_the_field(http, dealer, fields, code, field):
    variables = {"input": {"name": "ERP", "scopes": ["READ"]} | fields}
    result = await gql(http, CREATE_API_KEY, variables, token=dealer.token)
    assert result["data"]["createApiKey"]["errors"][0]["code"] == code
    assert result["data"]["createApiKey"]["errors"][0]["field"] == field
    assert await ApiKey.all().count() == 0


async def test_staff_cannot_and_admin_must_name_a_dealer_or_carrier(http, make, admin, dealer):
    agent = await make.party(Role.SUPPORT_AGENT)
    input_ = {"name": "ERP", "scopes": ["READ"]}
    refused = await gql(http, CREATE_API_KEY, {"input": input_}, token=agent.token)
    assert refused["data"]["createApiKey"]["errors"][0]["code"] == "FORBIDDEN"

    unnamed = await gql(http, CREATE_API_KEY, {"input": input_}, token=admin.token)
    assert unnamed["data"]["createApiKey"]["errors"][0]["field"] == ["input", "organizationId"]
    platform = gid("Organization", admin.organization_id)
    wrong = await gql(
        http, CREATE_API_KEY, {"input": input_ | {"organizationId": platform}}, token=admin.token
    )
    assert "DEALER and CARRIER" in wrong["data"]["createApiKey"]["errors"][0]["message"]

    theirs = gid("Organization", dealer.organization_id)
    made = await create_key(http, admin, "READ", organizationId=theirs)
    listed = (await gql(http, API_KEYS, token=dealer.token))["data"]["apiKeys"]
    assert [key["id"] for key in listed] == [made["apiKey"]["id"]]


async def test_another_organizations_key_is_not_found(http, dealer, other_dealer):
    created = await create_key(http, dealer, "READ")
    result = await gql(
        http, REVOKE_API_KEY, {"id": created["apiKey"]["id"]}, token=other_dealer.token
    )
    assert result["data"]["revokeApiKey"]["errors"][0]["code"] == "NOT_FOUND"
    assert (await ApiKey.get(id=key_id(created))).revoked_at is None


async def test_an_organization_has_at_most_twenty_live_keys(http, make, dealer):
    for number in range(20):
        await create_key(http, dealer, "READ", name=f"key {number}")
    one_more = {"input": {"name": "one more", "scopes": ["READ"]}}
    result = await gql(http, CREATE_API_KEY, one_more, token=dealer.token)
    assert result["data"]["createApiKey"]["errors"][0]["code"] == "LIMIT_EXCEEDED"
    assert await ApiKey.filter(organization_id=dealer.organization_id).count() == 20


async def test_a_keys_own_user_cannot_sign_in(http, dealer):
    key = await key_party(http, dealer, "READ")
    for password in ("!", "", "correct horse battery"):
        result = await gql(http, LOGIN, {"e": key.user.email, "p": password})
        assert result["data"]["login"]["token"] is None


async def test_blocked_organizations_keys_read_but_cannot_create_keys(http, make):
    blocked = await make.party(Role.DEALER)
    key = await key_party(http, blocked, "WRITE")
    await make.block(blocked.organization_id)
    refused = await gql(http, CREATE, {"input": booking()}, token=key.token)
    assert refused["data"]["createShipment"]["errors"] == [{"code": "ACCOUNT_BLOCKED"}]
    again = await gql(
        http, CREATE_API_KEY, {"input": {"name": "x", "scopes": ["READ"]}}, token=blocked.token
    )
    assert again["data"]["createApiKey"]["errors"][0]["code"] == "ACCOUNT_BLOCKED"
