"""Bearer tokens from requests and sockets, and who the client is."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from starlette.types import Scope

from api.settings import Settings
from resolvers.errors import Unauthenticated

TOKEN68 = re.compile(r"[A-Za-z0-9._~+/-]+=*")  # RFC 6750's b64token
NOT_BEARER = "the Authorization header must be `Bearer <token>`"


def credential(value: object) -> str | None:
    """The token of an `Authorization: Bearer <token>` value; None when none is given (no
    header, or an empty one: anonymous). Anything else is refused, never ignored: a client
    that sends a credential means to be signed in (Unauthenticated, reason `malformed`)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    parts = value.split() if isinstance(value, str) else []
    if len(parts) != 2 or parts[0].lower() != "bearer" or not TOKEN68.fullmatch(parts[1]):
        raise Unauthenticated(NOT_BEARER, "malformed")
    return parts[1]


def client_address(scope: Scope) -> str:
    client = scope.get("client")
    return client[0] if client else "unknown"


def origin_allowed(origin: str | None, host: str | None, settings: Settings) -> bool:
    """Browser sockets: same origin, or an origin the settings list. No Origin: not a browser."""
    if not origin:
        return True
    if "*" in settings.allowed_origins or origin in settings.allowed_origins:
        return True
    return urlsplit(origin).netloc == (host or "")
