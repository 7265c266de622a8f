"""Refusals before an operation runs carry a code, over HTTP and over the socket alike, and
"Did you mean" helps in development only (in production it would name hidden fields)."""

from __future__ import annotations

import httpx2
import pytest

from api.app import create_app
from models.enums import Role
from tests import ws
from tests.conftest import settings_with
from tests.graphql import gql
from tests.servers import running

MISTYPED_FIELD = "{ viewr { email } }"
MISTYPED_ARGUMENT = "{ shipments(frist: 1) { totalCount } }"
MISTYPED_ENUM = "query ($o: ShipmentOrder!) { shipments(orderBy: $o) { totalCount } }"
MISTYPED_SUBSCRIPTION = 'subscription { shipmentTrackin(shipmentId: "x") { id } }'
TRACKING = "subscription ($id: ID!) { shipmentTracking(shipmentId: $id) { id } }"


@pytest.fixture(params=["development", "production"])
async def served(request, database):
    """(environment, HTTP client, socket address) of an app in each environment."""
    app = create_app(settings_with(env=request.param), manage_database=False)
    async with app.router.lifespan_context(app), running(app) as address:
        async with httpx2.AsyncClient(base_url=f"http://{address}") as http:
            yield request.param, http, address


async def test_suggestions_in_development_only(served, make):
    env, http, _ = served
    token = await make.token(await make.user(Role.DEALER))
    field = (await gql(http, MISTYPED_FIELD))["errors"][0]
    argument = (await gql(http, MISTYPED_ARGUMENT, token=token))["errors"][0]
    enum = (await gql(http, MISTYPED_ENUM, {"o": "NEWEST_FRST"}, token=token))["errors"][0]

    suggested = env == "development"
    assert field["message"].startswith("Cannot query field 'viewr' on type 'Query'.")
    assert ("Did you mean 'viewer'?" in field["message"]) is suggested
    assert ("Did you mean 'first'?" in argument["message"]) is suggested
    assert ("Did you mean the enum value 'NEWEST_FIRST'?" in enum["message"]) is suggested
    for error in (field, argument, enum):
        assert "Did you mean" in error["message"] or not suggested
    assert field["extensions"]["code"] == argument["extensions"]["code"]
    assert field["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert enum["extensions"] == {"code": "INVALID_INPUT", "field": ["o"]}


async def test_suggestions_over_the_socket_follow_the_environment(served):
    env, _, address = served
    async with await ws.connect(address) as socket:
        await ws.init(socket)
        operation = await ws.subscribe(socket, MISTYPED_SUBSCRIPTION)
        frame = await ws.receive(socket)
    assert (frame["id"], frame["type"]) == (operation, "error")
    (error,) = frame["payload"]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert ("Did you mean 'shipmentTracking'?" in error["message"]) is (env == "development")


async def test_http_request_errors_carry_a_code(client):
    parse = (await gql(client, "{ viewer { email }"))["errors"][0]
    assert parse["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    missing = await gql(client, "query ($n: Int!) { shipments(first: $n) { totalCount } }")
    assert missing["errors"][0]["extensions"]["code"] == "INVALID_INPUT"


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"query": "subscription {"}, "GRAPHQL_PARSE_FAILED"),
        ({"query": MISTYPED_SUBSCRIPTION}, "GRAPHQL_VALIDATION_FAILED"),
        ({"query": TRACKING, "operationName": "Nope"}, "BAD_REQUEST"),
        ({"query": TRACKING}, "INVALID_INPUT"),  # $id not given
        ({"query": TRACKING, "variables": {"id": "U2hpcG1lbnQ6OTk5"}}, "UNAUTHENTICATED"),
    ],
)
async def test_every_error_frame_carries_a_code(server, payload, code):
    async with await ws.connect(server) as socket:
        await ws.init(socket)
        await ws.send(socket, {"id": "op", "type": "subscribe", "payload": payload})
        frame = await ws.receive(socket)
    assert (frame["id"], frame["type"]) == ("op", "error")
    assert [error["extensions"]["code"] for error in frame["payload"]] == [code]


async def test_the_operation_over_the_limit_is_refused_with_a_code(database, make):
    app = create_app(settings_with(max_subscriptions_per_connection=1), manage_database=False)
    token = await make.token(await make.user(Role.DEALER))
    async with app.router.lifespan_context(app), running(app) as address:
        async with await ws.connect(address) as socket:
            await ws.init(socket, token)
            await ws.subscribe(socket, "subscription { organizationEvents { __typename } }")
            second = await ws.subscribe(
                socket, "subscription { organizationEvents { __typename } }"
            )
            frame = await ws.receive(socket)
    assert (frame["id"], frame["type"]) == (second, "error")
    assert frame["payload"][0]["extensions"] == {"code": "TOO_MANY_OPERATIONS", "limit": 1}
