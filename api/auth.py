"""Bearer tokens from requests and sockets, and who the client is."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.types import Scope

from api.settings import Settings


def bearer(value: object) -> str | None:
    """The token of an `Authorization: Bearer <token>` value, or None."""
    if not isinstance(value, str):
        return None
    scheme, _, token = value.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


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
