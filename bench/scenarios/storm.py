"""Reconnect storm: every subscriber drops at once and comes back with its cursor while events
keep flowing; how long until all have caught up, and nothing lost or duplicated."""

from __future__ import annotations

import asyncio
from typing import Any

from bench import workload
from bench.backends import Backend, announcing, fresh_database
from bench.pacing import Delivery, Paced, check, paced
from bench.processes import cargolive_command, load_processes, server
from bench.report import Outcome
from bench.run import Run, open_all

SUBSCRIBERS, SHIPMENTS, RATE = 2000, 200, 200.0
STEADY, AFTER = 5.0, 15.0  # seconds of events before the drop, and after it
TARGET_SECONDS = 10.0


def caught_up(
    receipts: list[tuple[int, Any, int]], sent: Paced, storm: dict[str, Any], shipments: int
) -> float:
    """Seconds from the drop until the last subscriber had every event of its shipment that was
    committed before it subscribed again (its replay is complete; later ones are live)."""
    last_needed: dict[int, int] = {}  # slot -> receipt time of its last needed event
    commit = {event.key: event for event in sent.sent}
    resubscribed = storm["subscribed_ns"]
    for slot, key, received in receipts:
        event = commit.get(key)
        if event is None or received < storm["dropped_ns"]:
            continue
        if event.at_ns <= resubscribed[slot]:
            last_needed[slot] = max(last_needed.get(slot, 0), received)
    done = [max(last_needed.get(slot, 0), resubscribed[slot]) for slot in range(len(resubscribed))]
    return (max(done) - storm["dropped_ns"]) / 1e9


async def measure(run: Run, chosen: Backend) -> tuple[float, Delivery, Paced, dict[str, Any]]:
    shipments = run.size(SHIPMENTS, 20)
    subscribers = run.size(SUBSCRIBERS)
    async with fresh_database(chosen) as backend, announcing(backend):
        seeded = await workload.seed(shipments=shipments)
        env = backend.server_env()
        async with server("cargolive", cargolive_command(), env, root=run.server_root) as target:
            writer = workload.Writer(backend, target, seeded)
            # Each starts after the seeded history: a subscriber whose shipment had no event
            # before the drop still resumes from a cursor.
            subs = [
                {
                    "token": seeded.viewer_token,
                    "query": workload.SUBSCRIPTION,
                    "variables": workload.variables(
                        seeded.global_ids[slot % shipments], after=seeded.start_cursor
                    ),
                }
                for slot in range(subscribers)
            ]
            try:
                async with load_processes(1) as (load,):
                    await open_all([load], target, subs)
                    await asyncio.sleep(2)
                    seconds = run.seconds(STEADY) + run.seconds(AFTER)
                    events = asyncio.create_task(paced(writer.emit, shipments, RATE, seconds))
                    await asyncio.sleep(run.seconds(STEADY))
                    async with run.profiled(target, f"storm {backend.label}"):
                        storm = await load.call(
                            "reconnect",
                            host=target.host,
                            port=target.port,
                            cursor_path=workload.KEY_PATH,
                        )
                        sent = await events
                    await asyncio.sleep(3)
                    collected = await load.call("collect", key_path=workload.KEY_PATH)
            finally:
                await writer.close()
    receipts = collected["receipts"]
    delivery = check(receipts, sent.sent, lambda slot: slot % shipments, subscribers)
    return caught_up(receipts, sent, storm, shipments), delivery, sent, storm


async def run(run: Run) -> Outcome:
    outcome = Outcome(
        "storm", f"{SUBSCRIBERS:,} subscribers drop at once and resume from their cursors"
    )
    outcome.method = (
        f"The spread layout ({run.size(SUBSCRIBERS):,} sockets over {SHIPMENTS} shipments) with "
        f"{RATE:.0f} events/s throughout. After {STEADY:.0f} s the load process aborts every "
        "socket at once and at once opens them again (500 connecting at a time), each "
        "subscribing with `after` = the cursor of the last event it received. Caught up: every "
        "subscriber has received every event of its shipment committed before it subscribed "
        "again (the rest is live); the time runs from the drop. Lost and duplicated events are "
        "counted per subscriber over the whole run, across the reconnection."
    )
    for chosen in run.backends:
        seconds, delivery, sent, storm = await measure(run, chosen)
        label = chosen.label
        back = (max(storm["subscribed_ns"]) - storm["dropped_ns"]) / 1e9
        outcome.add("Cargolive", label, "all subscribed again after", back, "s")
        outcome.add(
            "Cargolive",
            label,
            "all caught up after",
            seconds,
            "s",
            f"≤ {TARGET_SECONDS:.0f} s",
            seconds <= TARGET_SECONDS,
        )
        outcome.add("Cargolive", label, "events written/s", sent.rate)
        outcome.add("Cargolive", label, "lost", delivery.lost, "", "0", delivery.lost == 0)
        outcome.add(
            "Cargolive", label, "duplicated", delivery.duplicated, "", "0", delivery.duplicated == 0
        )
        outcome.add("Cargolive", label, "latency p99 over the run", delivery.latency["p99"], "ms")
        if storm["failed"]:
            outcome.notes.append(
                f"{label}: {storm['failed']} reconnections failed: {storm['errors']}"
            )
    return outcome
