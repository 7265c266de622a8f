"""What a client declares about a file before it uploads it, and the checks of that."""

from __future__ import annotations

import re
from dataclasses import dataclass

from models.documents.rules import DocumentKind, content_types, is_video
from resolvers.checks import Path, text
from resolvers.errors import invalid

_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\]")


@dataclass(frozen=True, slots=True)
class Limits:
    """From the settings: the size caps and how long an upload URL stays valid."""

    document_max_bytes: int
    video_max_bytes: int
    upload_url_seconds: int


@dataclass(frozen=True, slots=True)
class FileSpec:
    file_name: str
    content_type: str
    size_bytes: int


def media_type(value: str) -> str:
    """`Image/JPEG; charset=x` → `image/jpeg`: what a Content-Type header is compared by."""
    return value.split(";", 1)[0].strip().lower()


def check_file(spec: FileSpec, kind: DocumentKind, limits: Limits, field: Path) -> FileSpec:
    name = text(spec.file_name, [*field, "fileName"], limit=255)
    if _UNSAFE_NAME.search(name):
        raise invalid([*field, "fileName"], "must not contain slashes or control characters")
    content_type = media_type(spec.content_type)
    allowed = content_types(kind)
    if content_type not in allowed:
        names = ", ".join(sorted(allowed))
        raise invalid([*field, "contentType"], f"a {kind.value} may be one of {names}")
    cap = limits.video_max_bytes if is_video(content_type) else limits.document_max_bytes
    if not 1 <= spec.size_bytes <= cap:
        raise invalid([*field, "sizeBytes"], f"must be between 1 and {cap} bytes for this type")
    return FileSpec(name, content_type, spec.size_bytes)
