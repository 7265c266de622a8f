"""Service-level timers in use: started with a thread, paused, resumed and completed by what
happens to it, and checked in the background for SLA_WARNING (80%) and SLA_BREACHED (100%).

The arithmetic and the targets are in models/support/sla.py. The state is in the database
(`warn_at`, `breach_at`, and the claims `warned_at`, `breached_at`), so a restart forgets
nothing; each alert is claimed with `UPDATE … WHERE warned_at IS NULL` (or `breached_at`), so
of two processes checking at once only the one whose UPDATE matched raises it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from tortoise.expressions import F, Q
from tortoise.queryset import QuerySet

from models import clock
from models.alerts.tables import StaffAlertKind
from models.calendar import SUPPORT_SHIFTS, Coverage
from models.support import sla
from models.support.rules import DONE
from models.support.sla import SCHEDULE_FIELDS, SlaKind, SlaTimer
from models.support.tables import SupportThread, ThreadStatus
from resolvers.alerts.events import raise_staff_alert
from subscriptions.log import recording


def desk_coverage(zone: ZoneInfo, holidays: Iterable[dt.date]) -> Coverage:
    """The desk's hours: the two shifts of 000 in the deployment's zone, minus its holidays."""
    return Coverage(SUPPORT_SHIFTS, zone, frozenset(holidays))


async def start_timers(thread: SupportThread, coverage: Coverage) -> list[SlaTimer]:
    at = thread.created_at
    budgets = sla.targets(thread.category, thread.topic, at, coverage)
    timers = [
        sla.new_timer(thread.id, kind, budget, at, coverage) for kind, budget in budgets.items()
    ]
    for timer in timers:
        await timer.save()
    return timers


async def after_status(
    thread_id: int, old: ThreadStatus, new: ThreadStatus, at: dt.datetime, coverage: Coverage
) -> None:
    """What a status change does to the thread's open timers (in the change's transaction)."""
    if old is new:
        return
    for timer in await SlaTimer.filter(thread_id=thread_id, completed_at=None):
        if new in DONE:
            sla.complete(timer, at, coverage)
        elif new is ThreadStatus.WAITING_ON_DEALER:
            sla.pause(timer, at, coverage)
        elif old is ThreadStatus.WAITING_ON_DEALER:
            sla.resume(timer, at, coverage)
        else:
            continue
        await timer.save(update_fields=list(SCHEDULE_FIELDS))


async def response_open(thread_id: int) -> bool:
    """Whether staff owe the dealer an answer: a first or next response timer is open."""
    return await SlaTimer.exists(
        thread_id=thread_id, kind__in=list(sla.RESPONSES), completed_at=None
    )


async def responded(thread_id: int, at: dt.datetime, coverage: Coverage) -> None:
    """A public staff reply meets (or ends, late) the open FIRST_ or NEXT_RESPONSE timer."""
    for timer in await SlaTimer.filter(
        thread_id=thread_id, kind__in=list(sla.RESPONSES), completed_at=None
    ):
        sla.complete(timer, at, coverage)
        await timer.save(update_fields=list(SCHEDULE_FIELDS))


async def timers_may_move(thread: SupportThread, answers: bool) -> bool:
    """Whether a public message moves a response timer: staff answering one that is open, or
    the dealer writing when none is (the thread is then written too, so that a concurrent
    change of it loses with CONFLICT)."""
    if answers:
        return await response_open(thread.id)
    if sla.first_response_target(thread.category, thread.topic) is None:
        return False
    return not await response_open(thread.id)


async def follow_up(thread: SupportThread, at: dt.datetime, coverage: Coverage) -> None:
    """A dealer's message while no response is owed starts the next-response round."""
    budget = sla.first_response_target(thread.category, thread.topic)
    if budget is None or await response_open(thread.id):
        return
    timer = await SlaTimer.get_or_none(thread_id=thread.id, kind=SlaKind.NEXT_RESPONSE)
    if timer is None:
        await sla.new_timer(thread.id, SlaKind.NEXT_RESPONSE, budget, at, coverage).save()
        return
    sla.restart(timer, budget, at, coverage)
    await timer.save()


# The background check.


@dataclass(frozen=True)
class _Alarm:
    kind: StaffAlertKind
    claim: str  # the column that records it was raised

    def due(self, now: dt.datetime) -> QuerySet[SlaTimer]:
        if self.kind is StaffAlertKind.SLA_WARNING:  # a met timer needs no warning
            open_or_late = Q(completed_at=None) | Q(used_us__gt=F("budget_us"))
            return SlaTimer.filter(open_or_late, warned_at=None, warn_at__lte=now)
        return SlaTimer.filter(breached_at=None, breach_at__lt=now)


ALARMS = (
    _Alarm(StaffAlertKind.SLA_WARNING, "warned_at"),
    _Alarm(StaffAlertKind.SLA_BREACHED, "breached_at"),
)
KIND_NAMES = {
    SlaKind.FIRST_RESPONSE: "first response",
    SlaKind.RESOLUTION: "resolution",
    SlaKind.NEXT_RESPONSE: "next response",
}


def _message(alarm: _Alarm, timer: SlaTimer, thread: SupportThread) -> str:
    due = timer.breach_at or timer.due_at
    when = f" (due {due.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC)" if due else ""
    what = f"The {KIND_NAMES[timer.kind]} of thread #{thread.id} “{thread.subject}”"
    if alarm.kind is StaffAlertKind.SLA_WARNING:
        return f"{what} has used {sla.WARNING_PERCENT}% of its time{when}"
    return f"{what} is overdue{when}"


async def raise_sla_alerts(now: dt.datetime | None = None) -> int:
    """Raises every SLA_WARNING and SLA_BREACHED crossed and not raised yet; returns how many."""
    now = now or clock.now()
    raised = 0
    for alarm in ALARMS:
        for timer_id in await alarm.due(now).order_by("id").values_list("id", flat=True):
            async with recording() as log:
                claimed = await alarm.due(now).filter(id=timer_id).update(**{alarm.claim: now})
                if not claimed:  # another process raised it, or the timer stopped meanwhile
                    continue
                timer = await SlaTimer.get(id=timer_id)
                thread = await SupportThread.get(id=timer.thread_id)
                await raise_staff_alert(
                    log,
                    kind=alarm.kind,
                    message=_message(alarm, timer, thread),
                    occurred_at=now,
                    thread_id=thread.id,
                    shipment_id=thread.shipment_id,
                )
            raised += 1
    return raised
