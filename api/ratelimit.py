"""Per-client rate limits (moving window): in memory, or in Redis when processes share a bus."""

from __future__ import annotations

from limits import RateLimitItemPerMinute
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter

from api.settings import Settings


class RateLimits:
    def __init__(self, settings: Settings) -> None:
        storage: Storage
        if settings.broadcast_url.startswith(("redis://", "rediss://")):
            url = "async+" + settings.broadcast_url
            storage = RedisStorage(url, implementation="redispy", key_prefix="cargolive-limits")
        else:
            storage = MemoryStorage()
        self._storage = storage
        self._limiter = MovingWindowRateLimiter(storage)
        self._limits = {
            "login": RateLimitItemPerMinute(settings.login_attempts_per_minute),
            "waybill": RateLimitItemPerMinute(settings.waybill_lookups_per_minute),
            # per API key, not per address: a system's requests, apart from anyone's logins
            "apikey": RateLimitItemPerMinute(settings.api_key_requests_per_minute),
        }

    async def hit(self, action: str, client: str) -> bool:
        """Count one `action` for `client`; False when the client is over its limit."""
        return await self._limiter.hit(self._limits[action], action, client)

    async def reset(self) -> None:
        await self._storage.reset()
