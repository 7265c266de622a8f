"""A dealer rates a thread once, 1 to 5, keeping the agent and group of that moment."""

from __future__ import annotations

import asyncio

import pytest

from tests.shipping import gid, payload
from tests.support import (
    ASSIGN_THREAD,
    RATE_THREAD,
    THREAD,
    build_desk,
    open_thread,
    post,
    set_status,
)


@pytest.fixture
async def desk(make):
    return await build_desk(make)


@pytest.fixture
async def resolved(client, desk) -> dict:
    thread = await open_thread(client, desk.dealer)
    await payload(
        client,
        ASSIGN_THREAD,
        {"threadId": thread["id"], "assigneeId": desk.gid(desk.agent)},
        desk.agent,
    )
    await post(client, desk.agent, thread, "Delivered this morning.")
    await set_status(client, desk.agent, thread, "RESOLVED")
    return thread


async def rate(client, party, thread, score: int, comment: str | None = None) -> dict:
    variables = {"threadId": thread["id"], "score": score, "comment": comment}
    return await payload(client, RATE_THREAD, variables, party)


async def test_a_rating_keeps_the_agent_and_group_of_its_moment(client, desk, resolved):
    rated = await rate(client, desk.dealer, resolved, 5, "  Quick and kind  ")
    assert rated["errors"] == []
    expected = {
        "score": 5,
        "comment": "Quick and kind",
        "agent": {"id": desk.gid(desk.agent)},
        "group": {"id": gid("SupportGroup", desk.group.id)},
    }
    assert rated["thread"]["rating"] == expected

    # Later the thread changes hands: the rating still names who served the dealer then.
    await set_status(client, desk.agent, resolved, "OPEN")
    await payload(
        client,
        ASSIGN_THREAD,
        {"threadId": resolved["id"], "assigneeId": desk.gid(desk.back_office)},
        desk.agent,
    )
    later = await payload(client, THREAD, {"id": resolved["id"]}, desk.dealer)
    assert later["assignee"] == {"id": desk.gid(desk.back_office)}
    assert later["rating"] == expected


async def test_without_an_assignee_the_agent_is_who_answered_last(client, desk):
    thread = await open_thread(client, desk.dealer)
    await post(client, desk.agent, thread, "First answer")
    await post(client, desk.manager, thread, "Second answer")
    await post(client, desk.agent, thread, "a note", internal=True)
    await post(client, desk.dealer, thread, "Thanks")
    await set_status(client, desk.dealer, thread, "CLOSED")

    rated = await rate(client, desk.dealer, thread, 4)

    assert rated["thread"]["rating"]["agent"] == {"id": desk.gid(desk.manager)}


async def test_a_thread_is_rated_once(client, desk, resolved):
    assert (await rate(client, desk.dealer, resolved, 3))["errors"] == []
    again = await rate(client, desk.dealer, resolved, 5)
    assert again["errors"][0]["code"] == "CONFLICT"
    current = await payload(client, THREAD, {"id": resolved["id"]}, desk.dealer)
    assert current["rating"]["score"] == 3


async def test_two_ratings_at_once_make_one(client, desk, resolved):
    results = await asyncio.gather(*(rate(client, desk.dealer, resolved, s) for s in (1, 5)))
    assert sorted(len(r["errors"]) for r in results) == [0, 1]
    assert [e["code"] for r in results for e in r["errors"]] == ["CONFLICT"]


@pytest.mark.parametrize(
    ("score", "comment", "field"),
    [(0, None, "score"), (6, None, "score"), (3, "x" * 1001, "comment")],
)
async def test_scores_and_comments_are_checked(client, desk, resolved, score, comment, field):
    refused = await rate(client, desk.dealer, resolved, score, comment)
    assert refused["errors"][0]["code"] == "INVALID_INPUT"
    assert refused["errors"][0]["field"] == [field]


async def test_a_thousand_characters_are_enough(client, desk, resolved):
    assert (await rate(client, desk.dealer, resolved, 2, "y" * 1000))["errors"] == []


async def test_an_open_thread_is_not_rated_yet(client, desk):
    thread = await open_thread(client, desk.dealer)
    refused = await rate(client, desk.dealer, thread, 5)
    assert refused["errors"][0]["code"] == "INVALID_TRANSITION"


async def test_only_the_threads_dealer_rates(client, desk, resolved):
    by_staff = await rate(client, desk.agent, resolved, 1)
    by_other = await rate(client, desk.other_dealer, resolved, 1)
    assert by_staff["errors"][0]["code"] == "FORBIDDEN"
    assert by_other["errors"][0]["code"] == "NOT_FOUND"
