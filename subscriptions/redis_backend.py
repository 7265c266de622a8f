"""broadcaster's Redis backend, fixed for redis-py 8 (see STACK_NOTES.md).

broadcaster 0.3.1 sets `_ready` before `await pubsub.subscribe()`; redis-py 8 yields in between,
the listener finds no channel, `listen()` returns and nothing is read again. Here `_ready` is set
only once the first channel is subscribed, and the listener tells its supervisor when it dies.
"""

from __future__ import annotations

from collections.abc import Sequence

from broadcaster._backends.redis import RedisBackend


class FixedRedisBackend(RedisBackend):
    async def subscribe(self, channel: str) -> None:
        await self._pubsub.subscribe(channel)
        self._ready.set()

    @property
    def listener_alive(self) -> bool:
        return self._listener is not None and not self._listener.done()

    async def ping(self) -> bool:
        return bool(await self._conn.ping())

    async def publish_all(self, messages: Sequence[tuple[str, str]]) -> None:
        """PUBLISHes in order in one round trip (a pipeline, not a transaction): a commit's
        notices go on several channels, and one round trip each was most of a write's bus
        cost."""
        async with self._conn.pipeline(transaction=False) as pipe:
            for channel, message in messages:
                pipe.publish(channel, message)
            await pipe.execute()
