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
    load: Load  # the event's root; or Parts of (part, root) when one event makes several
    after: int | None  # replay after this seq; None: live from now on
    after_part: int | None = None  # replay the parts of the row `after` past this one
    roots: str | None = None  # whose roots these are, when not the same for every topic

    @property
    def root_key(self) -> str:
        """The roots of one event are loaded once per process for every stream of this key."""
        return self.roots or self.topic.split(":")[0] + ":" + str(sorted(self.kinds))


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
    return None if after is None else decode_cursor(after)


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

    def offer(self, seq: int, payload: hub.Payload) -> None:
        self.seqs.put_nowait(seq)


async def _seq_text(event: Event) -> str:
    return str(event.seq)


async def _roots(stream: Stream, event: Event, after: tuple[int, int]) -> list[Any]:
    """The event's roots past the position `after` (seq, part)."""
    loaded = await stream.load(event)
    parts = loaded if isinstance(loaded, hub.Parts) else [(hub.LAST_PART, loaded)]
    return [root for part, root in parts if (event.seq, part) > after]


async def iterate(stream: Stream) -> AsyncIterator[Any]:
    """One subscriber's own stream (replay, then live), for `schema.subscribe` callers."""
    inbox = _Inbox()
    key = ("own", id(inbox))
    current = hub.current()
    group, live_from = await current.join(
        stream.topic, key, lambda: hub.Group(key, stream.kinds, stream.visible, _seq_text), inbox
    )
    try:
        last = stream.after if stream.after is not None else live_from
        position = (last, hub.LAST_PART if stream.after_part is None else stream.after_part)
        if stream.after_part is not None:
            last -= 1
        while events := await read_topic(stream.topic, after=last, limit=200):
            for event in events:
                if group.accepts(event):
                    for root in await _roots(stream, event, position):
                        yield root
                last = event.seq
                position = max(position, (last, hub.LAST_PART))
        while True:
            seq = await inbox.seqs.get()
            if seq > position[0]:
                for root in await _roots(stream, await Event.get(seq=seq), position):
                    yield root
                position = (seq, hub.LAST_PART)
    finally:
        current.leave(stream.topic, key, inbox)
