"""The event log: seq follows commit order, so a reader never passes a seq that commits later."""

from __future__ import annotations

import asyncio

from models import clock
from models.events import Event, EventKind, EventTopic
from subscriptions.log import Audience, recording
from subscriptions.reader import latest_seq, read_topic, topics_after
from subscriptions.topics import Topic


async def append(log, topic: str = "t:1") -> int:
    return await log.append(
        kind=EventKind.STAFF_ALERT,
        subject_id=0,
        topics=[Topic(topic), Topic(topic)],  # a topic named twice is stored once
        audience=Audience(),
        occurred_at=clock.now(),
    )


async def test_a_transaction_that_starts_later_commits_a_larger_seq_only_after_the_first(database):
    appended, release = asyncio.Event(), asyncio.Event()
    commits: list[tuple[str, int]] = []

    async def first() -> None:
        async with recording() as log:
            seq = await append(log)
            appended.set()
            await release.wait()  # still open: its seq is not committed
        commits.append(("first", seq))

    async def second() -> None:
        await appended.wait()
        async with recording() as log:
            seq = await append(log)
        commits.append(("second", seq))

    tasks = [asyncio.create_task(first()), asyncio.create_task(second())]
    await appended.wait()
    await asyncio.sleep(0.3)
    assert commits == []  # the second writer waits for the first one's commit
    release.set()
    await asyncio.gather(*tasks)

    (name_a, seq_a), (name_b, seq_b) = commits
    assert (name_a, name_b) == ("first", "second")
    assert seq_b > seq_a  # commit order is seq order


async def test_concurrent_writers_leave_a_gapless_ordered_log_for_a_reader(database):
    async def writer(count: int) -> list[int]:
        seqs = []
        for _ in range(count):
            async with recording() as log:
                seqs.append(await append(log, "t:2"))
        return seqs

    mark = await latest_seq()
    seen: list[int] = []

    async def reader() -> None:
        last = mark
        for _ in range(200):
            for event in await read_topic("t:2", after=last, limit=50):
                seen.append(event.seq)
                last = event.seq
            await asyncio.sleep(0.005)

    written = await asyncio.gather(writer(25), writer(25), writer(25), reader())
    for event in await read_topic("t:2", after=seen[-1] if seen else mark, limit=500):
        seen.append(event.seq)
    every = sorted(seq for seqs in written[:3] for seq in seqs)
    assert seen == every  # nothing skipped, nothing twice, in order


async def test_topics_and_marks(database):
    async with recording() as log:
        seq = await append(log, "t:3")
    assert await EventTopic.filter(seq=seq).count() == 1
    assert (await Event.get(seq=seq)).kind is EventKind.STAFF_ALERT
    assert await latest_seq("t:3") == seq
    newest, mark = await topics_after(seq - 1, {"t:3", "t:4"})
    assert newest == {"t:3": seq} and mark == seq
    assert await topics_after(mark, {"t:3"}) == ({}, mark)
