"""The bus between processes: broadcaster on memory:// or redis://, with health checks.

A notice is small: `seq` on the channel of each topic. It only wakes receivers up; they read
the event log itself, so a lost notice delays an event (until the relay) but never loses it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from broadcaster import Broadcast

from subscriptions.redis_backend import FixedRedisBackend

if TYPE_CHECKING:
    from subscriptions.log import Notice

log = logging.getLogger("cargolive.bus")
CHANNEL_PREFIX = "cargolive:"
PENDING_LIMIT = 10_000
_current: Bus | None = None


def channel(topic: str) -> str:
    return CHANNEL_PREFIX + topic


def announce(notices: Iterable[Notice]) -> None:
    """Hands committed events to this process's bus without waiting (no bus: the relay tells)."""
    if _current is not None:
        _current.announce(notices)


class Bus:
    def __init__(self, url: str) -> None:
        self.url = url
        self._redis: FixedRedisBackend | None = None
        if urlsplit(url).scheme in {"redis", "rediss"}:
            self._redis = FixedRedisBackend(url)
            self.broadcast = Broadcast(backend=self._redis)
        else:
            self.broadcast = Broadcast(url)

        self._pending: asyncio.Queue[Notice] = asyncio.Queue(PENDING_LIMIT)
        self._publisher: asyncio.Task[None] | None = None

    async def connect(self) -> None:
        """Connects (a Redis that is down only makes /readyz fail) and becomes the current bus."""
        global _current
        try:
            await self.broadcast.connect()
        except Exception as error:
            log.error("bus unreachable at start: %s", error)
        self._publisher = asyncio.create_task(self._publish_forever(), name="bus-publisher")
        _current = self

    async def disconnect(self) -> None:
        global _current
        if _current is self:
            _current = None
        if self._publisher is not None:
            self._publisher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._publisher
        with contextlib.suppress(Exception):
            await self.broadcast.disconnect()

    def announce(self, notices: Iterable[Notice]) -> None:
        for notice in notices:
            try:
                self._pending.put_nowait(notice)
            except asyncio.QueueFull:
                log.warning("bus backlog full: seq %s is left to the relay", notice.seq)

    async def _publish_forever(self) -> None:
        this = asyncio.current_task()
        assert this is not None
        # A cancel landing inside a publish can be swallowed below us (wait_for on 3.11 does,
        # and so did redis-py 8 here): stop on the request itself, or disconnect() hangs.
        while not this.cancelling():
            notice = await self._pending.get()
            message = str(notice.seq)
            for topic in notice.topics:
                try:
                    async with asyncio.timeout(1.0):
                        await self.broadcast.publish(channel(topic), message)
                except Exception as error:  # the relay re-reads the log: nothing is lost
                    log.warning("publish of seq %s on %s failed: %s", notice.seq, topic, error)

    async def ready(self, within: float = 1.0) -> bool:
        """True when notices can be published: memory always, Redis when it answers PING."""
        if self._redis is None:
            return True
        try:
            return await asyncio.wait_for(self._redis.ping(), within)
        except Exception:
            return False
