"""What every scenario shares: the run's options, and the waiting and counting of deliveries."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.backends import Backend
from bench.http import HttpClient
from bench.processes import ROOT, LoadProcess, Server
from bench.profile import recording
from bench.stats import summary_ms


@dataclass
class Run:
    backends: list[Backend]
    quick: bool = False  # a smoke run: a tenth of the subscribers, a few seconds of load
    profile: bool = True  # profile the server again where a target is missed
    server_root: Path = ROOT  # the Cargolive source tree that is served
    profiling: bool = False  # this pass samples the server with py-spy while it measures
    profiles: dict[str, str] = field(default_factory=dict)

    @asynccontextmanager
    async def profiled(self, target: Server, name: str) -> AsyncIterator[None]:
        """Samples `target` during the block when this is a profiling pass."""
        if not self.profiling:
            yield
            return
        async with recording(target.pids[0], name) as found:
            yield
        self.profiles[name] = found[0].excerpt() if found else "(py-spy is not installed)"

    def size(self, full: int, quick: int | None = None) -> int:
        return (quick if quick is not None else max(1, full // 10)) if self.quick else full

    def seconds(self, full: float) -> float:
        return min(full, 5.0) if self.quick else full


async def total_frames(loads: list[LoadProcess]) -> int:
    counts = await asyncio.gather(*(load.call("count") for load in loads))
    return sum(count["frames"] for count in counts)


async def until_frames(loads: list[LoadProcess], at_least: int, timeout: float = 30.0) -> bool:
    """Waits until the load processes hold `at_least` frames; False when time ran out."""
    deadline = time.monotonic() + timeout
    while await total_frames(loads) < at_least:
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.003)
    return True


async def open_all(
    loads: list[LoadProcess], server: Server, subs: list[dict[str, Any]], concurrency: int = 200
) -> dict[str, Any]:
    """Opens `subs` spread evenly over the load processes; raises if any failed."""
    shares = [subs[index :: len(loads)] for index in range(len(loads))]
    started = time.perf_counter()
    replies = await asyncio.gather(
        *(
            load.call(
                "open", host=server.host, port=server.port, subs=share, concurrency=concurrency
            )
            for load, share in zip(loads, shares, strict=True)
        )
    )
    failed = sum(reply["failed"] for reply in replies)
    if failed:
        errors = [error for reply in replies for error in reply["errors"]]
        raise RuntimeError(f"{failed} of {len(subs)} subscriptions failed: {errors[:3]}")
    return {"seconds": time.perf_counter() - started}


async def full_collections(target: Server) -> str:
    """The server's full garbage collections so far, from its /metrics: how many, their total
    time, and the histogram bucket that holds the longest ("≤ 0.25 s")."""
    client = HttpClient(target.host, target.port)
    try:
        _, body = await client.request("GET", "/metrics")
    finally:
        await client.close()
    count, total, buckets = 0, 0.0, []
    for line in body.decode().splitlines():
        if 'generation="2"' not in line or line.startswith("#"):
            continue
        name, value = line.rsplit(" ", 1)
        if name.startswith("cargolive_gc_pause_seconds_count"):
            count = int(float(value))
        elif name.startswith("cargolive_gc_pause_seconds_sum"):
            total = float(value)
        elif name.startswith("cargolive_gc_pause_seconds_bucket"):
            bound = name.split('le="')[1].split('"')[0]
            buckets.append((float(value), bound))
    longest = next((bound for seen, bound in buckets if seen >= count), "?") if count else "-"
    return f"{count} ({total * 1000:.0f} ms in all, the longest ≤ {longest} s)"


def socket_notes(label: str, collected: dict[str, Any]) -> list[str]:
    """What the load saw besides `next` frames: close codes and other frames, as notes."""
    notes = []
    if collected["closes"]:
        codes = ", ".join(f"{code}: {n}" for code, n in sorted(collected["closes"].items()))
        notes.append(f"{label}: sockets closed by the server, by close code: {codes}")
    if collected["other_count"]:
        notes.append(
            f"{label}: {collected['other_count']} frames other than data, e.g. "
            f"`{collected['others'][0]}`"
        )
    return notes


Emit = Callable[[], Awaitable[tuple[str, int]]]  # one event: (its key, its commit/send ns)


@dataclass
class Fanout:
    deliveries: int
    deliveries_per_second: float
    latency: dict[str, float]
    server_cpu_us: float  # server CPU per delivery
    load_cpu_share: float  # load process CPU / wall time of the measurement
    sample: Any
    incomplete: int


async def fanout(
    run: Run,
    name: str,
    load: LoadProcess,
    server: Server,
    subs: list[dict[str, Any]],
    emit: Emit,
    key_path: list[str],
    events: int,
    warmup: int = 2,
) -> Fanout:
    """Every event reaches every subscriber before the next is sent; figures from `events`."""
    await open_all([load], server, subs)
    count = len(subs)
    for index in range(warmup):
        await emit()
        await until_frames([load], (index + 1) * count)
    await asyncio.sleep(0.2)
    sent: dict[str, int] = {}
    incomplete = 0
    async with run.profiled(server, name):
        server_cpu, load_cpu = server.cpu_seconds(), load.cpu_seconds()
        wall = time.perf_counter()
        for index in range(events):
            key, at = await emit()
            sent[key] = at
            if not await until_frames([load], (warmup + index + 1) * count):
                incomplete += 1
            await asyncio.sleep(0.05)
        server_cpu = server.cpu_seconds() - server_cpu
        load_cpu = load.cpu_seconds() - load_cpu
        wall = time.perf_counter() - wall
    collected = await load.call("collect", key_path=key_path)
    latencies: dict[str, list[int]] = {key: [] for key in sent}
    for _, key, received in collected["receipts"]:
        if key in latencies:
            latencies[key].append(received - sent[key])
    spans = [max(values) for values in latencies.values() if values]
    every = [value for values in latencies.values() for value in values]
    return Fanout(
        deliveries=len(every),
        deliveries_per_second=len(every) / (sum(spans) / 1e9) if spans else float("nan"),
        latency=summary_ms(every),
        server_cpu_us=server_cpu / max(len(every), 1) * 1e6,
        load_cpu_share=load_cpu / wall,
        sample=collected["sample"],
        incomplete=incomplete,
    )
