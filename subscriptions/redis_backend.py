"""broadcaster's Redis backend, fixed for redis-py 8 (see STACK_NOTES.md).

broadcaster 0.3.1 sets `_ready` before `await pubsub.subscribe()`; redis-py 8 yields in between,
the listener finds no channel, `listen()` returns and nothing is read again. Here `_ready` is set
only once the first channel is subscribed, and the listener tells its supervisor when it dies.
"""

from __future__ import annotations

from collections.abc import Sequence

from broadcaster._backends.redis import RedisBackend
from redis.commands.core import AsyncScript

# Publishes ARGV's (channel, message) pairs in order.
PUBLISH_ALL = """
for i = 1, #ARGV, 2 do
  redis.call('PUBLISH', ARGV[i], ARGV[i + 1])
end
return #ARGV / 2
"""


class FixedRedisBackend(RedisBackend):
    _publish_script: AsyncScript | None = None

    async def subscribe(self, channel: str) -> None:
        await self._pubsub.subscribe(channel)
        self._ready.set()

    @property
    def listener_alive(self) -> bool:
        return self._listener is not None and not self._listener.done()

    async def ping(self) -> bool:
        return bool(await self._conn.ping())

    async def publish_all(self, messages: Sequence[tuple[str, str]]) -> None:
        """PUBLISHes in order in one round trip: a commit's notices go on several channels,
        and one round trip each was most of a write's bus cost. One script call (its args the
        channels and messages) rather than a pipeline of PUBLISHes: redis-py packs and parses
        each command of a pipeline in Python, 130 µs of CPU for a write's four against 90
        (bench/RESULTS.md). A Redis that restarted and lost the script gets it again
        (redis-py's Script loads it on NOSCRIPT)."""
        if self._publish_script is None:
            self._publish_script = self._conn.register_script(PUBLISH_ALL)
        await self._publish_script(args=[part for message in messages for part in message])
