"""The HTTP side of /graphql and the operations endpoints: compliance and hardening."""

from __future__ import annotations

import asyncio
import gc
import json
import shutil
from pathlib import Path

import httpx2
import pytest

from api.app import GC_THRESHOLDS, create_app
from models.enums import Role
from schema.parsing import parsed
from tests.conftest import settings_with
from tests.graphql import gql

AUDIT = Path(__file__).parent / "node"
VIEWER = "{ viewer { email } }"
LOGIN = 'mutation { login(email: "a@b.co", password: "x") { token } }'


async def test_the_graphql_over_http_audit_passes_every_audit(server):
    if shutil.which("node") is None or not (AUDIT / "node_modules").exists():
        pytest.fail("node and tests/node/node_modules are needed: run the README's test command")
    process = await asyncio.create_subprocess_exec(
        "node",
        str(AUDIT / "audit.mjs"),
        f"http://{server}/graphql",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, err.decode()
    results = json.loads(out)

    failed = [r for r in results if r["status"] != "ok"]
    assert len(results) >= 61
    assert [r for r in failed if r["name"].startswith("MUST")] == []
    assert failed == []  # the SHOULD audits pass too (README records the count)


async def test_get_runs_queries_but_never_mutations(client):
    query = await client.get("/graphql", params={"query": VIEWER})
    assert query.status_code == 200
    assert query.json() == {"data": {"viewer": None}}
    mutation = await client.get("/graphql", params={"query": LOGIN})
    assert mutation.status_code == 405


async def test_bodies_over_the_cap_are_refused(client, database):
    padding = "#" * (database.max_body_bytes + 1)
    response = await client.post(
        "/graphql",
        content=json.dumps({"query": VIEWER + padding}),
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413


def nested(depth: int) -> str:
    """viewer { organization { accountManager { organization { ... id } } } }, `depth` levels."""
    fields = ["organization", "accountManager"] * depth
    return "{ viewer { " + " { ".join(fields[: depth - 1]) + " { id" + " }" * depth + " }"


async def test_queries_over_the_depth_limit_are_refused(client, make, database):
    token = await make.token(await make.user(Role.DEALER))

    ok = await gql(client, nested(database.max_query_depth - 1), token=token)
    too_deep = await gql(client, nested(database.max_query_depth + 1), token=token)

    assert "errors" not in ok
    assert "exceeds maximum operation depth" in too_deep["errors"][0]["message"]


async def test_too_many_aliases_are_refused(client, database):
    aliases = " ".join(f"a{i}: viewer {{ email }}" for i in range(database.max_aliases + 1))
    result = await gql(client, "{ " + aliases + " }")
    assert result["data"] is None
    assert "aliases" in result["errors"][0]["message"]


async def test_a_query_sent_again_is_neither_parsed_nor_validated_again(client, make, monkeypatch):
    import strawberry.schema.schema as strawberry_schema

    token = await make.token(await make.user(Role.DEALER))
    validations = []
    validate = strawberry_schema.validate_document

    def counted(*args):
        validations.append(args[1])
        return validate(*args)

    monkeypatch.setattr(strawberry_schema, "validate_document", counted)
    await gql(client, nested(3), token=token)
    before = parsed.cache_info()
    validated = len(validations)

    result = await gql(client, nested(3), token=token)

    assert "errors" not in result
    now = parsed.cache_info()
    assert (now.hits, now.misses) == (before.hits + 1, before.misses)
    assert len(validations) == validated  # validated once, by its text


async def test_a_query_that_does_not_parse_gets_its_syntax_error_every_time(client):
    for _ in range(2):
        result = await gql(client, "{ viewer { email }")
        assert result["errors"][0]["message"].startswith("Syntax Error")


async def test_the_token_limit_holds_for_a_parsed_document_too(client, database):
    fields = " ".join(["__typename"] * database.max_tokens)
    for _ in range(2):
        result = await gql(client, "{ " + fields + " }")
        assert f"more than {database.max_tokens} tokens" in result["errors"][0]["message"]


async def test_introspection_is_off_in_production_unless_switched_on(database):
    query = "{ __schema { queryType { name } } }"
    for overrides, allowed in (
        ({"env": "production"}, False),
        ({"env": "production", "introspection": True}, True),
        ({"env": "development"}, True),
    ):
        app = create_app(settings_with(**overrides), manage_database=False)
        async with app.router.lifespan_context(app):
            transport = httpx2.ASGITransport(app=app)
            async with httpx2.AsyncClient(transport=transport, base_url="http://t") as http:
                result = await gql(http, query)
                ide = await http.get("/graphql", headers={"accept": "text/html"})
        assert ("errors" not in result) is allowed
        assert (ide.status_code == 200) is (overrides["env"] == "development")


async def test_unexpected_errors_are_masked_and_logged_with_the_request_id(
    client, make, monkeypatch, caplog
):
    from resolvers.accounts import users as accounts

    async def broken(**_: object):
        raise RuntimeError("database password is hunter2")

    monkeypatch.setattr(accounts, "login", broken)
    response = await client.post(
        "/graphql",
        json={"query": 'mutation { login(email: "a@b.co", password: "x") { token } }'},
        headers={"x-request-id": "req-42"},
    )

    body = response.json()
    assert "hunter2" not in response.text
    assert body["errors"][0]["message"].startswith("Unexpected error")
    assert response.headers["x-request-id"] == "req-42"
    logged = [r for r in caplog.records if r.name == "cargolive.errors"]
    assert logged and logged[0].request_id == "req-42"
    assert "hunter2" in str(logged[0].exc_info[1])


async def test_health_readiness_and_metrics(client):
    assert (await client.get("/healthz")).json() == {"status": "alive"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": True, "bus": True}
    await gql(client, VIEWER)
    metrics = (await client.get("/metrics")).text
    assert 'cargolive_http_requests_total{method="POST",route="/graphql",status="200"}' in metrics
    assert "cargolive_open_websockets" in metrics
    assert "cargolive_active_subscriptions" in metrics
    await gql(client, "{ viewr }")
    metrics = (await client.get("/metrics")).text
    assert 'cargolive_graphql_errors_total{code="GRAPHQL_VALIDATION_FAILED"}' in metrics


async def test_readiness_fails_when_the_bus_is_unreachable(database):
    from api.settings import load_settings

    settings = load_settings(broadcast_url="redis://127.0.0.1:1/0")
    app = create_app(settings, manage_database=False)
    # Redis down at start must not stop the process: readiness reports it instead.
    transport = httpx2.ASGITransport(app=app)
    async with httpx2.AsyncClient(transport=transport, base_url="http://t") as http:
        ready = await http.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["checks"] == {"database": True, "bus": False}


async def test_a_started_app_runs_the_middle_gc_generation_rarely(app):
    assert gc.get_threshold() == GC_THRESHOLDS


async def test_metrics_time_the_full_garbage_collections(client):
    def full_collections(text: str) -> float:
        counts = [
            float(line.rsplit(" ", 1)[1])
            for line in text.splitlines()
            if line.startswith('cargolive_gc_pause_seconds_count{generation="2"}')
        ]
        return counts[0] if counts else 0.0  # the series appears with its first collection

    before = full_collections((await client.get("/metrics")).text)
    gc.collect()
    assert full_collections((await client.get("/metrics")).text) == before + 1
