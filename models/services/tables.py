"""Service requests: one table for every kind (the shared columns, then each kind's own, null
where a kind has none), their history, the auto-parts parcels, the dealers' credit lines and
the service level of each kind.

Service level: every request must see its first staff action (its first move out of
REQUESTED, or a parcel received) within its kind's target, counted in the desk's covered hours
like support's timers; `breach_at` and `warn_at` (80%) are fixed at creation, and each alert is
claimed once (`warned_at`, `breached_at`) by the background check.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from models.accounts.tables import Organization, User
from models.calculations.tables import ExtraService
from models.documents.tables import Document
from models.services.rules import RequestStatus, ServiceKind
from models.shipments.tables import Shipment
from models.support.tables import SupportThread


class ServiceRequest(Model):
    id = fields.IntField(primary_key=True)
    kind = fields.CharEnumField(ServiceKind, max_length=24, db_index=True)
    status = fields.CharEnumField(RequestStatus, max_length=16, db_index=True)
    dealer: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name="service_requests", on_delete=fields.RESTRICT
    )
    shipment: fields.ForeignKeyNullableRelation[Shipment] = fields.ForeignKeyField(
        "models.Shipment", related_name="service_requests", null=True, on_delete=fields.RESTRICT
    )
    thread: fields.ForeignKeyNullableRelation[SupportThread] = fields.ForeignKeyField(
        "models.SupportThread",
        related_name="service_requests",
        null=True,
        on_delete=fields.RESTRICT,
    )
    created_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="service_requests_created", on_delete=fields.RESTRICT
    )
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()
    closed_at = fields.DatetimeField(null=True)
    note = fields.TextField(null=True)  # the dealer's words, or the last step's reason
    # The main amount: the payment asked for, the amount transferred, the maximum bid, the
    # asking price, the extra service's price.
    amount = fields.DecimalField(max_digits=18, decimal_places=3, null=True)
    currency = fields.CharField(max_length=3, null=True)
    # What came of it: the final price of a won bid, the sale price, the expected amount of a
    # mismatched transfer.
    result_amount = fields.DecimalField(max_digits=18, decimal_places=3, null=True)
    # Vehicle at auction (payments, bids, resales).
    auction = fields.CharField(max_length=100, null=True)
    lot_number = fields.CharField(max_length=40, null=True)
    vin = fields.CharField(max_length=17, null=True)
    # The invoice it concerns: a payment's auction invoice, an amendment's invoice, a
    # transfer's matched invoice; `new_document`: the amended invoice uploaded with APPLIED.
    document: fields.ForeignKeyNullableRelation[Document] = fields.ForeignKeyField(
        "models.Document", related_name="service_requests", null=True, on_delete=fields.RESTRICT
    )
    new_document: fields.ForeignKeyNullableRelation[Document] = fields.ForeignKeyField(
        "models.Document",
        related_name="amending_requests",
        null=True,
        on_delete=fields.RESTRICT,
    )
    # A payment request matched by a transfer, or opened by a won bid.
    related: fields.ForeignKeyNullableRelation[ServiceRequest] = fields.ForeignKeyField(
        "models.ServiceRequest", related_name="relating", null=True, on_delete=fields.RESTRICT
    )
    due_date = fields.DateField(null=True)  # a payment's due date (the auction's invoice)
    transfer_date = fields.DateField(null=True)
    payer = fields.CharField(max_length=200, null=True)
    reference = fields.CharField(max_length=100, null=True)  # the dealer's transfer reference
    payment_reference = fields.CharField(max_length=100, null=True)  # set with PAID
    # An amendment's changes: [{"field": ..., "value": ...}].
    changes: fields.JSONField[list[dict[str, str]]] = fields.JSONField(null=True)
    priority = fields.IntField(null=True)  # a bid order's, 1 = highest
    skip_if_higher_won = fields.BooleanField(default=False)
    auction_starts_at = fields.DatetimeField(null=True)
    service = fields.CharEnumField(ExtraService, max_length=16, null=True)
    # Service level: when the first staff action is due, warned and overdue, and when it came.
    due_at = fields.DatetimeField(db_index=True)
    warn_at = fields.DatetimeField(db_index=True)
    first_action_at = fields.DatetimeField(null=True)
    warned_at = fields.DatetimeField(null=True)
    breached_at = fields.DatetimeField(null=True)
    version = fields.IntField(default=0)  # bumped by every write: races lose with CONFLICT

    dealer_id: int
    shipment_id: int | None
    thread_id: int | None
    created_by_id: int
    document_id: int | None
    new_document_id: int | None
    related_id: int | None

    class Meta:
        table = "service_request"
        indexes = (
            ("dealer_id", "kind", "status"),
            ("created_by_id",),
            ("document_id",),
            ("new_document_id",),
            ("related_id",),
            ("shipment_id",),
            ("thread_id",),
        )


class ServiceRequestChange(Model):
    """One step of a request: who, when, from which status to which, why (a parcel received
    is a step that keeps the status)."""

    id = fields.IntField(primary_key=True)
    request: fields.ForeignKeyRelation[ServiceRequest] = fields.ForeignKeyField(
        "models.ServiceRequest", related_name="history", on_delete=fields.RESTRICT
    )
    previous_status = fields.CharEnumField(RequestStatus, max_length=16, null=True)
    status = fields.CharEnumField(RequestStatus, max_length=16)
    by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User",
        related_name="service_request_changes",
        null=True,
        on_delete=fields.RESTRICT,
    )
    note = fields.TextField(null=True)
    occurred_at = fields.DatetimeField()
    seq = fields.BigIntField(null=True, db_index=True)  # its row in the event log

    request_id: int
    by_id: int | None

    class Meta:
        table = "service_request_change"
        indexes = (("by_id",), ("request_id",))


class ServiceParcel(Model):
    """An auto-parts parcel announced by the dealer, received at the warehouse one by one."""

    id = fields.IntField(primary_key=True)
    request: fields.ForeignKeyRelation[ServiceRequest] = fields.ForeignKeyField(
        "models.ServiceRequest", related_name="parcels", on_delete=fields.RESTRICT
    )
    carrier = fields.CharField(max_length=100)
    tracking_number = fields.CharField(max_length=100)
    description = fields.CharField(max_length=200, null=True)
    received_at = fields.DatetimeField(null=True)
    received_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="parcels_received", null=True, on_delete=fields.RESTRICT
    )

    request_id: int
    received_by_id: int | None

    class Meta:
        table = "service_parcel"
        indexes = (("received_by_id",), ("request_id",))


class CreditLine(Model):
    """The financial support programme's limit of one dealer, set by ADMIN. Approving a
    payment request locks this row (SELECT … FOR UPDATE) while it sums the credit in use."""

    id = fields.IntField(primary_key=True)
    organization: fields.OneToOneRelation[Organization] = fields.OneToOneField(
        "models.Organization", related_name="credit_line", on_delete=fields.RESTRICT
    )
    limit_amount = fields.DecimalField(max_digits=18, decimal_places=3)
    currency = fields.CharField(max_length=3)
    updated_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="credit_lines_set", on_delete=fields.RESTRICT
    )
    updated_at = fields.DatetimeField()

    organization_id: int
    updated_by_id: int

    class Meta:
        table = "credit_line"
        indexes = (("updated_by_id",),)


class ServiceLevel(Model):
    """A kind's first-action target in covered minutes, when ADMIN changed the default."""

    kind = fields.CharEnumField(ServiceKind, max_length=24, primary_key=True)
    minutes = fields.IntField()
    updated_by_id = fields.IntField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "service_level"
