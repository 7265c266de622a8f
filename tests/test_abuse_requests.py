"""Attack class 6: malformed requests. Each is a 400 with a GraphQL error body, never a 500 or
a traceback in the error log; a subscription sent over HTTP is told to use the socket."""

from __future__ import annotations

import logging

import orjson
import pytest

from tests.abuse import post_raw
from tests.graphql import gql

VIEWER = '{"query": "{ viewer { email } }"}'
LIVE = "subscription ($id: ID!) { shipmentTracking(shipmentId: $id) { cursor } }"
MALFORMED = {
    "null": b"null",
    "a number": b"123",
    "true": b"true",
    "a string": b'"{ viewer { email } }"',
    "not UTF-8": b'{"query": "{ viewer { email \xff\xfe } }"}',
    "deeply nested": b'{"query": "{ viewer { email } }", "variables": '
    + b'{"a": ' * 2000
    + b"1"
    + b"}" * 2001,
    "a list nested deep": b"[" * 3000 + b"]" * 3000,
    "not JSON": b"{query: viewer}",
    "variables not an object": b'{"query": "{ viewer { email } }", "variables": [1]}',
    "query not a string": b'{"query": 42}',
    "empty": b"",
}


@pytest.fixture
def errors_logged(caplog):
    caplog.set_level(logging.INFO)
    yield lambda: [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("name", list(MALFORMED))
async def test_a_malformed_body_is_a_400_with_a_graphql_error(http, errors_logged, name):
    response = await post_raw(http, MALFORMED[name])

    assert response.status_code == 400, response.text
    body = response.json()
    assert body["errors"][0]["message"]
    assert body["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert errors_logged() == []


@pytest.mark.parametrize(
    "content_type", ["application/json; charset=latin-1", "application/json; charset=utf-16"]
)
async def test_a_charset_other_than_utf8_is_refused(http, errors_logged, content_type):
    response = await post_raw(http, VIEWER.encode("latin-1"), content_type)
    assert response.status_code == 400
    assert "UTF-8" in response.json()["errors"][0]["message"]
    assert errors_logged() == []


async def test_utf8_named_in_any_case_is_accepted(http):
    response = await post_raw(http, VIEWER.encode(), "application/json; charset=UTF-8")
    assert response.status_code == 200
    assert response.json() == {"data": {"viewer": None}}


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_a_subscription_over_http_is_told_to_use_the_websocket(http, errors_logged, method):
    variables = {"id": "U2hpcG1lbnQ6MQ"}
    if method == "GET":
        response = await http.get(
            "/graphql", params={"query": LIVE, "variables": orjson.dumps(variables).decode()}
        )
    else:
        response = await http.post("/graphql", json={"query": LIVE, "variables": variables})

    assert response.status_code == 400
    assert "WebSocket" in response.json()["errors"][0]["message"]
    assert errors_logged() == []


async def test_a_named_query_beside_a_subscription_still_runs(http):
    document = "query Q { viewer { email } } " + LIVE.replace("subscription", "subscription S")
    response = await http.post("/graphql", json={"query": document, "operationName": "Q"})
    assert response.status_code == 200
    assert response.json() == {"data": {"viewer": None}}


async def test_client_mistakes_in_documents_log_nothing_at_error(http, errors_logged):
    for document in ["{ viewer { email }", "{ nope }", "query ($a: Int!) { viewer { email } }"]:
        result = await gql(http, document)
        assert result["errors"]
    assert errors_logged() == []
