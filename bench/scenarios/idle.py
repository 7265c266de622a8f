"""Idle: 10,000 open subscriptions in one server process: memory per subscription."""

from __future__ import annotations

import asyncio

from bench import workload
from bench.backends import Backend, announcing, fresh_database
from bench.processes import cargolive_command, load_processes, server
from bench.report import Outcome
from bench.run import Run, open_all

SUBSCRIPTIONS, SHIPMENTS, WARM = 10_000, 200, 200
LOADS = 2
TARGET_KB = 60.0
IDLE_SECONDS = 30.0


async def measure(run: Run, chosen: Backend) -> dict[str, float]:
    shipments = run.size(SHIPMENTS, 20)
    count = run.size(SUBSCRIPTIONS)
    async with fresh_database(chosen) as backend, announcing(backend):
        seeded = await workload.seed(shipments=shipments)
        env = backend.server_env()
        async with server("cargolive", cargolive_command(), env, root=run.server_root) as target:

            def subs(amount: int) -> list[dict[str, object]]:
                return [
                    {
                        "token": seeded.viewer_token,
                        "query": workload.SUBSCRIPTION,
                        "variables": workload.variables(seeded.global_ids[slot % shipments]),
                    }
                    for slot in range(amount)
                ]

            async with load_processes(LOADS) as loads:
                # Every shipment's topic is open and every code path warm before the baseline.
                await open_all(loads, target, subs(max(WARM, shipments)))
                await asyncio.sleep(3)
                before = target.rss_kb()
                opened = await open_all(loads, target, subs(count))
                await asyncio.sleep(5)
                after = target.rss_kb()
                cpu = target.cpu_seconds()
                async with run.profiled(target, f"idle {backend.label}"):
                    await asyncio.sleep(run.seconds(IDLE_SECONDS))
                cpu = (target.cpu_seconds() - cpu) / run.seconds(IDLE_SECONDS)
                usages = await asyncio.gather(*(load.call("usage") for load in loads))
    return {
        "count": count,
        "before_mb": before / 1024,
        "after_mb": after / 1024,
        "per_subscription_kb": (after - before) / count,
        "open_seconds": opened["seconds"],
        "idle_cpu": cpu,
        "load_rss_mb": sum(usage["rss_kb"] for usage in usages) / 1024,
    }


async def run(run: Run) -> Outcome:
    outcome = Outcome("idle", f"{SUBSCRIPTIONS:,} open subscriptions in one server process")
    outcome.method = (
        f"{LOADS} load processes (both on core 1) open {run.size(SUBSCRIPTIONS):,} sockets, one "
        f"subscription each, over {SHIPMENTS} shipments, 200 at a time per process. The server's "
        f"RSS (VmRSS) is read after {WARM} warm-up subscriptions have opened every shipment's "
        "topic, then 5 s after the last of the others subscribed; the difference divided by the "
        f"count is the memory per subscription (its socket, its connection, its operation). "
        f"Then the server's CPU is measured over {IDLE_SECONDS:.0f} s of idleness (keep-alive "
        "pings, the relay, token re-checks)."
    )
    for chosen in run.backends:
        figures = await measure(run, chosen)
        label = chosen.label
        per = figures["per_subscription_kb"]
        outcome.add("Cargolive", label, "RSS before", figures["before_mb"], "MB")
        outcome.add(
            "Cargolive", label, f"RSS with {figures['count']:,.0f} more", figures["after_mb"], "MB"
        )
        outcome.add(
            "Cargolive",
            label,
            "memory per subscription",
            per,
            "KB",
            f"≤ {TARGET_KB:.0f} KB",
            per <= TARGET_KB,
        )
        outcome.add("Cargolive", label, "time to open them all", figures["open_seconds"], "s")
        outcome.add(
            "Cargolive", label, "server CPU busy while idle", figures["idle_cpu"] * 100, "%"
        )
        outcome.add("load", label, "load processes' RSS", figures["load_rss_mb"], "MB")
    return outcome
