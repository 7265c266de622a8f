"""The bus between processes: broadcaster on memory:// or redis://, supervised.

A notice is small: `seq` on the channel of each topic. It only wakes receivers up; they read
the event log itself, so a lost notice delays an event (until the relay) but never loses it.
broadcaster does not reconnect after a Redis restart (its listener stays alive and hears
nothing), so a supervisor pings Redis and, once it answers again after a failure, builds a new
connection and tells the hub to listen again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from broadcaster import Broadcast

from subscriptions.redis_backend import FixedRedisBackend

if TYPE_CHECKING:
    from subscriptions.log import Notice

log = logging.getLogger("cargolive.bus")
CHANNEL_PREFIX = "cargolive:"
# Every notice once more, with all its topics ("seq topic topic..."): for readers that follow
# every topic at once (the result cache), which cannot subscribe to each.
NOTICES = CHANNEL_PREFIX + "+notices"
PENDING_LIMIT = 10_000
PUBLISH_BATCH = 100  # notices published in one round trip at most
SUPERVISE_SECONDS = 1.0
_current: Bus | None = None
_reconnect_callbacks: list[Callable[[], Awaitable[None]]] = []
_commit_listeners: list[Callable[[], None]] = []
_notice_listeners: list[Callable[[Iterable[Notice]], None]] = []


def channel(topic: str) -> str:
    return CHANNEL_PREFIX + topic


def _messages(notice: Notice) -> list[tuple[str, str]]:
    """A notice's messages: its seq on each topic's channel, and on NOTICES with its topics."""
    seq = str(notice.seq)
    return [
        *((channel(topic), seq) for topic in notice.topics),
        (NOTICES, " ".join((seq, *notice.topics))),
    ]


def current() -> Bus | None:
    return _current


def on_reconnect(callback: Callable[[], Awaitable[None]]) -> None:
    _reconnect_callbacks.append(callback)


def on_commit(listener: Callable[[], None]) -> Callable[[], None]:
    """Calls `listener` whenever this process commits events (the delivery worker wakes up);
    returns the function that stops it."""
    _commit_listeners.append(listener)
    return lambda: _commit_listeners.remove(listener)


def on_notices(listener: Callable[[Iterable[Notice]], None]) -> Callable[[], None]:
    """Calls `listener` with the notices of every commit of this process, before the commit's
    caller goes on (the result cache forgets old answers at once); returns the function that
    stops it."""
    _notice_listeners.append(listener)
    return lambda: _notice_listeners.remove(listener)


def announce(notices: Iterable[Notice]) -> None:
    """Hands committed events to this process's bus without waiting (no bus: the relay tells)."""
    notices = tuple(notices)
    for notice_listener in _notice_listeners:
        notice_listener(notices)
    if _current is not None:
        _current.announce(notices)
    for listener in _commit_listeners:
        listener()


class Bus:
    def __init__(self, url: str) -> None:
        self.url = url
        self.redis = urlsplit(url).scheme in {"redis", "rediss"}
        self.broadcast, self._backend = self._build()
        self._pending: asyncio.Queue[Notice] = asyncio.Queue(PENDING_LIMIT)
        self._tasks: list[asyncio.Task[None]] = []
        self._healthy = True

    def _build(self) -> tuple[Broadcast, FixedRedisBackend | None]:
        if self.redis:
            backend = FixedRedisBackend(self.url)
            return Broadcast(backend=backend), backend
        return Broadcast(self.url), None

    async def connect(self) -> None:
        """Connects (a Redis that is down only makes /readyz fail) and becomes the current bus."""
        global _current
        try:
            await self.broadcast.connect()
        except Exception as error:
            self._healthy = False
            log.error("bus unreachable at start: %s", error)
        self._tasks = [asyncio.create_task(self._publish_forever(), name="bus-publisher")]
        if self.redis:
            self._tasks.append(asyncio.create_task(self._supervise(), name="bus-supervisor"))
        _current = self

    async def disconnect(self) -> None:
        global _current
        if _current is self:
            _current = None
        _reconnect_callbacks.clear()
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        with contextlib.suppress(Exception):
            await self.broadcast.disconnect()

    def announce(self, notices: Iterable[Notice]) -> None:
        for notice in notices:
            try:
                self._pending.put_nowait(notice)
            except asyncio.QueueFull:
                log.warning("bus backlog full: seq %s is left to the relay", notice.seq)

    async def ready(self, within: float = 1.0) -> bool:
        """True when notices can be published: memory always, Redis when it answers PING."""
        if self._backend is None:
            return True
        try:
            return await asyncio.wait_for(self._backend.ping(), within)
        except Exception:
            return False

    async def _publish_forever(self) -> None:
        this = asyncio.current_task()
        assert this is not None
        # A cancel landing inside a publish can be swallowed below us (wait_for on 3.11 does,
        # and so did redis-py 8 here): stop on the request itself, or disconnect() hangs.
        while not this.cancelling():
            notices = [await self._pending.get()]
            while not self._pending.empty() and len(notices) < PUBLISH_BATCH:
                notices.append(self._pending.get_nowait())
            messages = [message for notice in notices for message in _messages(notice)]
            try:
                async with asyncio.timeout(1.0):
                    await self._publish(messages)
            except Exception as error:  # the relay re-reads the log: nothing is lost
                seqs = f"{notices[0].seq}..{notices[-1].seq}"
                log.warning("publish of seqs %s failed: %s", seqs, error)

    async def _publish(self, messages: list[tuple[str, str]]) -> None:
        if self._backend is not None:
            await self._backend.publish_all(messages)
            return
        for name, text in messages:
            await self.broadcast.publish(name, text)

    async def _supervise(self) -> None:
        while True:
            await asyncio.sleep(SUPERVISE_SECONDS)
            answering = await self.ready()
            listening = self._backend is not None and self._backend.listener_alive
            if answering and listening and self._healthy:
                continue
            if answering:
                await self._reconnect()  # Redis is back, but this connection no longer hears it
                continue
            if self._healthy:
                log.warning("bus lost: notices wait for Redis, the relay delivers meanwhile")
            self._healthy = False

    async def _reconnect(self) -> None:
        old = self.broadcast
        self.broadcast, self._backend = self._build()
        try:
            await self.broadcast.connect()
        except Exception as error:
            log.warning("bus reconnect failed: %s", error)
            return
        self._healthy = True
        log.warning("bus reconnected")
        with contextlib.suppress(Exception):
            await old.disconnect()
        for callback in list(_reconnect_callbacks):
            await callback()
