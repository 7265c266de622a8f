"""The `data` of each EventType: one typed function per type, from rows to the JSON object that
the feed and webhook bodies carry. Version 1 of each is written down as JSON Schema in
docs/events/<TYPE>.v1.json (tests/test_event_schemas.py holds them to each other).

A field is only ever added to a version; renaming or removing one makes a version 2.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal, TypedDict

from models.claims.tables import ClaimChange
from models.disputes.tables import DisputeUpdate
from models.documents.tables import DocumentChange
from models.ids import to_global_id
from models.integrations.tables import EventType
from models.services.rules import EVENT_TYPES, TYPE_NAMES
from models.services.tables import ServiceRequest, ServiceRequestChange
from models.shipments.containers import LoadingChange
from models.shipments.tables import TrackingEvent
from models.support.tables import SupportMessage
from models.validators import round_money

VERSION: Literal[1] = 1


class Location(TypedDict):
    name: str
    unlocode: str | None
    country: str


class ShipmentRef(TypedDict):
    """What every shipment event says of its shipment (ids as the API gives them out)."""

    shipmentId: str
    waybill: str
    reference: str | None


class ShipmentBooked(ShipmentRef):
    version: Literal[1]
    status: str
    origin: Location | None
    bookedAt: str


class ShipmentStatusChanged(ShipmentRef):
    version: Literal[1]
    previousStatus: str | None
    status: str
    trackingEventId: str
    trackingEventType: str
    occurredAt: str


class TrackingEventRecorded(ShipmentRef):
    version: Literal[1]
    trackingEventId: str
    containerId: str | None
    eventType: str
    classifier: str
    occurredAt: str
    location: Location | None
    description: str | None
    status: str | None


class ContainerLoadingChanged(TypedDict):
    version: Literal[1]
    containerId: str
    containerNumber: str
    previousStatus: str | None
    status: str
    loadedVehicles: int
    shipmentIds: list[str]
    occurredAt: str


class DisputeUpdated(TypedDict):
    version: Literal[1]
    disputeId: str
    shipmentId: str
    update: str
    status: str
    outcome: str | None
    messageId: str | None
    proposalId: str | None
    occurredAt: str


class DocumentUpdated(TypedDict):
    version: Literal[1]
    documentId: str
    shipmentId: str
    kind: str
    previousStatus: str | None
    status: str
    occurredAt: str


class InsuranceClaimUpdated(TypedDict):
    version: Literal[1]
    claimId: str
    shipmentId: str
    previousStatus: str | None
    status: str
    occurredAt: str


class ServiceRequestUpdated(TypedDict):
    """Every kind of service request alike (one EventType per kind, one shape)."""

    version: Literal[1]
    requestId: str
    kind: str
    shipmentId: str | None
    previousStatus: str | None
    status: str
    amount: str | None
    currency: str | None
    note: str | None
    occurredAt: str


class SupportMessagePosted(TypedDict):
    version: Literal[1]
    threadId: str
    messageId: str
    author: Literal["DEALER", "SUPPORT"]
    body: str
    postedAt: str


def when(moment: dt.datetime) -> str:
    """ISO 8601 in UTC, as the API's DateTime fields read."""
    return moment.astimezone(dt.UTC).isoformat()


def _location(row: TrackingEvent) -> Location | None:
    if row.location_name is None or row.location_country is None:
        return None
    return {
        "name": row.location_name,
        "unlocode": row.location_unlocode,
        "country": row.location_country,
    }


def shipment_ref(shipment_id: int, waybill: str, reference: str | None) -> ShipmentRef:
    return {
        "shipmentId": to_global_id("Shipment", shipment_id),
        "waybill": waybill,
        "reference": reference,
    }


def shipment_booked(ref: ShipmentRef, event: TrackingEvent) -> ShipmentBooked:
    return {
        "version": VERSION,
        **ref,
        "status": "BOOKED",
        "origin": _location(event),
        "bookedAt": when(event.occurred_at),
    }


def shipment_status_changed(
    ref: ShipmentRef, event: TrackingEvent, before: str | None, after: str
) -> ShipmentStatusChanged:
    return {
        "version": VERSION,
        **ref,
        "previousStatus": before,
        "status": after,
        "trackingEventId": to_global_id("TrackingEvent", event.id),
        "trackingEventType": event.type.value,
        "occurredAt": when(event.occurred_at),
    }


def tracking_event_recorded(
    ref: ShipmentRef, event: TrackingEvent, status: str | None
) -> TrackingEventRecorded:
    container = event.container_id
    return {
        "version": VERSION,
        **ref,
        "trackingEventId": to_global_id("TrackingEvent", event.id),
        "containerId": to_global_id("Container", container) if container else None,
        "eventType": event.type.value,
        "classifier": event.classifier.value,
        "occurredAt": when(event.occurred_at),
        "location": _location(event),
        "description": event.description,
        "status": status,
    }


def container_loading_changed(
    change: LoadingChange, number: str, shipment_ids: list[int]
) -> ContainerLoadingChanged:
    return {
        "version": VERSION,
        "containerId": to_global_id("Container", change.container_id),
        "containerNumber": number,
        "previousStatus": change.previous_status.value if change.previous_status else None,
        "status": change.status.value,
        "loadedVehicles": change.loaded_vehicles,
        "shipmentIds": [to_global_id("Shipment", key) for key in shipment_ids],
        "occurredAt": when(change.occurred_at),
    }


def dispute_updated(update: DisputeUpdate, shipment_id: int) -> DisputeUpdated:
    return {
        "version": VERSION,
        "disputeId": to_global_id("Dispute", update.dispute_id),
        "shipmentId": to_global_id("Shipment", shipment_id),
        "update": update.kind.value,
        "status": update.status.value,
        "outcome": update.outcome.value if update.outcome else None,
        "messageId": (
            to_global_id("DisputeMessage", update.message_id) if update.message_id else None
        ),
        "proposalId": (
            to_global_id("AgreementProposal", update.proposal_id) if update.proposal_id else None
        ),
        "occurredAt": when(update.occurred_at),
    }


def document_updated(change: DocumentChange, shipment_id: int, kind: str) -> DocumentUpdated:
    return {
        "version": VERSION,
        "documentId": to_global_id("Document", change.document_id),
        "shipmentId": to_global_id("Shipment", shipment_id),
        "kind": kind,
        "previousStatus": change.previous_status.value if change.previous_status else None,
        "status": change.status.value,
        "occurredAt": when(change.occurred_at),
    }


def insurance_claim_updated(change: ClaimChange, shipment_id: int) -> InsuranceClaimUpdated:
    return {
        "version": VERSION,
        "claimId": to_global_id("InsuranceClaim", change.claim_id),
        "shipmentId": to_global_id("Shipment", shipment_id),
        "previousStatus": change.previous_status.value if change.previous_status else None,
        "status": change.status.value,
        "occurredAt": when(change.occurred_at),
    }


def _amount(request: ServiceRequest) -> str | None:
    if request.amount is None or request.currency is None:
        return None
    return f"{round_money(Decimal(request.amount), request.currency):f}"


def service_request_updated(
    change: ServiceRequestChange, request: ServiceRequest
) -> ServiceRequestUpdated:
    shipment = request.shipment_id
    return {
        "version": VERSION,
        "requestId": to_global_id(TYPE_NAMES[request.kind], request.id),
        "kind": request.kind.value,
        "shipmentId": to_global_id("Shipment", shipment) if shipment else None,
        "previousStatus": change.previous_status.value if change.previous_status else None,
        "status": change.status.value,
        "amount": _amount(request),
        "currency": request.currency,
        "note": change.note,
        "occurredAt": when(change.occurred_at),
    }


def support_message_posted(message: SupportMessage, by_dealer: bool) -> SupportMessagePosted:
    return {
        "version": VERSION,
        "threadId": to_global_id("SupportThread", message.thread_id),
        "messageId": to_global_id("SupportMessage", message.id),
        "author": "DEALER" if by_dealer else "SUPPORT",
        "body": message.body,
        "postedAt": when(message.created_at),
    }


# The data shape of each EventType the feed produces (docs/events/<TYPE>.v1.json each).
DATA_TYPES: dict[EventType, type] = {
    EventType.SHIPMENT_BOOKED: ShipmentBooked,
    EventType.SHIPMENT_STATUS_CHANGED: ShipmentStatusChanged,
    EventType.TRACKING_EVENT_RECORDED: TrackingEventRecorded,
    EventType.CONTAINER_LOADING_CHANGED: ContainerLoadingChanged,
    EventType.DISPUTE_UPDATED: DisputeUpdated,
    EventType.SUPPORT_MESSAGE_POSTED: SupportMessagePosted,
    EventType.DOCUMENT_UPDATED: DocumentUpdated,
    EventType.INSURANCE_CLAIM_UPDATED: InsuranceClaimUpdated,
    **{EventType(name): ServiceRequestUpdated for name in EVENT_TYPES.values()},
}
