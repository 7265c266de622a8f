"""Fan-out: 2,000 subscribers to one shipment, 20 events; the same load on the ceiling and the
naive app, with the payload Cargolive sent, so all three write the same bytes."""

from __future__ import annotations

import copy
import os
from typing import Any

import orjson

from bench import workload
from bench.backends import Backend, announcing, fresh_database
from bench.http import HttpClient
from bench.processes import cargolive_command, load_processes, reference_command, server
from bench.report import Outcome
from bench.run import Fanout, Run, fanout

SUBSCRIBERS, EVENTS = 2000, 20
CEILING_RATIO, NAIVE_RATIO = 0.8, 3.0


def _figures(outcome: Outcome, subject: str, backend: str, result: Fanout) -> None:
    outcome.add(subject, backend, "deliveries/s", result.deliveries_per_second)
    for name in ("p50", "p99", "max"):
        outcome.add(subject, backend, f"latency {name}", result.latency[name], "ms")
    outcome.add(subject, backend, "server CPU per delivery", result.server_cpu_us, "µs")
    outcome.add(
        subject, backend, "load process CPU (share of wall)", result.load_cpu_share * 100, "%"
    )
    if result.incomplete:
        outcome.notes.append(
            f"{subject} on {backend}: {result.incomplete} events did not reach every subscriber "
            "within 30 s"
        )


async def _reference(run: Run, module: str, path: str, sample: Any) -> Fanout:
    subscribers = run.size(SUBSCRIBERS)
    variables = workload.variables("1")
    async with server(module, reference_command(f"bench.{module}")) as target:
        http = HttpClient(target.host, target.port)

        async def emit() -> tuple[str, int]:
            body = {
                "variables": variables,
                "data": copy.deepcopy(sample["data"]),
                "key": workload.KEY_PATH[1:],
            }
            status, answer = await http.request("POST", path, orjson.dumps(body))
            assert status == 200, answer
            sent_ns = orjson.loads(answer)["sent_ns"]
            return str(sent_ns), sent_ns

        subs = [{"query": workload.SUBSCRIPTION, "variables": variables}] * subscribers
        async with load_processes(1) as (load,):
            result = await fanout(run, module, load, target, subs, emit, workload.KEY_PATH, EVENTS)
        await http.close()
        return result


async def _cargolive(run: Run, chosen: Backend, command: list[str] | None = None) -> Fanout:
    async with fresh_database(chosen) as backend, announcing(backend):
        seeded = await workload.seed(shipments=1)
        env = backend.server_env()
        command = command or cargolive_command()
        async with server("cargolive", command, env, root=run.server_root) as target:
            writer = workload.Writer(backend, target, seeded)
            variables = workload.variables(seeded.global_ids[0])
            subs = [
                {
                    "token": seeded.viewer_token,
                    "query": workload.SUBSCRIPTION,
                    "variables": variables,
                }
            ] * run.size(SUBSCRIBERS)
            try:
                async with load_processes(1) as (load,):
                    return await fanout(
                        run,
                        f"fan-out {backend.label}",
                        load,
                        target,
                        subs,
                        lambda: writer.emit(0),
                        workload.KEY_PATH,
                        EVENTS,
                    )
            finally:
                await writer.close()


async def run(run: Run) -> Outcome:
    outcome = Outcome("fan-out", f"{SUBSCRIBERS:,} subscribers to one shipment, {EVENTS} events")
    outcome.method = (
        f"{run.size(SUBSCRIBERS):,} graphql-transport-ws sockets from one load process (core 1), "
        "each subscribed to the same shipment; the writer records one tracking event, waits "
        "until every subscriber has it, pauses 50 ms, and records the next. Deliveries/s = "
        "deliveries / Σ per event (last receipt − commit). Two warm-up events are not counted. "
        "The ceiling and the naive app get the same sockets, selection and payload bytes; "
        "their latency runs from the send time each embeds in the payload."
    )
    results: dict[str, Fanout] = {}
    sample = None
    for chosen in run.backends:
        result = await _cargolive(run, chosen)
        results[chosen.label] = result
        sample = sample or result.sample
        _figures(outcome, "Cargolive", chosen.label, result)
    assert sample is not None
    if os.environ.get("BENCH_SEAM"):  # issue 13: the socket on strawberry's handler seam
        seam = await _cargolive(run, run.backends[0], reference_command("bench.seam"))
        results[f"seam {run.backends[0].label}"] = seam
        _figures(outcome, "Cargolive on strawberry's handler", run.backends[0].label, seam)
    for module, path in (("ceiling", "/trigger"), ("naive", "/publish")):
        results[module] = await _reference(run, module, path, sample)
        _figures(outcome, module, "-", results[module])
    for label in [chosen for chosen in results if chosen not in ("ceiling", "naive")]:
        ours = results[label].deliveries_per_second
        ceiling = ours / results["ceiling"].deliveries_per_second
        naive = ours / results["naive"].deliveries_per_second
        outcome.add(
            "Cargolive / ceiling",
            label,
            "ratio",
            ceiling,
            "×",
            f"≥ {CEILING_RATIO}",
            ceiling >= CEILING_RATIO,
        )
        outcome.add(
            "Cargolive / naive",
            label,
            "ratio",
            naive,
            "×",
            f"≥ {NAIVE_RATIO}",
            naive >= NAIVE_RATIO,
        )
    return outcome
