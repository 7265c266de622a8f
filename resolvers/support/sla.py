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


async def first_response_open(thread_id: int) -> bool:
    return await SlaTimer.exists(
        thread_id=thread_id, kind=SlaKind.FIRST_RESPONSE, completed_at=None
    )


async def first_response(thread_id: int, at: dt.datetime, coverage: Coverage) -> None:
    """The first public staff reply meets (or ends, late) the FIRST_RESPONSE timer."""
    timer = await SlaTimer.get_or_none(
        thread_id=thread_id, kind=SlaKind.FIRST_RESPONSE, completed_at=None
    )
    if timer is not None:
        sla.complete(timer, at, coverage)
        await timer.save(update_fields=list(SCHEDULE_FIELDS))


# The background check.


@dataclass(frozen=True)
class _Alarm:
    kind: StaffAlertKind
    claim: str  # the column that records it was raised

    def due(self, now: dt.datetime) -> QuerySet[SlaTimer]:
        if self.kind is StaffAlertKind.SLA_WARNING:
            return SlaTimer.filter(warned_at=None, warn_at__lte=now)
        return SlaTimer.filter(breached_at=None, breach_at__lt=now)


ALARMS = (
    _Alarm(StaffAlertKind.SLA_WARNING, "warned_at"),
    _Alarm(StaffAlertKind.SLA_BREACHED, "breached_at"),
)
KIND_NAMES = {SlaKind.FIRST_RESPONSE: "first response", SlaKind.RESOLUTION: "resolution"}


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
