"""`staffAlerts`: every alert any domain raises, for platform staff, on one cursor."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Hashable, Mapping
from typing import Any

import strawberry

from models.events import EventKind
from models.viewer import Viewer
from resolvers.alerts import reads
from resolvers.alerts.access import require_staff
from resolvers.alerts.events import STAFF_TOPIC
from resolvers.pagination import seq_after
from schema.alerts.types import StaffAlert
from schema.context import Info
from subscriptions.log import scope_of, visible_to
from subscriptions.streams import Caller, Opened, Stream, presented, register, subscribe


def _scope(viewer: Viewer) -> Hashable:
    # An alert's thread shows only to staff who see that thread, which depends on the user
    # (its groups, its assignments), not only on its role: below ADMIN, one rendering each.
    return scope_of(viewer) if viewer.is_admin else (scope_of(viewer), viewer.user_id)


async def _open(caller: Caller, arguments: Mapping[str, Any]) -> Opened:
    viewer = require_staff(caller.require_viewer())
    return Opened(
        topic=STAFF_TOPIC,
        scope=_scope(viewer),
        visible=visible_to(viewer),
        after=seq_after(arguments.get("after")),
    )


STAFF_ALERTS = register(
    Stream(
        name="staffAlerts",
        kinds=frozenset({EventKind.STAFF_ALERT}),
        open=_open,
        load=presented(reads.alert_of, StaffAlert.from_model),
    )
)


@strawberry.type
class AlertsSubscription:
    @strawberry.subscription(description="Staff only")
    async def staff_alerts(
        self, info: Info, after: str | None = None
    ) -> AsyncGenerator[StaffAlert, None]:
        async for alert in subscribe(STAFF_ALERTS, info.context, {"after": after}):
            yield alert
