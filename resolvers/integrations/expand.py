"""From event-log rows to an organization's feed events: one expander per EventKind.

An expander reads the subjects of a batch of rows at once and says, for one organization,
which feed events each row makes, in a fixed order (a row's `part` numbers them, so a cursor
can point between two events of one row). Only what concerns the organization comes out: the
shipments whose customer or carrier it was when the event was written (the row's facts), the
public messages of its threads. A kind with no expander (staff alerts) makes no feed event.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from models.accounts.tables import User
from models.claims.tables import ClaimChange, InsuranceClaim
from models.disputes.tables import Dispute, DisputeUpdate
from models.documents.tables import Document, DocumentChange
from models.events import Event, EventKind, ShipmentFact
from models.integrations.tables import EventType
from models.services.rules import EVENT_TYPES, TYPE_NAMES
from models.services.tables import ServiceRequest, ServiceRequestChange
from models.shipments.containers import Container, LoadingChange
from models.shipments.tables import Shipment, TrackingEvent, TrackingEventType
from models.support.tables import SupportMessage, SupportThread
from resolvers.integrations import events as event_data


@dataclass(frozen=True, slots=True)
class Item:
    type: EventType
    subject: tuple[str, int]  # (GraphQL type name, key)
    data: Any  # one of event_data's TypedDicts


Expander = Callable[[Sequence[Event], int], Awaitable[dict[int, list[Item]]]]
EXPANDERS: dict[EventKind, Expander] = {}


def expands(kind: EventKind) -> Callable[[Expander], Expander]:
    def register(expander: Expander) -> Expander:
        EXPANDERS[kind] = expander
        return expander

    return register


async def _by_id(model: Any, keys: set[int], *fields: str) -> dict[int, Any]:
    if not keys:
        return {}
    if fields:
        rows = await model.filter(id__in=sorted(keys)).values("id", *fields)
        return {row["id"]: row for row in rows}
    return {row.id: row for row in await model.filter(id__in=sorted(keys))}


def _concerned(event: Event, organization: int, row: TrackingEvent) -> list[ShipmentFact]:
    facts: list[ShipmentFact] | None = (event.facts or {}).get("shipments")
    if facts is None:
        # written before the log kept facts: the row's own shipment (the organization is in
        # the event's audience, so one of its parties), status unknown
        shipment = row.shipment_id
        if shipment is None:
            return []
        return [
            {"id": shipment, "customer": organization, "carrier": None, "before": None, "after": ""}
        ]
    return [fact for fact in facts if organization in (fact["customer"], fact["carrier"])]


def _shipment_items(
    row: TrackingEvent, fact: ShipmentFact, ref: event_data.ShipmentRef
) -> list[Item]:
    """A booking, or a status change when the event moved the shipment; then the event."""
    subject = ("Shipment", fact["id"])
    status = fact["after"] or None
    items = []
    if row.type is TrackingEventType.BOOKED:
        booked = event_data.shipment_booked(ref, row)
        items.append(Item(EventType.SHIPMENT_BOOKED, subject, booked))
    elif status is not None and fact["before"] != status:
        changed = event_data.shipment_status_changed(ref, row, fact["before"], status)
        items.append(Item(EventType.SHIPMENT_STATUS_CHANGED, subject, changed))
    recorded = event_data.tracking_event_recorded(ref, row, status)
    items.append(Item(EventType.TRACKING_EVENT_RECORDED, subject, recorded))
    return items


@expands(EventKind.TRACKING)
async def _tracking(events: Sequence[Event], organization: int) -> dict[int, list[Item]]:
    rows = await _by_id(TrackingEvent, {event.subject_id for event in events})
    concerned = [
        (event.seq, rows[event.subject_id], _concerned(event, organization, rows[event.subject_id]))
        for event in events
        if event.subject_id in rows
    ]
    keys = {fact["id"] for _, _, facts in concerned for fact in facts}
    shipments = await _by_id(Shipment, keys, "waybill", "reference")
    found: dict[int, list[Item]] = {}
    for seq, row, facts in concerned:
        found[seq] = []
        for fact in facts:
            shipment = shipments.get(fact["id"])
            if shipment is not None:
                ref = event_data.shipment_ref(
                    fact["id"], shipment["waybill"], shipment["reference"]
                )
                found[seq].extend(_shipment_items(row, fact, ref))
    return found


@expands(EventKind.LOADING)
async def _loading(events: Sequence[Event], organization: int) -> dict[int, list[Item]]:
    changes = await _by_id(LoadingChange, {event.subject_id for event in events})
    numbers = await _by_id(
        Container, {change.container_id for change in changes.values()}, "number"
    )
    found: dict[int, list[Item]] = {}
    for event in events:
        change = changes.get(event.subject_id)
        if change is None:
            continue
        facts: list[ShipmentFact] = (event.facts or {}).get("shipments", [])
        mine = [f["id"] for f in facts if organization in (f["customer"], f["carrier"])]
        number = numbers[change.container_id]["number"]
        data = event_data.container_loading_changed(change, number, mine)
        subject = ("Container", change.container_id)
        found[event.seq] = [Item(EventType.CONTAINER_LOADING_CHANGED, subject, data)]
    return found


@expands(EventKind.DISPUTE)
async def _dispute(events: Sequence[Event], organization: int) -> dict[int, list[Item]]:
    updates = await _by_id(DisputeUpdate, {event.subject_id for event in events})
    disputes = await _by_id(Dispute, {u.dispute_id for u in updates.values()}, "shipment_id")
    found: dict[int, list[Item]] = {}
    for event in events:
        update = updates.get(event.subject_id)
        if update is None:
            continue
        data = event_data.dispute_updated(update, disputes[update.dispute_id]["shipment_id"])
        subject = ("Dispute", update.dispute_id)
        found[event.seq] = [Item(EventType.DISPUTE_UPDATED, subject, data)]
    return found


@expands(EventKind.SUPPORT_MESSAGE)
async def _support(events: Sequence[Event], organization: int) -> dict[int, list[Item]]:
    messages = await _by_id(SupportMessage, {event.subject_id for event in events})
    public = {key: m for key, m in messages.items() if not m.internal}  # never a note
    threads = await _by_id(SupportThread, {m.thread_id for m in public.values()}, "dealer_id")
    authors = await _by_id(User, {m.author_id for m in public.values()}, "organization_id")
    found: dict[int, list[Item]] = {}
    for event in events:
        message = public.get(event.subject_id)
        if message is None or threads[message.thread_id]["dealer_id"] != organization:
            continue
        by_dealer = authors[message.author_id]["organization_id"] == organization
        data = event_data.support_message_posted(message, by_dealer)
        subject = ("SupportThread", message.thread_id)
        found[event.seq] = [Item(EventType.SUPPORT_MESSAGE_POSTED, subject, data)]
    return found


@expands(EventKind.DOCUMENT)
async def _document(events: Sequence[Event], organization: int) -> dict[int, list[Item]]:
    changes = await _by_id(DocumentChange, {event.subject_id for event in events})
    keys = {change.document_id for change in changes.values()}
    documents = await _by_id(Document, keys, "shipment_id", "kind")
    found: dict[int, list[Item]] = {}
    for event in events:
        change = changes.get(event.subject_id)
        if change is None:
            continue
        document = documents[change.document_id]
        kind = document["kind"].value if hasattr(document["kind"], "value") else document["kind"]
        data = event_data.document_updated(change, document["shipment_id"], kind)
        subject = ("Document", change.document_id)
        found[event.seq] = [Item(EventType.DOCUMENT_UPDATED, subject, data)]
    return found


@expands(EventKind.INSURANCE_CLAIM)
async def _claim(events: Sequence[Event], organization: int) -> dict[int, list[Item]]:
    changes = await _by_id(ClaimChange, {event.subject_id for event in events})
    claims = await _by_id(InsuranceClaim, {c.claim_id for c in changes.values()}, "shipment_id")
    found: dict[int, list[Item]] = {}
    for event in events:
        change = changes.get(event.subject_id)
        if change is None:
            continue
        data = event_data.insurance_claim_updated(change, claims[change.claim_id]["shipment_id"])
        subject = ("InsuranceClaim", change.claim_id)
        found[event.seq] = [Item(EventType.INSURANCE_CLAIM_UPDATED, subject, data)]
    return found


@expands(EventKind.SERVICE_REQUEST)
async def _service_request(events: Sequence[Event], organization: int) -> dict[int, list[Item]]:
    changes = await _by_id(ServiceRequestChange, {event.subject_id for event in events})
    requests = await _by_id(ServiceRequest, {c.request_id for c in changes.values()})
    found: dict[int, list[Item]] = {}
    for event in events:
        change = changes.get(event.subject_id)
        if change is None:
            continue
        request = requests[change.request_id]
        if request.dealer_id != organization:  # the dealer's own, never another's
            continue
        data = event_data.service_request_updated(change, request)
        subject = (TYPE_NAMES[request.kind], request.id)
        found[event.seq] = [Item(EventType(EVENT_TYPES[request.kind]), subject, data)]
    return found
