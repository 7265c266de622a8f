"""A document's row (metadata and hash; the bytes live in object storage), its upload slots and
its history of status changes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from models.accounts.tables import User
from models.documents.rules import DocumentKind, DocumentStatus
from models.enums import Role
from models.shipments.tables import Shipment

if TYPE_CHECKING:
    from models.claims.tables import InsuranceClaim
    from models.disputes.tables import Dispute
    from models.support.tables import SupportThread


class Document(Model):
    id = fields.IntField(primary_key=True)
    shipment: fields.ForeignKeyRelation[Shipment] = fields.ForeignKeyField(
        "models.Shipment", related_name="documents", on_delete=fields.RESTRICT
    )
    kind = fields.CharEnumField(DocumentKind, max_length=24)
    status = fields.CharEnumField(DocumentStatus, max_length=12, db_index=True)
    # What else it belongs to, besides its shipment (each of the same shipment).
    claim: fields.ForeignKeyNullableRelation[InsuranceClaim] = fields.ForeignKeyField(
        "models.InsuranceClaim", related_name="documents", null=True, on_delete=fields.RESTRICT
    )
    dispute: fields.ForeignKeyNullableRelation[Dispute] = fields.ForeignKeyField(
        "models.Dispute", related_name="documents", null=True, on_delete=fields.RESTRICT
    )
    thread: fields.ForeignKeyNullableRelation[SupportThread] = fields.ForeignKeyField(
        "models.SupportThread", related_name="documents", null=True, on_delete=fields.RESTRICT
    )
    # The stored file (all null until the first upload completes).
    file_name = fields.CharField(max_length=255, null=True)
    content_type = fields.CharField(max_length=100, null=True)
    size_bytes = fields.BigIntField(null=True)
    sha256 = fields.CharField(max_length=64, null=True)
    storage_key = fields.CharField(max_length=300, null=True)
    uploaded_at = fields.DatetimeField(null=True)
    uploaded_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="documents_uploaded", null=True, on_delete=fields.RESTRICT
    )
    # A request for the paper: who asked, by when, and who holds it since when.
    requested_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="documents_requested", null=True, on_delete=fields.RESTRICT
    )
    due_at = fields.DatetimeField(null=True)
    provider = fields.CharEnumField(Role, max_length=20)  # who supplies the bytes
    holder = fields.CharEnumField(Role, max_length=20, null=True)
    held_since = fields.DatetimeField(null=True)
    note = fields.TextField(null=True)  # the request's or the last change's note
    # Signs this document's URLs: a new one (a new upload) revokes every URL given out before.
    link_secret = fields.CharField(max_length=64)
    created_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="documents_created", on_delete=fields.RESTRICT
    )
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()
    version = fields.IntField(default=0)  # bumped by every write: races lose with CONFLICT

    shipment_id: int
    claim_id: int | None
    dispute_id: int | None
    thread_id: int | None
    uploaded_by_id: int | None
    requested_by_id: int | None
    created_by_id: int

    class Meta:
        table = "document"
        indexes = (
            ("claim_id",),
            ("created_by_id",),
            ("dispute_id",),
            ("requested_by_id",),
            ("shipment_id",),
            ("thread_id",),
            ("uploaded_by_id",),
        )


class DocumentUpload(Model):
    """One upload URL: exactly `size_bytes` of `content_type`, once, before `expires_at`."""

    id = fields.IntField(primary_key=True)
    document: fields.ForeignKeyRelation[Document] = fields.ForeignKeyField(
        "models.Document", related_name="uploads", on_delete=fields.CASCADE
    )
    file_name = fields.CharField(max_length=255)
    content_type = fields.CharField(max_length=100)
    size_bytes = fields.BigIntField()
    storage_key = fields.CharField(max_length=300)
    link_secret = fields.CharField(max_length=64)  # signs this upload's URL only
    expires_at = fields.DatetimeField()
    claimed_at = fields.DatetimeField(null=True)  # a PUT is streaming it now
    completed_at = fields.DatetimeField(null=True)
    created_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="document_uploads", on_delete=fields.RESTRICT
    )
    created_at = fields.DatetimeField()

    document_id: int
    created_by_id: int

    class Meta:
        table = "document_upload"
        indexes = (("created_by_id",), ("document_id",))


class DocumentChange(Model):
    """One step of a document's life: who, when, from which status to which, and why."""

    id = fields.IntField(primary_key=True)
    document: fields.ForeignKeyRelation[Document] = fields.ForeignKeyField(
        "models.Document", related_name="changes", on_delete=fields.RESTRICT
    )
    previous_status = fields.CharEnumField(DocumentStatus, max_length=12, null=True)
    status = fields.CharEnumField(DocumentStatus, max_length=12)
    by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="document_changes", null=True, on_delete=fields.RESTRICT
    )
    note = fields.TextField(null=True)
    occurred_at = fields.DatetimeField()
    seq = fields.BigIntField(null=True, db_index=True)  # its row in the event log

    document_id: int
    by_id: int | None

    class Meta:
        table = "document_change"
        indexes = (("by_id",), ("document_id",))
