"""The hub's relay: a topic whose notice was lost is read again; one that is up to date is not."""

from __future__ import annotations

import asyncio

import pytest

from models import clock
from models.events import EventKind
from subscriptions import hub as hub_module
from subscriptions.hub import Group, Hub
from subscriptions.log import Audience, recording
from subscriptions.topics import Topic


class Inbox:
    def __init__(self) -> None:
        self.seqs: list[int] = []

    def offer(self, seq: int, payload: str) -> None:
        self.seqs.append(seq)


async def record(topic: str) -> int:
    async with recording() as log:  # no bus in these tests: no notice is ever sent
        return await log.append(
            kind=EventKind.STAFF_ALERT,
            subject_id=0,
            topics=[Topic(topic)],
            audience=Audience(),
            occurred_at=clock.now(),
        )


@pytest.fixture
async def hub(database, monkeypatch):
    monkeypatch.setattr(hub_module, "RELAY_SECONDS", 0.05)
    reads: list[str] = []
    real = hub_module.read_topic

    async def counted(topic: str, **kwargs):
        reads.append(topic)
        return await real(topic, **kwargs)

    monkeypatch.setattr(hub_module, "read_topic", counted)
    started = Hub()
    await started.start()
    started.reads = reads
    yield started
    await started.stop()


async def join(hub: Hub, topic: str) -> Inbox:
    inbox = Inbox()

    async def render(event) -> str:
        return str(event.seq)

    await hub.join(
        topic, "key", lambda: Group("key", frozenset(EventKind), lambda e: True, render), inbox
    )
    return inbox


async def until(condition, seconds: float = 3.0) -> None:
    for _ in range(int(seconds / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the condition never held")


async def test_the_relay_delivers_an_event_whose_notice_was_lost(hub):
    inbox = await join(hub, "t:lost")

    seq = await record("t:lost")

    await until(lambda: inbox.seqs == [seq])


async def test_the_relay_leaves_a_topic_alone_once_its_notice_was_handled(hub):
    inbox = await join(hub, "t:kept")
    seq = await record("t:kept")
    hub._topics["t:kept"].wake.set()  # as the notice would
    await until(lambda: inbox.seqs == [seq])
    reads = hub.reads.count("t:kept")

    await asyncio.sleep(0.3)  # six relay ticks

    assert hub.reads.count("t:kept") == reads
