"""A webhook delivery: one signed POST per event; any 2xx answer within the timeout succeeds.

Each endpoint has an httpx transport of its own (its connection pool), of one connection
kept alive between its deliveries: an endpoint has at most one request in flight anyway (in
order), and httpcore's pool looks over every connection it holds on each request, so one
pool for all endpoints costs in proportion to their number (bench/webhooks.py: most of the
process's time). The request goes to the transport itself: what `AsyncClient` adds on top
(auth, redirects, cookies, none of which a delivery uses) was a fifth of a delivery's CPU.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import time
from collections import OrderedDict
from collections.abc import Callable

import httpx
import orjson

from models.integrations.tables import WebhookEndpoint
from resolvers.integrations.addresses import PrivateAddress
from resolvers.integrations.delivery_log import RESPONSE_BYTES, Outcome
from resolvers.integrations.reads import FeedEvent
from resolvers.integrations.signing import signature_headers, webhook_id

USER_AGENT = "Cargolive-Webhooks/1"


def body_of(event: FeedEvent) -> str:
    """The Standard Webhooks body: the feed event's type, when it was recorded, its `data`."""
    return orjson.dumps(
        {"type": event.type.value, "timestamp": event.occurred_at.isoformat(), "data": event.data}
    ).decode()


def secrets_in_use(endpoint: WebhookEndpoint, now: dt.datetime) -> list[str]:
    """The current secret, and the one it replaced while that is still valid (24 h)."""
    keys = [endpoint.secret]
    until = endpoint.previous_secret_until
    if endpoint.previous_secret and until is not None and until > now:
        keys.append(endpoint.previous_secret)
    return keys


async def _read_some(response: httpx.Response) -> str:
    """The first kilobyte of the answer (a receiver cannot make us hold more); then the
    response is closed (its connection goes back to the pool, or is dropped if unread)."""
    taken = bytearray()
    stream = response.stream
    assert isinstance(stream, httpx.AsyncByteStream)
    try:
        async for chunk in stream:
            taken += chunk
            if len(taken) >= RESPONSE_BYTES:
                break
    finally:
        await stream.aclose()
    return bytes(taken[:RESPONSE_BYTES]).decode("utf-8", "replace")


class WebhookSink:
    def __init__(
        self,
        transport: Callable[[], httpx.AsyncHTTPTransport],
        *,
        connect_timeout: float,
        total_timeout: float,
        keep: int,
    ) -> None:
        self.new_client = transport
        self.timeouts = httpx.Timeout(total_timeout, connect=connect_timeout).as_dict()
        self.total_timeout = total_timeout
        self.keep = keep  # transports kept, the most recently used (an endpoint's: its connection)
        self._clients: OrderedDict[int, httpx.AsyncHTTPTransport] = OrderedDict()
        self._closing: set[asyncio.Task[None]] = set()
        self._urls: dict[str, httpx.URL] = {}  # parsed once: a parse is a tenth of a request

    def client(self, endpoint_id: int) -> httpx.AsyncHTTPTransport:
        found = self._clients.get(endpoint_id)
        if found is None:
            found = self._clients[endpoint_id] = self.new_client()
            while len(self._clients) > self.keep:
                _, oldest = self._clients.popitem(last=False)
                task = asyncio.get_running_loop().create_task(oldest.aclose())
                self._closing.add(task)
                task.add_done_callback(self._closing.discard)
        else:
            self._clients.move_to_end(endpoint_id)
        return found

    async def close(self) -> None:
        clients = list(self._clients.values())
        self._clients.clear()
        for client in clients:
            with contextlib.suppress(Exception):
                await client.aclose()

    def wants(self, endpoint: WebhookEndpoint, event: FeedEvent) -> bool:
        return not endpoint.event_types or event.type in endpoint.event_types

    def digest_due(self, endpoint: WebhookEndpoint) -> dt.datetime | None:
        return None

    async def send(self, endpoint: WebhookEndpoint, events: list[FeedEvent]) -> Outcome:
        (event,) = events
        body = body_of(event)
        # The receiver checks this timestamp against its own clock: the real one, not the
        # service clock that tests move.
        now = dt.datetime.now(dt.UTC)
        headers = signature_headers(
            msg_id=webhook_id(endpoint.id, event.position),
            body=body,
            at=now,
            secrets_in_use=secrets_in_use(endpoint, now),
        )
        headers |= {"content-type": "application/json", "user-agent": USER_AGENT}
        started = time.perf_counter()

        def took() -> int:
            return round((time.perf_counter() - started) * 1000)

        try:
            async with asyncio.timeout(self.total_timeout):
                url = self._urls.get(endpoint.url)
                if url is None:
                    if len(self._urls) > self.keep:
                        self._urls.clear()
                    url = self._urls[endpoint.url] = httpx.URL(endpoint.url)
                request = httpx.Request(
                    "POST",
                    url,
                    content=body,
                    headers=headers,
                    extensions={"timeout": self.timeouts},
                )
                response = await self.client(endpoint.id).handle_async_request(request)
                text = await _read_some(response)
        except TimeoutError:
            return Outcome(False, took(), error=f"no answer within {self.total_timeout:g} s")
        except PrivateAddress as error:
            return Outcome(False, took(), error=f"refused: {error}")
        except (httpx.HTTPError, OSError) as error:
            return Outcome(False, took(), error=f"{type(error).__name__}: {error}"[:RESPONSE_BYTES])
        ok = 200 <= response.status_code < 300
        return Outcome(ok, took(), status=response.status_code, body=text)
