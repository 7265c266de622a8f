"""The live streams of the Subscription root: what each field listens to and may see.

Each Subscription field registers an opener: it checks access like a query (NOT_FOUND for an
invisible object), decodes the cursor and says which topic, kinds and viewer scope the stream
has and how to load one event's root object. The socket endpoint shares one rendering per
(document, variables, scope); the field's own resolver serves `schema.subscribe` callers.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Any

from models.events import Event, EventKind
from models.validators import MAX_SEQ
from models.viewer import Viewer
from resolvers.pagination import decode_cursor
from schema.context import Context
from subscriptions import hub
from subscriptions.reader import read_topic

Load = Callable[[Event], Awaitable[Any]]


@dataclass(frozen=True)
class Stream:
    topic: str
    kinds: frozenset[EventKind]
    scope: Hashable
    visible: Callable[[Event], bool]
    load: Load
    after: int | None  # replay after this seq; None: live from now on


Opener = Callable[[Context, dict[str, Any]], Awaitable[Stream]]
STREAMS: dict[str, Opener] = {}


def stream(field_name: str) -> Callable[[Opener], Opener]:
    def register(opener: Opener) -> Opener:
        STREAMS[field_name] = opener
        return opener

    return register


def scope_of(viewer: Viewer | None) -> Hashable:
    """What decides what a viewer may see: its organization and role (anonymous: None)."""
    return None if viewer is None else (viewer.organization_id, viewer.role.value)


def cursor_seq(after: str | None) -> int | None:
    return None if after is None else decode_cursor(after, limit=MAX_SEQ)


def audience_check(viewer: Viewer | None, *, public: bool = False) -> Callable[[Event], bool]:
    """Per-event access: staff see staff events, organizations theirs, anyone public ones."""
    if viewer is None or public:
        return lambda event: event.public
    if viewer.is_staff:
        return lambda event: event.staff
    organization = viewer.organization_id
    return lambda event: organization in event.audience_orgs


class RootCache:
    """Each event's root object is loaded from the database once per process."""

    def __init__(self, size: int = 1024) -> None:
        self._rows: OrderedDict[tuple[str, int], Any] = OrderedDict()
        self._size = size

    def cached(self, name: str, load: Load) -> Load:
        async def load_once(event: Event) -> Any:
            key = (name, event.seq)
            if key not in self._rows:
                self._rows[key] = await load(event)
                while len(self._rows) > self._size:
                    self._rows.popitem(last=False)
            return self._rows[key]

        return load_once


roots = RootCache()


class _Inbox:
    """A subscriber that keeps only the seqs the hub offers; its owner loads each event."""

    def __init__(self) -> None:
        self.seqs: asyncio.Queue[int] = asyncio.Queue()

    def offer(self, seq: int, payload: str) -> None:
        self.seqs.put_nowait(seq)


async def _seq_text(event: Event) -> str:
    return str(event.seq)


async def iterate(stream: Stream) -> AsyncIterator[Any]:
    """One subscriber's own stream (replay, then live), for `schema.subscribe` callers."""
    inbox = _Inbox()
    key = ("own", id(inbox))
    current = hub.current()
    group, last = await current.join(
        stream.topic, key, lambda: hub.Group(key, stream.kinds, stream.visible, _seq_text), inbox
    )
    try:
        last = stream.after if stream.after is not None else last
        while events := await read_topic(stream.topic, after=last, limit=200):
            for event in events:
                if group.accepts(event):
                    yield await stream.load(event)
                last = event.seq
        while True:
            seq = await inbox.seqs.get()
            if seq > last:
                yield await stream.load(await Event.get(seq=seq))
                last = seq
    finally:
        current.leave(stream.topic, key, inbox)
