"""The support desk's tables: groups and their members, each dealer's desk, threads, messages
and ratings. The rules (routing, transitions, service levels) are in models/support/rules.py
and models/support/sla.py."""

from __future__ import annotations

from enum import Enum

from tortoise import fields
from tortoise.models import Model

from models.accounts.tables import Organization, User
from models.shipments.tables import Shipment

MAX_GROUPS = 10


class ThreadCategory(str, Enum):
    FINANCE = "FINANCE"
    DOCUMENTS = "DOCUMENTS"
    AUCTIONS = "AUCTIONS"
    CALCULATIONS = "CALCULATIONS"
    TRANSPORT = "TRANSPORT"
    EXTRA_SERVICES = "EXTRA_SERVICES"
    COMPLAINT = "COMPLAINT"
    SERVICE_ACCIDENT = "SERVICE_ACCIDENT"
    INSURANCE_CLAIM = "INSURANCE_CLAIM"
    ENQUIRY = "ENQUIRY"
    ACCOUNT = "ACCOUNT"


class ThreadTopic(str, Enum):
    VEHICLE_PAYMENT = "VEHICLE_PAYMENT"
    TRANSFER_VERIFICATION = "TRANSFER_VERIFICATION"
    INVOICE_CHANGE = "INVOICE_CHANGE"
    DOCUMENT_REVIEW = "DOCUMENT_REVIEW"
    LOST_DOCUMENT = "LOST_DOCUMENT"
    RELEASE_REQUEST = "RELEASE_REQUEST"
    AUCTION_CONTACT = "AUCTION_CONTACT"
    BID_PLACEMENT = "BID_PLACEMENT"
    RESALE = "RESALE"
    TRANSPORT_COST = "TRANSPORT_COST"
    CUSTOMS_COST = "CUSTOMS_COST"
    EXTRA_SERVICE_COST = "EXTRA_SERVICE_COST"
    PICKUP_STATUS = "PICKUP_STATUS"
    LOADING_STATUS = "LOADING_STATUS"
    DESTINATION_CHANGE = "DESTINATION_CHANGE"
    AUTO_PARTS = "AUTO_PARTS"
    PHOTO_VIDEO = "PHOTO_VIDEO"
    EXTRA_PACKING = "EXTRA_PACKING"
    WORKING_CONDITIONS = "WORKING_CONDITIONS"
    PRICE_CHANGE = "PRICE_CHANGE"
    CREDIT_LINE = "CREDIT_LINE"
    OTHER = "OTHER"


class ThreadStatus(str, Enum):
    NEW = "NEW"
    OPEN = "OPEN"
    WAITING_ON_DEALER = "WAITING_ON_DEALER"
    WAITING_ON_BACK_OFFICE = "WAITING_ON_BACK_OFFICE"
    RESOLVED = "RESOLVED"
    CLOSED = "CLOSED"


class SupportShift(str, Enum):
    """The two shifts of 000: DAY 10:00-18:00 and NIGHT 16:00-02:00 (calendar.SUPPORT_SHIFTS)."""

    DAY = "DAY"
    NIGHT = "NIGHT"


class MoveStatus(str, Enum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    DECLINED = "DECLINED"


class SupportGroup(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100, unique=True)
    # 1..MAX_GROUPS, unique: the database itself refuses an eleventh group, also under a race.
    slot = fields.IntField(unique=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "support_group"


class SupportGroupMember(Model):
    """A staff user in a group, on one of the two shifts."""

    id = fields.IntField(primary_key=True)
    group: fields.ForeignKeyRelation[SupportGroup] = fields.ForeignKeyField(
        "models.SupportGroup", related_name="memberships", on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="support_memberships", on_delete=fields.CASCADE
    )
    shift = fields.CharEnumField(SupportShift, max_length=8, default=SupportShift.DAY)

    group_id: int
    user_id: int

    class Meta:
        table = "support_group_member"
        unique_together = (("group", "user"),)
        indexes = (("user_id",),)


class DealerDesk(Model):
    """Who serves a dealer organization: its support group and its account manager."""

    id = fields.IntField(primary_key=True)
    organization: fields.OneToOneRelation[Organization] = fields.OneToOneField(
        "models.Organization", related_name="desk", on_delete=fields.CASCADE
    )
    group: fields.ForeignKeyNullableRelation[SupportGroup] = fields.ForeignKeyField(
        "models.SupportGroup", related_name="dealers", null=True, on_delete=fields.RESTRICT
    )
    account_manager: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="managed_desks", null=True, on_delete=fields.RESTRICT
    )

    organization_id: int
    group_id: int | None
    account_manager_id: int | None

    class Meta:
        table = "dealer_desk"
        indexes = (("account_manager_id",), ("group_id",))


class GroupMove(Model):
    """A request of a dealer to be served by another group, which the approver picks."""

    id = fields.IntField(primary_key=True)
    organization: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name="group_moves", on_delete=fields.CASCADE
    )
    from_group: fields.ForeignKeyNullableRelation[SupportGroup] = fields.ForeignKeyField(
        "models.SupportGroup", related_name="moves_from", null=True, on_delete=fields.RESTRICT
    )
    to_group: fields.ForeignKeyNullableRelation[SupportGroup] = fields.ForeignKeyField(
        "models.SupportGroup", related_name="moves_to", null=True, on_delete=fields.RESTRICT
    )
    reason = fields.TextField()
    status = fields.CharEnumField(MoveStatus, max_length=10, default=MoveStatus.PENDING)
    requested_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="group_moves_requested", on_delete=fields.RESTRICT
    )
    decided_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="group_moves_decided", null=True, on_delete=fields.RESTRICT
    )
    # Set while PENDING, NULL once decided: at most one pending request per dealer, also in a race.
    pending_key = fields.IntField(null=True, unique=True)
    requested_at = fields.DatetimeField()
    decided_at = fields.DatetimeField(null=True)

    organization_id: int
    from_group_id: int | None
    to_group_id: int | None
    requested_by_id: int
    decided_by_id: int | None

    class Meta:
        table = "group_move"
        indexes = (
            ("decided_by_id",),
            ("from_group_id",),
            ("organization_id",),
            ("requested_by_id",),
            ("to_group_id",),
        )


class SupportThread(Model):
    id = fields.IntField(primary_key=True)
    subject = fields.CharField(max_length=200)
    category = fields.CharEnumField(ThreadCategory, max_length=20)
    topic = fields.CharEnumField(ThreadTopic, max_length=24)
    status = fields.CharEnumField(ThreadStatus, max_length=24, db_index=True)
    dealer: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name="support_threads", on_delete=fields.RESTRICT
    )
    group: fields.ForeignKeyNullableRelation[SupportGroup] = fields.ForeignKeyField(
        "models.SupportGroup", related_name="threads", null=True, on_delete=fields.RESTRICT
    )
    assignee: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="assigned_threads", null=True, on_delete=fields.RESTRICT
    )
    shipment: fields.ForeignKeyNullableRelation[Shipment] = fields.ForeignKeyField(
        "models.Shipment", related_name="support_threads", null=True, on_delete=fields.RESTRICT
    )
    opened_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="opened_threads", on_delete=fields.RESTRICT
    )
    version = fields.IntField(default=0)  # bumped by every write: races lose with CONFLICT
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    dealer_id: int
    group_id: int | None
    assignee_id: int | None
    shipment_id: int | None
    opened_by_id: int

    class Meta:
        table = "support_thread"
        indexes = (
            ("assignee_id",),
            ("dealer_id",),
            ("group_id",),
            ("opened_by_id",),
            ("shipment_id",),
        )


class SupportMessage(Model):
    id = fields.IntField(primary_key=True)
    thread: fields.ForeignKeyRelation[SupportThread] = fields.ForeignKeyField(
        "models.SupportThread", related_name="messages", on_delete=fields.CASCADE
    )
    author: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="support_messages", on_delete=fields.RESTRICT
    )
    body = fields.TextField()
    internal = fields.BooleanField(default=False)
    created_at = fields.DatetimeField()
    seq = fields.BigIntField(null=True, db_index=True)  # its row in the event log: the cursor

    thread_id: int
    author_id: int

    class Meta:
        table = "support_message"
        indexes = (("author_id",), ("thread_id", "seq"))


class ThreadRating(Model):
    """The one rating a dealer gives a thread, keeping the agent and group of that moment."""

    id = fields.IntField(primary_key=True)
    thread: fields.OneToOneRelation[SupportThread] = fields.OneToOneField(
        "models.SupportThread", related_name="rating", on_delete=fields.CASCADE
    )
    score = fields.IntField()
    comment = fields.TextField(null=True)
    agent: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="ratings_received", null=True, on_delete=fields.RESTRICT
    )
    group: fields.ForeignKeyNullableRelation[SupportGroup] = fields.ForeignKeyField(
        "models.SupportGroup", related_name="ratings", null=True, on_delete=fields.RESTRICT
    )
    rated_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="ratings_given", on_delete=fields.RESTRICT
    )
    created_at = fields.DatetimeField()

    thread_id: int
    agent_id: int | None
    group_id: int | None

    class Meta:
        table = "thread_rating"
        indexes = (("agent_id",), ("group_id",), ("rated_by_id",))
