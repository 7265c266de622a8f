"""API keys on real sockets: signed in by connection_init, held to their scopes, and closed at
once when revoked, in this process and in another one."""

from __future__ import annotations

import asyncio

import pytest

from api.app import create_app
from models.enums import Role
from models.shipments.tables import ShipmentStatus
from tests import ws
from tests.conftest import settings_with
from tests.graphql import gql, refused
from tests.keys import REVOKE_API_KEY, create_key, real_http
from tests.processes import RedisServer, service
from tests.servers import running
from tests.shipping import booking, gid

TRACKING = "subscription ($id: ID!) { shipmentTracking(shipmentId: $id) { cursor description } }"
RECORD = """
mutation ($input: RecordTrackingEventInput!) {
  recordTrackingEvent(input: $input) { errors { code } }
}
"""
CREATE = (
    "mutation ($input: CreateShipmentInput!) { createShipment(input: $input) { errors { code } } }"
)


@pytest.fixture
async def slow_recheck(database):
    """The service with the periodic re-check an hour apart: only the revocation's event can
    close a socket within the test."""
    app = create_app(settings_with(token_recheck_seconds=3600), manage_database=False)
    async with app.router.lifespan_context(app):
        await app.state.limits.reset()
        async with running(app) as address:
            yield address


async def test_a_key_signs_a_socket_in_and_follows_its_shipments(server, make, dealer):
    warehouse = await make.party(Role.WAREHOUSE)
    shipment = await make.shipment(
        customer=dealer.organization_id, status=ShipmentStatus.AT_WAREHOUSE
    )
    async with real_http(server) as http:
        secret = (await create_key(http, dealer, "READ"))["secret"]
        async with await ws.connect(server) as socket:
            assert await ws.init(socket, secret) == {"type": "connection_ack"}
            operation = await ws.subscribe(socket, TRACKING, {"id": gid("Shipment", shipment.id)})
            await asyncio.sleep(0.3)  # live from the moment it joined: let it join first
            event = {"shipmentId": gid("Shipment", shipment.id), "type": "DELAYED"}
            recorded = await gql(
                http, RECORD, {"input": event | {"description": "late"}}, token=warehouse.token
            )
            assert recorded["data"]["recordTrackingEvent"]["errors"] == []
            frame = await ws.receive(socket)
            assert frame["id"] == operation
            assert frame["payload"]["data"]["shipmentTracking"]["description"] == "late"


async def test_a_read_key_cannot_mutate_over_the_socket_and_a_webhooks_key_cannot_read(
    server, dealer
):
    async with real_http(server) as http:
        reader = (await create_key(http, dealer, "READ"))["secret"]
        hooks = (await create_key(http, dealer, "WEBHOOKS", name="hooks"))["secret"]
    async with await ws.connect(server) as socket:
        await ws.init(socket, reader)
        operation = await ws.subscribe(socket, CREATE, {"input": booking()})
        frame = await ws.receive(socket)
        assert frame["id"] == operation
        assert frame["payload"]["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    async with await ws.connect(server) as socket:
        await ws.init(socket, hooks)
        operation = await ws.subscribe(socket, TRACKING, {"id": gid("Shipment", 1)})
        frame = await ws.receive(socket)
        assert frame["type"] == "error" and frame["id"] == operation
        assert frame["payload"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_revoking_a_key_closes_its_open_socket_at_once(slow_recheck, dealer):
    async with real_http(slow_recheck) as http:
        created = await create_key(http, dealer, "READ")
        async with await ws.connect(slow_recheck) as socket:
            assert await ws.init(socket, created["secret"]) == {"type": "connection_ack"}
            await ws.subscribe(socket, TRACKING, {"id": gid("Shipment", 1)})

            revoked = await gql(
                http, REVOKE_API_KEY, {"id": created["apiKey"]["id"]}, token=dealer.token
            )
            assert revoked["data"]["revokeApiKey"]["errors"] == []

            assert await ws.closed_with(socket) == 4403
        assert await refused(http, created["secret"]) == "revoked"


async def test_a_revoked_key_is_refused_at_connection_init(server, dealer):
    async with real_http(server) as http:
        created = await create_key(http, dealer, "READ")
        await gql(http, REVOKE_API_KEY, {"id": created["apiKey"]["id"]}, token=dealer.token)
    async with await ws.connect(server) as socket:
        await ws.send(
            socket,
            {
                "type": "connection_init",
                "payload": {"authorization": f"Bearer {created['secret']}"},
            },
        )
        assert await ws.closed_with(socket) == 4403


async def test_a_key_revoked_on_one_process_closes_its_socket_on_another(dealer):
    redis_server = RedisServer()
    await redis_server.start()
    try:
        env = {"BROADCAST_URL": redis_server.url, "CARGOLIVE_TOKEN_RECHECK_SECONDS": "3600"}
        async with service(**env) as (a, _), service(**env) as (b, _):
            async with real_http(b) as http:
                created = await create_key(http, dealer, "READ")
                async with await ws.connect(a) as socket:
                    assert await ws.init(socket, created["secret"]) == {"type": "connection_ack"}
                    await gql(
                        http, REVOKE_API_KEY, {"id": created["apiKey"]["id"]}, token=dealer.token
                    )
                    assert await ws.closed_with(socket) == 4403
    finally:
        await redis_server.stop()
