"""Feed (issue 16): subscribers of one organization's feed (`organizationEvents`), the
organization with 200 shipments in transit and 200 events/s on them for 30 s."""

from __future__ import annotations

import asyncio

from bench import workload
from bench.backends import Backend, announcing, fresh_database
from bench.pacing import Delivery, Paced, add_delivery, check, paced
from bench.processes import cargolive_command, load_processes, server
from bench.report import Outcome
from bench.run import Run, full_collections, open_all, socket_notes
from resolvers.integrations.cursor import Position
from resolvers.pagination import MAX_SEQ, decode_cursor
from subscriptions.reader import latest_seq

SUBSCRIBERS, SHIPMENTS, RATE, SECONDS = 10, 200, 200.0, 30.0
P99_MS = 50.0
SUBSCRIPTION = """subscription Feed($after: String) {
  organizationEvents(after: $after) { cursor type occurredAt data }
}"""
KEY_PATH = ["data", "organizationEvents", "cursor"]


async def measure(run: Run, chosen: Backend) -> tuple[Delivery, Paced, float, list[str], str]:
    shipments = run.size(SHIPMENTS, 20)
    subscribers = run.size(SUBSCRIBERS, 2)
    async with fresh_database(chosen) as backend, announcing(backend):
        seeded = await workload.seed(shipments=shipments)
        start = Position(await latest_seq(), Position.LAST).cursor  # live from here
        env = backend.server_env()
        async with server("cargolive", cargolive_command(), env, root=run.server_root) as target:
            writer = workload.Writer(backend, target, seeded)

            async def emit(shipment: int) -> tuple[str, int]:
                # A DELAYED event moves no status: one feed event, the row's first (part 0).
                key, at = await writer.emit(shipment)
                return Position(decode_cursor(key, limit=MAX_SEQ), 0).cursor, at

            subs = [
                {
                    "token": seeded.viewer_token,
                    "query": SUBSCRIPTION,
                    "variables": {"after": start},
                }
                for _ in range(subscribers)
            ]
            try:
                async with load_processes(1) as (load,):
                    await open_all([load], target, subs)
                    await asyncio.sleep(2)
                    cpu = target.cpu_seconds()
                    async with run.profiled(target, f"feed {backend.label}"):
                        sent = await paced(emit, shipments, RATE, run.seconds(SECONDS))
                    cpu = (target.cpu_seconds() - cpu) / sent.seconds
                    await asyncio.sleep(3)  # the last events arrive
                    collected = await load.call("collect", key_path=KEY_PATH)
                    collections = await full_collections(target)
            finally:
                await writer.close()
    # every subscriber follows the whole organization: each expects every event ("shipment" 0)
    for event in sent.sent:
        event.shipment = 0
    delivery = check(collected["receipts"], sent.sent, lambda slot: 0, subscribers)
    return delivery, sent, cpu, socket_notes(chosen.label, collected), collections


async def run(run: Run) -> Outcome:
    outcome = Outcome(
        "feed",
        f"{SUBSCRIBERS} subscribers of one organization's feed, {SHIPMENTS} shipments in "
        f"transit, {RATE:.0f} events/s for {SECONDS:.0f} s",
    )
    outcome.method = (
        f"{run.size(SUBSCRIBERS, 2)} graphql-transport-ws sockets of the dealer (one load "
        "process), each subscribed to `organizationEvents(after: <the head>)`, which gives every "
        f"event of the organization. The writer records {RATE:.0f} tracking events a second "
        f"(DELAYED, actual: one feed event each) on random shipments of its "
        f"{run.size(SHIPMENTS, 20)}, each on its own schedule (at most 64 in flight). "
        "Commit-to-screen: the frame's kernel arrival stamp minus the writer's time right after "
        "its transaction returned. Lost and duplicated counted per subscriber by the feed cursor."
    )
    for chosen in run.backends:
        delivery, sent, cpu, notes, collections = await measure(run, chosen)
        outcome.notes += notes
        add_delivery(outcome, chosen.label, delivery, sent, cpu, collections, P99_MS)
    return outcome
