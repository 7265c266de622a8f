"""The HTTP scenarios: the tracking page's query (2 workers) and recordTrackingEvent (1 worker),
each as a closed loop for throughput and an open loop at the target rate for its p99."""

from __future__ import annotations

from typing import Any

import orjson

from bench import workload
from bench.backends import Backend, announcing, fresh_database
from bench.processes import LoadProcess, Server, cargolive_command, load_processes, server
from bench.report import Outcome
from bench.run import Run
from bench.stats import percentile

# open-loop rate and its p99 target (issue 8); closed-loop targets of issue 20
QUERY_RATE, QUERY_P99, QUERY_CLOSED = 500.0, 50.0, 1500.0
MUTATION_RATE, MUTATION_P99, MUTATION_CLOSED = 300.0, 30.0, 600.0
SECONDS = 20.0


def requests(token: str, document: str, variables: list[dict[str, Any]]) -> list[dict[str, Any]]:
    headers = {"content-type": "application/json", "authorization": f"Bearer {token}"}
    return [
        {
            "path": "/graphql",
            "headers": headers,
            "body": orjson.dumps({"query": document, "variables": values}).decode(),
        }
        for values in variables
    ]


async def load_both(
    run: Run,
    name: str,
    load: LoadProcess,
    target: Server,
    batch: list[dict[str, Any]],
    rate: float,
    connections: int,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A closed loop (throughput), then an open loop at `rate` (latency at the target rate)."""
    where = {"host": target.host, "port": target.port, "requests": batch}
    await load.call("http", **where, seconds=2.0, connections=connections)  # warm-up
    cpu = target.cpu_seconds()
    closed = await load.call("http", **where, seconds=run.seconds(SECONDS), connections=connections)
    closed["cpu"] = target.cpu_seconds() - cpu
    cpu = target.cpu_seconds()
    async with run.profiled(target, name):
        opened = await load.call(
            "http", **where, seconds=run.seconds(SECONDS), connections=connections * 2, rate=rate
        )
    opened["cpu"] = target.cpu_seconds() - cpu
    return closed, opened


def report(
    outcome: Outcome,
    label: str,
    closed: dict[str, Any],
    opened: dict[str, Any],
    rate: float,
    p99_target: float,
    closed_target: float,
) -> None:
    closed_rate = len(closed["latencies_ns"]) / closed["elapsed"]
    open_rate = len(opened["latencies_ns"]) / opened["elapsed"]
    closed_p99 = percentile(closed["latencies_ns"], 0.99) / 1e6
    open_p50 = percentile(opened["latencies_ns"], 0.50) / 1e6
    open_p99 = percentile(opened["latencies_ns"], 0.99) / 1e6
    outcome.add(
        "Cargolive",
        label,
        "closed loop: requests/s",
        closed_rate,
        "/s",
        f"≥ {closed_target:.0f}/s",
        closed_rate >= closed_target,
    )
    outcome.add("Cargolive", label, "closed loop: p99", closed_p99, "ms")
    cpu_us = closed["cpu"] / len(closed["latencies_ns"]) * 1e6
    outcome.add("Cargolive", label, "closed loop: server CPU per request", cpu_us, "µs")
    outcome.add("Cargolive", label, f"open loop at {rate:.0f}/s: achieved", open_rate, "/s")
    outcome.add("Cargolive", label, f"open loop at {rate:.0f}/s: p50", open_p50, "ms")
    cpu_us = opened["cpu"] / len(opened["latencies_ns"]) * 1e6
    outcome.add(
        "Cargolive", label, f"open loop at {rate:.0f}/s: server CPU per request", cpu_us, "µs"
    )
    outcome.add(
        "Cargolive",
        label,
        f"open loop at {rate:.0f}/s: p99",
        open_p99,
        "ms",
        f"≤ {p99_target:.0f} ms",
        open_p99 <= p99_target,
    )
    errors = closed["errors"] + opened["errors"]
    outcome.add("Cargolive", label, "failed requests", errors, "", "0", errors == 0)
    if errors:
        first = (closed["first_errors"] + opened["first_errors"])[0]
        outcome.notes.append(f"{label}: {errors} requests failed, e.g. {first}")


async def query_on(run: Run, chosen: Backend, outcome: Outcome) -> None:
    async with fresh_database(chosen) as backend:
        seeded = await workload.seed(shipments=50, history=20)
        count = await workload.tracking_page_queries(seeded)
        batch = requests(
            seeded.viewer_token,
            workload.TRACKING_PAGE,
            [workload.page_variables(gid) for gid in seeded.global_ids],
        )
        command = cargolive_command(workers=2)
        env = backend.server_env()
        async with (
            server("cargolive", command, env, cpus={0, 1}, root=run.server_root) as target,
            load_processes(1) as (load,),
        ):
            name = f"query {backend.label}"
            closed, opened = await load_both(run, name, load, target, batch, QUERY_RATE, 32)
    report(outcome, backend.label, closed, opened, QUERY_RATE, QUERY_P99, QUERY_CLOSED)
    outcome.add("Cargolive", backend.label, "SQL queries per request", count)


async def mutation_on(run: Run, chosen: Backend, outcome: Outcome) -> None:
    async with fresh_database(chosen) as backend, announcing(backend):
        seeded = await workload.seed(shipments=200)
        batch = requests(
            seeded.writer_token,
            workload.RECORD,
            [workload.record_variables(gid) for gid in seeded.global_ids],
        )
        env = backend.server_env()
        async with (
            server("cargolive", cargolive_command(), env, root=run.server_root) as target,
            load_processes(1) as (load,),
        ):
            name = f"mutation {backend.label}"
            closed, opened = await load_both(run, name, load, target, batch, MUTATION_RATE, 16)
    report(outcome, backend.label, closed, opened, MUTATION_RATE, MUTATION_P99, MUTATION_CLOSED)


async def query(run: Run) -> Outcome:
    outcome = Outcome("query", "the tracking page's query under load, --workers 2")
    outcome.method = (
        "`cargolive serve --workers 2` (both workers on both cores: see the layout above). The "
        "tracking page's query for one of 50 shipments, each with 2 vehicles, a container and "
        f"20 tracking events, round-robin, as the shipment's customer. First a closed loop on 32 "
        f"keep-alive connections for {SECONDS:.0f} s, then an open loop at {QUERY_RATE:.0f} "
        "requests/s on 64 connections. The SQL count is of one such query run in-process, "
        "counted by a handler on tortoise's `tortoise.db_client` logger."
    )
    for chosen in run.backends:
        await query_on(run, chosen, outcome)
    return outcome


async def mutation(run: Run) -> Outcome:
    outcome = Outcome("mutation", "recordTrackingEvent with its event and publish, 1 worker")
    outcome.method = (
        "`cargolive serve` (one worker, core 0). `recordTrackingEvent` over HTTP as a "
        "DISPATCHER, on 200 shipments round-robin: each request writes the tracking event and "
        "its event-log row in one transaction and then publishes the notice. A closed loop on "
        f"16 connections for {SECONDS:.0f} s, then an open loop at {MUTATION_RATE:.0f}/s."
    )
    for chosen in run.backends:
        await mutation_on(run, chosen, outcome)
    return outcome
