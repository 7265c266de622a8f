"""Slow consumers: 1% of the subscribers stop reading; the server's memory stays bounded and the
others' p99 moves by less than 10%."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from bench import workload
from bench.backends import Backend, announcing, fresh_database
from bench.http import HttpClient
from bench.pacing import check, paced
from bench.processes import Server, cargolive_command, load_processes, server
from bench.report import Outcome
from bench.run import Run, open_all

SUBSCRIBERS, SLOW_SHARE, RATE, SECONDS = 2000, 0.01, 10.0, 30.0
RECEIVE_BUFFER = 4096  # a slow client's socket, so its kernel holds little for it
P99_DRIFT = 0.10


async def open_sockets(target: Server) -> int:
    client = HttpClient(target.host, target.port)
    _, body = await client.request("GET", "/metrics")
    await client.close()
    for line in body.decode().splitlines():
        if line.startswith("cargolive_open_websockets "):
            return int(float(line.split()[1]))
    return -1


async def measure(run: Run, chosen: Backend, slow: int) -> dict[str, Any]:
    subscribers = run.size(SUBSCRIBERS)
    async with fresh_database(chosen) as backend, announcing(backend):
        seeded = await workload.seed(shipments=1)
        env = backend.server_env()
        async with server("cargolive", cargolive_command(), env, root=run.server_root) as target:
            writer = workload.Writer(backend, target, seeded)
            variables = workload.variables(seeded.global_ids[0])
            subs: list[dict[str, Any]] = [
                {
                    "token": seeded.viewer_token,
                    "query": workload.SUBSCRIPTION,
                    "variables": variables,
                }
                for _ in range(subscribers)
            ]
            slow_slots = list(range(0, subscribers, subscribers // slow))[:slow] if slow else []
            for slot in slow_slots:
                subs[slot] = subs[slot] | {"receive_buffer": RECEIVE_BUFFER}
            samples: list[tuple[float, int]] = []
            try:
                async with load_processes(1) as (load,):
                    await open_all([load], target, subs)
                    await load.call("pause", indices=slow_slots)
                    await asyncio.sleep(2)
                    started = time.monotonic()
                    stop = asyncio.Event()

                    async def sample() -> None:
                        while not stop.is_set():
                            samples.append((time.monotonic() - started, target.rss_kb()))
                            await asyncio.sleep(1)

                    sampler = asyncio.create_task(sample())
                    async with run.profiled(target, f"slow {backend.label}"):
                        sent = await paced(lambda _: writer.emit(0), 1, RATE, run.seconds(SECONDS))
                    await asyncio.sleep(3)
                    stop.set()
                    await sampler
                    still_open = await open_sockets(target)
                    collected = await load.call("collect", key_path=workload.KEY_PATH)
            finally:
                await writer.close()
    reading = {
        slot: index for index, slot in enumerate(sorted(set(range(subscribers)) - set(slow_slots)))
    }
    receipts = [
        (reading[slot], key, at) for slot, key, at in collected["receipts"] if slot in reading
    ]
    delivery = check(receipts, sent.sent, lambda _: 0, len(reading))
    return {
        "p99": delivery.latency["p99"],
        "p50": delivery.latency["p50"],
        "lost": delivery.lost,
        "rss": samples,
        "closed": subscribers - still_open,
        "slow": len(slow_slots),
    }


async def run(run: Run) -> Outcome:
    outcome = Outcome(
        "slow", f"{SLOW_SHARE:.0%} of {SUBSCRIBERS:,} subscribers stop reading; the others' p99"
    )
    outcome.method = (
        f"The fan-out layout ({run.size(SUBSCRIBERS):,} sockets on one shipment) with {RATE:.0f} "
        f"events/s for {SECONDS:.0f} s, twice: once with every socket reading, once with "
        f"{SLOW_SHARE:.0%} of them (a {RECEIVE_BUFFER}-byte receive buffer) paused from the start. "
        "The server's RSS is sampled every second; the p99 compared is that of the sockets that "
        "read, in both runs. A server-side outbox holds at most 512 frames per socket "
        "(CARGOLIVE_SOCKET_OUTBOX_FRAMES) before it closes the socket with 1013."
    )
    for chosen in run.backends:
        label = chosen.label
        base = await measure(run, chosen, 0)
        slowed = await measure(run, chosen, max(1, round(run.size(SUBSCRIBERS) * SLOW_SHARE)))
        drift = slowed["p99"] / base["p99"] - 1
        rss = [kb for _, kb in slowed["rss"]]
        outcome.add("Cargolive", label, "p99, all reading", base["p99"], "ms")
        outcome.add(
            "Cargolive",
            label,
            f"p99 of the others, {slowed['slow']} not reading",
            slowed["p99"],
            "ms",
        )
        outcome.add(
            "Cargolive",
            label,
            "p99 change",
            drift * 100,
            "%",
            f"< {P99_DRIFT:.0%}",
            drift < P99_DRIFT,
        )
        outcome.add(
            "Cargolive",
            label,
            "server RSS first / max / last",
            f"{rss[0] / 1024:.0f} / {max(rss) / 1024:.0f} / {rss[-1] / 1024:.0f}",
            "MB",
        )
        half = rss[len(rss) // 2 :]
        outcome.add(
            "Cargolive", label, "RSS growth over the second half", (half[-1] - half[0]) / 1024, "MB"
        )
        outcome.add("Cargolive", label, "slow sockets closed by the server", slowed["closed"])
        outcome.add(
            "Cargolive",
            label,
            "lost by the readers",
            slowed["lost"] + base["lost"],
            "",
            "0",
            slowed["lost"] + base["lost"] == 0,
        )
    return outcome
