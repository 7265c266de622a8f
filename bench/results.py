"""bench/RESULTS.md: the machine, how the load was made, every figure, and what limits a miss."""

from __future__ import annotations

import datetime as dt
import time

from bench import limits, machine
from bench.report import Outcome, markdown_table
from bench.run import Run

LAYOUT = """\
- **Processes.** The server under test runs pinned to core 0 (`os.sched_setaffinity` before
  exec), the load processes and the coordinator (which also writes the events) to core 1.
  PostgreSQL and Redis are this machine's own services and are not pinned: they share both
  cores with the above, so database work competes with the server on core 0 and with the load
  on core 1. The query scenario runs `--workers 2`; its two workers may use both cores (on a
  2-core machine two workers pinned to one core would measure nothing), so there the load
  shares core 1 with one of them.
- **Load generator.** asyncio on uvloop with a raw-socket graphql-transport-ws client
  (`bench/wsclient.py`): HTTP upgrade, `connection_init` with a bearer token, one `subscribe`
  per socket (operation id "1"); each socket is read with `recvmsg` from the event loop and a
  frame's receipt time is the kernel's arrival stamp of its bytes (SO_TIMESTAMPNS, the clock of
  `time.time_ns()`), so a frame that waited for the load process to be scheduled still counts
  from its arrival. Frames are parsed only after the measurement. The `websockets` library
  client cost about three times as much CPU per frame, so it is not used for the load (the
  load process's own CPU is reported per scenario). Sockets are spread over the source
  addresses 127.0.0.1-8; `RLIMIT_NOFILE` is raised to the hard limit.
- **Latency.** Commit-to-receipt: receipt time minus the time the writer recorded right after
  its transaction returned (same clock, same machine). On PostgreSQL + Redis the writer runs
  in the coordinator through the use case (`record_tracking_event`: event row, event log,
  notice on Redis). On SQLite + memory:// nothing outside the server can reach its in-process
  bus, so the writer calls the `recordTrackingEvent` mutation and takes the time its HTTP
  answer arrived (the server commits, then answers, then fans out): a slight under-statement.
  The ceiling and the naive app embed their send time in the payload.
- **HTTP load.** Keep-alive HTTP/1.1 connections from a load process: closed loop (each
  connection sends its next request when the previous answer arrives) for throughput, and an
  open loop at the target rate in which a latency runs from the request's *scheduled* time,
  so a server that falls behind is charged for the queue it causes.
- **Fresh state.** Every scenario starts on an empty, migrated database seeded through the
  models, and a new server process."""


def _machine_table(before: tuple[float, ...], after: tuple[float, ...]) -> list[str]:
    info = machine.describe()
    rows = [
        ("date", info["date"]),
        ("CPU", f"{info['cpu']}, {info['cores']} cores"),
        ("memory", info["memory"]),
        ("kernel", info["kernel"]),
        ("Python", info["python"]),
        ("PostgreSQL / Redis", f"{info['postgres']} / {info['redis']}"),
        ("libraries", info["versions"]),
        ("load average before the run (1/5/15 min)", " / ".join(f"{v:.2f}" for v in before)),
        ("load average after the run", " / ".join(f"{v:.2f}" for v in after)),
    ]
    return ["| | |", "|---|---|", *(f"| {name} | {value} |" for name, value in rows)]


def document(
    outcomes: list[Outcome],
    run: Run,
    arguments: str,
    before: tuple[float, ...],
    after: tuple[float, ...],
    started: float,
) -> str:
    minutes = (time.time() - started) / 60
    when = dt.datetime.fromtimestamp(started, dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Cargolive benchmarks",
        "",
        f"Written by `{f'scripts/bench {arguments}'.strip()}`, started {when}, "
        f"{minutes:.0f} minutes. Served from `{run.server_root.name}`"
        f"{' (a quick smoke run: a tenth of the load)' if run.quick else ''}.",
        "",
        "## Machine",
        "",
        *_machine_table(before, after),
        "",
        "## How the load was made",
        "",
        LAYOUT,
        "",
        "## Targets",
        "",
    ]
    targets = [(o.key, f) for o in outcomes for f in o.figures if f.target]
    lines.append("| scenario | subject | backend | metric | value | target | |")
    lines.append("|---|---|---|---|---|---|---|")
    for key, f in targets:
        lines.append(
            f"| {key} | {f.subject} | {f.backend} | {f.metric} | {f.shown()} | {f.target} "
            f"| {f.verdict} |"
        )
    for outcome in outcomes:
        lines += ["", f"## {outcome.key}: {outcome.title}", ""]
        if outcome.error:
            lines += [f"**The scenario failed:** `{outcome.error}`", ""]
        if outcome.method:
            lines += [outcome.method, ""]
        if outcome.figures:
            lines += markdown_table(outcome.figures)
        if outcome.notes:
            lines += ["", *(f"- {note}" for note in outcome.notes)]
    missed = [outcome for outcome in outcomes if outcome.missed]
    lines += ["", "## What limits each missed target", ""]
    if not missed:
        lines.append("Every target was met in this run.")
    for outcome in missed:
        # one analysis for each distinct explanation, under every figure it explains
        explained: dict[str, list[str]] = {}
        for figure in outcome.missed:
            explained.setdefault(limits.explain(outcome.key, figure), []).append(
                f"{figure.subject}, {figure.metric} on {figure.backend}: {figure.shown()} "
                f"(target {figure.target})"
            )
        for text, misses in explained.items():
            lines += [f"### {outcome.key}", "", *(f"- {miss}" for miss in misses), "", text, ""]
        for name, excerpt in outcome.profiles.items():
            lines += [f"Profile of the server during {name}:", "", "```", excerpt, "```", ""]
    return "\n".join(lines).rstrip() + "\n"
