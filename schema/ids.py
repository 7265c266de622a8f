"""Global ids: opaque strings that encode a type and a key, checked for the type on decode."""

from __future__ import annotations

import base64
import binascii

from models.ids import to_global_id
from models.validators import key as row_key
from resolvers.errors import invalid

__all__ = ["decode_id", "parse_global_id", "to_global_id"]


def parse_global_id(global_id: str) -> tuple[str, int] | None:
    try:
        text = base64.urlsafe_b64decode(global_id + "=" * (-len(global_id) % 4)).decode()
        type_name, _, key = text.partition(":")
        if not type_name.isidentifier():
            return None
        return type_name, row_key(key)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None


def decode_id(global_id: str, type_name: str, field: list[str | int]) -> int:
    """The key of a `type_name` id; INVALID_INPUT naming `field` for any other id."""
    parsed = parse_global_id(global_id)
    if parsed is None:
        raise invalid(field, "is not an id this API gave out")
    if parsed[0] != type_name:
        raise invalid(field, f"is the id of a {parsed[0]}, not of a {type_name}")
    return parsed[1]
