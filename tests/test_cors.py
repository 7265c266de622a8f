"""CORS on /graphql for the listed origins only: preflights pass, answers carry the headers;
any other origin gets no CORS header at all, and no cookie is ever allowed."""

from __future__ import annotations

import pytest

from api.app import create_app
from tests.conftest import settings_with
from tests.keys import VIEWER, real_http
from tests.servers import running

SPA = "https://app.dealer.example"
OTHER = "https://evil.example"


@pytest.fixture
async def http(database):
    app = create_app(settings_with(allowed_origins=SPA), manage_database=False)
    async with app.router.lifespan_context(app):
        async with running(app) as address, real_http(address) as client:
            yield client


def preflight(origin: str) -> dict[str, str]:
    return {
        "Origin": origin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type, idempotency-key",
    }


def cors_headers(response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k.startswith("access-control-")}


async def test_the_preflight_of_an_allowed_origin_passes(http):
    response = await http.options("/graphql", headers=preflight(SPA))

    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == SPA
    assert "POST" in response.headers["access-control-allow-methods"]
    allowed = response.headers["access-control-allow-headers"].lower()
    assert {"authorization", "content-type", "idempotency-key"} <= set(allowed.split(", "))
    assert "access-control-allow-credentials" not in response.headers


async def test_the_preflight_of_another_origin_fails_with_no_cors_header(http):
    response = await http.options("/graphql", headers=preflight(OTHER))

    assert response.status_code == 400
    assert cors_headers(response) == {}


async def test_answers_carry_cors_headers_for_the_allowed_origin_only(http):
    allowed = await http.post("/graphql", json={"query": VIEWER}, headers={"Origin": SPA})
    other = await http.post("/graphql", json={"query": VIEWER}, headers={"Origin": OTHER})

    assert allowed.status_code == 200 and other.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == SPA
    assert "x-request-id" in allowed.headers["access-control-expose-headers"].lower()
    assert cors_headers(other) == {}


async def test_other_routes_get_no_cors(http):
    response = await http.get("/healthz", headers={"Origin": SPA})
    assert cors_headers(response) == {}
