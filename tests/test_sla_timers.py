"""SLA timers as pure arithmetic: targets, pauses, completion and status (Rome, 2025).

Thursday 12 June 2025 is a holiday here; the desk covers 10:00-02:00 (two shifts).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.calendar import SUPPORT_SHIFTS, Coverage, add_working_days
from models.support import sla
from models.support.sla import SlaKind, SlaTimerStatus
from models.support.tables import ThreadCategory, ThreadTopic

ROME = ZoneInfo("Europe/Rome")
HOLIDAY = dt.date(2025, 6, 12)
DESK = Coverage(SUPPORT_SHIFTS, ROME, frozenset({HOLIDAY}))
MINUTE = dt.timedelta(minutes=1)


def rome(*fields: int) -> dt.datetime:
    return dt.datetime(*fields, tzinfo=ROME).astimezone(dt.UTC)


def timer(budget: dt.timedelta, at: dt.datetime) -> sla.SlaTimer:
    return sla.new_timer(1, SlaKind.FIRST_RESPONSE, budget, at, DESK)


@pytest.mark.parametrize(
    ("category", "minutes"),
    [
        (ThreadCategory.FINANCE, 3),
        (ThreadCategory.TRANSPORT, 3),
        (ThreadCategory.EXTRA_SERVICES, 3),
        (ThreadCategory.ENQUIRY, 30),
        (ThreadCategory.COMPLAINT, 30),
        (ThreadCategory.INSURANCE_CLAIM, 30),
    ],
)
def test_first_response_targets(category: ThreadCategory, minutes: int) -> None:
    budgets = sla.targets(category, ThreadTopic.OTHER, rome(2025, 6, 10, 11), DESK)
    assert budgets == {SlaKind.FIRST_RESPONSE: minutes * MINUTE}


def test_a_service_accident_is_resolved_within_two_working_days() -> None:
    start = rome(2025, 6, 13, 11)  # Friday: Monday and Tuesday are the two working days
    budgets = sla.targets(ThreadCategory.SERVICE_ACCIDENT, ThreadTopic.OTHER, start, DESK)
    end = add_working_days(start, 2, zone=ROME, holidays=frozenset({HOLIDAY}))
    assert end == rome(2025, 6, 17, 11)
    assert budgets[SlaKind.FIRST_RESPONSE] == 30 * MINUTE
    assert budgets[SlaKind.RESOLUTION] == DESK.covered_between(start, end)
    resolution = sla.new_timer(1, SlaKind.RESOLUTION, budgets[SlaKind.RESOLUTION], start, DESK)
    assert resolution.due_at == end


@pytest.mark.parametrize(
    ("category", "topic"),
    [
        (ThreadCategory.ACCOUNT, ThreadTopic.OTHER),
        (ThreadCategory.ACCOUNT, ThreadTopic.CREDIT_LINE),
        (ThreadCategory.ACCOUNT, ThreadTopic.PRICE_CHANGE),
    ],
)
def test_account_threads_have_no_timers(category: ThreadCategory, topic: ThreadTopic) -> None:
    assert sla.targets(category, topic, rome(2025, 6, 10, 11), DESK) == {}


def test_a_new_timer_is_due_after_its_budget_of_covered_time() -> None:
    started = timer(3 * MINUTE, rome(2025, 6, 11, 1, 59))  # a minute before the night shift ends

    assert started.due_at == started.breach_at == rome(2025, 6, 11, 10, 2)
    assert started.warn_at == rome(2025, 6, 11, 10, 1, 24)  # 80% of 180 s is 144 s
    assert sla.status(started, rome(2025, 6, 11, 10, 2)) is SlaTimerStatus.RUNNING
    assert sla.status(started, rome(2025, 6, 11, 10, 3)) is SlaTimerStatus.BREACHED


def test_a_pause_keeps_the_used_time_and_a_resume_spends_the_rest() -> None:
    running = timer(30 * MINUTE, rome(2025, 6, 10, 17, 50))

    sla.pause(running, rome(2025, 6, 10, 18, 0), DESK)
    assert (running.due_at, running.warn_at, running.breach_at) == (None, None, None)
    assert running.used_us == 10 * 60 * 10**6
    assert sla.status(running, rome(2025, 6, 11, 12)) is SlaTimerStatus.PAUSED

    sla.resume(running, rome(2025, 6, 11, 1, 50), DESK)  # 10 covered minutes left today
    assert running.due_at == rome(2025, 6, 11, 10, 10)
    assert running.warn_at == rome(2025, 6, 11, 10, 4)  # 24 minutes used


def test_a_warning_crossed_before_a_pause_stays_to_be_raised() -> None:
    running = timer(10 * MINUTE, rome(2025, 6, 10, 11, 0))
    sla.pause(running, rome(2025, 6, 10, 11, 9), DESK)

    assert running.warn_at == rome(2025, 6, 10, 11, 8)
    assert running.breach_at is None
    sla.resume(running, rome(2025, 6, 10, 12, 0), DESK)
    assert running.warn_at == rome(2025, 6, 10, 11, 8)  # not moved
    assert running.due_at == rome(2025, 6, 10, 12, 1)


def test_completing_on_time_is_met_and_clears_the_alarms() -> None:
    running = timer(3 * MINUTE, rome(2025, 6, 10, 11, 0))
    sla.complete(running, rome(2025, 6, 10, 11, 3), DESK)  # exactly at due: met

    assert sla.status(running, rome(2025, 6, 11)) is SlaTimerStatus.MET
    assert (running.warn_at, running.breach_at) == (rome(2025, 6, 10, 11, 2, 24), None)
    assert running.due_at == rome(2025, 6, 10, 11, 3)
    assert running.completed_at == rome(2025, 6, 10, 11, 3)


def test_completing_late_is_breached_and_keeps_the_breach_to_raise() -> None:
    running = timer(3 * MINUTE, rome(2025, 6, 10, 11, 0))
    sla.complete(running, rome(2025, 6, 10, 11, 5), DESK)

    assert sla.status(running, rome(2025, 6, 10, 11, 5)) is SlaTimerStatus.BREACHED
    assert running.breach_at == running.due_at == rome(2025, 6, 10, 11, 3)


def test_completing_a_paused_timer_shows_when_it_would_have_been_due() -> None:
    running = timer(30 * MINUTE, rome(2025, 6, 10, 11, 0))
    sla.pause(running, rome(2025, 6, 10, 11, 10), DESK)
    sla.complete(running, rome(2025, 6, 10, 15, 0), DESK)

    assert sla.status(running, rome(2025, 6, 10, 15)) is SlaTimerStatus.MET
    assert running.due_at == rome(2025, 6, 10, 15, 20)


def test_a_paused_timer_past_its_due_stays_breached() -> None:
    running = timer(3 * MINUTE, rome(2025, 6, 10, 11, 0))
    sla.pause(running, rome(2025, 6, 10, 11, 4), DESK)

    assert sla.status(running, rome(2025, 6, 10, 12)) is SlaTimerStatus.BREACHED
    assert running.due_at == rome(2025, 6, 10, 11, 3)


def test_calls_that_do_not_apply_change_nothing() -> None:
    running = timer(3 * MINUTE, rome(2025, 6, 10, 11, 0))
    before = dict(running.__dict__)
    sla.resume(running, rome(2025, 6, 10, 11, 1), DESK)  # running already
    assert running.__dict__ == before
    sla.complete(running, rome(2025, 6, 10, 11, 1), DESK)
    done = dict(running.__dict__)
    sla.pause(running, rome(2025, 6, 10, 11, 2), DESK)
    sla.complete(running, rome(2025, 6, 10, 11, 2), DESK)
    assert running.__dict__ == done


# Property: however a timer is paused and resumed, it is due once exactly its budget of
# covered time has run in its running stretches, and its warning at 80% of it.

moments = st.integers(min_value=0, max_value=6 * 24 * 60).map(
    lambda minutes: rome(2025, 6, 9) + minutes * MINUTE
)


@settings(max_examples=150, deadline=None)
@given(
    start=moments,
    budget_minutes=st.sampled_from([3, 30, 32 * 60]),
    gaps=st.lists(st.integers(min_value=1, max_value=36 * 60), max_size=6),
)
def test_running_stretches_add_up_to_the_budget(
    start: dt.datetime, budget_minutes: int, gaps: list[int]
) -> None:
    budget = budget_minutes * MINUTE
    running = timer(budget, start)
    stretches: list[tuple[dt.datetime, dt.datetime]] = []
    at = start
    for index, gap in enumerate(gaps):
        then = at + gap * MINUTE
        if index % 2 == 0:
            assert running.running_since is not None
            if running.breach_at is not None and running.breach_at <= then:
                break
            sla.pause(running, then, DESK)
            stretches.append((at, then))
        else:
            sla.resume(running, then, DESK)
        at = then
    if running.running_since is None:
        sla.resume(running, at, DESK)
    assert running.due_at is not None
    stretches.append((running.running_since, running.due_at))
    covered = sum((DESK.covered_between(a, b) for a, b in stretches), dt.timedelta())
    assert covered == budget
    assert DESK.is_covered(running.due_at - dt.timedelta(microseconds=1))
