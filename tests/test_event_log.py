"""The event log: seq follows commit order, so a reader never passes a seq that commits later."""

from __future__ import annotations

import asyncio

import pytest
from tortoise import Tortoise

from models import clock
from models.events import Event, EventKind, EventTopic
from models.shipments.tables import EventClassifier, TrackingEvent, TrackingEventType
from subscriptions.log import Audience, recording
from subscriptions.reader import latest_seq, read_topic, topics_after
from subscriptions.topics import Topic
from tests.conftest import postgres


async def append(log, topic: str = "t:1") -> int:
    return await log.append(
        kind=EventKind.STAFF_ALERT,
        subject_id=0,
        topics=[Topic(topic), Topic(topic)],  # a topic named twice is stored once
        audience=Audience(),
        occurred_at=clock.now(),
    )


def tracking_values(shipment_id: int) -> dict[str, object]:
    """A tracking event's every column but its id and seq (what `Recorder.create` takes)."""
    now = clock.now()
    return {
        "shipment_id": shipment_id,
        "container_id": None,
        "type": TrackingEventType.DELAYED,
        "classifier": EventClassifier.ACTUAL,
        "occurred_at": now,
        "recorded_at": now,
        "location_name": None,
        "location_unlocode": None,
        "location_country": None,
        "description": "held at anchorage",
        "recorded_by_id": None,
        "late": False,
        "statuses_after": {str(shipment_id): "BOOKED"},
    }


async def create(log, shipment_id: int) -> int:
    row = await log.create(
        TrackingEvent,
        tracking_values(shipment_id),
        kind=EventKind.TRACKING,
        topics=[Topic("shipment", shipment_id)],
        audience=Audience(public=True),
        occurred_at=clock.now(),
    )
    return row.seq


@pytest.mark.parametrize(
    ("write", "alone"), [("append", False), ("create", False), ("append", True), ("create", True)]
)
async def test_a_transaction_that_starts_later_commits_a_larger_seq_only_after_the_first(
    database, make, dealer, write, alone
):
    """Both ways to write the log (an event for a row written before, or a new row with its
    event in one step) take the log's order before they draw a seq; also as one statement
    without a transaction around it (`alone`: the second writer)."""
    shipment = await make.shipment(customer=dealer.organization_id)

    async def write_once(log) -> int:
        return await (append(log) if write == "append" else create(log, shipment.id))

    appended, release = asyncio.Event(), asyncio.Event()
    commits: list[tuple[str, int]] = []
    drawn: list[int] = []

    async def first() -> None:
        async with recording() as log:
            seq = await write_once(log)
            drawn.append(seq)
            appended.set()
            await release.wait()  # still open: its seq is not committed
        commits.append(("first", seq))

    async def second() -> None:
        await appended.wait()
        async with recording(one_statement=alone) as log:
            seq = await write_once(log)
        commits.append(("second", seq))

    tasks = [asyncio.create_task(first()), asyncio.create_task(second())]
    await appended.wait()
    await asyncio.sleep(0.3)
    try:
        assert commits == []  # the second writer waits for the first one's commit
        if postgres():  # ... and has drawn no seq yet: it draws one only once it holds the lock
            (row,) = await Tortoise.get_connection("default").execute_query_dict(
                "SELECT last_value FROM pg_sequences WHERE sequencename = $1",
                ["event_log_seq_seq"],
            )
            assert row["last_value"] == drawn[0]  # the first's, uncommitted
    finally:  # both transactions end, also when an assert failed (the clean-up waits for them)
        release.set()
        await asyncio.gather(*tasks)

    (name_a, seq_a), (name_b, seq_b) = commits
    assert (name_a, name_b) == ("first", "second")
    assert seq_b > seq_a  # commit order is seq order


async def test_concurrent_writers_leave_a_gapless_ordered_log_for_a_reader(database):
    async def writer(count: int, alone: bool = False) -> list[int]:
        seqs = []
        for _ in range(count):
            async with recording(one_statement=alone) as log:
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

    written = await asyncio.gather(writer(25), writer(25), writer(25, alone=True), reader())
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


async def test_an_appended_event_sets_its_subjects_seq_and_no_other_row(database, make, dealer):
    """`subject=` writes the seq into the subject's row in the same step (on PostgreSQL, the
    same statement as the event and its topics)."""
    shipment = await make.shipment(customer=dealer.organization_id)
    rows = [
        await TrackingEvent.create(
            shipment_id=shipment.id,
            type=TrackingEventType.PICKED_UP,
            classifier=EventClassifier.ACTUAL,
            occurred_at=clock.now(),
            recorded_at=clock.now(),
        )
        for _ in range(2)
    ]
    async with recording() as log:
        seq = await log.append(
            kind=EventKind.TRACKING,
            subject_id=rows[1].id,
            topics=[Topic("shipment", shipment.id)],
            audience=Audience(orgs=frozenset({dealer.organization_id}), public=True),
            occurred_at=clock.now(),
            subject=TrackingEvent,
        )
    stored_rows = await TrackingEvent.filter(id__in=[r.id for r in rows]).order_by("id")
    assert [row.seq for row in stored_rows] == [None, seq]
    stored = await Event.get(seq=seq)
    assert (stored.subject_id, stored.audience_orgs, stored.public) == (
        rows[1].id,
        [dealer.organization_id],
        True,
    )
    topics = await EventTopic.filter(seq=seq).order_by("topic").values_list("topic", flat=True)
    assert topics == sorted([f"shipment:{shipment.id}", f"org:{dealer.organization_id}"])


async def test_a_created_row_and_its_event_are_written_together(database, make, dealer):
    """`Recorder.create`: the row comes back as the ORM reads it, with the seq of its event,
    which names it as subject, is filed under its topics and the organizations of its
    audience, and is announced after commit."""
    shipment = await make.shipment(customer=dealer.organization_id)
    values = tracking_values(shipment.id)
    async with recording() as log:
        for _ in range(2):  # the second one in the same transaction: it holds the order already
            row = await log.create(
                TrackingEvent,
                values,
                kind=EventKind.TRACKING,
                topics=[Topic("shipment", shipment.id)],
                audience=Audience(orgs=frozenset({dealer.organization_id}), public=True),
                occurred_at=values["occurred_at"],
            )
        notices = list(log.notices)
    stored = await TrackingEvent.get(id=row.id)
    assert (row.seq, row.description, row.type, row.occurred_at) == (
        stored.seq,
        stored.description,
        TrackingEventType.DELAYED,
        stored.occurred_at,
    )
    assert row.statuses_after == {str(shipment.id): "BOOKED"}
    event = await Event.get(seq=row.seq)
    assert (event.kind, event.subject_id, event.audience_orgs, event.public) == (
        EventKind.TRACKING,
        row.id,
        [dealer.organization_id],
        True,
    )
    topics = await EventTopic.filter(seq=row.seq).order_by("topic").values_list("topic", flat=True)
    assert topics == sorted([f"shipment:{shipment.id}", f"org:{dealer.organization_id}"])
    assert [notice.seq for notice in notices] == [row.seq - 1, row.seq]
    assert notices[-1].topics == (f"shipment:{shipment.id}", f"org:{dealer.organization_id}")


async def test_a_one_statement_recording_writes_one_event(database, make, dealer):
    """The second event of a one-statement recording is refused before it is written. On
    PostgreSQL the first has committed with its own statement; on SQLite, where a row and its
    event are several statements, the recording is a transaction and nothing is left."""
    shipment = await make.shipment(customer=dealer.organization_id)
    mark = await latest_seq()
    with pytest.raises(RuntimeError, match="one event"):
        async with recording(one_statement=True) as log:
            first = await create(log, shipment.id)
            await append(log)
    rows = await Event.filter(seq__gt=mark).values_list("seq", flat=True)
    assert rows == ([first] if postgres() else [])
