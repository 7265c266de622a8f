"""The load process: opens graphql-transport-ws subscriptions and records when frames arrive.

Run as `python -m bench.loadgen CPU`; pinned to CPU, it reads one JSON command per line on
stdin and answers each with one JSON line on stdout. Receipts stay in this process until
`collect`, so that the coordinator's own work never delays a socket.
"""

from __future__ import annotations

import asyncio
import os
import resource
import sys
import time
from typing import Any

import orjson

from bench import httpload
from bench.wsclient import Subscription, open_subscription

SOURCES = [f"127.0.0.{n}" for n in range(1, 9)]  # spreads sockets over source addresses


class Slot:
    """One subscriber across its reconnections: what it asked for and every frame it got."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.socket: Subscription | None = None
        self.frames: list[tuple[int, bytes]] = []
        self.closes: list[int] = []
        self.subscribed_ns = 0

    def retire(self) -> None:
        """Keeps the frames of the current socket and forgets the socket."""
        if self.socket is not None:
            self.frames.extend(self.socket.frames)
            self.socket.frames = []
            if self.socket.close_code is not None:
                self.closes.append(self.socket.close_code)
            self.socket = None

    def all_frames(self) -> list[tuple[int, bytes]]:
        return self.frames + (self.socket.frames if self.socket else [])


class Load:
    def __init__(self) -> None:
        self.slots: list[Slot] = []

    async def open(
        self, host: str, port: int, subs: list[dict[str, Any]], concurrency: int = 200
    ) -> dict[str, Any]:
        started = time.perf_counter()
        first = len(self.slots)
        self.slots.extend(Slot(spec) for spec in subs)
        errors = await self._connect(host, port, range(first, len(self.slots)), concurrency)
        return {
            "opened": len(subs) - len(errors),
            "errors": errors[:5],
            "failed": len(errors),
            "seconds": time.perf_counter() - started,
        }

    async def _connect(
        self, host: str, port: int, indices: range | list[int], concurrency: int
    ) -> list[str]:
        gate = asyncio.Semaphore(concurrency)
        errors: list[str] = []

        async def one(index: int) -> None:
            slot = self.slots[index]
            spec = slot.spec
            async with gate:
                try:
                    slot.socket = await open_subscription(
                        host,
                        port,
                        token=spec.get("token"),
                        query=spec["query"],
                        variables=spec.get("variables", {}),
                        source=SOURCES[index % len(SOURCES)],
                        receive_buffer=spec.get("receive_buffer"),
                    )
                    slot.subscribed_ns = time.time_ns()
                except Exception as error:
                    errors.append(f"{index}: {type(error).__name__}: {error}")

        await asyncio.gather(*(one(index) for index in indices))
        return errors

    def count(self) -> dict[str, Any]:
        live = sum(1 for s in self.slots if s.socket is not None and not s.socket.lost.done())
        frames = sum(len(s.frames) + (len(s.socket.frames) if s.socket else 0) for s in self.slots)
        return {"frames": frames, "live": live}

    def pause(self, indices: list[int]) -> dict[str, Any]:
        for index in indices:
            socket = self.slots[index].socket
            if socket is not None:
                socket.pause_reading()
        return {"paused": len(indices)}

    def resume(self, indices: list[int]) -> dict[str, Any]:
        for index in indices:
            socket = self.slots[index].socket
            if socket is not None:
                socket.resume_reading()
        return {"resumed": len(indices)}

    async def reconnect(
        self, host: str, port: int, cursor_path: list[str], concurrency: int = 500
    ) -> dict[str, Any]:
        """Drops every socket at once, then each comes back after the last cursor it received."""
        dropped_ns = time.time_ns()
        for slot in self.slots:
            for _, text in reversed(slot.all_frames()):
                frame = orjson.loads(text)
                if frame.get("type") == "next":
                    after = {"after": _at(frame["payload"], cursor_path)}
                    slot.spec = slot.spec | {"variables": slot.spec["variables"] | after}
                    break
            if slot.socket is not None:
                slot.socket.abort()
            slot.retire()
        errors = await self._connect(host, port, list(range(len(self.slots))), concurrency)
        subscribed = [slot.subscribed_ns for slot in self.slots]
        return {
            "dropped_ns": dropped_ns,
            "subscribed_ns": subscribed,
            "errors": errors[:5],
            "failed": len(errors),
        }

    def collect(self, key_path: list[str]) -> dict[str, Any]:
        """(slot, key at `key_path` of each `next` payload, receipt ns) and the close codes."""
        receipts: list[tuple[int, Any, int]] = []
        others: list[str] = []
        closes: dict[int, int] = {}
        for index, slot in enumerate(self.slots):
            for received_ns, text in slot.all_frames():
                frame = orjson.loads(text)
                if frame.get("type") != "next" or "errors" in frame["payload"]:
                    others.append(text.decode()[:300])
                    continue
                receipts.append((index, _at(frame["payload"], key_path), received_ns))
            codes = slot.closes + ([slot.socket.close_code] if slot.socket else [])
            for code in codes:
                if code is not None:
                    closes[code] = closes.get(code, 0) + 1
        sample = next((text for slot in self.slots for _, text in slot.all_frames()), b"{}")
        return {
            "receipts": receipts,
            "others": others[:5],
            "other_count": len(others),
            "closes": closes,
            "sample": orjson.loads(sample).get("payload"),
            "subscribed_ns": [slot.subscribed_ns for slot in self.slots],
        }

    def close(self) -> dict[str, Any]:
        for slot in self.slots:
            if slot.socket is not None:
                slot.socket.abort()
        self.slots = []
        return {"closed": True}


def _at(value: Any, path: list[str]) -> Any:
    for key in path:
        value = value[key]
    return value


def usage() -> dict[str, Any]:
    own = resource.getrusage(resource.RUSAGE_SELF)
    with open("/proc/self/status") as status:
        rss = next(int(line.split()[1]) for line in status if line.startswith("VmRSS"))
    return {"cpu_seconds": own.ru_utime + own.ru_stime, "rss_kb": rss}


async def serve() -> None:
    load = Load()
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=1 << 26)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    out = sys.stdout.buffer
    while line := await reader.readline():
        command = orjson.loads(line)
        name = command.pop("cmd")
        try:
            if name == "exit":
                reply = load.close()
            elif name in {"open", "reconnect"}:
                reply = await getattr(load, name)(**command)
            elif name == "http":
                reply = await httpload.run(**command)
            elif name == "usage":
                reply = usage()
            else:
                reply = getattr(load, name)(**command)
        except Exception as error:
            reply = {"error": f"{type(error).__name__}: {error}"}
        out.write(orjson.dumps(reply) + b"\n")
        out.flush()
        if name == "exit":
            return


def main() -> None:
    if len(sys.argv) > 1:
        os.sched_setaffinity(0, {int(sys.argv[1])})
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    try:
        import uvloop

        uvloop.run(serve())
    except ImportError:
        asyncio.run(serve())


if __name__ == "__main__":
    main()
