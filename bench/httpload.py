"""HTTP load from the load process: closed loop (N connections back to back) or open loop (a
fixed rate, each latency counted from the request's scheduled time, so that a server that
falls behind is charged for the queue it causes: no coordinated omission)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import orjson

from bench.http import HttpClient


def failed(status: int, body: bytes) -> bool:
    """A non-200 answer, top-level GraphQL errors, or a mutation payload with errors."""
    if status != 200:
        return True
    result = orjson.loads(body)
    if result.get("errors"):
        return True
    data = result.get("data") or {}
    return any(isinstance(value, dict) and value.get("errors") for value in data.values())


async def run(
    host: str,
    port: int,
    requests: list[dict[str, Any]],
    seconds: float,
    connections: int,
    rate: float | None = None,
) -> dict[str, Any]:
    """Sends `requests` (method, path, body, headers) round-robin for `seconds`."""
    prepared = [
        (r.get("method", "POST"), r["path"], r.get("body", "").encode(), r.get("headers", {}))
        for r in requests
    ]
    latencies: list[int] = []
    errors: list[str] = []
    clients = [HttpClient(host, port) for _ in range(connections)]
    started = time.perf_counter_ns()
    deadline = started + int(seconds * 1e9)
    counter = iter(range(1 << 62))

    async def send(client: HttpClient, since: int) -> None:
        method, path, body, headers = prepared[next(counter) % len(prepared)]
        try:
            status, answer = await client.request(method, path, body, headers)
            if failed(status, answer):
                errors.append(answer[:300].decode(errors="replace"))
        except (OSError, ConnectionError, asyncio.IncompleteReadError) as error:
            errors.append(f"{type(error).__name__}: {error}")
            await client.close()
        latencies.append(time.perf_counter_ns() - since)

    if rate is None:

        async def closed_loop(client: HttpClient) -> None:
            while (now := time.perf_counter_ns()) < deadline:
                await send(client, now)

        await asyncio.gather(*(closed_loop(client) for client in clients))
    else:
        queue: asyncio.Queue[int | None] = asyncio.Queue()

        async def worker(client: HttpClient) -> None:
            while (scheduled := await queue.get()) is not None:
                await send(client, scheduled)

        workers = [asyncio.create_task(worker(client)) for client in clients]
        interval = int(1e9 / rate)
        scheduled = started
        while scheduled < deadline:
            now = time.perf_counter_ns()
            if scheduled > now:
                await asyncio.sleep((scheduled - now) / 1e9)
            queue.put_nowait(scheduled)
            scheduled += interval
        for _ in workers:
            queue.put_nowait(None)
        await asyncio.gather(*workers)
    elapsed = (time.perf_counter_ns() - started) / 1e9
    for client in clients:
        await client.close()
    return {
        "latencies_ns": latencies,
        "errors": len(errors),
        "first_errors": errors[:3],
        "elapsed": elapsed,
    }
