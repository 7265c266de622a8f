"""The viewers of bearer credentials, remembered between a client's requests
(resolvers/integrations/credentials.py `Remembered`) and forgotten on every event that changes
what they are read from: a revocation, a block. Another process's revocation:
tests/test_cli_apikeys.py."""

from __future__ import annotations

import datetime as dt

from models import clock
from models.enums import OrganizationKind, Role
from resolvers.integrations.credentials import Remembered
from tests.graphql import gql, refused
from tests.keys import CREATE_API_KEY, REVOKE_API_KEY, VIEWER, create_key
from tests.test_login_tokens import LOGOUT
from tests.test_query_count import counting_queries


def _look_ups(statements: list[str]) -> int:
    return sum("access_token" in s or "api_key" in s for s in statements)


async def test_a_clients_next_request_skips_the_look_up(client, make):
    dealer = await make.party(Role.DEALER)

    with counting_queries() as first:
        one = await gql(client, VIEWER, token=dealer.token)
    with counting_queries() as second:
        two = await gql(client, VIEWER, token=dealer.token)

    assert one == two and one["data"]["viewer"]["role"] == "DEALER"
    assert _look_ups(first) == 1
    assert _look_ups(second) == 0


async def test_a_logout_refuses_the_token_at_once(client, make):
    dealer = await make.party(Role.DEALER)
    assert await refused(client, dealer.token) is None  # remembered now

    out = await gql(client, LOGOUT, token=dealer.token)

    assert out["data"]["logout"]["errors"] == []
    assert await refused(client, dealer.token) == "revoked"


async def test_a_revoked_key_is_refused_at_once(client, make):
    dealer = await make.party(Role.DEALER)
    revoking = await create_key(client, dealer, "READ")
    staying = await create_key(client, dealer, "READ")
    for created in (revoking, staying):
        assert await refused(client, created["secret"]) is None  # remembered now

    revoked = await gql(
        client, REVOKE_API_KEY, {"id": revoking["apiKey"]["id"]}, token=dealer.token
    )

    assert revoked["data"]["revokeApiKey"]["errors"] == []
    assert await refused(client, revoking["secret"]) == "revoked"
    assert await refused(client, staying["secret"]) is None


async def test_a_block_reaches_a_remembered_viewer_at_once(client, make):
    dealer = await make.party(Role.DEALER)
    variables = {"input": {"name": "ERP", "scopes": ["READ"]}}
    before = await gql(client, CREATE_API_KEY, variables, token=dealer.token)
    assert before["data"]["createApiKey"]["errors"] == []

    await make.block(dealer.organization_id)
    after = await gql(client, CREATE_API_KEY, variables, token=dealer.token)

    assert after["data"]["createApiKey"]["errors"][0]["code"] == "ACCOUNT_BLOCKED"


async def test_a_remembered_token_expires_on_time(client, make):
    organization = await make.organization(OrganizationKind.DEALER)
    user = await make.user(Role.DEALER, organization)
    token = await make.token(user, dt.timedelta(minutes=5))
    assert await refused(client, token) is None

    with clock.travel(clock.now() + dt.timedelta(minutes=6)):
        assert await refused(client, token) == "expired"


class _Viewer:
    expires_at = None


def test_a_look_up_that_overlapped_a_revocation_is_not_kept():
    remembered = Remembered()
    viewer = _Viewer()
    began = remembered.generation

    remembered.forget()  # a revocation heard while the look-up ran
    remembered.keep("clv_secret", viewer, began)  # type: ignore[arg-type]

    assert remembered.get("clv_secret") is None
    remembered.keep("clv_secret", viewer, remembered.generation)  # type: ignore[arg-type]
    assert remembered.get("clv_secret") is viewer


def test_viewers_are_remembered_for_max_age_at_most_and_the_oldest_go_first():
    viewer = _Viewer()
    aged = Remembered(max_age=0.0)
    aged.keep("clv_a", viewer, aged.generation)  # type: ignore[arg-type]
    assert aged.get("clv_a") is None  # a change written by hand counts after max_age

    few = Remembered(limit=2)
    for secret in ("clv_a", "clv_b", "clv_c"):
        few.keep(secret, viewer, few.generation)  # type: ignore[arg-type]
    assert len(few) == 2
    assert few.get("clv_a") is None and few.get("clv_c") is viewer


def test_nothing_is_remembered_while_nothing_is_heard():
    """The result cache turns it on when it starts listening (api/result_cache.py)."""
    off = Remembered(limit=0)
    off.keep("clv_a", _Viewer(), off.generation)  # type: ignore[arg-type]
    assert off.get("clv_a") is None
