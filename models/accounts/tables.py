"""Organizations, their users and the bearer tokens they sign in with."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from models.enums import OrganizationKind, Role


class Organization(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=200)
    kind = fields.CharEnumField(OrganizationKind, max_length=16)
    blocked = fields.BooleanField(default=False)
    penalty_points = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)

    users: fields.ReverseRelation[User]

    class Meta:
        table = "organization"


class User(Model):
    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=254, unique=True)
    name = fields.CharField(max_length=200)
    password_hash = fields.CharField(max_length=200)
    role = fields.CharEnumField(Role, max_length=32)
    organization: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name="users", on_delete=fields.RESTRICT
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    organization_id: int

    class Meta:
        table = "user_account"
        indexes = (("organization_id",),)


class AccessToken(Model):
    """A bearer token: only its SHA-256 is stored, so a leaked table leaks no usable token."""

    id = fields.IntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="tokens", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)
    # The first token of the sign-in this one was refreshed from (None: it is that first one).
    # A socket stays open while its sign-in has a live token, through every refresh.
    session_id = fields.IntField(null=True, db_index=True)

    user_id: int

    class Meta:
        table = "access_token"
        indexes = (("user_id",),)


class BlockChange(Model):
    """The audit of an organization's blocking and unblocking: who, when and why."""

    id = fields.IntField(primary_key=True)
    organization: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "models.Organization", related_name="block_changes", on_delete=fields.CASCADE
    )
    blocked = fields.BooleanField()
    reason = fields.TextField()
    changed_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="block_changes", null=True, on_delete=fields.RESTRICT
    )
    changed_at = fields.DatetimeField()

    organization_id: int
    changed_by_id: int | None

    class Meta:
        table = "block_change"
        indexes = (("changed_by_id",), ("organization_id",))
