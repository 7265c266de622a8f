"""Which URLs an endpoint may have, and the guard that keeps deliveries off private networks.

A webhook URL is chosen by a customer, so a delivery is a request our servers make on their
behalf: without a guard it could reach the database, the cloud's metadata service or an
internal admin page (SSRF). In production a URL must be HTTPS and every address its host
resolves to must be public. Checking at creation is not enough (the name can be pointed
elsewhere later), so the HTTP client's own connections go through `GuardedBackend`, which
resolves the name, refuses private addresses and connects to the very address it checked (no
second look-up that a rebinding DNS server could answer differently). Redirects are never
followed: httpx does not follow them unless asked.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import socket
import ssl
from collections.abc import Iterable
from urllib.parse import urlsplit

import httpcore
import httpx

from resolvers.checks import Path
from resolvers.errors import invalid

LOCAL_NAMES = {"localhost", "127.0.0.1", "::1", "[::1]"}
MAX_URL = 2048


class PrivateAddress(Exception):
    """The host resolves to an address that deliveries must never reach."""


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


async def resolve(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(
        host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
    )
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def refuse_private(host: str, addresses: Iterable[str]) -> None:
    private = [address for address in addresses if not is_public(address)]
    if private:
        raise PrivateAddress(f"{host} resolves to {private[0]}, which is not a public address")


def check_url(url: str, *, production: bool, field: Path) -> str:
    """The URL as stored, or INVALID_INPUT naming `field` (the address check is `check_host`)."""
    url = url.strip()
    if len(url) > MAX_URL:
        raise invalid(field, f"must be at most {MAX_URL} characters")
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise invalid(field, "must be an absolute https:// URL")
    if parts.username is not None or parts.password is not None:
        raise invalid(field, "must not carry a user name or password")
    if parts.fragment:
        raise invalid(field, "must not have a #fragment")
    try:
        parts.port  # noqa: B018 -- a bad port raises here
    except ValueError:
        raise invalid(field, "has a port that is not a number from 1 to 65535") from None
    if parts.scheme == "http" and (production or parts.hostname not in LOCAL_NAMES):
        rule = "only https:// in production" if production else "http:// only for localhost"
        raise invalid(field, f"must use https:// ({rule})")
    return url


async def check_host(url: str, *, production: bool, field: Path) -> None:
    """In production, INVALID_INPUT when the URL's host resolves to no or a private address."""
    if not production:
        return
    parts = urlsplit(url)
    assert parts.hostname is not None  # check_url ran first
    try:
        addresses = await resolve(parts.hostname, parts.port or 443)
    except OSError:
        raise invalid(field, f"{parts.hostname} does not resolve to any address") from None
    try:
        refuse_private(parts.hostname, addresses)
    except PrivateAddress as error:
        raise invalid(field, f"{error}: webhooks go to public addresses only") from None


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Connects only to public addresses (in production), to the address it checked."""

    def __init__(self, *, production: bool) -> None:
        self.production = production
        self.inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        if self.production:
            addresses = await resolve(host, port)
            refuse_private(host, addresses)
            host = addresses[0]
        return await self.inner.connect_tcp(host, port, timeout, local_address, socket_options)

    async def connect_unix_socket(self, *args, **kwargs):
        raise PrivateAddress("deliveries never use unix sockets")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


@functools.cache
def _tls() -> ssl.SSLContext:
    """One TLS context for every delivery client (making one costs a millisecond or more)."""
    return httpx.create_ssl_context(trust_env=False)


def delivery_transport(*, production: bool, connections: int) -> httpx.AsyncHTTPTransport:
    """An httpx transport (connection pool) for deliveries: bounded connections, no proxies
    from the environment (they would bypass the guard), private addresses refused. A
    transport never follows redirects (only a client would)."""
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    transport = httpx.AsyncHTTPTransport(verify=_tls(), limits=limits, trust_env=False)
    # httpx takes no network backend of its own; its pool is rebuilt with the guard.
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=_tls(),
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=GuardedBackend(production=production),
    )
    return transport
