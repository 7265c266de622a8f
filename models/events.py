"""The event log: one row per thing that happened, in commit order, with who may see it.

`seq` follows commit order (subscriptions/log.py takes a transaction-scoped lock before it
writes rows on PostgreSQL; SQLite serialises writes), so a reader that has passed seq N never
sees a row below N commit later.
"""

from __future__ import annotations

from enum import Enum
from typing import TypedDict

from tortoise import fields
from tortoise.fields.db_defaults import Now
from tortoise.models import Model


class EventKind(str, Enum):
    TRACKING = "TRACKING"  # subject: tracking_event.id
    LOADING = "LOADING"  # subject: loading_change.id
    DISPUTE = "DISPUTE"  # subject: dispute_update.id
    SUPPORT_MESSAGE = "SUPPORT_MESSAGE"  # subject: support_message.id
    STAFF_ALERT = "STAFF_ALERT"  # subject: staff_alert.id
    DOCUMENT = "DOCUMENT"  # subject: document_change.id
    INSURANCE_CLAIM = "INSURANCE_CLAIM"  # subject: claim_change.id
    SERVICE_REQUEST = "SERVICE_REQUEST"  # subject: service_request_change.id
    # Wake-ups for the sockets signed in with a credential: seen by no one, read by api/
    API_KEY_REVOKED = "API_KEY_REVOKED"  # subject: api_key.id
    TOKEN_REVOKED = "TOKEN_REVOKED"  # subject: access_token.id
    # What someone may see or do changed (topic ACCESS_TOPIC; nobody's stream shows them):
    ACCESS_USER = "ACCESS_USER"  # subject: user.id (a token revoked, its groups changed)
    ACCESS_ORG = "ACCESS_ORG"  # subject: organization.id (blocked)
    ACCESS_STAFF = "ACCESS_STAFF"  # subject: 0; every staff socket checks again
    # A row changed without an event of its domain (a shipment joined a container): seen by no
    # one, it tells the result cache (api/result_cache.py) that answers on its topics are old.
    CHANGED = "CHANGED"  # subject: the changed row's id


ACCESS_TOPIC = "access"
ACCESS_KINDS = frozenset({EventKind.ACCESS_USER, EventKind.ACCESS_ORG, EventKind.ACCESS_STAFF})


class ShipmentFact(TypedDict):
    """A shipment an event concerned, as it was then: who its parties were and, for a tracking
    event, its status before and after (equal when the event did not move it)."""

    id: int
    customer: int
    carrier: int | None
    before: str | None
    after: str


class Facts(TypedDict, total=False):
    shipments: list[ShipmentFact]


class Event(Model):
    seq = fields.BigIntField(primary_key=True)
    kind = fields.CharEnumField(EventKind, max_length=20)
    subject_id = fields.IntField()
    # Who may see it: organization ids, platform staff, and (redacted) anyone with the waybill.
    audience_orgs: fields.JSONField[list[int]] = fields.JSONField(default=list)
    staff = fields.BooleanField(default=True)
    public = fields.BooleanField(default=False)
    occurred_at = fields.DatetimeField()
    # When it was written: what retention counts from (occurred_at can be long past, or planned).
    recorded_at = fields.DatetimeField(db_default=Now())
    # What the write knew and a later read cannot (`Facts`): for TRACKING and LOADING events,
    # the shipments they concerned, with their parties and statuses then.
    facts: fields.Field[Facts | None] = fields.JSONField(null=True)

    class Meta:
        table = "event_log"


class EventTopic(Model):
    """The topics of an event (`shipment:12`, `container:3`, `staff`): what a stream replays."""

    id = fields.BigIntField(primary_key=True)
    topic = fields.CharField(max_length=64)
    seq = fields.BigIntField()

    class Meta:
        table = "event_topic"
        # (seq): the pruner deletes by seq range
        indexes = (("topic", "seq"), ("seq",))
