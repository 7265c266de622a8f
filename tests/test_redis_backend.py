"""The bus's Redis backend: a commit's messages go out in one script call, in order, and a
Redis that lost its scripts (restarted, or SCRIPT FLUSH) gets it again without losing one."""

from __future__ import annotations

import asyncio

import redis.asyncio as redis

from subscriptions.redis_backend import FixedRedisBackend


async def received(backend: FixedRedisBackend, count: int) -> list[tuple[str, str]]:
    events = []
    for _ in range(count):
        event = await asyncio.wait_for(backend.next_published(), 5)
        events.append((event.channel, event.message))
    return events


async def test_messages_arrive_in_order_also_after_the_script_is_gone(redis_server) -> None:
    backend = FixedRedisBackend(redis_server.url)
    await backend.connect()
    admin = redis.Redis.from_url(redis_server.url)
    try:
        for channel in ("cl:a", "cl:b"):
            await backend.subscribe(channel)
        sent = [("cl:a", "1"), ("cl:b", "1 a b"), ("cl:a", "2"), ("cl:b", "x")]
        await backend.publish_all(sent)
        assert await received(backend, 4) == sent
        assert await admin.script_exists(backend._publish_script.sha) == [True]

        await admin.script_flush()  # what a restarted Redis knows of it
        await backend.publish_all([("cl:b", "3"), ("cl:a", "4")])
        assert await received(backend, 2) == [("cl:b", "3"), ("cl:a", "4")]
    finally:
        await admin.aclose()
        await backend.disconnect()
