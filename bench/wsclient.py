"""A lean graphql-transport-ws client for thousands of sockets, timed by the kernel.

The `websockets` library parses each frame through several layers of Python and wakes a task
per message; at tens of thousands of frames per second that client, not the server, would be
what is measured. Here each socket is read with `recvmsg` straight from the event loop, and the
receipt time of a frame is the kernel's arrival stamp of its bytes (SO_TIMESTAMPNS, the same
clock as `time.time_ns()`): on a 2-core machine the load process shares its core with the
writer and the databases, and a frame that waited for the load process to be scheduled still
counts from when it arrived. JSON is parsed only after the run.
"""

from __future__ import annotations

import asyncio
import base64
import os
import socket
import struct
import time
from typing import Any

import orjson

PROTOCOL = "graphql-transport-ws"
TEXT, CLOSE, PING, PONG = 0x1, 0x8, 0x9, 0xA
SO_TIMESTAMPNS = 35  # Linux; SCM_TIMESTAMPNS has the same value (not in Python's socket module)
ANCILLARY = socket.CMSG_SPACE(16)  # one struct timespec


def client_frame(opcode: int, payload: bytes) -> bytes:
    """A masked client frame (RFC 6455 §5.3: a client always masks)."""
    length = len(payload)
    if length < 126:
        header = struct.pack("!BB", 0x80 | opcode, 0x80 | length)
    elif length < 65536:
        header = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, length)
    else:
        header = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, length)
    mask = os.urandom(4)
    repeated = (mask * (length // 4 + 1))[:length]
    masked = (int.from_bytes(payload, "big") ^ int.from_bytes(repeated, "big")).to_bytes(
        length, "big"
    )
    return header + mask + masked


def message(value: dict[str, Any]) -> bytes:
    return client_frame(TEXT, orjson.dumps(value))


def _arrival(ancillary: list[tuple[int, int, bytes]]) -> int:
    for level, kind, data in ancillary:
        if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and len(data) >= 16:
            seconds, nanoseconds = struct.unpack("qq", data[:16])
            return seconds * 1_000_000_000 + nanoseconds
    return time.time_ns()


class Subscription:
    """One socket with one subscription (operation id "1"); keeps (receipt ns, frame text)."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.loop = asyncio.get_running_loop()
        self.buffer = bytearray()
        self.outgoing = bytearray()
        self.upgraded = False
        self.reading = False
        self.closed = False
        self.handshake: asyncio.Future[None] = self.loop.create_future()
        self.acked: asyncio.Future[None] = self.loop.create_future()
        self.lost: asyncio.Future[None] = self.loop.create_future()
        self.frames: list[tuple[int, bytes]] = []
        self.close_code: int | None = None

    def resume_reading(self) -> None:
        if not self.reading and not self.closed:
            self.loop.add_reader(self.sock.fileno(), self._readable)
            self.reading = True

    def pause_reading(self) -> None:
        """Stops reading: the kernel's buffer fills, then TCP holds the server back."""
        if self.reading and not self.closed:
            self.loop.remove_reader(self.sock.fileno())
            self.reading = False

    def abort(self, error: Exception | None = None) -> None:
        if self.closed:
            return
        self.closed = True
        self.loop.remove_reader(self.sock.fileno())
        self.loop.remove_writer(self.sock.fileno())
        self.sock.close()
        failure = ConnectionError(f"connection lost ({error}, close code {self.close_code})")
        for future in (self.handshake, self.acked):
            if not future.done():
                future.set_exception(failure)
                future.exception()  # retrieved: a caller may have stopped waiting
        if not self.lost.done():
            self.lost.set_result(None)

    def send_raw(self, data: bytes) -> None:
        if self.closed:
            return
        if self.outgoing:
            self.outgoing += data
            return
        try:
            sent = self.sock.send(data)
        except BlockingIOError:
            sent = 0
        except OSError as error:
            self.abort(error)
            return
        if sent < len(data):
            self.outgoing += data[sent:]
            self.loop.add_writer(self.sock.fileno(), self._writable)

    def _writable(self) -> None:
        try:
            sent = self.sock.send(self.outgoing)
        except BlockingIOError:
            return
        except OSError as error:
            self.abort(error)
            return
        del self.outgoing[:sent]
        if not self.outgoing:
            self.loop.remove_writer(self.sock.fileno())

    def _readable(self) -> None:
        try:
            data, ancillary, _, _ = self.sock.recvmsg(1 << 18, ANCILLARY)
        except (BlockingIOError, InterruptedError):
            return
        except OSError as error:
            self.abort(error)
            return
        if not data:
            self.abort()
            return
        self.buffer += data
        if not self.upgraded:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(self.buffer[:end])
            del self.buffer[: end + 4]
            if not head.startswith(b"HTTP/1.1 101"):
                self.abort(ConnectionError(head.split(b"\r\n")[0].decode()))
                return
            self.upgraded = True
            self.handshake.set_result(None)
        self._frames(_arrival(ancillary))

    def _frames(self, now: int) -> None:
        buffer = self.buffer
        start = 0
        size = len(buffer)
        while size - start >= 2:
            opcode = buffer[start] & 0x0F
            length = buffer[start + 1] & 0x7F
            offset = start + 2
            if length == 126:
                if size - offset < 2:
                    break
                length = int.from_bytes(buffer[offset : offset + 2], "big")
                offset += 2
            elif length == 127:
                if size - offset < 8:
                    break
                length = int.from_bytes(buffer[offset : offset + 8], "big")
                offset += 8
            if size - offset < length:
                break
            payload = bytes(buffer[offset : offset + length])
            start = offset + length
            if opcode == TEXT:
                if self.acked.done():
                    self.frames.append((now, payload))
                elif b'"connection_ack"' in payload:
                    self.acked.set_result(None)
            elif opcode == PING:
                self.send_raw(client_frame(PONG, payload))
            elif opcode == CLOSE:
                self.close_code = int.from_bytes(payload[:2], "big") if len(payload) >= 2 else 1005
                self.send_raw(client_frame(CLOSE, payload[:2]))
                self.abort()
                return
        if start:
            del buffer[:start]


async def open_subscription(
    host: str,
    port: int,
    *,
    token: str | None,
    query: str,
    variables: dict[str, Any],
    path: str = "/graphql",
    source: str = "127.0.0.1",
    receive_buffer: int | None = None,
    timeout: float = 30.0,
) -> Subscription:
    """Connects, upgrades, initialises with `token` and subscribes as operation "1"."""
    loop = asyncio.get_running_loop()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setblocking(False)
    sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    if receive_buffer is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((source, 0))
        await asyncio.wait_for(loop.sock_connect(sock, (host, port)), timeout)
    except BaseException:
        sock.close()
        raise
    subscription = Subscription(sock)
    subscription.resume_reading()
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
        f"Sec-WebSocket-Protocol: {PROTOCOL}\r\n\r\n"
    )
    subscription.send_raw(request.encode())
    try:
        await asyncio.wait_for(asyncio.shield(subscription.handshake), timeout)
        payload = {"authorization": f"Bearer {token}"} if token else {}
        subscription.send_raw(message({"type": "connection_init", "payload": payload}))
        await asyncio.wait_for(asyncio.shield(subscription.acked), timeout)
    except BaseException:
        subscription.abort()
        raise
    subscribe = {
        "id": "1",
        "type": "subscribe",
        "payload": {"query": query, "variables": variables},
    }
    subscription.send_raw(message(subscribe))
    return subscription
