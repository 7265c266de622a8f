"""py-spy on the server under test (run from the load core), summarised as a short excerpt."""

from __future__ import annotations

import asyncio
import collections
import re
import shutil
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench.processes import LOAD_CPUS, ROOT


@dataclass
class Profile:
    path: Path
    samples: int = 0
    inclusive: list[tuple[float, str]] = field(default_factory=list)
    own: list[tuple[float, str]] = field(default_factory=list)

    def excerpt(self, lines: int = 12) -> str:
        if not self.samples:
            return "(no samples: py-spy is missing or was not allowed to attach)"
        top = [f"{share:5.1f}%  {name}" for share, name in self.inclusive[:lines]]
        leaves = [f"{share:5.1f}%  {name}" for share, name in self.own[: lines // 2]]
        return "\n".join([f"py-spy, {self.samples} samples; inclusive:", *top, "self:", *leaves])


def _frame(text: str) -> str:
    """`function (path/to/file.py:12)` -> `function (file.py)`."""
    name, _, where = text.partition(" (")
    return f"{name} ({where.split(':')[0].rsplit('/', 1)[-1]})" if where else name


def summarise(path: Path, skip: tuple[str, ...] = ()) -> Profile:
    inclusive: collections.Counter[str] = collections.Counter()
    own: collections.Counter[str] = collections.Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        total += int(count)
        frames = [_frame(frame) for frame in stack.split(";")]
        for name in set(frames):
            inclusive[name] += int(count)
        own[frames[-1]] += int(count)
    boring = ("<module>", "run (", "Runner.run", "asyncio_run", "Server.run", "main (", *skip)
    share = 100 / max(total, 1)
    return Profile(
        path,
        total,
        [(n * share, k) for k, n in inclusive.most_common(60) if not k.startswith(boring)],
        [(n * share, k) for k, n in own.most_common(20)],
    )


def available() -> str | None:
    return shutil.which("py-spy") or shutil.which("py-spy", path=str(Path(sys.executable).parent))


@asynccontextmanager
async def recording(pid: int, name: str, rate: int = 250) -> AsyncIterator[list[Profile]]:
    """Samples `pid` until the block ends; the list it yields then holds the profile."""
    found: list[Profile] = []
    binary = available()
    if binary is None:
        yield found
        return
    slug = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower()  # names hold "memory://"
    path = ROOT / "bench" / "out" / f"profile-{slug}.txt"
    process = await asyncio.create_subprocess_exec(
        "taskset",
        "-c",
        ",".join(map(str, LOAD_CPUS)),
        binary,
        "record",
        "--format",
        "raw",
        "--rate",
        str(rate),
        "--output",
        str(path),
        "--pid",
        str(pid),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    await asyncio.sleep(1.0)  # py-spy attaches
    try:
        yield found
    finally:
        process.send_signal(signal.SIGINT)
        await process.wait()
        if path.exists():
            found.append(summarise(path))
