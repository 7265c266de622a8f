"""A keep-alive HTTP/1.1 client on asyncio streams: a few µs per request, for the load side."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson


class HttpClient:
    """One keep-alive connection: one request at a time (HttpPool for concurrent callers)."""

    def __init__(self, host: str, port: int, headers: dict[str, str] | None = None) -> None:
        self.host = host
        self.port = port
        self.headers = "".join(f"{name}: {value}\r\n" for name, value in (headers or {}).items())
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self._reader is None or self._writer is None or self._writer.is_closing():
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        return self._reader, self._writer

    async def request(
        self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> tuple[int, bytes]:
        reused = self._writer is not None and not self._writer.is_closing()
        try:
            return await self._request(method, path, body, headers)
        except ConnectionError:
            if not reused:
                raise
            # the server closed an idle keep-alive connection (uvicorn: after 5 s), as it may:
            # the request never reached it, so it goes again on a new connection
            self._reader = self._writer = None
            return await self._request(method, path, body, headers)

    async def _request(
        self, method: str, path: str, body: bytes, headers: dict[str, str] | None
    ) -> tuple[int, bytes]:
        reader, writer = await self._connect()
        extra = "".join(f"{name}: {value}\r\n" for name, value in (headers or {}).items())
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n{self.headers}{extra}"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        writer.write(head.encode() + body)
        status_line = await reader.readline()
        if not status_line:
            self._writer = None
            raise ConnectionError("the server closed the connection")
        status = int(status_line.split()[1])
        length = 0
        close = False
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            lowered = name.strip().lower()
            if lowered == b"content-length":
                length = int(value)
            elif lowered == b"connection" and value.strip().lower() == b"close":
                close = True
        data = await reader.readexactly(length) if length else b""
        if close:
            await self.close()
        return status, data

    async def graphql(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        headers = {"content-type": "application/json"}
        if token:
            headers["authorization"] = f"Bearer {token}"
        body = orjson.dumps({"query": query, "variables": variables or {}})
        status, data = await self.request("POST", "/graphql", body, headers)
        result = orjson.loads(data)
        if status != 200 or result.get("errors"):
            raise RuntimeError(f"GraphQL answered {status}: {data[:500]!r}")
        return result["data"]

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            try:
                await self._writer.wait_closed()
            except (ConnectionError, OSError):
                pass
        self._reader = self._writer = None


class HttpPool:
    """Keep-alive connections for concurrent callers: each request takes an idle connection, or
    opens one, so that no answer can be read by another request."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self._idle: list[HttpClient] = []
        self._all: list[HttpClient] = []

    async def graphql(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        if self._idle:
            client = self._idle.pop()
        else:
            client = HttpClient(self.host, self.port)
            self._all.append(client)
        try:
            data = await client.graphql(query, variables, token)
        except BaseException:
            await client.close()  # its connection may hold half an answer
            raise
        self._idle.append(client)
        return data

    async def close(self) -> None:
        await asyncio.gather(*(client.close() for client in self._all))
        self._idle = self._all = []
