"""The one clock of the service: UTC, and movable by tests through `travel`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

_offset = dt.timedelta(0)


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC) + _offset


@contextmanager
def travel(to: dt.datetime) -> Iterator[None]:
    """Run the block as if the wall clock read `to` at its start (it keeps ticking)."""
    global _offset
    saved = _offset
    _offset = to - dt.datetime.now(dt.UTC)
    try:
        yield
    finally:
        _offset = saved
