"""The bus between processes: broadcaster on memory:// or redis://, with health checks."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

from broadcaster import Broadcast

from subscriptions.redis_backend import FixedRedisBackend


class Bus:
    def __init__(self, url: str) -> None:
        self.url = url
        self._redis: FixedRedisBackend | None = None
        if urlsplit(url).scheme in {"redis", "rediss"}:
            self._redis = FixedRedisBackend(url)
            self.broadcast = Broadcast(backend=self._redis)
        else:
            self.broadcast = Broadcast(url)

    async def connect(self) -> None:
        await self.broadcast.connect()

    async def disconnect(self) -> None:
        await self.broadcast.disconnect()

    async def ready(self, timeout: float = 1.0) -> bool:
        """True when notices can be published: memory always, Redis when it answers PING."""
        if self._redis is None:
            return True
        try:
            return await asyncio.wait_for(self._redis.ping(), timeout)
        except Exception:
            return False
