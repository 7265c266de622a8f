"""The stream registry and its in-process subscribers (`schema.subscribe`), which follow the
same replay-then-live loop as the socket endpoint."""

from __future__ import annotations

import asyncio

import pytest

from models.enums import Role
from models.events import Event
from resolvers.accounts.users import viewer_for_token
from resolvers.pagination import encode_cursor
from schema.context import Context
from subscriptions import hub as hub_module
from subscriptions.hub import Hub
from subscriptions.streams import STREAMS, Opened, RootCache, Stream, register
from subscriptions.topics import Topic
from tests import live

TICKS = "subscription ($room: Int!, $after: String) { ticks(room: $room, after: $after) { note } }"


@pytest.fixture
async def installed_hub(database, monkeypatch):
    monkeypatch.setattr(hub_module, "RELAY_SECONDS", 0.05)  # no bus here: the relay wakes
    started = Hub()
    await started.start()
    hub_module.install(started)
    yield started
    hub_module.install(None)
    await started.stop()


async def context_of(make, role: Role, organization=None) -> Context:
    user = await make.user(role, organization)
    return Context(viewer=await viewer_for_token(await make.token(user)), settings=None)


async def closed(hub: Hub) -> None:
    for _ in range(200):
        if hub.topic_count == 0:
            return
        await asyncio.sleep(0.01)
    pytest.fail(f"{hub.topic_count} topic(s) still open")


async def notes(results, count: int) -> list[int]:
    seen = []
    for _ in range(count):
        result = await asyncio.wait_for(anext(results), 5)
        assert result.errors is None, result.errors
        seen.append(result.data["ticks"]["note"])
    return seen


async def test_an_in_process_subscriber_replays_after_its_cursor_then_goes_live(
    installed_hub, make
):
    context = await context_of(make, Role.DISPATCHER)
    first = await live.tick(7, 1)
    await live.tick(7, 2)
    await live.tick(7, 3)
    variables = {"room": 7, "after": encode_cursor(first)}
    results = await live.schema.subscribe(TICKS, variable_values=variables, context_value=context)
    try:
        assert await notes(results, 2) == [2, 3]  # after the cursor only, in order
        await live.tick(7, 4)
        await live.tick(8, 99)  # another room: never here
        await live.tick(7, 5)
        assert await notes(results, 2) == [4, 5]  # live, each once
    finally:
        await results.aclose()
    # strawberry closes the field's generator once its own has closed, a turn later
    await closed(installed_hub)  # leaving, the last subscriber closed the topic


async def test_an_in_process_subscriber_sees_only_its_audience(installed_hub, make):
    dealer = await context_of(make, Role.DEALER)
    assert dealer.viewer is not None
    await live.tick(9, 1, orgs={dealer.viewer.organization_id + 1000})  # someone else's
    await live.tick(9, 2, orgs={dealer.viewer.organization_id})
    results = await live.schema.subscribe(
        TICKS, variable_values={"room": 9, "after": encode_cursor(0)}, context_value=dealer
    )
    try:
        assert await notes(results, 1) == [2]
    finally:
        await results.aclose()


async def test_a_refused_subscription_answers_its_error_and_follows_nothing(installed_hub, make):
    context = await context_of(make, Role.DISPATCHER)
    results = await live.schema.subscribe(
        TICKS, variable_values={"room": -1}, context_value=context
    )
    result = await asyncio.wait_for(anext(results), 5)
    assert result.errors is not None and result.errors[0].message == "room not found"
    assert installed_hub.topic_count == 0


def test_a_stream_name_is_registered_once():
    again = Stream(name="ticks", kinds=frozenset(), open=live.open_ticks, load=live.load_tick)
    with pytest.raises(ValueError, match="'ticks' is registered already"):
        register(again)
    assert STREAMS["ticks"] is live.TICKS_STREAM


async def test_an_events_root_is_loaded_once_however_many_groups_render_it_at_once():
    loads: list[int] = []
    gate = asyncio.Event()

    async def load(event: Event) -> dict[str, int]:
        loads.append(event.seq)
        await gate.wait()  # the database answers after every group asked
        return {"seq": event.seq, "load": len(loads)}

    stream = Stream(name="rooted", kinds=frozenset(), open=None, load=load)  # type: ignore[arg-type]
    cache = RootCache()
    event = Event(seq=7)
    groups = [
        cache.loader(stream, Opened(topic=Topic(name), scope=name, visible=bool, after=None))
        for name in ("org:1", "staff")
    ]
    rendering = [asyncio.ensure_future(group(event)) for group in groups]
    await asyncio.sleep(0)
    gate.set()
    assert await asyncio.gather(*rendering) == [{"seq": 7, "load": 1}] * 2
    assert loads == [7]


async def test_a_failed_root_load_is_tried_again():
    attempts: list[int] = []

    async def load(event: Event) -> int:
        attempts.append(event.seq)
        if len(attempts) == 1:
            raise ConnectionError("the database went away")
        return event.seq

    stream = Stream(name="retried", kinds=frozenset(), open=None, load=load)  # type: ignore[arg-type]
    loader = RootCache().loader(stream, Opened(topic=Topic("t"), scope=1, visible=bool, after=None))
    with pytest.raises(ConnectionError):
        await loader(Event(seq=3))
    assert await loader(Event(seq=3)) == 3
    assert attempts == [3, 3]
