"""Retention of the event log: CURSOR_EXPIRED past the window, resynchronisation by shipments
ordered by update, and pruning in batches beside writers, over real HTTP."""

from __future__ import annotations

import asyncio
import datetime as dt

import httpx2
import pytest

from models import clock
from models.events import Event, EventTopic
from resolvers.integrations.retention import prune
from tests.feeds import FEED, SHIPMENTS_BY_UPDATE, TIMELINE, key, read_feed
from tests.graphql import gql
from tests.shipping import ACCEPT_SHIPMENT, RECORD_EVENT, TRACK, book, payload

WINDOW = dt.timedelta(days=30)


@pytest.fixture
async def http(server) -> httpx2.AsyncClient:
    async with httpx2.AsyncClient(base_url=f"http://{server}") as client:
        yield client


async def record(http, party, shipment_id: str, event: str = "DELAYED") -> None:
    recorded = await payload(
        http, RECORD_EVENT, {"input": {"shipmentId": shipment_id, "type": event}}, party
    )
    assert recorded["errors"] == [], recorded


async def test_a_cursor_older_than_the_window_is_expired_and_the_client_resynchronises(
    http, dealer, carrier
):
    # given a shipment booked 40 days ago, and its feed cursor from then
    with clock.travel(clock.now() - dt.timedelta(days=40)):
        old = await book(http, dealer, reference="OLD")
        (booked, *_), stale = await read_feed(http, dealer)
    accepted = await payload(http, ACCEPT_SHIPMENT, {"id": old["id"]}, carrier)
    assert accepted["errors"] == []

    # when the client comes back with it
    refused = await gql(http, FEED, {"after": stale}, token=dealer.token)

    # then it is told to resynchronise, and where to go on from afterwards
    (error,) = refused["errors"]
    assert error["extensions"]["code"] == "CURSOR_EXPIRED"
    assert error["extensions"]["field"] == ["after"]
    assert "shipments(filter: {updatedAfter})" in error["message"]
    restart = error["extensions"]["restartCursor"]
    assert booked["type"] == "SHIPMENT_BOOKED"
    since = (clock.now() - dt.timedelta(days=41)).isoformat()
    changed = await gql(http, SHIPMENTS_BY_UPDATE, {"since": since}, token=dealer.token)
    (edge,) = changed["data"]["shipments"]["edges"]
    assert (edge["node"]["id"], edge["node"]["status"]) == (old["id"], "ACCEPTED")
    await record(http, carrier, old["id"])
    after_restart, _ = await read_feed(http, dealer, after=restart)
    assert [e["data"]["eventType"] for e in after_restart] == ["DELAYED"]
    # and a feed read from its start holds only what the log keeps
    whole, _ = await read_feed(http, dealer)
    assert "SHIPMENT_BOOKED" not in {e["type"] for e in whole}


async def test_pruning_forgets_old_events_in_batches_but_never_a_timeline(http, dealer, carrier):
    with clock.travel(clock.now() - dt.timedelta(days=31)):
        shipments = [await book(http, dealer, reference=f"OLD-{n}") for n in range(3)]
        _, stale = await read_feed(http, dealer)
    fresh = await book(http, dealer, reference="NEW")
    _, current = await read_feed(http, dealer)
    old = await Event.filter(recorded_at__lt=clock.now() - WINDOW).values_list("seq", flat=True)

    assert await prune(WINDOW, batch=2) == 3  # two batches
    assert await prune(WINDOW, batch=2) == 0

    assert await Event.all().count() == 1
    kept = await EventTopic.filter(seq__in=list(old)).values_list("topic", flat=True)
    assert len(old) == 3 and sorted(kept) == sorted(f"shipment:{key(s['id'])}" for s in shipments)
    for shipment in shipments:  # the timeline and the public tracking keep the old events
        result = await gql(http, TIMELINE, {"id": shipment["id"]}, token=dealer.token)
        assert [e["node"]["type"] for e in result["data"]["shipment"]["events"]["edges"]] == [
            "BOOKED"
        ]
        tracked = await gql(http, TRACK, {"waybill": shipment["waybill"]})
        assert [e["type"] for e in tracked["data"]["trackWaybill"]["events"]] == ["BOOKED"]
    expired = await gql(http, FEED, {"after": stale}, token=dealer.token)
    assert expired["errors"][0]["extensions"]["code"] == "CURSOR_EXPIRED"
    assert (await read_feed(http, dealer, after=current))[0] == []
    whole, _ = await read_feed(http, dealer)
    assert [(e["type"], e["data"]["shipmentId"]) for e in whole] == [
        ("SHIPMENT_BOOKED", fresh["id"]),
        ("TRACKING_EVENT_RECORDED", fresh["id"]),
    ]


async def test_writers_go_on_while_the_pruner_works(http, dealer, carrier):
    with clock.travel(clock.now() - dt.timedelta(days=40)):
        for n in range(30):
            await book(http, dealer, reference=f"OLD-{n}")
    shipment = await book(http, dealer, reference="LIVE")
    await payload(http, ACCEPT_SHIPMENT, {"id": shipment["id"]}, carrier)
    _, cursor = await read_feed(http, dealer)

    async def write() -> None:
        for _ in range(10):
            await record(http, carrier, shipment["id"])

    pruned, _ = await asyncio.gather(prune(WINDOW, batch=1), write())

    assert pruned == 30
    after, _ = await read_feed(http, dealer, after=cursor)
    assert [e["data"]["eventType"] for e in after] == ["DELAYED"] * 10


async def test_paging_by_update_misses_no_change_made_while_paging(http, dealer, carrier):
    before = [await book(http, dealer, reference=f"B-{n}") for n in range(2)]
    since = clock.now().isoformat()
    changed = [await book(http, dealer, reference=f"C-{n}") for n in range(5)]
    seen: list[str] = []
    after = None
    touched = False
    while True:
        variables = {"first": 2, "after": after, "since": since}
        result = await gql(http, SHIPMENTS_BY_UPDATE, variables, token=dealer.token)
        connection = result["data"]["shipments"]
        seen += [edge["node"]["id"] for edge in connection["edges"]]
        if not touched:  # a shipment already seen, and one before the window, change meanwhile
            for shipment in (changed[0], before[0]):
                accepted = await payload(http, ACCEPT_SHIPMENT, {"id": shipment["id"]}, carrier)
                assert accepted["errors"] == []
            touched = True
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]

    assert seen[:2] == [changed[0]["id"], changed[1]["id"]]
    assert set(seen) == {s["id"] for s in changed} | {before[0]["id"]}
    assert seen[-2:] == [changed[0]["id"], before[0]["id"]]  # the changes come again, at the end
    bad = await gql(http, SHIPMENTS_BY_UPDATE, {"after": "x"}, token=dealer.token)
    assert bad["errors"][0]["extensions"] == {"code": "INVALID_INPUT", "field": ["after"]}
