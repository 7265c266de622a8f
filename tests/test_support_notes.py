"""Internal notes never reach a dealer: not in any query, count, page, `node`, or stream.

Every dealer-facing response is taken before and after staff write notes, and the whole
responses must be equal: nothing tells that a note exists.
"""

from __future__ import annotations

import asyncio

import pytest

from tests import ws
from tests.graphql import gql
from tests.shipping import gid, payload
from tests.support import (
    MESSAGES_PAGE,
    NODE,
    THREAD,
    THREAD_MESSAGES,
    THREADS,
    build_desk,
    open_thread,
    post,
)


@pytest.fixture
async def desk(make):
    return await build_desk(make)


@pytest.fixture
async def thread(client, desk) -> dict:
    opened = await open_thread(client, desk.dealer)
    await post(client, desk.agent, opened, "We are on it.")
    await post(client, desk.dealer, opened, "Thanks!")
    return opened


async def dealer_views(client, desk, thread) -> list[dict]:
    """Everything a dealer can ask about its thread and its messages."""
    views = [
        await gql(client, THREAD, {"id": thread["id"]}, token=desk.dealer.token),
        await gql(client, THREADS, {}, token=desk.dealer.token),
        await gql(client, NODE, {"id": thread["id"]}, token=desk.dealer.token),
    ]
    after = None
    while True:  # page through the messages one at a time
        page = await gql(
            client,
            MESSAGES_PAGE,
            {"id": thread["id"], "first": 1, "after": after},
            token=desk.dealer.token,
        )
        views.append(page)
        connection = page["data"]["supportThread"]["messages"]
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
    return views


async def test_notes_change_nothing_a_dealer_sees(client, desk, thread):
    before = await dealer_views(client, desk, thread)

    notes = [
        await post(client, party, thread, f"note {n}: dealer is difficult", internal=True)
        for n, party in enumerate((desk.agent, desk.manager, desk.admin))
    ]

    assert all(note["errors"] == [] and note["message"]["internal"] for note in notes)
    assert await dealer_views(client, desk, thread) == before
    assert before[0]["data"]["supportThread"]["messages"]["totalCount"] == 3
    # Staff see the notes, in order, and count them.
    staff = await payload(client, THREAD, {"id": thread["id"]}, desk.agent)
    bodies = [edge["node"]["body"] for edge in staff["messages"]["edges"]]
    assert staff["messages"]["totalCount"] == 6
    assert bodies[3:] == [f"note {n}: dealer is difficult" for n in range(3)]


async def test_a_note_by_id_answers_like_a_missing_message(client, desk, thread):
    note = await post(client, desk.agent, thread, "internal", internal=True)
    note_id = note["message"]["id"]

    hidden = await gql(client, NODE, {"id": note_id}, token=desk.dealer.token)
    missing = await gql(client, NODE, {"id": gid("SupportMessage", 10**9)}, token=desk.dealer.token)
    shown = await gql(client, NODE, {"id": note_id}, token=desk.agent.token)

    assert hidden == missing == {"data": {"node": None}}
    assert shown["data"]["node"]["internal"] is True


async def test_a_dealer_cannot_write_a_note(client, desk, thread):
    refused = await post(client, desk.dealer, thread, "psst", internal=True)

    assert refused["message"] is None
    assert refused["errors"][0]["code"] == "FORBIDDEN"
    assert refused["errors"][0]["field"] == ["internal"]


async def test_a_note_cursor_skips_to_the_next_public_message(client, desk, thread):
    note = await post(client, desk.agent, thread, "internal", internal=True)
    await post(client, desk.agent, thread, "public again")

    page = await payload(
        client, MESSAGES_PAGE, {"id": thread["id"], "after": note["message"]["cursor"]}, desk.dealer
    )

    assert [edge["node"]["body"] for edge in page["messages"]["edges"]] == ["public again"]
    assert page["messages"]["totalCount"] == 4


async def test_a_dealers_stream_never_carries_a_note_live_or_replayed(server, client, desk, thread):
    first_cursor = thread["messages"]["edges"][0]["cursor"]
    async with await ws.connect(server) as dealer_socket, await ws.connect(server) as staff_socket:
        await ws.init(dealer_socket, desk.dealer.token)
        await ws.init(staff_socket, desk.agent.token)
        variables = {"threadId": thread["id"], "after": first_cursor}
        await ws.subscribe(dealer_socket, THREAD_MESSAGES, variables)
        await ws.subscribe(staff_socket, THREAD_MESSAGES, variables)
        replayed = [await ws.receive(dealer_socket) for _ in range(2)]
        await asyncio.sleep(0.2)

        await post(client, desk.agent, thread, "live note", internal=True)
        await post(client, desk.agent, thread, "live reply")

        dealer_frames = [await ws.receive(dealer_socket)]
        with pytest.raises(TimeoutError):
            await ws.receive(dealer_socket, timeout=0.5)
        staff_frames = [await ws.receive(staff_socket) for _ in range(4)]

    def bodies(frames):
        return [f["payload"]["data"]["supportThreadMessages"]["body"] for f in frames]

    assert bodies(replayed) == ["We are on it.", "Thanks!"]
    assert bodies(dealer_frames) == ["live reply"]
    assert bodies(staff_frames) == ["We are on it.", "Thanks!", "live note", "live reply"]
    assert all(not f["payload"]["data"]["supportThreadMessages"]["internal"] for f in dealer_frames)
