"""How long the event log keeps events, and the pruning of older ones.

A cursor is expired when the event it points at was written longer ago than the window (or is
already pruned): whether the pruner has reached it yet or not, the answer is the same. Pruning
deletes the oldest rows in small batches, each its own short transaction, without the lock
that orders writers: new events never wait for it (on SQLite a batch holds the writer for a
few milliseconds). The topic rows of shipments and containers stay: their timelines are read
through them (resolvers/shipments/reads.py), long after their events left the log.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from tortoise.expressions import Q
from tortoise.functions import Min
from tortoise.transactions import in_transaction

from models import clock
from models.enums import ErrorCode
from models.events import Event, EventTopic
from resolvers.errors import DomainError
from resolvers.integrations.cursor import Position
from subscriptions.reader import latest_seq

log = logging.getLogger("cargolive.retention")
BATCH = 1000
PAUSE_SECONDS = 0.05  # between batches: writers go first
KEPT_TOPICS = ("shipment:", "container:")  # timelines, read long after the log forgets


async def restart_cursor() -> str:
    """Just after the newest committed event: where a client resumes once it resynchronised."""
    return Position(await latest_seq(), Position.LAST).cursor


async def check(seq: int, window: dt.timedelta) -> None:
    """CURSOR_EXPIRED when events after `seq` may be gone: its own event is older than the
    window and others followed it, or it is no longer in the log while later ones are."""
    row = await Event.filter(seq=seq).first().values("recorded_at")
    if row is not None:
        if row["recorded_at"] >= clock.now() - window:
            return
        if not await Event.filter(seq__gt=seq).exists():  # nothing happened since: resume here
            return
    else:
        oldest = await Event.all().annotate(low=Min("seq")).first().values("low")
        low = oldest["low"] if oldest else None
        if low is None or seq >= low:  # nothing of the log before it, or a seq never written
            return
    days = window / dt.timedelta(days=1)
    raise DomainError(
        ErrorCode.CURSOR_EXPIRED,
        f"the event log keeps events for {days:g} days and this cursor is older: resynchronise "
        "with shipments(filter: {updatedAfter}) from your last change, then resume the feed "
        "from extensions.restartCursor",
        ["after"],
        {"restartCursor": await restart_cursor()},
    )


async def prune(window: dt.timedelta, *, batch: int = BATCH) -> int:
    """Deletes events written longer ago than `window`, oldest first, `batch` rows at a time;
    the number deleted."""
    cutoff = clock.now() - window
    deleted = 0
    while True:
        rows = await Event.all().order_by("seq").limit(batch).values_list("seq", "recorded_at")
        # seq follows commit order and so, near enough, recorded_at: stop at the first young row
        cut = next((i for i, (_, at) in enumerate(rows) if at >= cutoff), len(rows))
        old = [seq for seq, _ in rows[:cut]]
        if not old:
            return deleted
        low, high = old[0], old[-1]
        async with in_transaction():
            topics = EventTopic.filter(seq__gte=low, seq__lte=high)
            for prefix in KEPT_TOPICS:
                topics = topics.filter(~Q(topic__startswith=prefix))
            await topics.delete()
            deleted += await Event.filter(seq__gte=low, seq__lte=high).delete()
        await asyncio.sleep(PAUSE_SECONDS)
