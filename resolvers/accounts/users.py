"""Accounts: sign-in with revocable bearer tokens, and ADMIN onboarding."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache
from typing import cast

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models import clock, sql
from models.accounts.tables import AccessToken, Organization, User
from models.enums import ROLES_BY_KIND, ErrorCode, OrganizationKind, Role
from models.viewer import Viewer
from resolvers.access import writer
from resolvers.accounts.events import user_access_changed
from resolvers.errors import DomainError, invalid, not_found
from subscriptions.log import recording

TOKEN_PREFIX = "clv_"
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 8
_hasher = PasswordHasher()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher.hash(secrets.token_urlsafe(16))


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hasher.hash, password)


async def _password_matches(password_hash: str, password: str) -> bool:
    try:
        return await asyncio.to_thread(_hasher.verify, password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Session:
    token: str
    user: User


def _normal_email(email: str) -> str:
    return email.strip().lower()


async def login(*, email: str, password: str, ttl: dt.timedelta) -> Session:
    """Same answer, after the same argon2 work, for an unknown email and a wrong password."""
    user = await User.get_or_none(email=_normal_email(email))
    # An unknown email is checked against a dummy hash, so both failures take the same time.
    matches = await _password_matches(user.password_hash if user else _dummy_hash(), password)
    if user is None or not matches:
        raise DomainError(ErrorCode.INVALID_INPUT, "wrong email or password", ["password"])
    return Session(token=await issue_token(user, ttl), user=user)


async def issue_token(user: User, ttl: dt.timedelta) -> str:
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = clock.now()
    await AccessToken.create(
        token_hash=token_digest(token), user=user, created_at=now, expires_at=now + ttl
    )
    return token


async def viewer_for_token(token: str) -> Viewer | None:
    """The viewer a bearer token stands for, or None when it is unknown, expired or revoked.

    Every request and socket asks this first, so it is one hand-written statement: through the
    ORM, building the query took seven times as long as running it (models/sql.py)."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    connection, p = sql.default()
    rows = await connection.execute_query_dict(
        f"""SELECT t.id, t.expires_at, u.id AS user_id, u.role, o.id AS organization_id,
                   o.kind, o.blocked
            FROM access_token t
            JOIN user_account u ON u.id = t.user_id
            JOIN organization o ON o.id = u.organization_id
            WHERE t.token_hash = {p(token_digest(token))} AND t.revoked_at IS NULL
              AND t.expires_at > {p(sql.db_value(AccessToken, "expires_at", clock.now()))}
            LIMIT 1""",
        p.values,
    )
    if not rows:
        return None
    row = rows[0]
    return Viewer(
        user_id=row["user_id"],
        organization_id=row["organization_id"],
        organization_kind=OrganizationKind(row["kind"]),
        role=Role(row["role"]),
        blocked=bool(row["blocked"]),
        token_id=row["id"],
        expires_at=sql.python_value(AccessToken, "expires_at", row["expires_at"]),
    )


async def live_tokens(token_ids: Collection[int]) -> set[int]:
    """Which of `token_ids` are neither revoked nor expired: one query per thousand ids."""
    ids = list(token_ids)
    now = clock.now()
    live: set[int] = set()
    for start in range(0, len(ids), 1000):
        rows = AccessToken.filter(
            id__in=ids[start : start + 1000], revoked_at=None, expires_at__gt=now
        )
        live.update(cast("list[int]", await rows.values_list("id", flat=True)))
    return live


async def revoke_token(token: str) -> bool:
    """Revokes a live token; its sockets close at once, on every process."""
    live = AccessToken.filter(token_hash=token_digest(token), revoked_at=None)
    async with recording() as log:
        row = await live.first().values("id", "user_id")
        if row is None:
            return False
        await AccessToken.filter(id=row["id"], revoked_at=None).update(revoked_at=clock.now())
        await user_access_changed(log, row["user_id"])
    return True


async def revoke_user_tokens(email: str) -> int:
    user = await User.get_or_none(email=_normal_email(email))
    if user is None:
        raise not_found(["email"], "user")
    async with recording() as log:
        count = await AccessToken.filter(user=user, revoked_at=None).update(revoked_at=clock.now())
        await user_access_changed(log, user.id)
    return count


def _name(value: str, field: list[str]) -> str:
    value = value.strip()
    if not value or len(value) > 200:
        raise invalid(field, "must be 1 to 200 characters")
    return value


async def create_organization(
    *, viewer: Viewer | None, name: str, kind: OrganizationKind
) -> Organization:
    writer(viewer, Role.ADMIN)
    return await Organization.create(name=_name(name, ["input", "name"]), kind=kind)


async def create_user(
    *,
    viewer: Viewer | None,
    email: str,
    name: str,
    password: str,
    role: Role,
    organization_id: int,
) -> User:
    writer(viewer, Role.ADMIN)
    return await register_user(
        email=email, name=name, password=password, role=role, organization_id=organization_id
    )


async def register_user(
    *, email: str, name: str, password: str, role: Role, organization_id: int
) -> User:
    """Onboarding without a viewer: the ADMIN mutation and the command line both end here."""
    email = _normal_email(email)
    if not EMAIL.match(email) or len(email) > 254:
        raise invalid(["input", "email"], "must be an email address such as name@example.com")
    name = _name(name, ["input", "name"])
    if len(password) < MIN_PASSWORD:
        raise invalid(["input", "password"], f"must be at least {MIN_PASSWORD} characters")
    organization = await Organization.get_or_none(id=organization_id)
    if organization is None:
        raise not_found(["input", "organizationId"], "organization")
    if role not in ROLES_BY_KIND[organization.kind]:
        allowed = ", ".join(sorted(r.value for r in ROLES_BY_KIND[organization.kind]))
        raise invalid(
            ["input", "role"],
            f"a {organization.kind.value} organization's users may only have role {allowed}",
        )
    password_hash = await hash_password(password)
    try:
        async with in_transaction():
            return await User.create(
                email=email,
                name=name,
                password_hash=password_hash,
                role=role,
                organization=organization,
            )
    except IntegrityError:
        raise DomainError(
            ErrorCode.CONFLICT, f"a user with email {email} exists already", ["input", "email"]
        ) from None
