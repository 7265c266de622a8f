"""Per-client rate limits (moving window): in memory, or in Redis when processes share a bus.

A Redis outage must not take sign-in and public tracking down with it: while Redis fails, each
process counts on its own (the same limits, per process rather than shared), says so in
/readyz and in `cargolive_rate_limits_degraded`, and tries Redis again every few seconds.
"""

from __future__ import annotations

import logging
import time

from limits import RateLimitItemPerMinute
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter

from api.metrics import RATE_LIMITS_DEGRADED
from api.settings import Settings

log = logging.getLogger("cargolive.ratelimit")
RETRY_SECONDS = 2.0
# A Redis that does not answer must not hold a login up for long.
REDIS_TIMEOUT = 0.5


class RateLimits:
    def __init__(self, settings: Settings) -> None:
        self._local = MovingWindowRateLimiter(MemoryStorage())
        self._shared: MovingWindowRateLimiter | None = None
        self._storages: list[Storage] = [self._local.storage]
        if settings.broadcast_url.startswith(("redis://", "rediss://")):
            url = "async+" + settings.broadcast_url
            storage = RedisStorage(
                url,
                implementation="redispy",
                key_prefix="cargolive-limits",
                socket_timeout=REDIS_TIMEOUT,
                socket_connect_timeout=REDIS_TIMEOUT,
            )
            self._shared = MovingWindowRateLimiter(storage)
            self._storages.append(storage)
        self._failed_at: float | None = None
        self._limits = {
            "login": RateLimitItemPerMinute(settings.login_attempts_per_minute),
            "waybill": RateLimitItemPerMinute(settings.waybill_lookups_per_minute),
        }

    @property
    def mode(self) -> str:
        """ "shared" (Redis), "per-process" (memory by configuration) or "per-process (Redis
        unavailable)"."""
        if self._shared is None:
            return "per-process"
        return "shared" if self._failed_at is None else "per-process (Redis unavailable)"

    @property
    def degraded(self) -> bool:
        return self._shared is not None and self._failed_at is not None

    async def hit(self, action: str, client: str) -> bool:
        """Count one `action` for `client`; False when the client is over its limit."""
        item = self._limits[action]
        if self._shared is not None and self._redis_worth_trying():
            try:
                allowed = await self._shared.hit(item, action, client)
            except Exception as error:  # any failure of Redis: count here instead
                self._failed(error)
            else:
                self._recovered()
                return allowed
        return await self._local.hit(item, action, client)

    def _redis_worth_trying(self) -> bool:
        failed_at = self._failed_at
        return failed_at is None or time.monotonic() - failed_at >= RETRY_SECONDS

    def _failed(self, error: Exception) -> None:
        if self._failed_at is None:
            log.warning("rate limits fall back to per-process counting: Redis failed (%s)", error)
            RATE_LIMITS_DEGRADED.set(1)
        self._failed_at = time.monotonic()

    def _recovered(self) -> None:
        if self._failed_at is not None:
            log.warning("rate limits are shared through Redis again")
            RATE_LIMITS_DEGRADED.set(0)
            self._failed_at = None

    async def reset(self) -> None:
        for storage in self._storages:
            await storage.reset()
