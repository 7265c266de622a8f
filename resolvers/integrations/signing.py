"""Standard Webhooks signatures (webhook-id, webhook-timestamp, webhook-signature), through the
`standardwebhooks` package rather than hand-rolled HMAC code."""

from __future__ import annotations

import base64
import datetime as dt
import secrets
from functools import lru_cache

from standardwebhooks import Webhook

from resolvers.integrations.cursor import Position

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


@lru_cache(maxsize=4096)
def _signer(secret: str) -> Webhook:
    return Webhook(secret)


def webhook_id(endpoint_id: int, position: Position) -> str:
    """Stable across retries and replays: the event's feed cursor and the endpoint, so a
    receiver that keeps the ids it has handled drops a repeat."""
    return f"msg_{endpoint_id}_{position.cursor}"


def signature_headers(
    *, msg_id: str, body: str, at: dt.datetime, secrets_in_use: list[str]
) -> dict[str, str]:
    """The three headers, signed with every secret in use (space-separated, as the spec allows
    while a rotated secret is still valid)."""
    signatures = " ".join(
        _signer(secret).sign(msg_id=msg_id, timestamp=at, data=body) for secret in secrets_in_use
    )
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signatures,
    }
