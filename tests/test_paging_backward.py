"""`last`/`before` on the connections users scroll (shipments, a shipment's events, support
threads, a thread's messages): Relay's backward paging, the same pages as forwards in the same
order, with boundaries, totals and refusals that name the argument."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from models.enums import Role
from tests.graphql import gql
from tests.shipping import gid
from tests.support import build_desk, open_thread, post

PAGE_FIELDS = """
  totalCount
  pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  edges { cursor node { id } }
"""
ARGUMENTS = "$first: Int, $after: String, $last: Int, $before: String"
PAGING = "first: $first, after: $after, last: $last, before: $before"
SHIPMENTS = f"""
query ({ARGUMENTS}, $order: ShipmentOrder!) {{
  shipments({PAGING}, orderBy: $order) {{ {PAGE_FIELDS} }}
}}
"""
EVENTS = f"""
query ($id: ID!, {ARGUMENTS}) {{
  shipment(id: $id) {{ events({PAGING}) {{ {PAGE_FIELDS} }} }}
}}
"""
THREADS = f"query ({ARGUMENTS}) {{ supportThreads({PAGING}) {{ {PAGE_FIELDS} }} }}"
MESSAGES = f"""
query ($id: ID!, {ARGUMENTS}) {{
  supportThread(id: $id) {{ messages({PAGING}) {{ {PAGE_FIELDS} }} }}
}}
"""
RECORD = """
mutation ($input: RecordTrackingEventInput!) {
  recordTrackingEvent(input: $input) { errors { code } }
}
"""
COUNT = 5

Fetch = Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]


def fetcher(client, document: str, token: str, **fixed: Any) -> Fetch:
    async def fetch(variables: dict[str, Any]) -> dict[str, Any]:
        result = await gql(client, document, fixed | variables, token=token)
        assert "errors" not in result, result
        (connection,) = result["data"].values()
        while "edges" not in connection:  # shipment { events } and supportThread { messages }
            (connection,) = connection.values()
        return connection

    return fetch


def ids(connection: dict[str, Any]) -> list[str]:
    return [edge["node"]["id"] for edge in connection["edges"]]


async def pages_backwards(fetch: Fetch, last: int) -> list[dict[str, Any]]:
    pages, before = [], None
    while True:
        page = await fetch({"last": last, "before": before})
        pages.append(page)
        if not page["pageInfo"]["hasPreviousPage"]:
            return pages
        before = page["pageInfo"]["startCursor"]


async def holds_relays_backward_paging(fetch: Fetch) -> None:
    forwards = await fetch({"first": 100})
    everything = ids(forwards)
    assert len(everything) == COUNT and forwards["totalCount"] == COUNT

    pages = await pages_backwards(fetch, 2)

    # the last two, then the two before them, ...: each page in the list's own order
    assert [ids(page) for page in pages] == [everything[3:5], everything[1:3], everything[0:1]]
    assert all(page["totalCount"] == COUNT for page in pages)
    first_page, *_, last_page = pages
    assert first_page["pageInfo"]["hasNextPage"] is False  # from the end: nothing follows
    assert first_page["pageInfo"]["hasPreviousPage"] is True
    assert last_page["pageInfo"]["hasNextPage"] is True  # a page before a cursor
    assert last_page["pageInfo"]["hasPreviousPage"] is False
    for page in pages:  # cursors are the same as forwards: either way continues from them
        assert page["edges"][0]["cursor"] == page["pageInfo"]["startCursor"]
        assert page["edges"][-1]["cursor"] == page["pageInfo"]["endCursor"]
    assert [e["cursor"] for e in forwards["edges"][3:5]] == [e["cursor"] for e in pages[0]["edges"]]
    onwards = await fetch({"first": 10, "after": pages[1]["pageInfo"]["endCursor"]})
    assert ids(onwards) == everything[3:5]

    # boundaries
    everything_back = await fetch({"last": 10})
    assert ids(everything_back) == everything
    assert everything_back["pageInfo"]["hasPreviousPage"] is False
    exactly = await fetch({"last": COUNT})
    assert ids(exactly) == everything and exactly["pageInfo"]["hasPreviousPage"] is False
    one_short = await fetch({"last": COUNT - 1})
    assert ids(one_short) == everything[1:] and one_short["pageInfo"]["hasPreviousPage"] is True
    nothing = await fetch({"last": 0})
    assert nothing["edges"] == [] and nothing["totalCount"] == COUNT
    before_the_first = await fetch({"last": 2, "before": forwards["edges"][0]["cursor"]})
    assert before_the_first["edges"] == [] and before_the_first["totalCount"] == COUNT
    assert before_the_first["pageInfo"]["hasPreviousPage"] is False
    assert before_the_first["pageInfo"]["hasNextPage"] is True
    default = await fetch({"before": forwards["edges"][-1]["cursor"]})  # 20 when last is absent
    assert ids(default) == everything[:-1]


async def test_shipments_page_backwards_in_both_orders(client, make, dealer):
    for _ in range(COUNT):
        await make.shipment(customer=dealer.organization_id)
    for order in ("NEWEST_FIRST", "UPDATED_AT_ASC"):
        await holds_relays_backward_paging(fetcher(client, SHIPMENTS, dealer.token, order=order))


async def test_a_shipments_events_page_backwards(client, make, dealer, warehouse):
    shipment = await make.shipment(customer=dealer.organization_id)
    for number in range(COUNT):
        event = {"shipmentId": gid("Shipment", shipment.id), "type": "DELAYED"}
        recorded = await gql(
            client, RECORD, {"input": event | {"description": f"{number}"}}, token=warehouse.token
        )
        assert recorded["data"]["recordTrackingEvent"]["errors"] == []
    await holds_relays_backward_paging(
        fetcher(client, EVENTS, dealer.token, id=gid("Shipment", shipment.id))
    )


async def test_threads_and_messages_page_backwards(client, make):
    desk = await build_desk(make)
    threads = [await open_thread(client, desk.dealer) for _ in range(COUNT)]
    for number in range(COUNT - 1):  # and the opening message: five
        await post(client, desk.dealer, threads[0], f"follow-up {number}")

    await holds_relays_backward_paging(fetcher(client, THREADS, desk.dealer.token))
    await holds_relays_backward_paging(
        fetcher(client, MESSAGES, desk.dealer.token, id=threads[0]["id"])
    )


@pytest.mark.parametrize(
    ("variables", "field"),
    [
        ({"first": 2, "last": 2}, "last"),
        ({"after": "azox", "before": "azoy"}, "before"),
        ({"first": 2, "before": "azox"}, "first"),
        ({"last": 2, "after": "azox"}, "after"),
        ({"last": 101}, "last"),
        ({"last": -1}, "last"),
        ({"last": 2, "before": "not a cursor"}, "before"),
    ],
)
async def test_refusals_name_the_argument(client, make, dealer, variables, field):
    shipment = await make.shipment(customer=dealer.organization_id)
    for document, fixed in (
        (SHIPMENTS, {"order": "NEWEST_FIRST"}),
        (SHIPMENTS, {"order": "UPDATED_AT_ASC"}),
        (EVENTS, {"id": gid("Shipment", shipment.id)}),
    ):
        result = await gql(client, document, fixed | variables, token=dealer.token)
        (error,) = result["errors"]
        assert error["extensions"] == {"code": "INVALID_INPUT", "field": [field]}, document
    desk = await build_desk(make)
    thread = await open_thread(client, desk.dealer)
    for document, fixed in ((THREADS, {}), (MESSAGES, {"id": thread["id"]})):
        result = await gql(client, document, fixed | variables, token=desk.dealer.token)
        (error,) = result["errors"]
        assert error["extensions"] == {"code": "INVALID_INPUT", "field": [field]}, document


async def test_a_backward_page_costs_what_a_forward_one_does(client, make):
    admin = await make.party(Role.ADMIN)
    heavy = """query { shipments(last: 100) { edges { node { events(last: 100) { edges { node {
      container { events(last: 100) { totalCount } } } } } } } } }"""
    refusals = [
        (await gql(client, query, token=admin.token))["errors"][0]["extensions"]
        for query in (heavy, heavy.replace("last", "first"))
    ]
    assert refusals[0]["code"] == "QUERY_TOO_COSTLY"
    assert refusals[0] == refusals[1]


SHIPMENTS_WITH_EVENTS = f"""
query ({ARGUMENTS}) {{
  shipments(first: 10) {{ edges {{ node {{ id events({PAGING}) {{ {PAGE_FIELDS} }} }} }} }}
}}
"""


async def test_several_shipments_events_pages_in_one_query_are_each_their_own(
    client, make, dealer, warehouse
):
    """The events pages of a list of shipments are read in one statement, a branch per
    shipment reading only its page: each page must still be the one its shipment alone gives,
    with its own total, whatever cursor is asked (one of another shipment's included)."""
    counts = (0, 3, 7)
    shipments = [await make.shipment(customer=dealer.organization_id) for _ in counts]
    for shipment, count in zip(shipments, counts, strict=True):
        for number in range(count):
            event = {"shipmentId": gid("Shipment", shipment.id), "type": "DELAYED"}
            recorded = await gql(
                client,
                RECORD,
                {"input": event | {"description": f"{number}"}},
                token=warehouse.token,
            )
            assert recorded["data"]["recordTrackingEvent"]["errors"] == []
    alone = {}
    for shipment in shipments:
        fetch = fetcher(client, EVENTS, dealer.token, id=gid("Shipment", shipment.id))
        alone[gid("Shipment", shipment.id)] = fetch
    everything = {key: await fetch({"first": 100}) for key, fetch in alone.items()}
    cursors = [edge["cursor"] for page in everything.values() for edge in page["edges"]]
    windows = [{"first": 2}, {"last": 2}, {"first": 0}, {"last": 0}]
    windows += [{"first": 2, "after": cursor} for cursor in cursors]
    windows += [{"last": 3, "before": cursor} for cursor in cursors]
    for window in windows:
        together = await gql(client, SHIPMENTS_WITH_EVENTS, window, token=dealer.token)
        assert "errors" not in together, together
        nodes = [edge["node"] for edge in together["data"]["shipments"]["edges"]]
        assert {node["id"] for node in nodes} == set(alone)
        for node in nodes:
            assert node["events"] == await alone[node["id"]](window), (window, node["id"])
            assert node["events"]["totalCount"] == len(everything[node["id"]]["edges"])
