"""Business calendars: hand-computed examples, then properties over random starts and holidays.

Rome (2025): spring forward Sunday 30 March 02:00 CET -> 03:00 CEST, fall back Sunday 26
October 03:00 CEST -> 02:00 CET. New York: 9 March and 2 November 2025, at 02:00 local.
Cairo changes on weekdays: Friday 26 April 2024 00:00 -> 01:00, Thursday 31 October 2024
24:00 -> 23:00.
"""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.calendar import SUPPORT_SHIFTS, Coverage, Shift, add_working_days

ROME = ZoneInfo("Europe/Rome")
NEW_YORK = ZoneInfo("America/New_York")
CAIRO = ZoneInfo("Africa/Cairo")
UTC = dt.UTC
NO_HOLIDAYS: frozenset[dt.date] = frozenset()
MINUTE = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)


def at(zone: ZoneInfo, *fields: int, fold: int = 0) -> dt.datetime:
    """A local wall-clock time as a UTC moment."""
    return dt.datetime(*fields, tzinfo=zone, fold=fold).astimezone(UTC)


def rome(*fields: int, fold: int = 0) -> dt.datetime:
    return at(ROME, *fields, fold=fold)


def minutes(n: int) -> dt.timedelta:
    return n * MINUTE


SUPPORT_ROME = Coverage(SUPPORT_SHIFTS, ROME)
# Thursday 12 June 2025 is a holiday (Wednesday 11 is its eve, Friday 13 the day after).
WITH_HOLIDAY = Coverage(SUPPORT_SHIFTS, ROME, frozenset({dt.date(2025, 6, 12)}))


# add_working_days


def test_friday_evening_plus_one_is_monday_evening() -> None:
    due = add_working_days(rome(2025, 6, 13, 18, 30), 1, zone=ROME, holidays=NO_HOLIDAYS)
    assert due == rome(2025, 6, 16, 18, 30)


def test_thirty_working_days_are_six_weeks_without_holidays() -> None:
    due = add_working_days(rome(2025, 6, 13, 18, 30), 30, zone=ROME, holidays=NO_HOLIDAYS)
    assert due == rome(2025, 7, 25, 18, 30)


def test_a_saturday_start_counts_from_monday() -> None:
    saturday = rome(2025, 6, 14, 11, 0)
    assert add_working_days(saturday, 0, zone=ROME, holidays=NO_HOLIDAYS) == rome(2025, 6, 16, 11)
    assert add_working_days(saturday, 1, zone=ROME, holidays=NO_HOLIDAYS) == rome(2025, 6, 17, 11)


def test_a_holiday_start_counts_from_the_next_working_day() -> None:
    holidays = frozenset({dt.date(2025, 6, 2)})  # Monday
    due = add_working_days(rome(2025, 6, 2, 9, 0), 1, zone=ROME, holidays=holidays)
    assert due == rome(2025, 6, 4, 9, 0)


def test_holidays_inside_the_span_are_skipped() -> None:
    holidays = frozenset({dt.date(2025, 4, 25), dt.date(2025, 5, 1)})  # Friday, Thursday
    start = rome(2025, 4, 23, 9, 0)
    assert add_working_days(start, 5, zone=ROME, holidays=NO_HOLIDAYS) == rome(2025, 4, 30, 9)
    assert add_working_days(start, 5, zone=ROME, holidays=holidays) == rome(2025, 5, 2, 9)


def test_local_time_is_kept_across_a_dst_change() -> None:
    due = add_working_days(rome(2025, 3, 27, 9, 0), 2, zone=ROME, holidays=NO_HOLIDAYS)
    assert due == rome(2025, 3, 31, 9, 0)
    assert due.astimezone(ROME).utcoffset() == 2 * HOUR
    assert due - rome(2025, 3, 27, 9, 0) == 4 * dt.timedelta(days=1) - HOUR


def test_a_skipped_local_time_moves_forward_by_the_gap() -> None:
    # Cairo skips 00:00-01:00 on Friday 26 April 2024: 00:30 is read as 01:30 EEST.
    due = add_working_days(at(CAIRO, 2024, 4, 25, 0, 30), 1, zone=CAIRO, holidays=NO_HOLIDAYS)
    assert due == at(CAIRO, 2024, 4, 26, 1, 30)


def test_a_repeated_local_time_keeps_its_occurrence() -> None:
    second = at(CAIRO, 2024, 10, 31, 23, 30, fold=1)
    assert add_working_days(second, 0, zone=CAIRO, holidays=NO_HOLIDAYS) == second
    due = add_working_days(second, 1, zone=CAIRO, holidays=NO_HOLIDAYS)
    assert due == at(CAIRO, 2024, 11, 1, 23, 30)


def test_a_repeated_start_landing_on_a_skipped_time_still_moves_forward() -> None:
    # Amman repeats 00:00-01:00 on Friday 29 October 2021 and skips it on Friday 25 February
    # 2022, 85 working days later: the second 00:30 lands on 01:30, not on Thursday 23:30.
    amman = ZoneInfo("Asia/Amman")
    second = at(amman, 2021, 10, 29, 0, 30, fold=1)
    due = add_working_days(second, 85, zone=amman, holidays=NO_HOLIDAYS)
    assert due == at(amman, 2022, 2, 25, 1, 30)


def test_working_days_reject_negatives_and_naive_starts() -> None:
    with pytest.raises(ValueError, match="days must be zero or more, got -1"):
        add_working_days(rome(2025, 6, 13, 9), -1, zone=ROME, holidays=NO_HOLIDAYS)
    with pytest.raises(ValueError, match="start must be timezone-aware"):
        add_working_days(dt.datetime(2025, 6, 13, 9), 1, zone=ROME, holidays=NO_HOLIDAYS)


# Coverage: hand-computed timers


@pytest.mark.parametrize(
    ("start", "amount", "due"),
    [
        # The second shift overlaps the first, so the clock runs on past 18:00.
        (rome(2025, 6, 11, 17, 59), minutes(3), rome(2025, 6, 11, 18, 2)),
        # One minute before 02:00, the rest from 10:00.
        (rome(2025, 6, 12, 1, 59), minutes(3), rome(2025, 6, 12, 10, 2)),
        (rome(2025, 6, 12, 1, 50), minutes(30), rome(2025, 6, 12, 10, 20)),
        # Outside coverage the clock starts at the next shift.
        (rome(2025, 6, 12, 6, 0), minutes(30), rome(2025, 6, 12, 10, 30)),
        (rome(2025, 6, 12, 10, 0), dt.timedelta(), rome(2025, 6, 12, 10, 0)),
        (rome(2025, 6, 12, 6, 0), dt.timedelta(), rome(2025, 6, 12, 6, 0)),
        # Two whole days of 16 covered hours each.
        (rome(2025, 6, 12, 10, 0), 32 * HOUR, rome(2025, 6, 14, 2, 0)),
    ],
)
def test_support_timers(start: dt.datetime, amount: dt.timedelta, due: dt.datetime) -> None:
    assert SUPPORT_ROME.due_at(start, amount) == due
    assert SUPPORT_ROME.covered_between(start, due) == amount


def test_overlapping_shifts_count_once() -> None:
    day = SUPPORT_ROME.covered_intervals(rome(2025, 6, 11, 8), rome(2025, 6, 12, 8))
    assert day == [(rome(2025, 6, 11, 10), rome(2025, 6, 12, 2))]
    assert SUPPORT_ROME.covered_between(rome(2025, 6, 11, 8), rome(2025, 6, 12, 8)) == 16 * HOUR


def test_intervals_are_clipped_and_in_utc() -> None:
    intervals = SUPPORT_ROME.covered_intervals(
        dt.datetime(2025, 6, 11, 23, 30, tzinfo=ROME), dt.datetime(2025, 6, 12, 11, tzinfo=ROME)
    )
    assert intervals == [
        (rome(2025, 6, 11, 23, 30), rome(2025, 6, 12, 2)),
        (rome(2025, 6, 12, 10), rome(2025, 6, 12, 11)),
    ]
    assert all(moment.tzinfo is UTC for interval in intervals for moment in interval)


def test_the_night_shift_before_a_holiday_runs_into_it() -> None:
    assert WITH_HOLIDAY.is_covered(rome(2025, 6, 12, 1, 0))
    assert WITH_HOLIDAY.due_at(rome(2025, 6, 12, 1, 0), minutes(30)) == rome(2025, 6, 12, 1, 30)
    # From the eve: three hours until 02:00 on the holiday, the fourth on Friday morning.
    assert WITH_HOLIDAY.due_at(rome(2025, 6, 11, 23, 0), 4 * HOUR) == rome(2025, 6, 13, 11, 0)


def test_no_shift_starts_on_a_holiday() -> None:
    morning = rome(2025, 6, 12, 9, 0)
    assert not WITH_HOLIDAY.is_covered(rome(2025, 6, 12, 12, 0))
    assert not WITH_HOLIDAY.is_covered(rome(2025, 6, 12, 23, 0))
    assert WITH_HOLIDAY.next_covered(morning) == rome(2025, 6, 13, 10, 0)
    assert WITH_HOLIDAY.due_at(morning, minutes(30)) == rome(2025, 6, 13, 10, 30)
    # The shift of the day after the holiday's night starts as usual.
    assert WITH_HOLIDAY.covered_between(morning, rome(2025, 6, 14, 8)) == 16 * HOUR


def test_is_covered_and_next_covered_at_the_edges() -> None:
    assert SUPPORT_ROME.is_covered(rome(2025, 6, 11, 10, 0))
    assert not SUPPORT_ROME.is_covered(rome(2025, 6, 11, 2, 0))
    assert SUPPORT_ROME.is_covered(rome(2025, 6, 11, 1, 59, 59))
    assert SUPPORT_ROME.next_covered(rome(2025, 6, 11, 2, 0)) == rome(2025, 6, 11, 10, 0)
    assert SUPPORT_ROME.next_covered(rome(2025, 6, 11, 12, 0)) == rome(2025, 6, 11, 12, 0)


# Coverage across DST changes


def test_rome_spring_forward_night() -> None:
    # 01:59 CET: one minute until 02:00 CET (= 03:00 CEST), then 10:00 CEST: 7 real hours.
    start = rome(2025, 3, 30, 1, 59)
    due = SUPPORT_ROME.due_at(start, minutes(3))
    assert due == rome(2025, 3, 30, 10, 2)
    assert due - start == 7 * HOUR + minutes(3)


def test_rome_fall_back_night() -> None:
    # 01:59 CEST: one minute until the first 02:00, the repeated hour is not covered.
    start = rome(2025, 10, 26, 1, 59)
    due = SUPPORT_ROME.due_at(start, minutes(3))
    assert due == rome(2025, 10, 26, 10, 2)
    assert due - start == 9 * HOUR + minutes(3)
    assert not SUPPORT_ROME.is_covered(rome(2025, 10, 26, 2, 30, fold=1))


def test_a_night_shift_crossing_the_change_is_an_hour_shorter_or_longer() -> None:
    night = Coverage((Shift(dt.time(22), dt.time(6)),), ROME)
    assert night.covered_between(rome(2025, 3, 29, 12), rome(2025, 3, 30, 12)) == 7 * HOUR
    assert night.covered_between(rome(2025, 10, 25, 12), rome(2025, 10, 26, 12)) == 9 * HOUR
    assert night.covered_between(rome(2025, 6, 11, 12), rome(2025, 6, 12, 12)) == 8 * HOUR


def test_new_york_support_nights() -> None:
    support = Coverage(SUPPORT_SHIFTS, NEW_YORK)
    # 02:00 on 9 March does not exist: read as 02:00 EST, which is 03:00 EDT.
    spring = support.covered_intervals(at(NEW_YORK, 2025, 3, 8, 12), at(NEW_YORK, 2025, 3, 9, 9))
    assert spring == [(at(NEW_YORK, 2025, 3, 8, 12), at(NEW_YORK, 2025, 3, 9, 3))]
    assert spring[0][1] - at(NEW_YORK, 2025, 3, 8, 16) == 10 * HOUR
    # 16:00 EDT to 02:00 EST is eleven real hours.
    fall = support.covered_between(at(NEW_YORK, 2025, 11, 1, 16), at(NEW_YORK, 2025, 11, 2, 9))
    assert fall == 11 * HOUR


def test_a_shift_starting_in_the_gap_starts_after_it() -> None:
    early = Coverage((Shift(dt.time(2, 30), dt.time(4)),), ROME)
    assert early.covered_intervals(rome(2025, 3, 30, 0), rome(2025, 3, 30, 12)) == [
        (rome(2025, 3, 30, 3, 30), rome(2025, 3, 30, 4))
    ]


def test_a_shift_inside_the_gap_is_dropped_that_day() -> None:
    # 02:30 reads as 03:30 CEST, after the 03:10 end: nothing is covered that night.
    inside = Coverage((Shift(dt.time(2, 30), dt.time(3, 10)),), ROME)
    assert inside.covered_between(rome(2025, 3, 30, 0), rome(2025, 3, 30, 12)) == dt.timedelta()
    assert inside.next_covered(rome(2025, 3, 30, 0)) == rome(2025, 3, 31, 2, 30)


def test_coverage_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="at least one shift"):
        Coverage((), ROME)
    with pytest.raises(ValueError, match="local wall-clock times"):
        Shift(dt.time(10, tzinfo=UTC), dt.time(18))
    with pytest.raises(ValueError, match="amount must be zero or more"):
        SUPPORT_ROME.due_at(rome(2025, 6, 11, 10), -MINUTE)
    with pytest.raises(ValueError, match="t must be timezone-aware"):
        SUPPORT_ROME.is_covered(dt.datetime(2025, 6, 11, 10))


# Properties over random zones, shifts, holidays and starts (2020-2030, often near DST changes,
# midnights and shift edges).

ZONES = (ROME, NEW_YORK, CAIRO, ZoneInfo("Australia/Lord_Howe"))  # Lord Howe moves 30 minutes
TICK = dt.timedelta(microseconds=1)
EDGES = tuple(dt.time(h) for h in (0, 1, 2, 3, 10, 16, 18, 23))
PROPERTY = settings(max_examples=150, deadline=None)


def dst_days(zone: ZoneInfo) -> tuple[dt.date, ...]:
    days = []
    day = dt.date(2020, 1, 1)
    offset = dt.datetime.combine(day, dt.time(12), tzinfo=zone).utcoffset()
    while day < dt.date(2031, 1, 1):
        day += dt.timedelta(days=1)
        previous, offset = offset, dt.datetime.combine(day, dt.time(12), tzinfo=zone).utcoffset()
        if offset != previous:
            days += [day - dt.timedelta(days=1), day]
    return tuple(days)


DST_DAYS = {zone: dst_days(zone) for zone in ZONES}


@st.composite
def moments(draw: st.DrawFn, zone: ZoneInfo) -> dt.datetime:
    if draw(st.booleans()):
        return draw(
            st.datetimes(dt.datetime(2020, 1, 1), dt.datetime(2030, 12, 31), timezones=st.just(UTC))
        )
    day = draw(
        st.sampled_from(DST_DAYS[zone]) | st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31))
    )
    wall = dt.datetime.combine(day, draw(st.sampled_from(EDGES)), tzinfo=zone)
    wall = wall.replace(fold=draw(st.integers(0, 1)))
    jitter = draw(st.timedeltas(-3 * HOUR, 3 * HOUR) | st.sampled_from([dt.timedelta(), -TICK]))
    return wall.astimezone(UTC) + jitter


shifts = st.builds(
    Shift,
    st.builds(dt.time, st.integers(0, 23), st.integers(0, 59)),
    st.builds(dt.time, st.integers(0, 23), st.integers(0, 59)),
)


@st.composite
def setups(draw: st.DrawFn) -> tuple[Coverage, dt.datetime]:
    """A coverage and a start, with holidays (sometimes runs of them) around the start."""
    zone = draw(st.sampled_from(ZONES))
    start = draw(moments(zone))
    chosen = draw(st.just(SUPPORT_SHIFTS) | st.lists(shifts, min_size=1, max_size=3).map(tuple))
    base = start.astimezone(zone).date()
    offsets = draw(st.frozensets(st.integers(-3, 40), max_size=15))
    holidays = frozenset(base + dt.timedelta(days=n) for n in offsets)
    return Coverage(chosen, zone, holidays), start


amounts = st.timedeltas(dt.timedelta(), dt.timedelta(days=5)) | st.sampled_from(
    [TICK, minutes(3), minutes(30), 16 * HOUR]
)
spans = st.timedeltas(dt.timedelta(), dt.timedelta(days=4))


@PROPERTY
@given(setups(), amounts)
def test_due_at_is_the_exact_and_earliest_inverse(
    setup: tuple[Coverage, dt.datetime], amount: dt.timedelta
) -> None:
    coverage, start = setup
    due = coverage.due_at(start, amount)
    assert due.tzinfo is UTC
    assert coverage.covered_between(start, due) == amount
    if amount:
        assert coverage.covered_between(start, due - TICK) < amount
        assert coverage.is_covered(due - TICK)


@PROPERTY
@given(setups(), amounts, amounts)
def test_due_at_is_monotone_in_the_amount(
    setup: tuple[Coverage, dt.datetime], one: dt.timedelta, other: dt.timedelta
) -> None:
    coverage, start = setup
    shorter, longer = sorted((one, other))
    assert coverage.due_at(start, shorter) <= coverage.due_at(start, longer)


@PROPERTY
@given(setups(), spans, amounts)
def test_due_at_is_monotone_in_the_start(
    setup: tuple[Coverage, dt.datetime], later_by: dt.timedelta, amount: dt.timedelta
) -> None:
    coverage, start = setup
    assert coverage.due_at(start, amount) <= coverage.due_at(start + later_by, amount)


@PROPERTY
@given(setups(), spans, spans)
def test_covered_time_adds_up_and_never_exceeds_real_time(
    setup: tuple[Coverage, dt.datetime], first: dt.timedelta, second: dt.timedelta
) -> None:
    coverage, a = setup
    b, c = a + first, a + first + second
    whole = coverage.covered_between(a, c)
    assert whole == coverage.covered_between(a, b) + coverage.covered_between(b, c)
    assert dt.timedelta() <= whole <= c - a
    assert coverage.covered_between(c, a) == dt.timedelta()


@PROPERTY
@given(setups(), spans)
def test_intervals_are_merged_ordered_and_clipped(
    setup: tuple[Coverage, dt.datetime], span: dt.timedelta
) -> None:
    coverage, a = setup
    b = a + span
    intervals = coverage.covered_intervals(a, b)
    assert all(a <= start < end <= b for start, end in intervals)
    assert all(end < following for (_, end), (following, _) in itertools.pairwise(intervals))
    assert sum((end - start for start, end in intervals), dt.timedelta()) == (
        coverage.covered_between(a, b)
    )


def covered_by_definition(coverage: Coverage, t: dt.datetime) -> bool:
    """Is some shift of the last three local days running at t? Read with fold=0 throughout."""
    today = t.astimezone(coverage.zone).date()
    for back in range(3):
        day = today - dt.timedelta(days=back)
        if day in coverage.holidays:
            continue
        for shift in coverage.shifts:
            end_day = day if shift.end > shift.start else day + dt.timedelta(days=1)
            start = dt.datetime.combine(day, shift.start, tzinfo=coverage.zone)
            end = dt.datetime.combine(end_day, shift.end, tzinfo=coverage.zone)
            if start.astimezone(UTC) <= t < end.astimezone(UTC):
                return True
    return False


@PROPERTY
@given(setups())
def test_is_covered_matches_the_definition_and_covered_time(
    setup: tuple[Coverage, dt.datetime],
) -> None:
    coverage, t = setup
    covered = coverage.is_covered(t)
    assert covered == covered_by_definition(coverage, t)
    assert covered == (coverage.covered_between(t, t + TICK) > dt.timedelta())
    second = coverage.covered_between(t, t + dt.timedelta(seconds=1))
    assert (covered or coverage.next_covered(t) < t + dt.timedelta(seconds=1)) == (
        second > dt.timedelta()
    )


@PROPERTY
@given(setups())
def test_next_covered_is_the_first_covered_moment(setup: tuple[Coverage, dt.datetime]) -> None:
    coverage, t = setup
    found = coverage.next_covered(t)
    assert found >= t
    assert coverage.is_covered(found)
    assert coverage.covered_between(t, found) == dt.timedelta()
    assert (found == t) == coverage.is_covered(t)


def working_days(first: dt.date, stop: dt.date, holidays: frozenset[dt.date]) -> int:
    """How many Monday-to-Friday non-holidays lie in [first, stop)."""
    count = 0
    while first < stop:
        count += first.weekday() < 5 and first not in holidays
        first += dt.timedelta(days=1)
    return count


@PROPERTY
@given(st.data(), st.sampled_from(ZONES), st.integers(0, 300), st.frozensets(st.integers(-3, 60)))
def test_add_working_days_lands_on_a_working_day_days_later(
    data: st.DataObject, zone: ZoneInfo, days: int, offsets: frozenset[int]
) -> None:
    start = data.draw(moments(zone))
    local = start.astimezone(zone)
    holidays = frozenset(local.date() + dt.timedelta(days=n) for n in offsets)
    due = add_working_days(start, days, zone=zone, holidays=holidays)
    landed = due.astimezone(zone)
    assert due.tzinfo is UTC
    assert due >= start
    assert landed.weekday() < 5 and landed.date() not in holidays
    assert working_days(local.date(), landed.date(), holidays) == days
    if landed.time() != local.time():
        # Only a wall time that the landing day skips may move (forward, by the gap).
        wanted = dt.datetime.combine(landed.date(), local.time(), tzinfo=zone)
        assert wanted.astimezone(UTC).astimezone(zone).time() != local.time()
        assert landed.time() > local.time()
