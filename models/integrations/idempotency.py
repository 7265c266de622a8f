"""Idempotency keys: the first answer to a mutation, kept for a day and replayed to retries."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


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
