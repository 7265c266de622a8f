"""API keys: created by an organization's DEALER or CARRIER users (or ADMIN), shown once,
revoked with effect on every open socket at once."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from models import clock
from models.accounts.tables import Organization, User
from models.enums import ErrorCode
from models.events import EventKind
from models.integrations.tables import ApiKey, ApiScope
from models.viewer import Viewer
from resolvers.access import writer
from resolvers.accounts.events import record_revocation
from resolvers.errors import DomainError, invalid, not_found
from resolvers.integrations import key_secrets
from resolvers.integrations.access import (
    ROLE_OF_KIND,
    find_api_key,
    key_manager,
    organization_of,
)
from subscriptions.log import recording

MAX_LIVE_KEYS = 20
UNUSABLE_PASSWORD = "!"  # no argon2 hash: a key's own user can never sign in


def _scopes(scopes: Iterable[ApiScope]) -> list[ApiScope]:
    chosen = set(scopes)
    if not chosen:
        raise invalid(["input", "scopes"], "name at least one scope: READ, WRITE or WEBHOOKS")
    if ApiScope.WRITE in chosen:
        chosen.add(ApiScope.READ)  # a mutation answers with what it changed: WRITE reads too
    return sorted(chosen, key=list(ApiScope).index)


def _name(name: str) -> str:
    name = name.strip()
    if not 1 <= len(name) <= 100:
        raise invalid(["input", "name"], "must be 1 to 100 characters")
    return name


def _expiry(expires_at: dt.datetime | None) -> dt.datetime | None:
    if expires_at is None:
        return None
    if expires_at.tzinfo is None:
        raise invalid(["input", "expiresAt"], "must carry a time zone, e.g. 2027-01-31T00:00:00Z")
    if expires_at <= clock.now() + dt.timedelta(minutes=1):
        raise invalid(["input", "expiresAt"], "must be in the future")
    return expires_at


async def create_api_key(
    *,
    viewer: Viewer | None,
    name: str,
    scopes: Iterable[ApiScope],
    expires_at: dt.datetime | None,
    organization_id: int | None,
    live: bool,
    pepper: str,
) -> tuple[ApiKey, str]:
    """The new key and its secret, which is not kept and cannot be shown again."""
    viewer = writer(key_manager(viewer))
    organization = await organization_of(viewer, organization_id, ["input", "organizationId"])
    return await register_api_key(
        organization_id=organization,
        name=name,
        scopes=scopes,
        expires_at=expires_at,
        created_by_id=viewer.user_id,
        live=live,
        pepper=pepper,
    )


async def register_api_key(
    *,
    organization_id: int,
    name: str,
    scopes: Iterable[ApiScope],
    expires_at: dt.datetime | None,
    created_by_id: int | None,
    live: bool,
    pepper: str,
) -> tuple[ApiKey, str]:
    """Without a viewer: the mutation and the operators' command line both end here."""
    name, chosen, expires_at = _name(name), _scopes(scopes), _expiry(expires_at)
    secret = key_secrets.new_secret(live=live)
    async with recording() as log:
        organization = await _locked(log.connection, organization_id)
        if organization.kind not in ROLE_OF_KIND:
            raise invalid(["organization"], "API keys are for DEALER and CARRIER organizations")
        if await _live(organization.id).using_db(log.connection).count() >= MAX_LIVE_KEYS:
            raise DomainError(
                ErrorCode.LIMIT_EXCEEDED,
                f"an organization has at most {MAX_LIVE_KEYS} live keys: revoke one first",
            )
        user = await User.create(
            email=f"apikey.{secrets.token_hex(8)}@apikeys.invalid",
            name=f"API key: {name}",
            password_hash=UNUSABLE_PASSWORD,
            role=ROLE_OF_KIND[organization.kind],
            organization_id=organization.id,
            using_db=log.connection,
        )
        key = await ApiKey.create(
            name=name,
            prefix=key_secrets.public_prefix(secret),
            secret_hash=key_secrets.secret_hash(secret, pepper),
            scopes=[scope.value for scope in chosen],
            organization_id=organization.id,
            user_id=user.id,
            created_by_id=created_by_id,
            created_at=clock.now(),
            expires_at=expires_at,
            using_db=log.connection,
        )
    return key, secret


async def _locked(connection: BaseDBAsyncClient, organization_id: int) -> Organization:
    """The organization, locked until commit on PostgreSQL: two creations count in turn."""
    query = Organization.filter(id=organization_id).select_for_update().using_db(connection)
    organization = await query.first()
    if organization is None:
        raise not_found(["organization"], "organization")
    return organization


def _live(organization_id: int) -> QuerySet[ApiKey]:
    unexpired = Q(expires_at=None) | Q(expires_at__gt=clock.now())
    return ApiKey.filter(unexpired, organization_id=organization_id, revoked_at=None)


async def revoke_api_key(*, viewer: Viewer | None, key_id: int) -> ApiKey:
    """Revoked at once: HTTP requests find it revoked, sockets signed in with it close (4403).
    Allowed to a blocked organization too: taking a credential away is always safe."""
    key = await find_api_key(key_manager(viewer), key_id)
    if key is None:
        raise not_found(["id"], "API key")
    return await revoke_key(key)


async def revoke_key(key: ApiKey) -> ApiKey:
    """Revokes `key` (a revoked key stays as it is) and wakes every process's sockets."""
    async with recording() as log:
        now = clock.now()
        updated = await (
            ApiKey.filter(id=key.id, revoked_at=None)
            .using_db(log.connection)
            .update(revoked_at=now)
        )
        if updated:
            await record_revocation(log, kind=EventKind.API_KEY_REVOKED, subject_id=key.id, at=now)
    return await ApiKey.get(id=key.id)
