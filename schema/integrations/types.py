"""The kinds of change an organization's systems can follow (the organization feed's enum)."""

from __future__ import annotations

from enum import Enum

import strawberry


@strawberry.enum(description="The kinds of change an organization's systems can follow")
class EventType(Enum):
    SHIPMENT_BOOKED = "SHIPMENT_BOOKED"
    SHIPMENT_STATUS_CHANGED = "SHIPMENT_STATUS_CHANGED"
    TRACKING_EVENT_RECORDED = "TRACKING_EVENT_RECORDED"
    CONTAINER_LOADING_CHANGED = "CONTAINER_LOADING_CHANGED"
    DISPUTE_UPDATED = "DISPUTE_UPDATED"
    SUPPORT_MESSAGE_POSTED = "SUPPORT_MESSAGE_POSTED"
    DOCUMENT_UPDATED = "DOCUMENT_UPDATED"
    INSURANCE_CLAIM_UPDATED = "INSURANCE_CLAIM_UPDATED"
