"""Webhook delivery bench (issue 17): commit -> receiver 2xx for 100 endpoints at 200 events/s,
and how many deliveries/s one Cargolive process sustains draining a backlog, to a local receiver.

    python -m bench.webhooks --database postgres://postgres@127.0.0.1:5432/DB [--seconds 20]
        [--rate 200] [--backlog 3000] [--profile] [--server-root DIR]

The database is emptied and migrated. 10 dealer organizations with 10 endpoints each (the most
an organization may have) and 20 shipments each; every event concerns one organization, so
each event is 10 deliveries: 200 events/s are 2,000 deliveries/s. Events are written by this
process through the same use case as the API's (record_tracking_event), on the shipments in
turn; one `cargolive serve` process delivers (pinned to CPU 0), the receiver
(bench/hook_receiver.py) runs pinned to CPU 1. Latency runs from the event's commit (the
body's `timestamp`, the time its row was written) to the receiver's arrival stamp.
`--profile` records the delivering process with py-spy (bench/out/profile-webhooks-*.txt);
`--server-root` serves another checkout (e.g. the commit before a change, side by side).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx

from api import db
from api.settings import load_settings
from bench import profile
from bench.processes import ROOT as HERE
from bench.processes import Server, cargolive_command, reference_command, server
from models import clock
from models.accounts.tables import Organization, User
from models.enums import OrganizationKind, Role
from models.integrations.tables import EndpointKind, WebhookDelivery, WebhookEndpoint
from models.shipments.tables import EventClassifier, Shipment, ShipmentStatus, TrackingEventType
from models.viewer import Viewer
from resolvers.errors import DomainError
from resolvers.integrations.signing import new_secret
from resolvers.shipments.tracking import record_tracking_event
from subscriptions.reader import latest_seq

ORGS = 10
PER_ORG = 10  # endpoints: the most an organization may have
SHIPMENTS = 20  # per organization


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


async def _empty(database: str) -> None:
    if database.startswith("postgres"):
        import asyncpg

        connection = await asyncpg.connect(database)
        await connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        await connection.close()


async def setup(receiver: str) -> list[int]:
    """Organizations, their shipments and 10 endpoints each; the shipments' ids, the
    organizations' in turn (consecutive events go to different organizations)."""
    now = clock.now()
    shipments: list[list[int]] = []
    for number in range(ORGS):
        org = await Organization.create(name=f"Bench dealer {number}", kind=OrganizationKind.DEALER)
        mine = []
        for slot in range(SHIPMENTS):
            shipment = await Shipment.create(
                waybill=f"BENCH{number:02d}{slot:03d}",
                status=ShipmentStatus.IN_TRANSIT,
                customer_id=org.id,
                origin_name="Port Newark",
                origin_unlocode="USNYC",
                origin_country="US",
                destination_name="Poti",
                destination_unlocode="GEPTI",
                destination_country="GE",
                created_at=now,
                updated_at=now,
            )
            mine.append(shipment.id)
        shipments.append(mine)
        for slot in range(PER_ORG):
            await WebhookEndpoint.create(
                organization_id=org.id,
                kind=EndpointKind.WEBHOOK,
                url=f"{receiver}/hook/{number}-{slot}",
                secret=new_secret(),
                cursor=await latest_seq(),
                created_at=now,
                updated_at=now,
            )
    return [key for group in zip(*shipments, strict=True) for key in group]


STAFF: list[Viewer] = []


async def staff() -> Viewer:
    platform = await Organization.create(name="Bench platform", kind=OrganizationKind.PLATFORM)
    user = await User.create(
        email="bench@cargolive.test",
        name="Bench",
        password_hash="-",
        role=Role.ADMIN,
        organization=platform,
    )
    return Viewer(user.id, platform.id, OrganizationKind.PLATFORM, Role.ADMIN)


async def record(shipment_id: int) -> None:
    for _ in range(20):  # two writes on one shipment at once: the later one retries
        try:
            await record_tracking_event(
                viewer=STAFF[0],
                event=TrackingEventType.ARRIVED,
                classifier=EventClassifier.ESTIMATED,
                shipment_id=shipment_id,
            )
            return
        except DomainError:
            await asyncio.sleep(0.005)
    raise RuntimeError(f"shipment {shipment_id}: 20 conflicting writes in a row")


async def paced(shipments: list[int], rate: float, seconds: float) -> tuple[int, float]:
    """Records events at `rate` per second for `seconds`, over the shipments in turn (each
    on its own schedule: a slow write does not delay the next); how many, and the time."""
    order = itertools.cycle(shipments)
    started = time.monotonic()
    sent = 0
    pending: set[asyncio.Task[None]] = set()
    while (elapsed := time.monotonic() - started) < seconds:
        for _ in range(int(elapsed * rate) - sent):
            task = asyncio.create_task(record(next(order)))
            pending.add(task)
            task.add_done_callback(pending.discard)
            sent += 1
        await asyncio.sleep(0.002)
    await asyncio.gather(*pending)
    return sent, time.monotonic() - started


async def stats(client: httpx.AsyncClient, receiver: str) -> dict[str, Any]:
    found: dict[str, Any] = (await client.get(f"{receiver}/stats")).json()
    return found


async def wait_for(
    client: httpx.AsyncClient, receiver: str, count: int, limit: float
) -> dict[str, Any]:
    deadline = time.monotonic() + limit
    while True:
        found = await stats(client, receiver)
        if found["unique"] >= count or time.monotonic() > deadline:
            return found
        await asyncio.sleep(0.2)


ROOT: list[Path] = []


@contextlib.asynccontextmanager
async def delivering(
    environment: dict[str, str], name: str, profiled: bool
) -> AsyncIterator[Server]:
    command = cargolive_command()
    async with server("cargolive", command, env=environment, cpus={0}, root=ROOT[0]) as target:
        if not profiled:
            yield target
            return
        pid = target.process.pid
        async with profile.recording(pid, f"webhooks {name}", rate=100) as found:
            yield target
        if found:
            print(found[0].excerpt(24))


async def main(database: str, seconds: float, rate: float, backlog: int, profiled: bool) -> None:
    environment = {
        "DATABASE_URL": database,
        "BROADCAST_URL": "memory://",
        "CARGOLIVE_DEMO_DATA": "false",
        "CARGOLIVE_LOG_LEVEL": "WARNING",
        "CARGOLIVE_DELIVERY_POLL_SECONDS": "0.02",
        "CARGOLIVE_DELIVERY_CONCURRENCY": str(ORGS * PER_ORG),
        "CARGOLIVE_PICKUP_CHECK_SECONDS": "0",
        "CARGOLIVE_SLA_CHECK_SECONDS": "0",
    }
    settings = load_settings(database_url=database, broadcast_url="memory://")
    await _empty(database)
    await db.migrate(settings)
    await db.init(settings)
    load_before = os.getloadavg()
    async with (
        server("hook-receiver", reference_command("bench.hook_receiver"), cpus={1}) as receiving,
        httpx.AsyncClient(timeout=10) as client,
    ):
        receiver = f"http://{receiving.host}:{receiving.port}"
        shipments = await setup(receiver)
        STAFF.append(await staff())
        async with delivering(environment, "live", profiled) as target:
            await asyncio.sleep(1)
            cpu = target.cpu_seconds()
            sent, took = await paced(shipments, rate, seconds)
            live = await wait_for(client, receiver, sent * PER_ORG, 60)
            live_cpu = target.cpu_seconds() - cpu
        await client.post(f"{receiver}/stats/reset")
        # Backlog: events written while no process delivers, then one process drains them.
        for start in range(0, backlog, 50):
            chunk = range(start, min(backlog, start + 50))
            await asyncio.gather(*(record(shipments[n % len(shipments)]) for n in chunk))
        async with delivering(environment, "backlog", profiled) as target:
            cpu = target.cpu_seconds()
            drained = await wait_for(client, receiver, backlog * PER_ORG, 300)
            backlog_cpu = target.cpu_seconds() - cpu
        rows = await WebhookDelivery.all().count()
    load_after = os.getloadavg()
    latencies = [value * 1000 for value in live["latencies"]]
    span = drained["last"] - drained["first"]
    print(f"database: {database.split('://')[0]}, {ORGS * PER_ORG} endpoints")
    print(
        f"live: {sent} events in {took:.1f} s ({sent / took:.0f}/s), "
        f"{live['unique']} of {sent * PER_ORG} deliveries arrived, {live['duplicates']} repeats; "
        f"commit -> 2xx p50 {percentile(latencies, 0.5):.0f} ms, "
        f"p99 {percentile(latencies, 0.99):.0f} ms, max {max(latencies, default=0):.0f} ms; "
        f"delivering process CPU {live_cpu:.1f} s, "
        f"{live_cpu / max(live['unique'], 1) * 1e6:.0f} µs per delivery"
    )
    print(
        f"backlog: {drained['unique']} of {backlog * PER_ORG} deliveries in {span:.1f} s "
        f"(first to last arrival): {drained['unique'] / span if span else 0:.0f} deliveries/s, "
        f"{drained['duplicates']} repeats; {rows} delivery rows written in all; delivering "
        f"process CPU {backlog_cpu:.1f} s, {backlog_cpu / max(drained['unique'], 1) * 1e6:.0f} µs "
        f"per delivery: {drained['unique'] / max(backlog_cpu, 1e-9):.0f} deliveries per CPU-second"
    )
    print(f"load average before {load_before}, after {load_after}, cpus {os.cpu_count()}")
    await db.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--database", default=f"sqlite://{tempfile.mkdtemp(prefix='bench-hooks-')}/bench.sqlite3"
    )
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--backlog", type=int, default=3000)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--server-root", type=Path, default=HERE)
    arguments = parser.parse_args()
    ROOT.append(arguments.server_root)
    asyncio.run(
        main(
            arguments.database,
            arguments.seconds,
            arguments.rate,
            arguments.backlog,
            arguments.profile,
        )
    )
