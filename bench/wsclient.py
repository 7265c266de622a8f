"""A lean graphql-transport-ws client on a raw asyncio Protocol, for thousands of sockets.

The `websockets` library parses each frame through several layers of Python and wakes a task
per message; at tens of thousands of frames per second that client, not the server, would be
what is measured. Here a socket's `data_received` stamps the chunk with `time.time_ns()` and
keeps the text frames it holds; JSON is parsed only after the run.
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


class Subscription(asyncio.Protocol):
    """One socket with one subscription (operation id "1"); keeps (receipt ns, frame text)."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.upgraded = False
        self.handshake: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.acked: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.frames: list[tuple[int, bytes]] = []
        self.close_code: int | None = None
        self.lost: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's is no asyncio.Transport

    def connection_lost(self, exc: Exception | None) -> None:
        error = ConnectionError(f"connection lost ({exc}, close code {self.close_code})")
        for future in (self.handshake, self.acked):
            if not future.done():
                future.set_exception(error)
                future.exception()  # retrieved: a caller may have stopped waiting
        if not self.lost.done():
            self.lost.set_result(None)

    def data_received(self, data: bytes) -> None:
        now = time.time_ns()
        self.buffer += data
        if not self.upgraded:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(self.buffer[:end])
            del self.buffer[: end + 4]
            if not head.startswith(b"HTTP/1.1 101"):
                self.handshake.set_exception(ConnectionError(head.split(b"\r\n")[0].decode()))
                return
            self.upgraded = True
            self.handshake.set_result(None)
        self._frames(now)

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
                if self.transport is not None:
                    self.transport.close()
        if start:
            del buffer[:start]

    def send_raw(self, data: bytes) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(data)

    def abort(self) -> None:
        if self.transport is not None:
            self.transport.abort()


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
    if receive_buffer is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((source, 0))
        await asyncio.wait_for(loop.sock_connect(sock, (host, port)), timeout)
        _, protocol = await loop.create_connection(Subscription, sock=sock)
    except BaseException:
        sock.close()
        raise
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
        f"Sec-WebSocket-Protocol: {PROTOCOL}\r\n\r\n"
    )
    protocol.send_raw(request.encode())
    try:
        await asyncio.wait_for(asyncio.shield(protocol.handshake), timeout)
        payload = {"authorization": f"Bearer {token}"} if token else {}
        protocol.send_raw(message({"type": "connection_init", "payload": payload}))
        await asyncio.wait_for(asyncio.shield(protocol.acked), timeout)
    except BaseException:
        protocol.abort()
        raise
    subscribe = {
        "id": "1",
        "type": "subscribe",
        "payload": {"query": query, "variables": variables},
    }
    protocol.send_raw(message(subscribe))
    return protocol
