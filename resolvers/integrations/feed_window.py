"""The recent feed of each organization, read once per process for all its endpoints.

Every endpoint of an organization delivers the same feed events (`reads.read_on`, the feed's
own reader), usually from about the same position: reading and expanding the log once per
endpoint would cost ten times the queries for ten endpoints. So a process keeps, per
organization, the span of the feed it read last (events from `start` through `end`, a position
read up to), serves any endpoint whose cursor falls inside it from memory, and reads the log
only past the span's end; endpoints asking for the same position at once share one read.

A span is immutable history (the log is append-only, in commit order), so serving it later
is the same as reading it again, and it never holds anything past what was read: a position
at or after `end` always reads the log.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from bisect import bisect_right
from dataclasses import dataclass, field

from resolvers.integrations.cursor import Position
from resolvers.integrations.reads import FeedEvent, read_on

READ = 500  # feed events read at once for an organization
KEEP = 2000  # feed events kept per organization, the newest


@dataclass(slots=True)
class _Span:
    start: Position
    end: Position
    events: list[FeedEvent] = field(default_factory=list)
    positions: list[Position] = field(default_factory=list)

    def extend(self, events: list[FeedEvent], end: Position) -> None:
        fresh = [event for event in events if event.position > self.end]
        self.events += fresh
        self.positions += [event.position for event in fresh]
        self.end = end
        if len(self.events) > KEEP:
            cut = len(self.events) - KEEP
            self.start = self.positions[cut - 1]
            del self.events[:cut], self.positions[:cut]


class FeedWindow:
    def __init__(self, window: dt.timedelta) -> None:
        self.window = window  # the log's retention, which the reader checks cursors against
        self._spans: dict[int, _Span] = {}
        self._reading: dict[tuple[int, Position], asyncio.Future[tuple[list[FeedEvent], Position]]]
        self._reading = {}

    async def after(
        self, organization: int, position: Position, limit: int
    ) -> tuple[list[FeedEvent], Position]:
        """Up to `limit` feed events of `organization` after `position`, and the position
        read up to (past events of other organizations; the last event's when `limit` cut)."""
        span = self._spans.get(organization)
        if span is None or not span.start <= position < span.end:
            events, end = await self._read(organization, position)
        else:
            first = bisect_right(span.positions, position)
            events, end = span.events[first : first + limit + 1], span.end
        if len(events) > limit:
            return events[:limit], events[limit - 1].position
        return events, end

    async def _read(
        self, organization: int, position: Position
    ) -> tuple[list[FeedEvent], Position]:
        key = (organization, position)
        reading = self._reading.get(key)
        if reading is None:
            reading = asyncio.ensure_future(self._read_log(organization, position))
            self._reading[key] = reading
            reading.add_done_callback(lambda _: self._reading.pop(key, None))
        # shielded: one endpoint cancelled (a stop) does not cancel the others' read
        return await asyncio.shield(reading)

    async def _read_log(
        self, organization: int, position: Position
    ) -> tuple[list[FeedEvent], Position]:
        events, end = await read_on(organization, after=position, limit=READ, window=self.window)
        span = self._spans.get(organization)
        if span is not None and span.start <= position <= span.end and end > span.end:
            span.extend(events, end)
        elif span is None or end > span.end:
            fresh = _Span(position, position)
            fresh.extend(events, end)
            self._spans[organization] = fresh
        return events, end

    def forget(self, organization: int) -> None:
        self._spans.pop(organization, None)
