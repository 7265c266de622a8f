"""Service levels of the requests: each kind's first-action target (30 covered minutes unless
ADMIN set another), counted on the desk's calendar like support's timers, and the background
check that raises SLA_WARNING at 80% and SLA_BREACHED at 100%, each once.

**Decisions**: the clock runs from creation to the first move out of REQUESTED (by staff, or
the dealer's cancel, which ends the need); a request does not wait on the dealer, so it never
pauses. As with support, a request acted on in time gets no warning, and one acted on late
still raises both alerts it crossed. A new target applies to requests opened after it.
"""

from __future__ import annotations

import datetime as dt

from tortoise.expressions import F, Q
from tortoise.queryset import QuerySet

from models import clock
from models.alerts.tables import StaffAlertKind
from models.calendar import Coverage
from models.services.rules import TYPE_NAMES, ServiceKind
from models.services.tables import ServiceLevel, ServiceRequest
from models.support.sla import WARNING_PERCENT
from models.viewer import Viewer
from resolvers.access import writer
from resolvers.alerts.events import raise_staff_alert
from resolvers.errors import forbidden, invalid
from subscriptions.log import recording

DEFAULT_TARGET = dt.timedelta(minutes=30)
MAX_TARGET_MINUTES = 7 * 24 * 60


async def target(kind: ServiceKind) -> dt.timedelta:
    level = await ServiceLevel.get_or_none(kind=kind)
    return dt.timedelta(minutes=level.minutes) if level else DEFAULT_TARGET


async def targets() -> dict[ServiceKind, dt.timedelta]:
    return {kind: await target(kind) for kind in ServiceKind}


async def schedule(
    kind: ServiceKind, start: dt.datetime, coverage: Coverage
) -> tuple[dt.datetime, dt.datetime]:
    """When a request of `kind` opened at `start` is due, and when it has used 80%."""
    budget = await target(kind)
    warning = budget * WARNING_PERCENT / 100
    return coverage.due_at(start, budget), coverage.due_at(start, warning)


async def set_service_level(*, viewer: Viewer | None, kind: ServiceKind, minutes: int) -> None:
    viewer = writer(viewer)
    if not viewer.is_admin:
        raise forbidden("only ADMIN sets the service levels")
    if not 1 <= minutes <= MAX_TARGET_MINUTES:
        raise invalid(["minutes"], f"must be 1 to {MAX_TARGET_MINUTES} (a week of desk hours)")
    await ServiceLevel.update_or_create(
        defaults={"minutes": minutes, "updated_by_id": viewer.user_id, "updated_at": clock.now()},
        kind=kind,
    )


def _late() -> Q:
    return Q(first_action_at=None) | Q(first_action_at__gt=F("due_at"))


def _due(kind: StaffAlertKind, now: dt.datetime) -> QuerySet[ServiceRequest]:
    if kind is StaffAlertKind.SLA_WARNING:
        return ServiceRequest.filter(_late(), warned_at=None, warn_at__lte=now)
    return ServiceRequest.filter(_late(), breached_at=None, due_at__lt=now)


CLAIMS = {StaffAlertKind.SLA_WARNING: "warned_at", StaffAlertKind.SLA_BREACHED: "breached_at"}


def _message(kind: StaffAlertKind, request: ServiceRequest) -> str:
    what = f"The first action on {TYPE_NAMES[request.kind]} #{request.id}"
    due = f" (due {request.due_at.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC)"
    if kind is StaffAlertKind.SLA_WARNING:
        return f"{what} has used {WARNING_PERCENT}% of its time{due}"
    return f"{what} is overdue{due}"


async def raise_service_alerts(now: dt.datetime | None = None) -> int:
    """Raises every request's SLA_WARNING and SLA_BREACHED crossed and not raised yet, each
    claimed with a conditional UPDATE so that of two checkers only one raises it."""
    now = now or clock.now()
    raised = 0
    for kind, claim in CLAIMS.items():
        for key in await _due(kind, now).order_by("id").values_list("id", flat=True):
            async with recording() as log:
                if not await _due(kind, now).filter(id=key).update(**{claim: now}):
                    continue
                request = await ServiceRequest.get(id=key)
                await raise_staff_alert(
                    log,
                    kind=kind,
                    message=_message(kind, request),
                    occurred_at=now,
                    shipment_id=request.shipment_id,
                    thread_id=request.thread_id,
                )
            raised += 1
    return raised
