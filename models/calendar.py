"""Business calendars: working days and support coverage in the deployment's time zone.

Moments go in as aware datetimes (any zone) and come out in UTC; the wall-clock rules apply in
the deployment's zone. Turning a local date and time into a moment follows zoneinfo's fold=0
reading: a time a spring-forward skips is read with the offset in force before the change, so
it moves forward by the gap (02:30 on Rome's spring-forward night is 03:30 CEST), and a time a
fall-back repeats is its first occurrence.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

_DAY = dt.timedelta(days=1)
_WINDOW = dt.timedelta(days=7)
_TICK = dt.timedelta(microseconds=1)

Interval = tuple[dt.datetime, dt.datetime]


def add_working_days(
    start: dt.datetime, days: int, *, zone: ZoneInfo, holidays: frozenset[dt.date]
) -> dt.datetime:
    """The moment `days` working days (Monday to Friday, `holidays` excluded) after `start`.

    The local time of day is kept, so across a DST change the UTC offset changes. A start on a
    weekend or holiday counts as if made at the same time on the next working day: Saturday
    11:00 plus 0 days is Monday 11:00, plus 1 is Tuesday 11:00. Exactly `days` working days
    lie from the start's local date (included) to the result's (excluded). A repeated local
    time keeps the start's occurrence; a skipped one moves forward by the gap (fold=0).
    Used for `reviewDueAt` (30 days) and the SERVICE_ACCIDENT resolution (2 days).
    """
    if days < 0:
        raise ValueError(f"days must be zero or more, got {days}")
    local = _utc(start, "start").astimezone(zone)
    day = _next_working_day(local.date(), holidays)
    for _ in range(days):
        day = _next_working_day(day + _DAY, holidays)
    return _to_utc(day, local.time(), zone)


@dataclass(frozen=True, slots=True)
class Shift:
    """A daily stretch of local wall-clock time; `end <= start` ends it the next day."""

    start: dt.time
    end: dt.time

    def __post_init__(self) -> None:
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError(f"Shift times are local wall-clock times without a zone: {self}")


SUPPORT_SHIFTS = (Shift(dt.time(10), dt.time(18)), Shift(dt.time(16), dt.time(2)))


@dataclass(frozen=True)
class Coverage:
    """The hours a desk is staffed: the union of its shifts, every day but `holidays`.

    A shift belongs to the local day it starts on, and on a holiday no shift starts: the
    16:00-02:00 shift of the evening before a holiday still runs until 02:00 on the holiday.
    Overlapping shifts count once. A shift crossing a DST change is an hour shorter or longer
    in real time; one the gap leaves empty (02:30-03:10 on Rome's spring-forward night, when
    02:30 reads as 03:30) is dropped that day.
    SLA timers pause while waiting on the dealer by adding up `covered_between` per running
    stretch; `due_at` is the deadline of one uninterrupted stretch.
    """

    shifts: tuple[Shift, ...]
    zone: ZoneInfo
    holidays: frozenset[dt.date] = frozenset()

    def __post_init__(self) -> None:
        object.__setattr__(self, "shifts", tuple(self.shifts))
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        if not self.shifts:
            raise ValueError("Coverage needs at least one shift")

    def covered_intervals(self, a: dt.datetime, b: dt.datetime) -> list[Interval]:
        """The covered stretches of [a, b) in UTC, in order, merged and clipped."""
        a, b = _utc(a, "a"), _utc(b, "b")
        if b <= a:
            return []
        # Two days of margin: a night shift reaches into the next day, and a DST gap at
        # midnight can push a boundary over it.
        first = a.astimezone(self.zone).date() - 2 * _DAY
        days = (b.astimezone(self.zone).date() - first).days + 2
        raw = sorted(iv for n in range(days) for iv in self._shifts_on(first + n * _DAY))
        merged: list[Interval] = []
        for start, end in raw:
            start, end = max(start, a), min(end, b)
            if start >= end:
                continue
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        return merged

    def covered_between(self, a: dt.datetime, b: dt.datetime) -> dt.timedelta:
        """How much covered time lies in [a, b); zero when b <= a."""
        return sum((end - start for start, end in self.covered_intervals(a, b)), dt.timedelta())

    def due_at(self, start: dt.datetime, amount: dt.timedelta) -> dt.datetime:
        """The earliest moment with `amount` of covered time since `start`.

        Outside coverage the clock starts at the next covered moment; a zero amount is due at
        `start` itself. Exact inverse: covered_between(start, due_at(start, d)) == d.
        """
        start = _utc(start, "start")
        if amount < dt.timedelta():
            raise ValueError(f"amount must be zero or more, got {amount}")
        if not amount:
            return start
        left = amount
        for begin, end in self._intervals_from(start):
            if end - begin >= left:
                return begin + left
            left -= end - begin
        raise AssertionError("unreachable: coverage never ends")

    def is_covered(self, t: dt.datetime) -> bool:
        t = _utc(t, "t")
        return bool(self.covered_intervals(t, t + _TICK))

    def next_covered(self, t: dt.datetime) -> dt.datetime:
        """The first covered moment at or after `t`."""
        return next(self._intervals_from(_utc(t, "t")))[0]

    def _intervals_from(self, start: dt.datetime) -> Iterator[Interval]:
        # Endless: there is at least one shift and finitely many holidays. Pieces of one
        # stretch split at a window edge are adjacent, which the callers do not mind.
        while True:
            yield from self.covered_intervals(start, start + _WINDOW)
            start += _WINDOW

    def _shifts_on(self, day: dt.date) -> Iterator[Interval]:
        if day in self.holidays:
            return
        for shift in self.shifts:
            start = _to_utc(day, shift.start, self.zone)
            end_day = day if shift.end > shift.start else day + _DAY
            end = _to_utc(end_day, shift.end, self.zone)
            if start < end:
                yield start, end


def _next_working_day(day: dt.date, holidays: frozenset[dt.date]) -> dt.date:
    while day.weekday() >= 5 or day in holidays:
        day += _DAY
    return day


def _to_utc(day: dt.date, at: dt.time, zone: ZoneInfo) -> dt.datetime:
    local = dt.datetime.combine(day, at, tzinfo=zone)
    if local.fold:
        # A skipped time read with fold=1 would move back; naive equality ignores fold.
        back = local.astimezone(dt.UTC).astimezone(zone)
        if back.replace(tzinfo=None) != local.replace(tzinfo=None):
            local = local.replace(fold=0)
    return local.astimezone(dt.UTC)


def _utc(moment: dt.datetime, name: str) -> dt.datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {moment.isoformat()}")
    return moment.astimezone(dt.UTC)
