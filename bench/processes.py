"""The processes of a run: the server under test (core 0) and the load generators (core 1)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from bench.http import HttpClient
from bench.machine import children, cpu_seconds, rss_kb

ROOT = Path(__file__).resolve().parent.parent
SERVER_CPUS = {0}
LOAD_CPUS = {1}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    name: str
    host: str
    port: int
    process: asyncio.subprocess.Process

    @property
    def pids(self) -> list[int]:
        """The process serving requests: uvicorn itself, or its workers with --workers (not
        multiprocessing's resource tracker, which uvicorn's supervisor also starts)."""
        workers = [pid for pid in children(self.process.pid) if not _is_resource_tracker(pid)]
        return workers or [self.process.pid]

    def rss_kb(self) -> int:
        return sum(rss_kb(pid) for pid in self.pids)

    def cpu_seconds(self) -> float:
        return sum(cpu_seconds(pid) for pid in self.pids)


def _is_resource_tracker(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as file:
            return b"resource_tracker" in file.read()
    except OSError:
        return True  # gone already


def _log_file(name: str) -> BinaryIO:
    """The server's own output goes to bench/out/NAME.log."""
    folder = ROOT / "bench" / "out"
    folder.mkdir(exist_ok=True)
    return (folder / f"{name}.log").open("ab")


def _pinned(cpus: set[int]):  # type: ignore[no-untyped-def]
    def pin() -> None:
        os.sched_setaffinity(0, cpus)

    return pin


async def _until_ready(host: str, port: int, process: asyncio.subprocess.Process) -> None:
    client = HttpClient(host, port)
    for _ in range(1200):  # two minutes: a server starting on a loaded machine is slow
        if process.returncode is not None:
            raise RuntimeError(f"the server exited with {process.returncode} before it was ready")
        try:
            status, _ = await client.request("GET", "/healthz")
            if status == 200:
                await client.close()
                return
        except (OSError, ConnectionError):
            await client.close()
        await asyncio.sleep(0.1)
    raise TimeoutError("the server did not answer /healthz within 2 minutes")


@asynccontextmanager
async def server(
    name: str,
    command: list[str],
    env: dict[str, str] | None = None,
    cpus: set[int] = SERVER_CPUS,
    root: Path = ROOT,
) -> AsyncIterator[Server]:
    """Runs `command` (which takes --port) in `root`, pinned to `cpus`, until the block ends."""
    port = free_port()
    log = _log_file(name)
    process = await asyncio.create_subprocess_exec(
        *command,
        "--port",
        str(port),
        cwd=root,
        env=os.environ | (env or {}),
        stdout=log,
        stderr=log,
        preexec_fn=_pinned(cpus),
    )
    try:
        await _until_ready("127.0.0.1", port, process)
        yield Server(name, "127.0.0.1", port, process)
    finally:
        log.close()
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), 15)
            except TimeoutError:
                process.kill()
                await process.wait()


def cargolive_command(workers: int = 1) -> list[str]:
    return [sys.executable, "-m", "api.cli", "serve", "--workers", str(workers)]


def reference_command(module: str) -> list[str]:
    return [sys.executable, "-m", module]


class LoadProcess:
    """One `python -m bench.loadgen` child, spoken to in JSON lines."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self._lock = asyncio.Lock()

    async def call(self, cmd: str, **arguments: Any) -> dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        async with self._lock:
            self.process.stdin.write(orjson.dumps({"cmd": cmd, **arguments}) + b"\n")
            await self.process.stdin.drain()
            line = await self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the load process died ({cmd})")
        reply = orjson.loads(line)
        if "error" in reply:
            raise RuntimeError(f"load process, {cmd}: {reply['error']}")
        return reply

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.process.pid)


@asynccontextmanager
async def load_processes(count: int = 1, cpu: int = 1) -> AsyncIterator[list[LoadProcess]]:
    started = []
    try:
        for _ in range(count):
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bench.loadgen",
                str(cpu),
                cwd=ROOT,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                limit=1 << 28,
            )
            started.append(LoadProcess(process))
        yield started
    finally:
        for load in started:
            if load.process.returncode is None:
                try:
                    await asyncio.wait_for(load.call("exit"), 5)
                except (TimeoutError, RuntimeError):
                    pass
                load.process.kill()
                await load.process.wait()
