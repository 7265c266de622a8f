"""The tables of integrations: API keys (an organization's machine credentials, each acting
through a user of its own) and idempotency keys (the first answer to a mutation, replayed)."""

from __future__ import annotations

from enum import Enum

from tortoise import fields
from tortoise.models import Model

from models.accounts.tables import Organization, User


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
        indexes = (("organization_id", "created_at"),)


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
