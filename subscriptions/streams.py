"""The read path of every live stream: the registry, and the one replay-then-live loop.

A stream is what one Subscription field follows. Registering a new one (docs/ARCHITECTURE.md,
"How to add a domain with a live stream", has the whole checklist):

1. resolvers/<domain>/access.py checks access to the stream's root like a query (an object
   the viewer may not see is NOT_FOUND); resolvers/<domain>/events.py names its `Topic` and
   writes the events; resolvers/<domain>/reads.py loads one event's root rows.
2. schema/<domain>/live.py declares the field and registers it:

       NEW_STREAM = register(Stream(
           name="fieldName",                     # the Subscription field, as clients spell it
           kinds=frozenset({EventKind.X}),       # the event kinds it passes on
           open=open_new_stream,                 # arguments -> Opened (access, topic, cursor)
           load=new_stream_root,                 # one event -> its GraphQL root, or None
       ))

   and the field's body is `async for root in subscribe(NEW_STREAM, info.context, arguments)`.

The socket endpoint finds the stream by field name here, renders each event once per group
(document, variables, viewer scope) and sends the same text to every subscriber of the group;
`subscribe` serves in-process callers (`schema.subscribe`) through the same loop, `follow`.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from models.events import Event, EventKind
from models.viewer import Viewer
from subscriptions import hub
from subscriptions.hub import Group
from subscriptions.log import scope_of, visible_to
from subscriptions.reader import read_topic
from subscriptions.topics import Topic

REPLAY_PAGE = 200
LAST_PART = 2**31 - 1  # a position past every part of its event
P = TypeVar("P")
Load = Callable[[Event], Awaitable[Any]]


class Parts(tuple[tuple[int, Any], ...]):
    """Several roots (or payloads) of one event, each with its part number, in order: the
    organization feed makes one event per shipment a container event concerns. A subscriber
    resumes between two parts; every other stream's event is one root, its one part."""


class Caller(Protocol):
    """Who opens a stream (schema's Context, over HTTP and WebSocket alike)."""

    viewer: Viewer | None
    allow: Callable[[str], Awaitable[bool]] | None

    def require_viewer(self) -> Viewer: ...


@dataclass(frozen=True, slots=True)
class Opened:
    """One subscriber's stream, its access checked: where to listen and what it may see."""

    topic: Topic
    scope: Hashable  # subscribers of one scope see the same events: they share one rendering
    visible: Callable[[Event], bool]  # subscriptions.log.visible_to(viewer)
    after: int | None  # replay after this seq; None: live from now on
    after_part: int | None = None  # replay the parts of the event `after` past this one
    # When the roots depend on who subscribes (the feed: on the organization and the types it
    # asked for), the load of this subscriber's roots and what they depend on.
    load: Load | None = None
    load_key: Hashable = None

    @classmethod
    def of(cls, viewer: Viewer, topic: Topic, *, after: int | None) -> Opened:
        """The stream of a viewer who may see its root: events by their audience."""
        return cls(topic=topic, scope=scope_of(viewer), visible=visible_to(viewer), after=after)


Opener = Callable[[Caller, Mapping[str, Any]], Awaitable[Opened]]


@dataclass(frozen=True, eq=False)
class Stream:
    name: str
    kinds: frozenset[EventKind]
    open: Opener
    load: Load


STREAMS: dict[str, Stream] = {}
R = TypeVar("R")


def presented(load: Callable[[Event], Awaitable[R | None]], present: Callable[[R], Any]) -> Load:
    """A stream's `load`: the event's root rows (from resolvers), presented (by schema)."""

    async def load_root(event: Event) -> Any:
        rows = await load(event)
        return None if rows is None else present(rows)

    return load_root


def register(stream: Stream) -> Stream:
    known = STREAMS.setdefault(stream.name, stream)
    if known is not stream:
        raise ValueError(f"a stream named {stream.name!r} is registered already")
    return stream


class RootCache:
    """Each event's root object is loaded from the database once per process and stream, also
    when several groups render the event at once (streams on different topics, dispatched side
    by side): they share the one load in flight. Loaded at different times, a root that reads
    its object as it is now (a request's status) showed two subscribers two different states."""

    def __init__(self, size: int = 1024) -> None:
        self._rows: OrderedDict[tuple[str, Hashable, int], asyncio.Future[Any]] = OrderedDict()
        self._size = size

    def loader(self, stream: Stream, opened: Opened) -> Load:
        load = opened.load or stream.load

        async def load_once(event: Event) -> Any:
            key = (stream.name, opened.load_key, event.seq)
            loading = self._rows.get(key)
            if loading is None:
                loading = self._rows[key] = asyncio.ensure_future(load(event))
                loading.add_done_callback(lambda done: self._forget_failed(key, done))
                while len(self._rows) > self._size:
                    self._rows.popitem(last=False)
            # shielded: a subscriber that leaves does not cancel the others' load
            return await asyncio.shield(loading)

        return load_once

    def _forget_failed(self, key: tuple[str, Hashable, int], done: asyncio.Future[Any]) -> None:
        """A load that failed is not kept: the next render of the event loads it again."""
        if done.cancelled() or done.exception() is not None:
            if self._rows.get(key) is done:
                del self._rows[key]


roots = RootCache()


class Follower(Generic[P]):
    """A subscriber of the hub that passes each seq on once, in order: what arrives live while
    it replays is held, then passed on above the last replayed seq."""

    def __init__(self, hold_limit: int) -> None:
        self.last_seq = 0
        self.last_part = LAST_PART  # every part of last_seq is passed on
        self.replaying = True
        self.held: list[tuple[int, P]] = []
        self.hold_limit = hold_limit

    def deliver(self, payload: P) -> None:
        """Passes on one live payload; must not block."""
        raise NotImplementedError

    async def replay(self, payload: P) -> None:
        """Passes on one replayed payload; may wait for room."""
        raise NotImplementedError

    def overflow(self) -> None:
        """More than `hold_limit` live events arrived during the replay."""
        raise NotImplementedError

    def offer(self, seq: int, payload: P) -> None:
        if self.replaying:
            self.held.append((seq, payload))
            if len(self.held) > self.hold_limit:
                self.overflow()
            return
        if isinstance(payload, Parts):
            for item in self.past(seq, payload):
                self.deliver(item)
        elif seq > self.last_seq:  # one part: the hot path of every other stream
            self.last_seq, self.last_part = seq, LAST_PART
            self.deliver(payload)

    def past(self, seq: int, payload: P) -> list[P]:
        """What of the event `seq` lies past the last position passed on, which it becomes."""
        parts = payload if isinstance(payload, Parts) else ((LAST_PART, payload),)
        found = []
        for part, item in parts:
            if (seq, part) > (self.last_seq, self.last_part):
                self.last_seq, self.last_part = seq, part
                found.append(item)
        return found

    def go_live(self, last: int) -> None:
        if last > self.last_seq:
            self.last_seq, self.last_part = last, LAST_PART
        self.replaying = False
        held, self.held = sorted(self.held, key=lambda item: item[0]), []
        for seq, payload in held:
            self.offer(seq, payload)


async def follow(
    stream: Stream,
    opened: Opened,
    key: Hashable,
    render: Callable[[Event], Awaitable[P | Parts | None]],
    follower: Follower[P],
    close: Callable[[], None] | None = None,
) -> None:
    """The one loop between the log and a subscriber, until cancelled: listen first (join the
    hub's group `key`), replay every visible event after the cursor, then pass on live ones,
    each seq once. No gap at the seam: the hub listens before the replay reads. `close` frees
    what `render` holds: called when the group ends, or at once when another's renders it."""
    current = hub.current()
    topic = opened.topic.name

    def make_group() -> Group:
        return Group(key, stream.kinds, opened.visible, render, close=close)

    group, live_from = await current.join(topic, key, make_group, follower)
    if close is not None and group.close is not close:  # the group renders with another's
        close()
    try:
        last = opened.after if opened.after is not None else live_from
        follower.last_seq = last
        if opened.after_part is not None:  # the cursor's own event has parts still to pass on
            follower.last_part = opened.after_part
            last -= 1
        while events := await read_topic(topic, after=last, limit=REPLAY_PAGE):
            for event in events:
                if group.accepts(event) and (payload := await group.render(event)) is not None:
                    for item in follower.past(event.seq, payload):
                        await follower.replay(item)
                last = event.seq
        follower.go_live(last)
        # live until the subscriber leaves (a bare future: an Event costs 0.7 kB a subscriber)
        await asyncio.get_running_loop().create_future()
    finally:
        current.leave(topic, key, follower)


class _Queued(Follower[Any]):
    def __init__(self) -> None:
        super().__init__(hold_limit=2**31)
        self.items: asyncio.Queue[Any] = asyncio.Queue()

    def deliver(self, payload: Any) -> None:
        self.items.put_nowait(payload)

    async def replay(self, payload: Any) -> None:
        self.items.put_nowait(payload)


_EMPTY = object()


class Feed:
    """The roots of one socket group, handed to its Subscription field one at a time.

    The socket runs a subscription through strawberry's public Schema.subscribe: the field's
    generator opens the stream (access checked as for every caller), reports it here, then
    yields the root of each event that the group renders. The group, not the generator, follows
    the log (`follow`), so that one rendering serves every subscriber of the group."""

    def __init__(self) -> None:
        loop = asyncio.get_running_loop()
        self.opened: asyncio.Future[tuple[Stream, Opened, dict[str, Any]]] = loop.create_future()
        # one root at a time (the group renders one event at a time): a slot and the future its
        # reader waits on, lighter than a queue for every idle subscriber
        self._root: Any = _EMPTY
        self._waiting: asyncio.Future[None] | None = None

    def push(self, root: Any) -> None:
        assert self._root is _EMPTY, "a root pushed before the last one was taken"
        self._root = root
        if self._waiting is not None and not self._waiting.done():
            self._waiting.set_result(None)

    async def roots(self, stream: Stream, caller: Caller, arguments: Mapping[str, Any]) -> Any:
        opened = await stream.open(caller, arguments)
        self.opened.set_result((stream, opened, dict(arguments)))
        while True:
            if self._root is _EMPTY:
                self._waiting = asyncio.get_running_loop().create_future()
                await self._waiting
                self._waiting = None
            root, self._root = self._root, _EMPTY
            yield root


async def subscribe(
    stream: Stream, caller: Caller, arguments: Mapping[str, Any]
) -> AsyncIterator[Any]:
    """The roots of a Subscription field: fed by the socket's group when the caller carries a
    `Feed`, else (in-process callers) this subscriber's own replay-then-live loop."""
    feed = getattr(caller, "feed", None)
    if isinstance(feed, Feed):
        async for root in feed.roots(stream, caller, arguments):
            yield root
        return
    opened = await stream.open(caller, arguments)
    follower = _Queued()
    following = asyncio.create_task(
        follow(stream, opened, ("own", id(follower)), roots.loader(stream, opened), follower)
    )
    try:
        while True:
            item = asyncio.ensure_future(follower.items.get())
            await asyncio.wait({item, following}, return_when=asyncio.FIRST_COMPLETED)
            if not item.done():
                item.cancel()
                following.result()  # raises what stopped it
                return
            yield item.result()
    finally:
        following.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await following
