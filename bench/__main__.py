"""`python -m bench`: every scenario (or those named), a table, and bench/RESULTS.md."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
import traceback
from pathlib import Path

from bench import machine, results
from bench.backends import backend
from bench.processes import LOAD_CPUS, ROOT
from bench.report import Outcome, table
from bench.run import Run
from bench.scenarios import SCENARIOS


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--scenario", action="append", choices=list(SCENARIOS), help="run only these (repeatable)"
    )
    parser.add_argument(
        "--backend",
        action="append",
        choices=["postgres", "sqlite"],
        help="PostgreSQL + Redis (BENCH_POSTGRES_URL, BENCH_REDIS_URL) or the embedded default; "
        "both when not given",
    )
    parser.add_argument("--quick", action="store_true", help="a smoke run: a tenth of the load")
    parser.add_argument(
        "--no-profile", action="store_true", help="do not re-run missed targets under py-spy"
    )
    parser.add_argument(
        "--server-root", type=Path, default=ROOT, help="serve Cargolive from this source tree"
    )
    parser.add_argument(
        "--results",
        type=Path,
        help="where to write the report (default: bench/RESULTS.md for "
        "a full run, bench/out/partial.md otherwise)",
    )
    return parser.parse_args(argv)


async def execute(run: Run, names: list[str]) -> list[Outcome]:
    outcomes = []
    for name in names:
        print(f"== {name}", flush=True)
        started = time.perf_counter()
        try:
            outcome = await SCENARIOS[name](run)
        except Exception as error:
            traceback.print_exc()
            outcome = Outcome(name, name, error=f"{type(error).__name__}: {error}")
        if outcome.missed and run.profile:
            print(f"   {name}: a target was missed; running it again under py-spy", flush=True)
            profiling = Run(run.backends, run.quick, True, run.server_root, profiling=True)
            try:
                await SCENARIOS[name](profiling)
            except Exception as error:
                outcome.notes.append(f"the profiling pass failed: {error}")
            outcome.profiles = profiling.profiles
        outcomes.append(outcome)
        print(table([outcome]), f"\n   ({time.perf_counter() - started:.0f} s)\n", flush=True)
    return outcomes


def main(argv: list[str] | None = None) -> None:
    options = arguments(argv)
    os.sched_setaffinity(0, LOAD_CPUS)  # the coordinator and the writer share the load's core
    machine.raise_open_files()
    names = options.scenario or list(SCENARIOS)
    run = Run(
        [backend(name) for name in options.backend or ["postgres", "sqlite"]],
        quick=options.quick,
        profile=not options.no_profile,
        server_root=options.server_root.resolve(),
    )
    before = machine.load_average()
    started = time.time()
    outcomes = asyncio.run(execute(run, names))
    after = machine.load_average()
    print(table(outcomes))
    full = names == list(SCENARIOS) and not options.quick and len(run.backends) == 2
    path = options.results or (ROOT / "bench" / ("RESULTS.md" if full else "out/partial.md"))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(results.document(outcomes, run, " ".join(sys.argv[1:]), before, after, started))
    print(f"\nwritten to {path}")


if __name__ == "__main__":
    main()
