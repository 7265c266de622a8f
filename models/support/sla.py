"""Service-level timers of support threads: what each category promises, and the timer arithmetic.

Targets (DOMAIN.md "Support desk"; decisions marked so):

- FIRST_RESPONSE: 3 minutes for the chat categories, which are the seed's service list
  (FINANCE, DOCUMENTS, AUCTIONS, CALCULATIONS, TRANSPORT, EXTRA_SERVICES: "rapid responses in 1
  to 3 minutes", 000); 30 minutes for ENQUIRY and COMPLAINT (001 E and 3); **decision**: 30
  minutes too for SERVICE_ACCIDENT (001 3 counts service accidents among the complaints) and
  INSURANCE_CLAIM (001 4, answered like a complaint).
- RESOLUTION: SERVICE_ACCIDENT only, within 2 working days (001 3). **Decision**: "working day"
  means what it means elsewhere (Monday to Friday, the deployment's holidays excluded), so the
  budget is the covered time between the start and `add_working_days(start, 2)`, fixed when the
  timer starts; from then on it is spent like every other budget, inside coverage only and not
  while waiting on the dealer. Unpaused, the timer is due at that moment, or at the end of the
  last covered stretch before it when it falls outside coverage (03:00 is due at 02:00).
- **Decision**: account threads (category ACCOUNT or an ACCOUNT topic) have no timers: they go
  to the account manager, outside the desk and its shifts.

Arithmetic: a timer keeps the covered time already used (`used_us`) and when its current running
stretch began (`running_since`, NULL while paused or done). Each (re)start computes `due_at` and
the alarm moments `warn_at` (80% of the budget used) and `breach_at` (100%) with
`Coverage.due_at(resume, remaining)`. A pause or completion before an alarm moment clears it; one
after keeps it, so that the background check still raises what was crossed. A timer is BREACHED
once more than its budget is used (completing exactly at `due_at` is MET).
**Decision**: RESOLVED and CLOSED complete every timer still open, the first response included
(resolving a thread answers the dealer); a reopened thread does not restart a completed timer.
- NEXT_RESPONSE (issue 15: "a follow-up can wait forever" otherwise): a dealer's public message
  on a thread with service levels, while no response timer is open (staff answered it, or
  resolved the thread), starts the next-response timer with the first response's target; the
  next public staff reply (or RESOLVED/CLOSED) meets it. One row per thread, restarted for each
  round (its claims cleared), so each round may warn and breach once.
- **Decision**: no SLA_WARNING for a timer already met: a warning is a call to act, and a met
  timer needs none. A timer completed late still raises both alerts it crossed.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum

from tortoise import fields
from tortoise.models import Model

from models.calendar import Coverage, add_working_days
from models.support.rules import for_account_manager
from models.support.tables import SupportThread, ThreadCategory, ThreadTopic

C = ThreadCategory
CHAT = frozenset(
    {C.FINANCE, C.DOCUMENTS, C.AUCTIONS, C.CALCULATIONS, C.TRANSPORT, C.EXTRA_SERVICES}
)
CHAT_FIRST_RESPONSE = dt.timedelta(minutes=3)
FIRST_RESPONSE_BY_CATEGORY: dict[ThreadCategory, dt.timedelta] = {
    **dict.fromkeys(CHAT, CHAT_FIRST_RESPONSE),
    **dict.fromkeys(
        (C.ENQUIRY, C.COMPLAINT, C.SERVICE_ACCIDENT, C.INSURANCE_CLAIM), dt.timedelta(minutes=30)
    ),
}
RESOLUTION_WORKING_DAYS: dict[ThreadCategory, int] = {C.SERVICE_ACCIDENT: 2}
WARNING_PERCENT = 80


class SlaKind(str, Enum):
    FIRST_RESPONSE = "FIRST_RESPONSE"
    RESOLUTION = "RESOLUTION"
    NEXT_RESPONSE = "NEXT_RESPONSE"  # the dealer wrote again after an answer


RESPONSES = (SlaKind.FIRST_RESPONSE, SlaKind.NEXT_RESPONSE)


class SlaTimerStatus(str, Enum):
    RUNNING = "RUNNING"
    PAUSED = "PAUSED"
    MET = "MET"
    BREACHED = "BREACHED"


class SlaTimer(Model):
    id = fields.IntField(primary_key=True)
    thread: fields.ForeignKeyRelation[SupportThread] = fields.ForeignKeyField(
        "models.SupportThread", related_name="sla_timers", on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(SlaKind, max_length=16)
    budget_us = fields.BigIntField()  # covered microseconds the target allows
    used_us = fields.BigIntField(default=0)  # covered microseconds spent before running_since
    running_since = fields.DatetimeField(null=True)
    due_at = fields.DatetimeField(null=True)
    warn_at = fields.DatetimeField(null=True, db_index=True)
    breach_at = fields.DatetimeField(null=True, db_index=True)
    completed_at = fields.DatetimeField(null=True)
    # When the background check raised SLA_WARNING / SLA_BREACHED: each is claimed once.
    warned_at = fields.DatetimeField(null=True)
    breached_at = fields.DatetimeField(null=True)

    thread_id: int

    class Meta:
        table = "sla_timer"
        unique_together = (("thread", "kind"),)


# The columns the arithmetic below changes (never the claims of the background check).
SCHEDULE_FIELDS = ("used_us", "running_since", "due_at", "warn_at", "breach_at", "completed_at")


def targets(
    category: ThreadCategory, topic: ThreadTopic, start: dt.datetime, coverage: Coverage
) -> dict[SlaKind, dt.timedelta]:
    """The budgets of a thread opened at `start`, in covered time."""
    if for_account_manager(category, topic):
        return {}
    budgets = {}
    if category in FIRST_RESPONSE_BY_CATEGORY:
        budgets[SlaKind.FIRST_RESPONSE] = FIRST_RESPONSE_BY_CATEGORY[category]
    days = RESOLUTION_WORKING_DAYS.get(category)
    if days is not None:
        end = add_working_days(start, days, zone=coverage.zone, holidays=coverage.holidays)
        budgets[SlaKind.RESOLUTION] = coverage.covered_between(start, end)
    return budgets


def _us(delta: dt.timedelta) -> int:
    return delta // dt.timedelta(microseconds=1)


def _delta(us: int) -> dt.timedelta:
    return dt.timedelta(microseconds=us)


def warning_us(timer: SlaTimer) -> int:
    return timer.budget_us * WARNING_PERCENT // 100


def first_response_target(category: ThreadCategory, topic: ThreadTopic) -> dt.timedelta | None:
    """The budget of a (first or next) response; None for threads without service levels."""
    if for_account_manager(category, topic):
        return None
    return FIRST_RESPONSE_BY_CATEGORY.get(category)


def restart(timer: SlaTimer, budget: dt.timedelta, at: dt.datetime, coverage: Coverage) -> None:
    """A new round of a timer row: nothing used, nothing claimed, running from `at`."""
    timer.budget_us, timer.used_us = _us(budget), 0
    timer.running_since = timer.due_at = timer.warn_at = timer.breach_at = None
    timer.completed_at = timer.warned_at = timer.breached_at = None
    resume(timer, at, coverage)


def new_timer(
    thread_id: int, kind: SlaKind, budget: dt.timedelta, at: dt.datetime, coverage: Coverage
) -> SlaTimer:
    timer = SlaTimer(thread_id=thread_id, kind=kind, budget_us=_us(budget), used_us=0)
    resume(timer, at, coverage)
    return timer


def used_by(timer: SlaTimer, at: dt.datetime, coverage: Coverage) -> int:
    """Covered microseconds used up to `at`."""
    if timer.running_since is None:
        return timer.used_us
    return timer.used_us + _us(coverage.covered_between(timer.running_since, at))


def resume(timer: SlaTimer, at: dt.datetime, coverage: Coverage) -> None:
    """(Re)starts the clock at `at`; nothing when it runs already or is done."""
    if timer.running_since is not None or timer.completed_at is not None:
        return
    timer.running_since = at
    if timer.warn_at is None:  # not crossed yet: used < 80%
        timer.warn_at = coverage.due_at(at, _delta(max(warning_us(timer) - timer.used_us, 0)))
    if timer.breach_at is None:  # not crossed yet: used <= budget
        timer.breach_at = coverage.due_at(at, _delta(max(timer.budget_us - timer.used_us, 0)))
    timer.due_at = timer.breach_at


def _stop(timer: SlaTimer, at: dt.datetime, coverage: Coverage) -> None:
    timer.used_us = used_by(timer, at, coverage)
    timer.running_since = None
    if timer.warn_at is not None and timer.warn_at > at:
        timer.warn_at = None
    if timer.breach_at is not None and timer.breach_at >= at:
        timer.breach_at = None


def pause(timer: SlaTimer, at: dt.datetime, coverage: Coverage) -> None:
    """Stops the clock (WAITING_ON_DEALER); `due_at` is unknown until it resumes."""
    if timer.running_since is None or timer.completed_at is not None:
        return
    _stop(timer, at, coverage)
    timer.due_at = timer.breach_at  # a breach already crossed stays on show


def complete(timer: SlaTimer, at: dt.datetime, coverage: Coverage) -> None:
    """Met (or late) at `at`; `due_at` shows when it was, or would have been, due."""
    if timer.completed_at is not None:
        return
    _stop(timer, at, coverage)
    timer.completed_at = at
    left = timer.budget_us - timer.used_us
    timer.due_at = timer.breach_at or coverage.due_at(at, _delta(max(left, 0)))


def status(timer: SlaTimer, now: dt.datetime) -> SlaTimerStatus:
    if timer.completed_at is not None:
        late = timer.used_us > timer.budget_us
        return SlaTimerStatus.BREACHED if late else SlaTimerStatus.MET
    if timer.breach_at is not None and timer.breach_at < now:
        return SlaTimerStatus.BREACHED
    return SlaTimerStatus.RUNNING if timer.running_since is not None else SlaTimerStatus.PAUSED
