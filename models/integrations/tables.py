"""The kinds of event an organization follows (its feed), and where they are pushed: webhook
URLs and e-mail status reports.

Both are endpoints of one durable delivery: `cursor` is the event-log position delivered up to
(never an in-memory queue), the lease says which process delivers the endpoint now, and every
delivery, with its attempts, is a `webhook_delivery` row.
"""

from __future__ import annotations

from enum import Enum

from tortoise import fields
from tortoise.models import Model

from models.accounts.tables import Organization, User
from models.shipments.tables import Shipment


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
    # The desk's service requests, one type per kind (models/services/rules.EVENT_TYPES)
    VEHICLE_PAYMENT_REQUEST_UPDATED = "VEHICLE_PAYMENT_REQUEST_UPDATED"
    TRANSFER_VERIFICATION_UPDATED = "TRANSFER_VERIFICATION_UPDATED"
    INVOICE_AMENDMENT_UPDATED = "INVOICE_AMENDMENT_UPDATED"
    BID_ORDER_UPDATED = "BID_ORDER_UPDATED"
    RESALE_REQUEST_UPDATED = "RESALE_REQUEST_UPDATED"
    EXTRA_SERVICE_ORDER_UPDATED = "EXTRA_SERVICE_ORDER_UPDATED"


class EndpointKind(str, Enum):
    WEBHOOK = "WEBHOOK"
    EMAIL = "EMAIL"


class ReportCadence(str, Enum):
    MILESTONE = "MILESTONE"  # one mail per milestone
    DAILY_DIGEST = "DAILY_DIGEST"  # one mail a day at a local hour, when anything happened


class DeliveryStatus(str, Enum):
    PENDING = "PENDING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"


class WebhookEndpoint(Model):
    id = fields.IntField(primary_key=True)
    organization: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name="webhook_endpoints", on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(EndpointKind, max_length=8, default=EndpointKind.WEBHOOK)
    url = fields.CharField(max_length=2048, default="")
    event_types: fields.JSONField[list[str]] = fields.JSONField(default=list)  # empty: every type
    enabled = fields.BooleanField(default=True)
    disabled_reason = fields.TextField(null=True)
    secret = fields.CharField(max_length=80, default="")
    previous_secret = fields.CharField(max_length=80, null=True)
    previous_secret_until = fields.DatetimeField(null=True)
    # Delivery state: the log position delivered up to, when the head event is due again, and
    # which process holds the endpoint (a lease that expires when that process dies).
    # `cursor` and `cursor_part` are a feed position (resolvers/integrations/cursor.py):
    # delivered up to the event `cursor_part` of the log row `cursor` (the largest part: all
    # of that row's events), so a row that makes several events can fail between two of them.
    cursor = fields.BigIntField(default=0)
    cursor_part = fields.IntField(default=2**31 - 1)
    next_attempt_at = fields.DatetimeField(null=True)
    failing_since = fields.DatetimeField(null=True)
    lease_owner = fields.CharField(max_length=64, null=True)
    lease_until = fields.DatetimeField(null=True)
    # E-mail status reports: the address, one shipment or all (null), and the cadence.
    email = fields.CharField(max_length=254, null=True)
    shipment: fields.ForeignKeyNullableRelation[Shipment] = fields.ForeignKeyField(
        "models.Shipment", related_name="report_subscriptions", null=True, on_delete=fields.CASCADE
    )
    cadence = fields.CharEnumField(ReportCadence, max_length=16, null=True)
    digest_hour = fields.IntField(null=True)
    timezone = fields.CharField(max_length=64, null=True)
    created_by_id = fields.IntField(null=True)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    organization_id: int
    shipment_id: int | None

    class Meta:
        table = "webhook_endpoint"
        indexes = (("enabled", "next_attempt_at"), ("organization_id",), ("shipment_id",))


class WebhookDelivery(Model):
    """One event to one endpoint: its attempts so far and how the last one went."""

    id = fields.BigIntField(primary_key=True)
    endpoint: fields.ForeignKeyRelation[WebhookEndpoint] = fields.ForeignKeyField(
        "models.WebhookEndpoint", related_name="deliveries", on_delete=fields.CASCADE
    )
    seq = fields.BigIntField()  # the event's feed position (its cursor): the log row
    part = fields.IntField(default=0)  # and which of that row's events
    event_type = fields.CharField(max_length=40)
    status = fields.CharEnumField(DeliveryStatus, max_length=10)
    attempts = fields.IntField(default=0)
    created_at = fields.DatetimeField()
    last_attempt_at = fields.DatetimeField(null=True)
    next_attempt_at = fields.DatetimeField(null=True)
    response_status = fields.IntField(null=True)
    response_body = fields.TextField(null=True)  # at most 1 KB of the receiver's answer
    error = fields.TextField(null=True)  # why there was no answer (timeout, refused address)
    duration_ms = fields.IntField(null=True)

    endpoint_id: int

    class Meta:
        table = "webhook_delivery"
        indexes = (("endpoint_id", "seq"),)


class ApiScope(str, Enum):
    READ = "READ"
    WRITE = "WRITE"
    WEBHOOKS = "WEBHOOKS"


class ApiKey(Model):
    """Only a keyed hash of the secret is kept (resolvers/integrations/key_secrets.py says why).

    `user` is the key's own machine user in its organization (it cannot sign in): what the key
    writes is recorded as done by it, never by the person who created the key."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100)
    prefix = fields.CharField(max_length=32)
    secret_hash = fields.CharField(max_length=64, unique=True)
    scopes: fields.JSONField[list[str]] = fields.JSONField(default=list)
    organization: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name="api_keys", on_delete=fields.RESTRICT
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="acting_api_keys", on_delete=fields.RESTRICT
    )
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="api_keys_created", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField()
    last_used_at = fields.DatetimeField(null=True)
    expires_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    organization_id: int
    user_id: int
    created_by_id: int | None

    class Meta:
        table = "api_key"
        indexes = (("organization_id", "created_at"), ("created_by_id",), ("user_id",))


class IdempotentRequest(Model):
    """One (organization, key): the request's fingerprint, then the answer once there is one.

    A row without `status` is a request still running (or cut off by a crash: see
    resolvers/integrations/idempotency.py)."""

    id = fields.BigIntField(primary_key=True)
    organization_id = fields.IntField()
    key = fields.CharField(max_length=255)
    fingerprint = fields.CharField(max_length=64)
    created_at = fields.DatetimeField()
    status = fields.IntField(null=True)
    content_type = fields.CharField(max_length=100, null=True)
    body = fields.BinaryField(null=True)
    completed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "idempotent_request"
        unique_together = (("organization_id", "key"),)
        indexes = (("created_at",),)
