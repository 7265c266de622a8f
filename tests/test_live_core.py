"""The live machinery over real sockets: replay + live with no gap or duplicate, isolation,
the graphql-transport-ws close codes, token revocation and slow consumers."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import socket as sockets
from pathlib import Path

import pytest
import websockets

from api.app import create_app
from models.enums import Role
from resolvers.accounts.users import revoke_token
from resolvers.pagination import encode_cursor
from schema import rendering
from schema.parsing import PerSchema
from tests import live, ws
from tests.conftest import settings_with
from tests.servers import running


@pytest.fixture
async def live_server(database):
    app = create_app(
        settings_with(connection_init_timeout_seconds=0.5, token_recheck_seconds=0.2),
        manage_database=False,
        schema=live.schema,
    )
    async with app.router.lifespan_context(app), running(app) as address:
        yield address


@pytest.fixture
async def staff_token(make):
    return await make.token(await make.user(Role.DISPATCHER))


async def next_notes(socket, count: int, operation: str | None = None) -> list[int]:
    notes = []
    while len(notes) < count:
        frame = await ws.receive(socket)
        assert frame["type"] == "next", frame
        if operation is not None:
            assert frame["id"] == operation
        notes.append(frame["payload"]["data"]["ticks"]["note"])
    return notes


async def silent(socket, seconds: float = 0.5) -> bool:
    try:
        frame = await asyncio.wait_for(socket.recv(), seconds)
    except TimeoutError:
        return True
    pytest.fail(f"unexpected frame {frame}")


async def test_a_committed_event_reaches_every_subscriber(live_server, staff_token):
    async with await ws.connect(live_server) as a, await ws.connect(live_server) as b:
        for socket in (a, b):
            await ws.init(socket, staff_token)
            await ws.subscribe(socket, live.TICKS, {"room": 1})
        await asyncio.sleep(0.2)

        await live.tick(1, note=7)
        await live.tick(2, note=8)  # another room: not theirs

        assert await next_notes(a, 1) == [7]
        assert await next_notes(b, 1) == [7]
        assert await silent(a, 0.3)


async def test_a_cursor_replays_exactly_the_missed_events_then_goes_live(live_server, staff_token):
    seqs = [await live.tick(3, note=n) for n in range(1, 6)]
    async with await ws.connect(live_server) as socket:
        await ws.init(socket, staff_token)
        first = await ws.subscribe(socket, live.TICKS, {"room": 3})
        await asyncio.sleep(0.2)  # without a cursor a stream starts when it is established
        await live.tick(3, note=6)
        assert await next_notes(socket, 1) == [6]  # no cursor: live only
        await ws.send(socket, {"id": first, "type": "complete"})

        cursor = encode_cursor(seqs[1])
        await ws.subscribe(socket, live.TICKS, {"room": 3, "after": cursor})
        assert await next_notes(socket, 4) == [3, 4, 5, 6]
        await live.tick(3, note=7)
        assert await next_notes(socket, 1) == [7]
        assert await silent(socket, 0.3)


async def test_the_seam_under_concurrent_writers_has_no_gap_and_no_duplicate(
    live_server, staff_token
):
    first = await live.tick(4, note=0)

    async def writer(start: int) -> None:
        for n in range(start, start + 40):
            await live.tick(4, note=n)

    async with await ws.connect(live_server) as socket:
        await ws.init(socket, staff_token)
        writers = [asyncio.create_task(writer(k * 1000)) for k in (1, 2, 3)]
        await asyncio.sleep(0.05)  # subscribe while the writers are mid-way
        await ws.subscribe(socket, live.TICKS, {"room": 4, "after": encode_cursor(first)})
        await asyncio.gather(*writers)
        received = await next_notes(socket, 120)
        assert await silent(socket, 0.5)

    assert sorted(received) == sorted(n for k in (1, 2, 3) for n in range(k * 1000, k * 1000 + 40))
    assert len(set(received)) == 120
    # in commit order: each writer's own events keep their order
    for k in (1, 2, 3):
        mine = [n for n in received if k * 1000 <= n < (k + 1) * 1000]
        assert mine == sorted(mine)


async def test_another_organization_receives_no_frame(live_server, make):
    mine = await make.user(Role.DEALER)
    theirs = await make.user(Role.DEALER)
    async with await ws.connect(live_server) as a, await ws.connect(live_server) as b:
        await ws.init(a, await make.token(mine))
        await ws.init(b, await make.token(theirs))
        await ws.subscribe(a, live.TICKS, {"room": 5})
        await ws.subscribe(b, live.TICKS, {"room": 5})
        await asyncio.sleep(0.2)

        await live.tick(5, note=1, orgs={mine.organization_id})

        assert await next_notes(a, 1) == [1]
        assert await silent(b, 0.5)


async def test_a_document_is_checked_once_however_many_sockets_send_it(
    live_server, staff_token, monkeypatch
):
    checked: list[str] = []
    check = rendering._check

    def counted(schema, key):
        checked.append(key[0])  # the query text
        return check(schema, key)

    monkeypatch.setattr(rendering, "_CHECKED", PerSchema(256))
    monkeypatch.setattr(rendering, "_check", counted)
    for room, note in ((13, 1), (14, 2)):
        async with await ws.connect(live_server) as socket:
            await ws.init(socket, staff_token)
            await ws.subscribe(socket, live.TICKS, {"room": room})
            await asyncio.sleep(0.2)
            await live.tick(room, note=note)
            assert await next_notes(socket, 1) == [note]
            for _ in range(2):  # an invalid document keeps its errors
                operation = await ws.subscribe(socket, "subscription { ticks { nope } }")
                frame = await ws.receive(socket)
                assert (frame["type"], frame["id"]) == ("error", operation)

    assert checked == [live.TICKS, "subscription { ticks { nope } }"]  # sent six times


async def test_an_invisible_object_is_a_not_found_error(live_server, staff_token):
    async with await ws.connect(live_server) as socket:
        await ws.init(socket, staff_token)
        operation = await ws.subscribe(socket, live.TICKS, {"room": -1})
        frame = await ws.receive(socket)
        assert frame["type"] == "error" and frame["id"] == operation
        assert frame["payload"][0]["extensions"]["code"] == "NOT_FOUND"


@pytest.mark.parametrize(
    ("frames", "code"),
    [
        (["not json"], 4400),
        (["1"], 4400),
        (['{"type": "frobnicate"}'], 4400),
        (['{"type": "subscribe", "id": "1", "payload": {"query": "{ ping }"}}'], 4401),
        (['{"type": "connection_init"}', '{"type": "connection_init"}'], 4429),
    ],
)
async def test_protocol_violations_close_with_their_codes(live_server, frames, code):
    async with await ws.connect(live_server) as socket:
        for frame in frames:
            await socket.send(frame)
        assert await ws.closed_with(socket) == code


async def test_no_connection_init_in_time_closes_with_4408(live_server):
    async with await ws.connect(live_server) as socket:
        assert await ws.closed_with(socket, 3) == 4408


async def test_a_duplicate_operation_id_closes_with_4409(live_server, staff_token):
    async with await ws.connect(live_server) as socket:
        await ws.init(socket, staff_token)
        message = {
            "id": "same",
            "type": "subscribe",
            "payload": {"query": live.TICKS, "variables": {"room": 6}},
        }
        await ws.send(socket, message)
        await ws.send(socket, message)
        assert await ws.closed_with(socket) == 4409


async def test_ping_pong_queries_and_complete_both_ways(live_server, staff_token):
    async with await ws.connect(live_server) as socket:
        await ws.init(socket, staff_token)
        await ws.send(socket, {"type": "ping"})
        assert await ws.receive(socket) == {"type": "pong"}
        query = await ws.subscribe(socket, "{ ping }")
        assert await ws.receive(socket) == {
            "id": query,
            "type": "next",
            "payload": {"data": {"ping": True}},
        }
        assert await ws.receive(socket) == {"id": query, "type": "complete"}

        operation = await ws.subscribe(socket, live.TICKS, {"room": 7})
        await asyncio.sleep(0.1)
        await ws.send(socket, {"id": operation, "type": "complete"})
        await asyncio.sleep(0.1)
        await live.tick(7, note=1)
        assert await silent(socket, 0.4)


async def test_a_revoked_token_closes_the_socket_with_4403(live_server, make):
    user = await make.user(Role.DISPATCHER)
    token = await make.token(user)
    async with await ws.connect(live_server) as socket:
        await ws.init(socket, token)
        await ws.subscribe(socket, live.TICKS, {"room": 8})
        await revoke_token(token)
        assert await ws.closed_with(socket, 3) == 4403


async def test_a_socket_closes_with_4403_when_its_token_expires(live_server, make):
    token = await make.token(await make.user(Role.DISPATCHER), ttl=dt.timedelta(seconds=1))
    async with await ws.connect(live_server) as socket:
        await ws.init(socket, token)
        await ws.subscribe(socket, live.TICKS, {"room": 12})
        assert await ws.closed_with(socket, 5) == 4403


async def test_a_subscriber_that_stops_reading_is_closed_while_others_keep_up(database, make):
    app = create_app(
        settings_with(socket_outbox_frames=4), manage_database=False, schema=live.schema
    )
    token = await make.token(await make.user(Role.DISPATCHER))
    async with app.router.lifespan_context(app), running(app) as address:
        raw = sockets.socket()
        raw.setsockopt(sockets.SOL_SOCKET, sockets.SO_RCVBUF, 4096)
        host, port = address.split(":")
        raw.connect((host, int(port)))
        slow = await websockets.connect(
            f"ws://{address}/graphql",
            subprotocols=[ws.PROTOCOL],
            sock=raw,
            max_queue=1,
            compression=None,
        )
        fast = await ws.connect(address)
        for socket in (slow, fast):
            await ws.init(socket, token)
            await ws.subscribe(socket, live.HEAVY_TICKS, {"room": 9})
        await asyncio.sleep(0.2)

        async def keep_reading() -> list[int]:
            return await next_notes(fast, 300)

        reader = asyncio.create_task(keep_reading())
        for n in range(300):
            await live.tick(9, note=n)
        assert await asyncio.wait_for(reader, 60) == list(range(300))
        assert await ws.closed_with(slow, 30) == 1013
        await fast.close()


async def test_the_graphql_ws_reference_client_subscribes_and_receives(live_server, staff_token):
    node = Path(__file__).parent / "node"
    process = await asyncio.create_subprocess_exec(
        "node",
        str(node / "subscribe.mjs"),
        f"ws://{live_server}/graphql",
        staff_token,
        live.TICKS,
        '{"room": 11}',
        "3",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    assert await asyncio.wait_for(process.stdout.readline(), 10) == b"subscribed\n"
    await asyncio.sleep(0.5)  # the client connects and subscribes after it says so
    for note in (1, 2, 3):
        await live.tick(11, note=note)
    out, err = await asyncio.wait_for(process.communicate(), 20)
    assert process.returncode == 0, err.decode()
    payloads = [json.loads(line) for line in out.decode().splitlines()]
    assert [p["data"]["ticks"]["note"] for p in payloads] == [1, 2, 3]


async def test_subscriptions_per_connection_are_capped(database, make):
    app = create_app(
        settings_with(max_subscriptions_per_connection=2), manage_database=False, schema=live.schema
    )
    token = await make.token(await make.user(Role.DISPATCHER))
    async with app.router.lifespan_context(app), running(app) as address:
        async with await ws.connect(address) as socket:
            await ws.init(socket, token)
            # from a cursor: subscribe has no answer, so a tick could otherwise commit first
            start = encode_cursor(await live.tick(99, note=0))
            await ws.subscribe(socket, live.TICKS, {"room": 12, "after": start})
            await ws.subscribe(socket, live.TICKS, {"room": 13, "after": start})
            third = await ws.subscribe(socket, live.TICKS, {"room": 14})
            frame = await ws.receive(socket)
            assert frame == {
                "id": third,
                "type": "error",
                "payload": [
                    {
                        "message": "too many operations on this connection (the limit is 2): "
                        "complete one first",
                        "extensions": {"code": "TOO_MANY_OPERATIONS", "limit": 2},
                    }
                ],
            }
            await live.tick(12, note=1)
            assert await next_notes(socket, 1) == [1]  # the first two keep running
