"""Reading threads: who sees which, filters, cursor pages, and SQL that does not grow with pages."""

from __future__ import annotations

import pytest

from api.app import create_app
from models.enums import Role
from tests.conftest import settings_with
from tests.graphql import gql
from tests.shipping import gid, payload
from tests.support import (
    ASSIGN_THREAD,
    MESSAGES_PAGE,
    NODE,
    RATE_THREAD,
    THREAD,
    THREADS,
    build_desk,
    open_thread,
    post,
    set_status,
)
from tests.test_query_count import counting_queries

PAGE = """
query ($first: Int!) {
  supportThreads(first: $first) {
    totalCount
    edges {
      node {
        id subject status
        dealer { name }
        group { name members { name } }
        assignee { name }
        shipment { waybill }
        slaTimers { kind dueAt status }
        rating { score agent { name } group { name } }
        messages(first: 2) {
          totalCount
          pageInfo { hasNextPage endCursor }
          edges { cursor node { body internal author { name } } }
        }
      }
    }
  }
}
"""
# The total, the page, then one batch each for the organizations, the groups, the users
# (assignees and authors), the shipments, the timers, the ratings, the messages and the members.
# The users are two batches (assignees, then the authors a level deeper) or one when both levels
# reach the loader in the same turn of the loop, which depends on how fast the database answers;
# so one fewer is allowed, and never more. The token's viewer is not counted: it is looked up or
# remembered (tests/test_remembered_viewers.py) depending on the access events before.
QUERIES_PER_PAGE = 11


@pytest.fixture
async def app(database):
    """The app without the late-pickup check, whose queries would count with the page's."""
    application = create_app(settings_with(pickup_check_seconds=0), manage_database=False)
    async with application.router.lifespan_context(application):
        await application.state.limits.reset()
        yield application


@pytest.fixture
async def desk(make):
    return await build_desk(make)


def ids(connection: dict) -> list[str]:
    return [edge["node"]["id"] for edge in connection["edges"]]


async def test_each_party_sees_its_own_threads(client, make, desk):
    mine = await open_thread(client, desk.dealer, subject="group A's")
    account = await open_thread(client, desk.dealer, category="ACCOUNT", topic="CREDIT_LINE")
    theirs = await open_thread(client, desk.other_dealer, subject="group B's")
    handed = await open_thread(client, desk.other_dealer, subject="for the back office")
    await payload(
        client,
        ASSIGN_THREAD,
        {"threadId": handed["id"], "assigneeId": desk.gid(desk.back_office)},
        desk.other_agent,
    )
    dispatcher = await make.party(Role.DISPATCHER)

    async def seen(party):
        return sorted(ids(await payload(client, THREADS, {}, party)))

    assert await seen(desk.admin) == sorted(t["id"] for t in (mine, account, theirs, handed))
    assert await seen(desk.dealer) == sorted([mine["id"], account["id"]])
    assert await seen(desk.other_dealer) == sorted([theirs["id"], handed["id"]])
    assert await seen(desk.agent) == [mine["id"]]  # its group; the account thread is not
    assert await seen(desk.other_agent) == sorted([theirs["id"], handed["id"]])
    assert await seen(desk.manager) == sorted([mine["id"], account["id"]])  # its dealer's
    assert await seen(desk.back_office) == [handed["id"]]
    assert await seen(dispatcher) == []
    assert await seen(desk.carrier) == []


async def test_a_hidden_thread_answers_like_a_missing_one(client, desk):
    thread = await open_thread(client, desk.dealer)
    missing = gid("SupportThread", 10**9)
    for party in (desk.other_dealer, desk.other_agent, desk.carrier):
        for document in (THREAD, NODE):
            hidden = await gql(client, document, {"id": thread["id"]}, token=party.token)
            assert hidden == await gql(client, document, {"id": missing}, token=party.token)
        reply = await post(client, party, thread, "hello")
        assert reply == await post(client, party, {"id": missing}, "hello")
        assert reply["errors"][0]["code"] == "NOT_FOUND"


async def test_filters_by_status_category_and_assignee(client, desk):
    enquiry = await open_thread(client, desk.dealer, category="ENQUIRY")
    complaint = await open_thread(client, desk.dealer, category="COMPLAINT")
    chat = await open_thread(client, desk.dealer)
    await set_status(client, desk.agent, complaint, "WAITING_ON_DEALER")
    await payload(
        client,
        ASSIGN_THREAD,
        {"threadId": chat["id"], "assigneeId": desk.gid(desk.agent)},
        desk.agent,
    )

    async def found(**wanted):
        return ids(await payload(client, THREADS, {"filter": wanted}, desk.agent))

    assert await found(status=["WAITING_ON_DEALER"]) == [complaint["id"]]
    assert await found(status=["NEW", "WAITING_ON_DEALER"]) == [
        chat["id"],
        complaint["id"],
        enquiry["id"],
    ]
    assert await found(category=["ENQUIRY", "TRANSPORT"]) == [chat["id"], enquiry["id"]]
    assert await found(assigneeId=desk.gid(desk.agent)) == [chat["id"]]
    assert await found(category=["ENQUIRY"], status=["OPEN"]) == []


async def test_threads_page_newest_first_with_cursors(client, desk):
    opened = [await open_thread(client, desk.dealer, subject=f"#{n}") for n in range(5)]

    first = await payload(client, THREADS, {"first": 2}, desk.dealer)
    second = await payload(
        client, THREADS, {"first": 2, "after": first["pageInfo"]["endCursor"]}, desk.dealer
    )
    last = await payload(
        client, THREADS, {"first": 2, "after": second["pageInfo"]["endCursor"]}, desk.dealer
    )

    newest_first = [t["id"] for t in reversed(opened)]
    assert ids(first) + ids(second) + ids(last) == newest_first
    assert [p["pageInfo"]["hasNextPage"] for p in (first, second, last)] == [True, True, False]
    assert first["totalCount"] == 5
    too_many = await gql(client, THREADS, {"first": 101}, token=desk.dealer.token)
    assert too_many["errors"][0]["extensions"]["code"] == "INVALID_INPUT"


async def test_messages_page_oldest_first(client, desk):
    thread = await open_thread(client, desk.dealer, body="m0")
    for n in range(1, 5):
        await post(client, desk.agent if n % 2 else desk.dealer, thread, f"m{n}")

    seen, after = [], None
    while True:
        page = await payload(
            client, MESSAGES_PAGE, {"id": thread["id"], "first": 2, "after": after}, desk.dealer
        )
        connection = page["messages"]
        seen += [edge["node"]["body"] for edge in connection["edges"]]
        assert connection["totalCount"] == 5
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
    assert seen == ["m0", "m1", "m2", "m3", "m4"]


@pytest.fixture
async def busy_desk(client, make, desk):
    for n in range(20):
        shipment = await make.shipment(customer=desk.dealer.organization_id)
        thread = await open_thread(
            client, desk.dealer, subject=f"#{n}", shipmentId=gid("Shipment", shipment.id)
        )
        await post(client, desk.agent, thread, "answer")
        await post(client, desk.agent, thread, "note", internal=True)
        await set_status(client, desk.agent, thread, "RESOLVED")
        rated = await payload(
            client, RATE_THREAD, {"threadId": thread["id"], "score": 4}, desk.dealer
        )
        assert rated["errors"] == []
    return desk


@pytest.mark.parametrize("size", [20, 3])
async def test_a_page_of_threads_costs_the_same_queries_whatever_its_size(client, busy_desk, size):
    with counting_queries() as statements:
        page = await payload(client, PAGE, {"first": size}, busy_desk.agent)

    assert len(page["edges"]) == size
    for edge in page["edges"]:
        node = edge["node"]
        assert node["group"]["members"] and node["shipment"] and node["rating"]["agent"]
        assert len(node["slaTimers"]) == 1
        assert node["messages"]["totalCount"] == 3
        assert len(node["messages"]["edges"]) == 2
    # The hub's relay reads the event log every second, whatever the request does.
    ours = [s for s in statements if "event_log" not in s and "access_token" not in s]
    assert QUERIES_PER_PAGE - 1 <= len(ours) <= QUERIES_PER_PAGE, "\n".join(ours)
