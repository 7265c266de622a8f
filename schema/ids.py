"""Global ids: opaque strings that encode a type and a key, checked for the type on decode."""

from __future__ import annotations

from models.ids import parse_global_id, to_global_id
from resolvers.errors import invalid

__all__ = ["decode_id", "parse_global_id", "to_global_id"]


def decode_id(global_id: str, type_name: str, field: list[str | int]) -> int:
    """The key of a `type_name` id; INVALID_INPUT naming `field` for any other id."""
    parsed = parse_global_id(global_id)
    if parsed is None:
        raise invalid(field, "is not an id this API gave out")
    if parsed[0] != type_name:
        raise invalid(field, f"is the id of a {parsed[0]}, not of a {type_name}")
    return parsed[1]
