"""Persisted queries (api/persisted.py): the APQ protocol of Apollo Client and urql, GET by hash,
and the allow-list mode."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import httpx2
import strawberry.schema.schema as strawberry_schema

from api.app import create_app
from models.enums import Role
from schema import parsing
from tests.conftest import settings_with

VIEWER = "query Me { viewer { email } }"
OTHER = "query Them { viewer { name } }"


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def by_hash(text: str) -> dict[str, object]:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha(text)}}


async def post(client, body: dict[str, object], token: str | None = None) -> httpx2.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return await client.post("/graphql", json=body, headers=headers)


async def test_an_unknown_hash_asks_for_the_text_then_runs_by_hash_alone(client, make):
    token = await make.token(await make.user(Role.DEALER, email="apq@x.co"))

    unknown = await post(client, {"extensions": by_hash(VIEWER)}, token)
    assert unknown.status_code == 200
    error = unknown.json()["errors"][0]
    assert error["message"] == "PersistedQueryNotFound"
    assert error["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"

    sent = await post(client, {"query": VIEWER, "extensions": by_hash(VIEWER)}, token)
    assert sent.json() == {"data": {"viewer": {"email": "apq@x.co"}}}

    known = await post(client, {"extensions": by_hash(VIEWER)}, token)
    assert known.json() == {"data": {"viewer": {"email": "apq@x.co"}}}


async def test_a_known_hash_is_neither_parsed_nor_validated_again(client, make, monkeypatch):
    token = await make.token(await make.user(Role.DEALER))
    await post(client, {"query": VIEWER, "extensions": by_hash(VIEWER)}, token)
    calls = []
    validate = strawberry_schema.validate_document
    monkeypatch.setattr(
        strawberry_schema, "validate_document", lambda *a: calls.append(a) or validate(*a)
    )
    for module in (strawberry_schema, parsing):
        parse = module.parse
        monkeypatch.setattr(module, "parse", lambda *a, p=parse, **k: calls.append(a) or p(*a, **k))

    answer = await post(client, {"extensions": by_hash(VIEWER)}, token)

    assert "errors" not in answer.json()
    assert calls == []


async def test_a_query_by_hash_may_be_sent_with_get(client, make):
    token = await make.token(await make.user(Role.DEALER, email="get@x.co"))
    await post(client, {"query": VIEWER, "extensions": by_hash(VIEWER)}, token)

    answer = await client.get(
        "/graphql",
        params={"extensions": json.dumps(by_hash(VIEWER)), "operationName": "Me"},
        headers={"Authorization": f"Bearer {token}"},
    )

    assert answer.status_code == 200
    assert answer.json() == {"data": {"viewer": {"email": "get@x.co"}}}


async def test_a_hash_that_is_not_the_texts_is_refused_and_registers_nothing(client, make):
    token = await make.token(await make.user(Role.DEALER))
    wrong = {"query": VIEWER, "extensions": by_hash(OTHER)}

    refused = await post(client, wrong, token)
    assert refused.status_code == 400
    assert "provided sha does not match query" in refused.text

    later = await post(client, {"extensions": by_hash(OTHER)}, token)
    assert later.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


async def test_a_document_that_does_not_validate_is_not_registered(client, make):
    token = await make.token(await make.user(Role.DEALER))
    broken = "query { viewer { noSuchField } }"

    first = await post(client, {"query": broken, "extensions": by_hash(broken)}, token)
    assert first.json()["errors"]

    again = await post(client, {"extensions": by_hash(broken)}, token)
    assert again.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


async def test_bad_persisted_query_extensions_are_400_with_the_rule(client):
    version = await post(client, {"extensions": {"persistedQuery": {"version": 2}}})
    assert version.status_code == 400
    assert "version 1" in version.text
    digest = {"persistedQuery": {"version": 1, "sha256Hash": "abc"}}
    short = await post(client, {"extensions": digest})
    assert short.status_code == 400
    assert "64 hex digits" in short.text


async def test_allow_list_mode_runs_only_the_manifests_documents(database, make, tmp_path: Path):
    manifest = tmp_path / "manifest.json"
    manifest.write_text(
        json.dumps(
            {
                "format": "apollo-persisted-query-manifest",
                "version": 1,
                "operations": [{"id": sha(VIEWER), "name": "Me", "type": "query", "body": VIEWER}],
            }
        )
    )
    settings = settings_with(persisted_queries_file=manifest, persisted_queries_only=True)
    app = create_app(settings, manage_database=False)
    token = await make.token(await make.user(Role.DEALER, email="list@x.co"))
    async with app.router.lifespan_context(app):
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://test") as client:
            listed = await post(client, {"extensions": by_hash(VIEWER)}, token)
            as_text = await post(client, {"query": VIEWER}, token)
            other = await post(client, {"query": OTHER}, token)
            registering = await post(client, {"query": OTHER, "extensions": by_hash(OTHER)}, token)

    assert listed.json() == {"data": {"viewer": {"email": "list@x.co"}}}
    assert as_text.json() == {"data": {"viewer": {"email": "list@x.co"}}}
    for refused in (other, registering):
        assert refused.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_ALLOWED"
        assert "data" not in refused.json()
