"""Global ids: opaque strings that encode a type and a key (what every `id` of the API holds,
and what event data and webhook bodies carry)."""

from __future__ import annotations

import base64
import binascii


def to_global_id(type_name: str, key: int) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{key}".encode()).decode().rstrip("=")


def parse_global_id(global_id: str) -> tuple[str, int] | None:
    try:
        text = base64.urlsafe_b64decode(global_id + "=" * (-len(global_id) % 4)).decode()
        type_name, _, key = text.partition(":")
        if not type_name.isidentifier() or not key.isdigit():
            return None
        return type_name, int(key)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
