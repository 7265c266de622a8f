"""Dealer and carrier systems: what their organization feed is made of."""

from __future__ import annotations

from enum import Enum


class EventType(str, Enum):
    """The kinds of change an organization's feed (and its webhooks) carry: each has one data
    shape, written down in docs/events/<TYPE>.v1.json. A new one: a value here, its data
    function in resolvers/integrations/events.py, its schema file."""

    SHIPMENT_BOOKED = "SHIPMENT_BOOKED"
    SHIPMENT_STATUS_CHANGED = "SHIPMENT_STATUS_CHANGED"
    TRACKING_EVENT_RECORDED = "TRACKING_EVENT_RECORDED"
    CONTAINER_LOADING_CHANGED = "CONTAINER_LOADING_CHANGED"
    DISPUTE_UPDATED = "DISPUTE_UPDATED"
    SUPPORT_MESSAGE_POSTED = "SUPPORT_MESSAGE_POSTED"
    DOCUMENT_UPDATED = "DOCUMENT_UPDATED"
    INSURANCE_CLAIM_UPDATED = "INSURANCE_CLAIM_UPDATED"
