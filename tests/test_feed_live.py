"""The organizationEvents subscription over real sockets: replay after a cursor (also one in
the middle of a log row's events), then live, with no gap and no duplicate; tenants apart."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import httpx2
import pytest

from models import clock
from models.shipments.containers import LoadingStatus
from models.shipments.tables import ShipmentStatus
from tests import ws
from tests.feeds import FEED, key, read_feed
from tests.graphql import gql
from tests.shipping import ACCEPT_SHIPMENT, RECORD_EVENT, book, gid, payload

SUBSCRIBE = """
subscription ($after: String, $types: [EventType!]) {
  organizationEvents(after: $after, types: $types) { cursor type data subject { id } }
}
"""


@pytest.fixture
async def http(server) -> httpx2.AsyncClient:
    async with httpx2.AsyncClient(base_url=f"http://{server}") as client:
        yield client


async def next_events(socket, operation: str, count: int) -> list[dict[str, Any]]:
    events = []
    while len(events) < count:
        frame = await ws.receive(socket)
        assert frame["id"] == operation and frame["type"] == "next", frame
        event = frame["payload"]["data"]["organizationEvents"]
        events.append(event | {"data": json.loads(event["data"])})
    return events


async def nothing_more(socket) -> None:
    """No further frame: a ping is answered first, so a frame sent before would come first."""
    await ws.send(socket, {"type": "ping"})
    assert (await ws.receive(socket))["type"] == "pong"


async def record(http, party, target: dict[str, str], event: str) -> None:
    recorded = await payload(http, RECORD_EVENT, {"input": target | {"type": event}}, party)
    assert recorded["errors"] == [], recorded


async def subscribed(server: str, party, **variables: Any):
    socket = await ws.connect(server)
    assert (await ws.init(socket, party.token))["type"] == "connection_ack"
    return socket, await ws.subscribe(socket, SUBSCRIBE, variables)


def same(live: list[dict[str, Any]], paged: list[dict[str, Any]]) -> None:
    assert [(e["cursor"], e["type"], e["data"]) for e in live] == [
        (e["cursor"], e["type"], e["data"]) for e in paged
    ]


async def test_replay_from_inside_a_container_event_then_live_once_per_shipment(
    http, server, make, dealer, other_dealer, carrier, warehouse
):
    container = await make.container(status=LoadingStatus.LOADED)
    mine = [
        await make.shipment(
            customer=dealer.organization_id,
            carrier=carrier.organization_id,
            status=ShipmentStatus.LOADED,
            container=container,
        )
        for _ in range(2)
    ]
    await make.shipment(
        customer=other_dealer.organization_id, status=ShipmentStatus.LOADED, container=container
    )
    await record(http, warehouse, {"containerId": gid("Container", container.id)}, "DEPARTED")
    paged, _ = await read_feed(http, dealer)
    # one row: per shipment of the dealer a status change and the tracking event
    assert [(e["type"], key(e["data"]["shipmentId"])) for e in paged] == [
        ("SHIPMENT_STATUS_CHANGED", mine[0].id),
        ("TRACKING_EVENT_RECORDED", mine[0].id),
        ("SHIPMENT_STATUS_CHANGED", mine[1].id),
        ("TRACKING_EVENT_RECORDED", mine[1].id),
    ]

    socket, operation = await subscribed(server, dealer, after=paged[1]["cursor"])
    try:
        same(await next_events(socket, operation, 2), paged[2:])
        await record(http, warehouse, {"containerId": gid("Container", container.id)}, "ARRIVED")
        live = await next_events(socket, operation, 4)
        await nothing_more(socket)
    finally:
        await socket.close()

    after, _ = await read_feed(http, dealer, after=paged[-1]["cursor"])
    same(live, after)
    assert {key(e["data"]["shipmentId"]) for e in live} == {s.id for s in mine}
    assert [e["data"]["status"] for e in live] == ["ARRIVED"] * 4


async def test_a_live_subscriber_sees_what_a_page_reader_sees_and_only_its_own(
    http, server, dealer, other_dealer, carrier
):
    shipment = await book(http, dealer)
    await book(http, other_dealer)
    _, mine = await read_feed(http, dealer)
    _, others = await read_feed(http, other_dealer)
    socket, operation = await subscribed(
        server, dealer, after=mine, types=["SHIPMENT_STATUS_CHANGED"]
    )
    other, other_operation = await subscribed(server, other_dealer, after=others)
    try:
        theirs = await book(http, other_dealer)
        accepted = await payload(http, ACCEPT_SHIPMENT, {"id": shipment["id"]}, carrier)
        assert accepted["errors"] == []
        await record(http, carrier, {"shipmentId": shipment["id"]}, "ON_HOLD")
        live = await next_events(socket, operation, 2)
        await nothing_more(socket)
        heard = await next_events(other, other_operation, 2)
        await nothing_more(other)
    finally:
        await socket.close()
        await other.close()

    paged, _ = await read_feed(http, dealer, types=["SHIPMENT_STATUS_CHANGED"])
    same(live, paged)
    assert [e["data"]["status"] for e in live] == ["ACCEPTED", "ON_HOLD"]
    assert [(e["type"], e["data"]["shipmentId"]) for e in heard] == [
        ("SHIPMENT_BOOKED", theirs["id"]),
        ("TRACKING_EVENT_RECORDED", theirs["id"]),
    ]


async def test_a_carrier_subscriber_hears_only_what_it_carries(
    http, server, make, dealer, carrier, other_carrier, warehouse
):
    container = await make.container(status=LoadingStatus.LOADED)
    carried = await make.shipment(
        customer=dealer.organization_id,
        carrier=carrier.organization_id,
        status=ShipmentStatus.LOADED,
        container=container,
    )
    await make.shipment(
        customer=dealer.organization_id,
        carrier=other_carrier.organization_id,
        status=ShipmentStatus.LOADED,
        container=container,
    )
    socket, operation = await subscribed(server, carrier)
    try:
        await record(http, warehouse, {"containerId": gid("Container", container.id)}, "DEPARTED")
        live = await next_events(socket, operation, 2)
        await nothing_more(socket)
    finally:
        await socket.close()
    assert [(e["type"], key(e["data"]["shipmentId"])) for e in live] == [
        ("SHIPMENT_STATUS_CHANGED", carried.id),
        ("TRACKING_EVENT_RECORDED", carried.id),
    ]


async def test_an_expired_cursor_is_refused_at_subscribe_with_where_to_restart(
    http, server, dealer
):

    with clock.travel(clock.now() - dt.timedelta(days=45)):
        await book(http, dealer)
        _, stale = await read_feed(http, dealer)
    await book(http, dealer)
    socket, operation = await subscribed(server, dealer, after=stale)
    try:
        frame = await ws.receive(socket)
    finally:
        await socket.close()
    assert (frame["id"], frame["type"]) == (operation, "error")
    (error,) = frame["payload"]
    assert error["extensions"]["code"] == "CURSOR_EXPIRED"
    resumed = await gql(
        http, FEED, {"after": error["extensions"]["restartCursor"]}, token=dealer.token
    )
    assert resumed["data"]["organizationEvents"]["edges"] == []
