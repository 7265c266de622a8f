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
from typing import Any, cast

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from models import clock, sql
from models.accounts.tables import AccessToken, Organization, User
from models.enums import ROLES_BY_KIND, ErrorCode, OrganizationKind, Role
from models.events import EventKind
from models.viewer import Viewer
from resolvers.access import signed_in, writer
from resolvers.accounts.events import record_revocation
from resolvers.errors import DomainError, Unauthenticated, forbidden, invalid, not_found
from subscriptions.log import Recorder, recording

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
    expires_at: dt.datetime


def _normal_email(email: str) -> str:
    return email.strip().lower()


async def login(*, email: str, password: str, ttl: dt.timedelta) -> Session:
    """Same answer, after the same argon2 work, for an unknown email and a wrong password."""
    user = await User.get_or_none(email=_normal_email(email))
    # An unknown email is checked against a dummy hash, so both failures take the same time.
    matches = await _password_matches(user.password_hash if user else _dummy_hash(), password)
    if user is None or not matches:
        raise DomainError(ErrorCode.INVALID_INPUT, "wrong email or password", ["password"])
    token, row = await _issue(user.id, ttl, session_id=None)
    return Session(token=token, user=user, expires_at=row.expires_at)


async def issue_token(user: User, ttl: dt.timedelta) -> str:
    token, _ = await _issue(user.id, ttl, session_id=None)
    return token


async def _issue(
    user_id: int, ttl: dt.timedelta, *, session_id: int | None, using_db: Any = None
) -> tuple[str, AccessToken]:
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = clock.now()
    row = await AccessToken.create(
        token_hash=token_digest(token),
        user_id=user_id,
        created_at=now,
        expires_at=now + ttl,
        session_id=session_id,
        using_db=using_db,
    )
    return token, row


def _token_viewer(viewer: Viewer | None) -> Viewer:
    viewer = signed_in(viewer)
    if viewer.token_id is None:
        raise forbidden("only a login token can be refreshed or logged out; revoke API keys")
    return viewer


async def refresh_token(*, viewer: Viewer | None, ttl: dt.timedelta) -> Session:
    """A new token of the same sign-in, and the one used to ask revoked: sockets signed in
    with the old one stay open (they live by the sign-in), the old token no longer works."""
    viewer = _token_viewer(viewer)
    assert viewer.token_id is not None
    async with recording() as log:
        old = await AccessToken.get(id=viewer.token_id, using_db=log.connection)
        revoked = await _revoke(log, AccessToken.filter(id=old.id))
        if not revoked:
            raise Unauthenticated("the token was revoked meanwhile: sign in again")
        token, row = await _issue(
            old.user_id, ttl, session_id=old.session_id or old.id, using_db=log.connection
        )
    user = await User.get(id=old.user_id)
    return Session(token=token, user=user, expires_at=row.expires_at)


async def logout(*, viewer: Viewer | None) -> int:
    """Revokes every token of the viewer's sign-in (the one used, and any refreshed from the
    same sign-in): its sockets close. Returns how many were revoked."""
    viewer = _token_viewer(viewer)
    token = await AccessToken.get(id=viewer.token_id)
    session = token.session_id or token.id
    async with recording() as log:
        return await _revoke(log, AccessToken.filter(Q(id=session) | Q(session_id=session)))


async def _revoke(log: Recorder, tokens: QuerySet[AccessToken]) -> int:
    """Revokes the live ones of `tokens` and wakes the sockets of every process (an event)."""
    now = clock.now()
    live = tokens.filter(revoked_at=None).using_db(log.connection)
    ids = cast("list[int]", await live.values_list("id", flat=True))
    if not ids:
        return 0
    revoked = (
        await AccessToken.filter(id__in=ids, revoked_at=None)
        .using_db(log.connection)
        .update(revoked_at=now)
    )
    await record_revocation(log, kind=EventKind.TOKEN_REVOKED, subject_id=min(ids), at=now)
    return revoked


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
    return viewer_of_row(rows[0], AccessToken, token_id=rows[0]["id"])


async def token_refusal(token: str) -> Unauthenticated:
    """Why `token`, which `viewer_for_token` did not accept, is refused (one more query, and
    only on this path): revoked before expired, a revocation being somebody's decision."""
    if not token.startswith(TOKEN_PREFIX):
        return Unauthenticated(
            "the token is neither a login token (clv_…) nor an API key (clk_…)", "malformed"
        )
    row = await AccessToken.get_or_none(token_hash=token_digest(token))
    if row is None:
        return Unauthenticated("the token is not one this service gave out", "invalid")
    if row.revoked_at is not None:
        return Unauthenticated("the token was revoked (logged out or refreshed)", "revoked")
    if row.expires_at <= clock.now():
        return Unauthenticated(f"the token expired at {row.expires_at.isoformat()}", "expired")
    return Unauthenticated("the token was refused", "invalid")  # it lived again meanwhile


def viewer_of_row(row: dict[str, Any], table: type[Model], **credential: Any) -> Viewer:
    """The viewer of a credential's look-up row (user_id, role, organization_id, kind, blocked
    and the credential's expires_at, read as `table` reads it)."""
    return Viewer(
        user_id=row["user_id"],
        organization_id=row["organization_id"],
        organization_kind=OrganizationKind(row["kind"]),
        role=Role(row["role"]),
        blocked=bool(row["blocked"]),
        expires_at=sql.python_value(table, "expires_at", row["expires_at"]),
        **credential,
    )


async def live_sessions(token_ids: Collection[int]) -> dict[int, dt.datetime]:
    """Of `token_ids`, those whose sign-in still has a live token (the token itself or one
    refreshed from the same sign-in), with that sign-in's latest expiry: two queries per
    thousand ids."""
    ids = list(token_ids)
    now = clock.now()
    live: dict[int, dt.datetime] = {}
    for start in range(0, len(ids), 1000):
        rows = await AccessToken.filter(id__in=ids[start : start + 1000]).values_list(
            "id", "session_id"
        )
        session_of = {token_id: session or token_id for token_id, session in rows}
        sessions = set(session_of.values())
        until: dict[int, dt.datetime] = {}
        for token_id, session, expires_at in await AccessToken.filter(
            Q(id__in=sessions) | Q(session_id__in=sessions), revoked_at=None, expires_at__gt=now
        ).values_list("id", "session_id", "expires_at"):
            key = session or token_id
            until[key] = max(until.get(key, expires_at), expires_at)
        for token_id, session in session_of.items():
            if session in until:
                live[token_id] = until[session]
    return live


async def revoke_token(token: str) -> bool:
    async with recording() as log:
        return await _revoke(log, AccessToken.filter(token_hash=token_digest(token))) > 0


async def revoke_user_tokens(email: str) -> int:
    user = await User.get_or_none(email=_normal_email(email))
    if user is None:
        raise not_found(["email"], "user")
    async with recording() as log:
        return await _revoke(log, AccessToken.filter(user=user))


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
