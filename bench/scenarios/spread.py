"""Spread: 2,000 subscribers over 200 shipments, 200 events/s on random shipments for 30 s.
Hot (issue 20): the same 200 events/s all on one shipment, which ten subscribers watch: the
write path's queue on one process is what delays them (the embedded default's target)."""

from __future__ import annotations

import asyncio

from bench import workload
from bench.backends import Backend, announcing, fresh_database
from bench.pacing import Delivery, Paced, add_delivery, check, paced
from bench.processes import cargolive_command, load_processes, server
from bench.report import Outcome
from bench.run import Run, full_collections, open_all, socket_notes

SUBSCRIBERS, SHIPMENTS, RATE, SECONDS = 2000, 200, 200.0, 30.0
P50_MS, P99_MS = 15.0, 50.0
HOT_SUBSCRIBERS, HOT_P99_MS = 10, 100.0


async def measure(
    run: Run, chosen: Backend, shipments: int, subscribers: int
) -> tuple[Delivery, Paced, float, list[str], str]:
    async with fresh_database(chosen) as backend, announcing(backend):
        seeded = await workload.seed(shipments=shipments)
        env = backend.server_env()
        async with server("cargolive", cargolive_command(), env, root=run.server_root) as target:
            writer = workload.Writer(backend, target, seeded)
            subs = [
                {
                    "token": seeded.viewer_token,
                    "query": workload.SUBSCRIPTION,
                    "variables": workload.variables(seeded.global_ids[slot % shipments]),
                }
                for slot in range(subscribers)
            ]
            try:
                async with load_processes(1) as (load,):
                    await open_all([load], target, subs)
                    await asyncio.sleep(2)
                    cpu = target.cpu_seconds()
                    async with run.profiled(target, f"spread {backend.label}"):
                        sent = await paced(writer.emit, shipments, RATE, run.seconds(SECONDS))
                    cpu = (target.cpu_seconds() - cpu) / sent.seconds
                    await asyncio.sleep(3)  # the last events arrive
                    collected = await load.call("collect", key_path=workload.KEY_PATH)
                    collections = await full_collections(target)
            finally:
                await writer.close()
    delivery = check(collected["receipts"], sent.sent, lambda slot: slot % shipments, subscribers)
    return delivery, sent, cpu, socket_notes(chosen.label, collected), collections


async def run(run: Run) -> Outcome:
    outcome = Outcome(
        "spread",
        f"{SUBSCRIBERS:,} subscribers over {SHIPMENTS} shipments, {RATE:.0f} events/s for "
        f"{SECONDS:.0f} s",
    )
    outcome.method = (
        f"{run.size(SUBSCRIBERS):,} sockets, ten per shipment, from one load process. The writer "
        f"records {RATE:.0f} tracking events a second, each on a random shipment and on its own "
        "schedule (a slow write does not delay the next; at most 64 in flight). Lost and "
        "duplicated events are counted per subscriber by cursor (seq) against every event "
        "committed on its shipment."
    )
    for chosen in run.backends:
        delivery, sent, cpu, notes, collections = await measure(
            run, chosen, run.size(SHIPMENTS, 20), run.size(SUBSCRIBERS)
        )
        outcome.notes += notes
        add_delivery(outcome, chosen.label, delivery, sent, cpu, collections, P99_MS, P50_MS)
    return outcome


async def hot(run: Run) -> Outcome:
    outcome = Outcome(
        "hot",
        f"{HOT_SUBSCRIBERS} subscribers of one shipment, {RATE:.0f} events/s on it for "
        f"{SECONDS:.0f} s",
    )
    outcome.method = (
        f"As spread, but every event is on the one shipment that {HOT_SUBSCRIBERS} sockets "
        "watch: each write takes the same shipment's row and its topic, so the writes queue on "
        "one process and a slow one delays every subscriber. Latency is commit to frame."
    )
    for chosen in run.backends:
        delivery, sent, cpu, notes, collections = await measure(run, chosen, 1, HOT_SUBSCRIBERS)
        outcome.notes += notes
        add_delivery(outcome, chosen.label, delivery, sent, cpu, collections, HOT_P99_MS)
    return outcome
