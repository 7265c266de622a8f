"""Reads side by side on one core: the tracking page's query answered by Cargolive, by the
hand-written ceiling (bench/ceiling_reads.py) and by the naive strawberry + tortoise app
(bench/naive_reads.py), each in turn on core 0 against the same seeded database, with the same
closed loop from a load process on core 1. Cargolive runs twice: as configured (its result cache
warm after the first round) and with the result cache off (every request executes: the cold
case, the cost of a request right after a new event)."""

from __future__ import annotations

import time
from typing import Any

import orjson

from bench import workload
from bench.backends import Backend, fresh_database
from bench.http import HttpClient
from bench.machine import load_average
from bench.processes import cargolive_command, load_processes, reference_command, server
from bench.report import Outcome
from bench.run import Run
from bench.scenarios.http import requests
from bench.stats import percentile

SECONDS = 10.0
CONNECTIONS = 16
NAIVE_RATIO, CEILING_RATIO, COLD_NAIVE_RATIO = 5.0, 0.5, 2.0


async def _answer(host: str, port: int, batch: dict[str, Any]) -> Any:
    client = HttpClient(host, port)
    try:
        status, body = await client.request(
            "POST", batch["path"], batch["body"].encode(), batch["headers"]
        )
    finally:
        await client.close()
    assert status == 200, body[:300]
    return orjson.loads(body)


async def _measure(
    run: Run, name: str, command: list[str], env: dict[str, str], batch: list[dict[str, Any]]
) -> tuple[dict[str, Any], Any]:
    async with (
        server(name, command, env, root=run.server_root) as target,
        load_processes(1) as (load,),
    ):
        sample = await _answer(target.host, target.port, batch[0])
        where = {"host": target.host, "port": target.port, "requests": batch}
        await load.call("http", **where, seconds=2.0, connections=CONNECTIONS)  # warm-up
        cpu = target.cpu_seconds()
        async with run.profiled(target, name):
            closed = await load.call(
                "http", **where, seconds=run.seconds(SECONDS), connections=CONNECTIONS
            )
        closed["cpu"] = target.cpu_seconds() - cpu
    return closed, sample


def _figures(
    outcome: Outcome, subject: str, label: str, closed: dict[str, Any]
) -> tuple[float, float]:
    count = len(closed["latencies_ns"])
    rate = count / closed["elapsed"]
    outcome.add(subject, label, "closed loop: requests/s", rate, "/s")
    outcome.add(subject, label, "p50", percentile(closed["latencies_ns"], 0.5) / 1e6, "ms")
    outcome.add(subject, label, "p99", percentile(closed["latencies_ns"], 0.99) / 1e6, "ms")
    cpu_us = closed["cpu"] / max(count, 1) * 1e6
    outcome.add(subject, label, "server CPU per request", cpu_us, "µs")
    if closed["errors"]:
        outcome.add(subject, label, "failed requests", closed["errors"], "", "0", False)
        outcome.notes.append(f"{subject} {label}: {closed['first_errors'][:1]}")
    return rate, cpu_us


async def reads_on(run: Run, chosen: Backend, outcome: Outcome) -> None:
    async with fresh_database(chosen) as backend:
        seeded = await workload.seed(shipments=50, history=20)
        batch = requests(
            seeded.viewer_token,
            workload.TRACKING_PAGE,
            [workload.page_variables(gid) for gid in seeded.global_ids],
        )
        env = backend.server_env()
        label = backend.label
        rates: dict[str, float] = {}
        cpus: dict[str, float] = {}
        samples: dict[str, Any] = {}
        subjects = [
            ("Cargolive", cargolive_command(), env),
            ("Cargolive, cache off", cargolive_command(), env | {"CARGOLIVE_RESULT_CACHE": "0"}),
            ("ceiling", reference_command("bench.ceiling_reads"), env),
            ("naive", reference_command("bench.naive_reads"), env),
        ]
        for subject, command, subject_env in subjects:
            before = load_average()
            closed, samples[subject] = await _measure(
                run,
                f"reads-{subject.replace(',', '').replace(' ', '-')}-{backend.name}",
                command,
                subject_env,
                batch,
            )
            rates[subject], cpus[subject] = _figures(outcome, subject, label, closed)
            outcome.add(
                subject, label, "load average before", " / ".join(f"{v:.2f}" for v in before)
            )
        for subject, sample in samples.items():
            if sample != samples["Cargolive"]:
                outcome.notes.append(
                    f"{label}: {subject}'s answer differs from Cargolive's: "
                    f"{orjson.dumps(sample)[:400]!r}"
                )
    for subject, value in (
        ("naive / Cargolive", cpus["naive"] / cpus["Cargolive"]),
        ("ceiling / Cargolive", cpus["ceiling"] / cpus["Cargolive"]),
        ("naive / Cargolive cache off", cpus["naive"] / cpus["Cargolive, cache off"]),
        ("ceiling / Cargolive cache off", cpus["ceiling"] / cpus["Cargolive, cache off"]),
    ):
        outcome.add(subject, label, "CPU per request, ratio", value, "×")
    ours, cold = rates["Cargolive"], rates["Cargolive, cache off"]
    for subject, value, target, floor in (
        ("Cargolive / naive", ours / rates["naive"], f"≥ {NAIVE_RATIO}", NAIVE_RATIO),
        ("Cargolive / ceiling", ours / rates["ceiling"], f"≥ {CEILING_RATIO}", CEILING_RATIO),
        (
            "Cargolive cache off / naive",
            cold / rates["naive"],
            f"≥ {COLD_NAIVE_RATIO}",
            COLD_NAIVE_RATIO,
        ),
        ("Cargolive cache off / ceiling", cold / rates["ceiling"], "", None),
    ):
        outcome.add(
            subject, label, "ratio", value, "×", target, None if floor is None else value >= floor
        )


async def run(run: Run) -> Outcome:
    outcome = Outcome("reads", "the tracking page's query on one core: Cargolive, ceiling, naive")
    outcome.method = (
        "Each server in turn on core 0 (`cargolive serve`, one worker; `python -m "
        "bench.ceiling_reads`; `python -m bench.naive_reads`), the same database seeded with 50 "
        "shipments of 2 vehicles, a container and 20 events; the tracking page's query for each "
        f"shipment round-robin as its customer, a closed loop on {CONNECTIONS} keep-alive "
        f"connections for {SECONDS:.0f} s from one load process on core 1 after a 2 s warm-up. "
        "The answers of all four are compared (the same JSON). `Cargolive, cache off` runs with "
        "CARGOLIVE_RESULT_CACHE=0: every request executes, as after a new event."
    )
    started = time.time()
    for chosen in run.backends:
        await reads_on(run, chosen, outcome)
    outcome.notes.append(f"measured in {time.time() - started:.0f} s")
    return outcome
