"""Headless Debian chromium driven by playwright-core (tests/node/browser.mjs), from async tests."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

NODE = Path(__file__).parent / "node"
DRIVER = NODE / "browser.mjs"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
INSTALL_HINT = (
    "run `scripts/install test` (as root it installs Debian's chromium: "
    "`apt-get install -y chromium`; it also runs npm ci in tests/node for playwright-core)"
)


def missing() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed"
    if not (NODE / "node_modules" / "playwright-core").is_dir():
        return "tests/node/node_modules/playwright-core is missing"
    if not Path(CHROMIUM).exists():
        return f"chromium is not at {CHROMIUM}"
    return None


def require_browser() -> None:
    """Outside CI a missing browser skips; in CI it fails, so the browser tests always run there."""
    problem = missing()
    if problem is None:
        return
    message = f"{problem}: {INSTALL_HINT}"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


class BrowserError(AssertionError):
    pass


def _read(path: Path) -> str:
    return path.read_text(errors="replace")


class Browser:
    def __init__(self, process: asyncio.subprocess.Process, errors: Path) -> None:
        self.process = process
        self.errors = errors
        self.counter = 0

    async def _answer(self, timeout: float) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = await asyncio.wait_for(self.process.stdout.readline(), timeout)
        if not line:
            raise BrowserError(f"the browser driver stopped: {_read(self.errors)}")
        return json.loads(line)

    async def call(self, command: str, timeout: float = 30, **arguments: Any) -> Any:
        assert self.process.stdin is not None
        self.counter += 1
        message = {"id": self.counter, "command": command, **arguments}
        self.process.stdin.write((json.dumps(message) + "\n").encode())
        await self.process.stdin.drain()
        answer = await self._answer(timeout)
        assert answer["id"] == self.counter
        if not answer["ok"]:
            raise BrowserError(f"{command}: {answer['error']}")
        return answer["value"]

    async def goto(self, url: str) -> None:
        await self.call("goto", url=url)

    async def texts(self, selector: str) -> list[str]:
        return await self.call("texts", selector=selector)

    async def text(self, selector: str) -> str:
        texts = await self.texts(selector)
        assert texts, f"nothing matches {selector}"
        return " ".join(texts[0].split())

    async def attribute(self, selector: str, name: str) -> str | None:
        return await self.call("attribute", selector=selector, name=name)

    async def attributes(self, selector: str, name: str) -> list[str | None]:
        return await self.call("attributes", selector=selector, name=name)

    async def visible(self, selector: str) -> bool:
        return await self.call("visible", selector=selector)

    async def wait_count(self, selector: str, count: int, timeout_ms: int = 5000) -> int:
        return await self.call("waitCount", selector=selector, count=count, timeout=timeout_ms)

    async def wait_for(
        self, selector: str, value: str, *, name: str | None = None, timeout_ms: int = 5000
    ) -> int:
        return await self.call(
            "waitFor", selector=selector, value=value, name=name, timeout=timeout_ms
        )

    async def evaluate(self, expression: str) -> Any:
        return await self.call("evaluate", expression=expression)

    async def screenshot(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        await self.call("screenshot", path=str(path))

    async def log(self) -> dict[str, list[Any]]:
        return await self.call("log")

    async def close(self) -> None:
        if self.process.returncode is None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            try:
                await asyncio.wait_for(self.process.wait(), 10)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()


@asynccontextmanager
async def browser() -> AsyncIterator[Browser]:
    require_browser()
    # stderr to a file: a pipe nobody reads could fill up and stall the driver
    descriptor, name = tempfile.mkstemp(prefix="cargolive-browser-", suffix=".log")
    errors = Path(name)
    try:
        process = await asyncio.create_subprocess_exec(
            "node",
            str(DRIVER),
            CHROMIUM,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=descriptor,
        )
    finally:
        os.close(descriptor)
    driver = Browser(process, errors)
    try:
        ready = await driver._answer(60)
        assert ready["value"] == "ready", ready
        yield driver
    finally:
        await driver.close()
        os.unlink(errors)
