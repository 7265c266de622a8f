"""Signed, short-lived file URLs: `/files/<token>`, PUT to upload once, GET to download.

A token names its upload or document, its expiry and its purpose, signed with HMAC-SHA256 by
the document's own secret: a new upload draws a new secret, which revokes every URL given
out before it, and no key has to be shared between processes.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from enum import Enum

PREFIX = "/files/"


class Purpose(str, Enum):
    UPLOAD = "u"  # subject: document_upload.id
    DOWNLOAD = "d"  # subject: document.id


@dataclass(frozen=True, slots=True)
class Token:
    purpose: Purpose
    subject: int
    expires: int  # unix seconds
    signature: str


def new_secret() -> str:
    return secrets.token_hex(32)


def _sign(secret: str, purpose: Purpose, subject: int, expires: int) -> str:
    message = f"{purpose.value}.{subject}.{expires}".encode()
    digest = hmac.new(bytes.fromhex(secret), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def url(secret: str, purpose: Purpose, subject: int, expires_at: dt.datetime) -> str:
    expires = int(expires_at.timestamp())
    return f"{PREFIX}{purpose.value}.{subject}.{expires}.{_sign(secret, purpose, subject, expires)}"


def parse(token: str) -> Token | None:
    """The token's parts, or None when it is not one this server makes (checked later)."""
    parts = token.split(".")
    if len(parts) != 4 or not parts[1].isdigit() or not parts[2].isdigit():
        return None
    try:
        purpose = Purpose(parts[0])
    except ValueError:
        return None
    return Token(purpose, int(parts[1]), int(parts[2]), parts[3])


def valid(token: Token, secret: str) -> bool:
    """The signature is this secret's (compared in constant time, against forgery by timing)."""
    expected = _sign(secret, token.purpose, token.subject, token.expires)
    return hmac.compare_digest(expected, token.signature)


def expired(token: Token, now: dt.datetime) -> bool:
    return token.expires <= int(now.timestamp())
