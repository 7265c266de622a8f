"""Reads of staff alerts: the root of one alert's event."""

from __future__ import annotations

from models.alerts.tables import StaffAlert
from models.events import Event


async def alert_of(event: Event) -> StaffAlert | None:
    return await StaffAlert.get_or_none(id=event.subject_id)
