"""Global ids: opaque strings that encode a type and a key (what every `id` of the API holds,
and what event data and webhook bodies carry); schema/ids.py reads them back."""

from __future__ import annotations

import base64


def to_global_id(type_name: str, key: int) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{key}".encode()).decode().rstrip("=")
