"""An API key's last use is written in batches, and each key has a rate limit of its own."""

from __future__ import annotations

import pytest

from api.app import create_app
from models.integrations.tables import ApiKey
from resolvers.integrations.credentials import flush_use
from tests.conftest import settings_with
from tests.graphql import gql
from tests.keys import VIEWER, create_key, real_http
from tests.servers import running

LOGIN = "mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { token } }"


@pytest.fixture
async def limited(database):
    """The service with API keys limited to 3 requests a minute, logins to 2."""
    settings = settings_with(api_key_requests_per_minute=3, login_attempts_per_minute=2)
    app = create_app(settings, manage_database=False)
    async with app.router.lifespan_context(app):
        await app.state.limits.reset()
        async with running(app) as address, real_http(address) as http:
            yield http


async def test_last_use_is_written_in_one_batch_not_per_request(server, dealer):
    async with real_http(server) as http:
        created = await create_key(http, dealer, "READ")
        await flush_use()
        for _ in range(5):
            await gql(http, VIEWER, token=created["secret"])
        key = await ApiKey.get(prefix=created["apiKey"]["prefix"])
        assert key.last_used_at is None  # five requests, no write yet

        assert await flush_use() == 1
        await key.refresh_from_db()
        assert key.last_used_at is not None
        assert await flush_use() == 0  # nothing used since


async def test_a_key_over_its_limit_gets_429_and_logins_are_counted_apart(limited, dealer):
    created = await create_key(limited, dealer, "READ")
    other = await create_key(limited, dealer, "READ", name="other system")
    for _ in range(3):
        assert (await gql(limited, VIEWER, token=created["secret"]))["data"]["viewer"]

    response = await limited.post(
        "/graphql", json={"query": VIEWER}, headers={"Authorization": f"Bearer {created['secret']}"}
    )

    assert response.status_code == 429
    assert response.headers["retry-after"] == "60"
    assert response.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert (await gql(limited, VIEWER, token=other["secret"]))["data"]["viewer"]  # its own limit
    signed_in = await gql(limited, LOGIN, {"e": dealer.user.email, "p": "correct horse battery"})
    assert signed_in["data"]["login"]["token"]  # logins have their own limit, per address
