"""What a delivery reads: the organization's events after a cursor, with their type and `data`.

The organization feed (issue: dealer systems) owns the EventType mapping and the typed `data`
of each event; until it lands this module reads the event log directly, in the same shape.
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass
from typing import Any

from tortoise.expressions import Q

from models.events import Event, EventKind
from models.shipments.tables import Shipment, TrackingEvent
from resolvers.integrations.expand import EXPANDERS
from subscriptions.reader import latest_seq

SCAN = 500
# Kinds whose webhooks carry the organization feed's types and data already.
EXPANDED = frozenset({EventKind.SERVICE_REQUEST})
TYPES = {
    EventKind.TRACKING: "TRACKING_EVENT_RECORDED",
    EventKind.LOADING: "CONTAINER_LOADING_CHANGED",
    EventKind.DISPUTE: "DISPUTE_UPDATED",
    EventKind.SUPPORT_MESSAGE: "SUPPORT_MESSAGE_POSTED",
}


@dataclass(frozen=True, slots=True)
class FeedEvent:
    seq: int
    type: str
    occurred_at: dt.datetime
    data: dict[str, Any]


def global_id(type_name: str, key: int) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{key}".encode()).decode().rstrip("=")


async def _tracking_data(event: Event, organization_id: int) -> dict[str, Any]:
    row = await TrackingEvent.get_or_none(id=event.subject_id)
    if row is None:
        return {}
    owned = Q(customer_id=organization_id) | Q(carrier_id=organization_id)
    shipments = Shipment.filter(owned)
    if row.shipment_id is not None:
        shipments = shipments.filter(id=row.shipment_id)
    else:
        shipments = shipments.filter(container_id=row.container_id)
    return {
        "event": {
            "type": row.type.value,
            "classifier": row.classifier.value,
            "occurredAt": row.occurred_at.isoformat(),
            "location": row.location_name,
        },
        "shipments": [
            {"id": global_id("Shipment", s.id), "waybill": s.waybill, "status": s.status.value}
            for s in await shipments.order_by("id")
        ],
    }


async def _data(event: Event, organization_id: int) -> dict[str, Any]:
    if event.kind is EventKind.TRACKING:
        return await _tracking_data(event, organization_id)
    return {"subjectId": event.subject_id}


async def read_events(
    organization_id: int, *, after: int, limit: int = 100
) -> tuple[list[FeedEvent], int]:
    """The organization's events after `after`, oldest first (at most `limit`), and the log
    position read up to: every seq up to it was seen (seq follows commit order), so a reader
    may move its cursor there even when none of them was the organization's."""
    top = await latest_seq()
    rows = await Event.filter(seq__gt=after, seq__lte=top).order_by("seq").limit(SCAN)
    found: list[FeedEvent] = []
    for row in rows:
        if organization_id not in row.audience_orgs:
            continue
        if row.kind in EXPANDED:  # the feed's own types and data (resolvers/integrations/expand)
            items = (await EXPANDERS[row.kind]([row], organization_id)).get(row.seq, [])
            for item in items:
                found.append(FeedEvent(row.seq, item.type.value, row.occurred_at, dict(item.data)))
        elif row.kind in TYPES:
            data = await _data(row, organization_id)
            found.append(FeedEvent(row.seq, TYPES[row.kind], row.occurred_at, data))
        else:
            continue
        if len(found) >= limit:
            return found, row.seq
    return found, (rows[-1].seq if len(rows) == SCAN else max(top, after))
