"""Webhook endpoints: who may manage them, the URL rules, the limit, secrets and rotation."""

from __future__ import annotations

import asyncio

import pytest

from models.integrations.tables import WebhookEndpoint
from resolvers.errors import DomainError
from resolvers.integrations import webhooks
from resolvers.integrations.addresses import check_url
from resolvers.integrations.cursor import Position
from tests.graphql import gql
from tests.webhooks import CREATE, DELETE, ENDPOINTS, REPLAY, ROTATE, UPDATE


async def create(client, party, url="https://hooks.example.com/in", **extra):
    result = await gql(client, CREATE, {"input": {"url": url, **extra}}, token=party.token)
    return result["data"]["createWebhookEndpoint"]


async def test_a_dealer_creates_an_endpoint_and_sees_its_secret_once(client, dealer):
    created = await create(client, dealer, eventTypes=["TRACKING_EVENT_RECORDED"])
    assert created["errors"] == []
    assert created["secret"].startswith("whsec_")
    assert created["endpoint"]["eventTypes"] == ["TRACKING_EVENT_RECORDED"]
    assert created["endpoint"]["enabled"] is True
    listed = await gql(client, ENDPOINTS, token=dealer.token)
    assert [e["id"] for e in listed["data"]["webhookEndpoints"]] == [created["endpoint"]["id"]]
    assert "secret" not in listed["data"]["webhookEndpoints"][0]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.com/x", "must be an absolute https:// URL"),
        ("http://example.com/in", "http:// only for localhost"),
        ("https://user:pw@example.com/in", "must not carry a user name or password"),
        ("hooks.example.com", "must be an absolute https:// URL"),
    ],
)
async def test_bad_urls_are_refused_naming_the_field(client, dealer, url, message):
    created = await create(client, dealer, url=url)
    assert created["endpoint"] is None
    (error,) = created["errors"]
    assert error["field"] == ["input", "url"] and error["code"] == "INVALID_INPUT"
    assert message in error["message"]
    assert await WebhookEndpoint.all().count() == 0


async def test_development_allows_http_localhost(client, dealer):
    created = await create(client, dealer, url="http://localhost:9999/hook")
    assert created["errors"] == []


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/in",
        "https://10.1.2.3/in",
        "https://169.254.169.254/latest",
        "https://localhost/in",
        "https://[::1]/in",
    ],
)
async def test_production_refuses_private_and_loopback_addresses(dealer, url):
    from resolvers.accounts.users import viewer_for_token

    viewer = await viewer_for_token(dealer.token)
    with pytest.raises(DomainError) as refused:
        await webhooks.create_endpoint(viewer=viewer, url=url, event_types=None, production=True)
    assert refused.value.field == ["input", "url"]
    assert "not a public address" in refused.value.message
    assert await WebhookEndpoint.all().count() == 0


def test_production_refuses_plain_http_even_for_localhost():
    with pytest.raises(DomainError, match="only https:// in production"):
        check_url("http://localhost:8000/hook", production=True, field=["input", "url"])


async def test_at_most_ten_endpoints_per_organization_also_when_racing(
    client, dealer, other_dealer
):
    results = await asyncio.gather(*[create(client, dealer) for _ in range(12)])
    refused = [r for r in results if r["errors"]]
    assert len(refused) == 2
    assert refused[0]["errors"][0]["code"] == "LIMIT_EXCEEDED"
    assert await WebhookEndpoint.filter(organization_id=dealer.organization_id).count() == 10
    assert (await create(client, other_dealer))["errors"] == []


async def test_another_organizations_endpoint_is_not_found(client, dealer, other_dealer):
    endpoint = (await create(client, dealer))["endpoint"]
    for query, variables in [
        (UPDATE, {"id": endpoint["id"], "input": {"enabled": False}}),
        (ROTATE, {"id": endpoint["id"]}),
        (DELETE, {"id": endpoint["id"]}),
        (REPLAY, {"id": endpoint["id"], "after": Position(0).cursor}),
    ]:
        result = await gql(client, query, variables, token=other_dealer.token)
        (payload,) = result["data"].values()
        assert payload["errors"][0]["code"] == "NOT_FOUND", query
    assert (await gql(client, ENDPOINTS, token=other_dealer.token))["data"][
        "webhookEndpoints"
    ] == []
    assert await WebhookEndpoint.filter(enabled=True).count() == 1


async def test_rotation_keeps_the_old_secret_for_a_day(client, dealer):
    created = await create(client, dealer)
    rotated = (await gql(client, ROTATE, {"id": created["endpoint"]["id"]}, token=dealer.token))[
        "data"
    ]["rotateWebhookSecret"]
    assert rotated["secret"].startswith("whsec_") and rotated["secret"] != created["secret"]
    row = await WebhookEndpoint.get()
    assert (row.secret, row.previous_secret) == (rotated["secret"], created["secret"])
    assert row.previous_secret_until is not None
    hours = (row.previous_secret_until - row.updated_at).total_seconds() / 3600
    assert hours == pytest.approx(24)


async def test_update_changes_url_and_types_and_delete_removes(client, dealer):
    endpoint = (await create(client, dealer))["endpoint"]
    variables = {
        "id": endpoint["id"],
        "input": {"url": "https://other.example.com/x", "eventTypes": [], "enabled": False},
    }
    updated = (await gql(client, UPDATE, variables, token=dealer.token))["data"]
    changed = updated["updateWebhookEndpoint"]["endpoint"]
    assert changed["url"] == "https://other.example.com/x"
    assert changed["eventTypes"] == [] and changed["enabled"] is False
    deleted = await gql(client, DELETE, {"id": endpoint["id"]}, token=dealer.token)
    assert deleted["data"]["deleteWebhookEndpoint"]["errors"] == []
    assert await WebhookEndpoint.all().count() == 0


async def test_replay_refuses_a_cursor_that_is_not_one(client, dealer):
    endpoint = (await create(client, dealer))["endpoint"]
    result = await gql(client, REPLAY, {"id": endpoint["id"], "after": "nope"}, token=dealer.token)
    (error,) = result["data"]["replayWebhookEvents"]["errors"]
    assert error["field"] == ["after"] and error["code"] == "INVALID_INPUT"


async def test_signed_out_callers_are_refused(client):
    result = await gql(client, ENDPOINTS)
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
