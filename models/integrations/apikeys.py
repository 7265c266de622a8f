"""API keys: an organization's machine credentials, each acting through a user of its own."""

from __future__ import annotations

from enum import Enum

from tortoise import fields
from tortoise.models import Model

from models.accounts import Organization, User


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
    scopes = fields.JSONField(default=list)
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
