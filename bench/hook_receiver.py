"""A webhook receiver for the bench: answers 204 at once and keeps, per delivery, the time from
the event's commit (the body's `timestamp`) to its arrival. `GET /stats` returns the figures
and `POST /stats/reset` forgets them. Run as `python -m bench.hook_receiver --port P`.

A bare asyncio HTTP/1.1 server on uvloop (keep-alive, Content-Length bodies, no chunking):
what a receiver costs per request must not be what the bench measures. It checks no
signature (the tests do, with the standardwebhooks library); it counts repeats by webhook-id.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import time

import orjson
import uvloop

latencies: list[float] = []
ids: set[str] = set()
state = {"first": 0.0, "last": 0.0, "duplicates": 0, "count": 0}
NO_CONTENT = b"HTTP/1.1 204 No Content\r\n\r\n"


def _hook(headers: dict[bytes, bytes], body: bytes, now: float) -> None:
    sent = dt.datetime.fromisoformat(orjson.loads(body)["timestamp"]).timestamp()
    webhook_id = headers[b"webhook-id"].decode()
    if webhook_id in ids:
        state["duplicates"] += 1
    ids.add(webhook_id)
    latencies.append(now - sent)
    state["count"] += 1
    state["first"] = state["first"] or now
    state["last"] = now


def _stats(method: bytes) -> bytes:
    if method == b"POST":
        latencies.clear()
        ids.clear()
        state.update(first=0.0, last=0.0, duplicates=0, count=0)
        body = b"{}"
    else:
        body = orjson.dumps({"unique": len(ids), "latencies": latencies, **state})
    return b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (
        len(body),
        body,
    )


class Receiving(asyncio.Protocol):
    def __init__(self) -> None:
        self.buffer = b""
        self.transport: asyncio.WriteTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        now = time.time()
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end].split(b"\r\n")
            method, path, _ = head[0].split(b" ", 2)
            headers = {}
            for line in head[1:]:
                name, _, value = line.partition(b":")
                headers[name.strip().lower()] = value.strip()
            length = int(headers.get(b"content-length", b"0"))
            if len(self.buffer) < end + 4 + length:
                return
            body = self.buffer[end + 4 : end + 4 + length]
            self.buffer = self.buffer[end + 4 + length :]
            assert self.transport is not None
            if path.startswith(b"/hook/"):
                _hook(headers, body, now)
                self.transport.write(NO_CONTENT)
            elif path.startswith(b"/stats"):
                self.transport.write(_stats(method))
            else:  # /healthz
                self.transport.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")


async def serve(port: int) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(Receiving, "127.0.0.1", port, backlog=1024)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    uvloop.run(serve(parser.parse_args().port))
