"""Real `cargolive serve` processes and a private redis-server, for multi-process tests."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx2

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def _wait_until(check, seconds: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        try:
            if await check():
                return
        except Exception:
            pass
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError("the process did not become ready")
        await asyncio.sleep(0.1)


@asynccontextmanager
async def service(*args: str, **env: str) -> AsyncIterator[tuple[str, asyncio.subprocess.Process]]:
    """`cargolive serve ARGS` on a free port with `env`; yields (host:port, process)."""
    port = free_port()
    environment = os.environ | {"CARGOLIVE_DEMO_DATA": "false", "CARGOLIVE_LOG_LEVEL": "WARNING"}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "api.cli",
        "serve",
        "--port",
        str(port),
        cwd=ROOT,
        env=environment | env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    address = f"127.0.0.1:{port}"

    async def ready() -> bool:
        async with httpx2.AsyncClient() as http:
            return (await http.get(f"http://{address}/readyz", timeout=2)).status_code == 200

    try:
        await _wait_until(ready, 60)  # a loaded machine (CI, shared cores) starts slowly
        yield address, process
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), 10)
            except TimeoutError:
                process.kill()
                await process.wait()


class RedisServer:
    """A redis-server of the test's own, so that restarting it disturbs nothing else."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: asyncio.subprocess.Process | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    async def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed: the README's test command needs it")
        self.process = await asyncio.create_subprocess_exec(
            binary,
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )

        async def pong() -> bool:
            import redis.asyncio as redis

            client = redis.Redis(port=self.port)
            try:
                return bool(await client.ping())
            finally:
                await client.aclose()

        await _wait_until(pong, 10)

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.process.wait()
