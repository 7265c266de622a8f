"""Sign-in, tokens, viewer and ADMIN onboarding over GraphQL."""

from __future__ import annotations

import datetime as dt

import pytest

from models import clock
from models.accounts.tables import AccessToken, Organization, User
from models.enums import OrganizationKind, Role
from resolvers.accounts import users as accounts
from schema.ids import to_global_id
from tests.factories import PASSWORD
from tests.graphql import gql, refused

LOGIN = """
mutation ($email: String!, $password: String!) {
  login(email: $email, password: $password) {
    token
    user { email role organization { name kind } }
    errors { field message code }
  }
}
"""
VIEWER = "{ viewer { id email role organization { id name } } }"
CREATE_ORGANIZATION = """
mutation ($input: CreateOrganizationInput!) {
  createOrganization(input: $input) {
    organization { id name kind blocked penaltyPoints }
    errors { field message code }
  }
}
"""
CREATE_USER = """
mutation ($input: CreateUserInput!) {
  createUser(input: $input) {
    user { id email name role organization { name } }
    errors { field message code }
  }
}
"""
NODE = """
query ($id: ID!) {
  node(id: $id) { __typename id ... on User { email } ... on Organization { name } }
}
"""


@pytest.fixture
async def admin(make) -> User:
    return await make.user(Role.ADMIN, email="admin@example.com")


@pytest.fixture
async def dealer(make) -> User:
    return await make.user(Role.DEALER, email="dealer@example.com")


async def test_login_returns_a_token_that_signs_the_viewer_in(client, dealer):
    result = await gql(client, LOGIN, {"email": "Dealer@Example.com ", "password": PASSWORD})

    login = result["data"]["login"]
    assert login["errors"] == []
    assert login["user"]["email"] == "dealer@example.com"
    assert login["token"].startswith("clv_")
    viewer = (await gql(client, VIEWER, token=login["token"]))["data"]["viewer"]
    assert viewer["email"] == "dealer@example.com"
    assert viewer["id"] == to_global_id("User", dealer.id)
    stored = await AccessToken.get(user=dealer)
    assert login["token"] not in stored.token_hash  # only the hash is kept


async def test_wrong_password_and_unknown_email_answer_the_same(client, dealer, monkeypatch):
    verified: list[str] = []
    real = accounts._hasher

    class CountingHasher:
        def hash(self, password: str) -> str:
            return real.hash(password)

        def verify(self, stored: str, password: str) -> bool:
            verified.append(password)
            return real.verify(stored, password)

    monkeypatch.setattr(accounts, "_hasher", CountingHasher())

    wrong = await gql(client, LOGIN, {"email": "dealer@example.com", "password": "nope-nope"})
    unknown = await gql(client, LOGIN, {"email": "ghost@example.com", "password": "nope-nope"})

    assert wrong == unknown
    assert wrong["data"]["login"]["token"] is None
    assert wrong["data"]["login"]["errors"][0]["code"] == "INVALID_INPUT"
    # Both paths ran exactly one argon2 verification: the same work, so the same time.
    assert verified == ["nope-nope", "nope-nope"]
    assert await AccessToken.all().count() == 0


async def test_login_attempts_are_rate_limited_per_client(client, dealer, database):
    limit = database.login_attempts_per_minute
    for _ in range(limit):
        await gql(client, LOGIN, {"email": "dealer@example.com", "password": "wrong-one"})

    blocked = await gql(client, LOGIN, {"email": "dealer@example.com", "password": PASSWORD})

    assert blocked["data"]["login"]["token"] is None
    assert blocked["data"]["login"]["errors"][0]["code"] == "LIMIT_EXCEEDED"


async def test_an_expired_token_is_refused_as_expired(client, make, dealer):
    token = await make.token(dealer, ttl=dt.timedelta(minutes=10))
    assert (await gql(client, VIEWER, token=token))["data"]["viewer"] is not None

    with clock.travel(clock.now() + dt.timedelta(minutes=10, seconds=1)):
        assert await refused(client, token) == "expired"


async def test_a_revoked_token_is_refused_as_revoked(client, make, dealer):
    token = await make.token(dealer)
    other = await make.token(dealer)

    assert await accounts.revoke_token(token) is True

    assert await refused(client, token) == "revoked"
    assert (await gql(client, VIEWER, token=other))["data"]["viewer"] is not None
    assert await accounts.revoke_token(token) is False


async def test_anonymous_viewer_is_null_and_protected_fields_refuse(client):
    assert (await gql(client, VIEWER))["data"]["viewer"] is None
    result = await gql(client, CREATE_ORGANIZATION, {"input": {"name": "X", "kind": "DEALER"}})
    assert result["data"] is None
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert await Organization.all().count() == 0


async def test_admin_onboards_an_organization_and_its_user(client, make, admin):
    token = await make.token(admin)

    created = await gql(
        client,
        CREATE_ORGANIZATION,
        {"input": {"name": " Kyiv Cars ", "kind": "DEALER"}},
        token=token,
    )
    organization = created["data"]["createOrganization"]["organization"]
    assert organization["name"] == "Kyiv Cars"
    assert organization["blocked"] is False
    user = await gql(
        client,
        CREATE_USER,
        {
            "input": {
                "email": "new@kyiv.example",
                "name": "New Dealer",
                "password": "long enough",
                "role": "DEALER",
                "organizationId": organization["id"],
            }
        },
        token=token,
    )
    assert user["data"]["createUser"]["errors"] == []
    assert user["data"]["createUser"]["user"]["organization"]["name"] == "Kyiv Cars"
    signed_in = await gql(client, LOGIN, {"email": "new@kyiv.example", "password": "long enough"})
    assert signed_in["data"]["login"]["token"]


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"role": "CARRIER"}, "role", "INVALID_INPUT"),
        ({"email": "not-an-email"}, "email", "INVALID_INPUT"),
        ({"password": "short"}, "password", "INVALID_INPUT"),
        ({"name": "  "}, "name", "INVALID_INPUT"),
        ({"email": "dealer@example.com"}, "email", "CONFLICT"),
    ],
)
async def test_create_user_refuses_bad_input_and_writes_nothing(
    client, make, admin, dealer, change, field, code
):
    token = await make.token(admin)
    org = await make.organization(OrganizationKind.DEALER)
    before = await User.all().count()
    fields = {
        "email": "fresh@example.com",
        "name": "Fresh",
        "password": "long enough",
        "role": "DEALER",
        "organizationId": to_global_id("Organization", org.id),
    } | change

    result = await gql(client, CREATE_USER, {"input": fields}, token=token)

    payload = result["data"]["createUser"]
    assert payload["user"] is None
    assert payload["errors"][0]["code"] == code
    assert payload["errors"][0]["field"] == ["input", field]
    assert await User.all().count() == before


async def test_only_admin_onboards(client, make, dealer):
    agent = await make.user(Role.SUPPORT_AGENT)
    for user in (dealer, agent):
        token = await make.token(user)
        result = await gql(
            client, CREATE_ORGANIZATION, {"input": {"name": "X", "kind": "DEALER"}}, token=token
        )
        assert result["data"]["createOrganization"]["errors"][0]["code"] == "FORBIDDEN"
    assert await Organization.filter(name="X").count() == 0


async def test_a_blocked_organizations_user_reads_but_cannot_write(client, make):
    platform = await make.organization(OrganizationKind.PLATFORM, blocked=True)
    admin = await make.user(Role.ADMIN, platform)
    token = await make.token(admin)

    assert (await gql(client, VIEWER, token=token))["data"]["viewer"]["email"] == admin.email
    result = await gql(
        client, CREATE_ORGANIZATION, {"input": {"name": "X", "kind": "DEALER"}}, token=token
    )
    assert result["data"]["createOrganization"]["errors"][0]["code"] == "ACCOUNT_BLOCKED"


async def test_an_id_of_another_type_is_refused_where_a_type_is_expected(client, make, admin):
    token = await make.token(admin)
    result = await gql(
        client,
        CREATE_USER,
        {
            "input": {
                "email": "x@example.com",
                "name": "X",
                "password": "long enough",
                "role": "ADMIN",
                # the key of the admin's organization, but wrapped as a User id
                "organizationId": to_global_id("User", admin.organization_id),
            }
        },
        token=token,
    )
    error = result["data"]["createUser"]["errors"][0]
    assert error == {
        "field": ["input", "organizationId"],
        "message": "is the id of a User, not of a Organization",
        "code": "INVALID_INPUT",
    }


async def test_node_resolves_each_type_by_its_own_id_only(client, make, dealer):
    other = await make.user(Role.DEALER)
    token = await make.token(dealer)

    own = await gql(client, NODE, {"id": to_global_id("User", dealer.id)}, token=token)
    assert own["data"]["node"] == {
        "__typename": "User",
        "id": to_global_id("User", dealer.id),
        "email": dealer.email,
    }
    org = await gql(
        client, NODE, {"id": to_global_id("Organization", dealer.organization_id)}, token=token
    )
    assert org["data"]["node"]["__typename"] == "Organization"
    # another tenant's user answers exactly like a missing one
    hidden = await gql(client, NODE, {"id": to_global_id("User", other.id)}, token=token)
    missing = await gql(client, NODE, {"id": to_global_id("User", 999_999)}, token=token)
    assert hidden == missing == {"data": {"node": None}}
    # a forged id of a type that is no node, or no id at all, is an error naming the field
    for forged in (to_global_id("AccessToken", 1), "not-an-id"):
        result = await gql(client, NODE, {"id": forged}, token=token)
        assert result["data"] == {"node": None}
        assert result["errors"][0]["extensions"] == {"code": "INVALID_INPUT", "field": ["id"]}
