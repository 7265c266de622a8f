"""A webhook delivery: one signed POST per event; any 2xx answer within the timeout succeeds.

Each endpoint has an HTTP client of its own, with one connection, kept alive between its
deliveries: an endpoint has at most one request in flight anyway (in order), and httpcore's
pool looks over every connection it holds on each request, so one pool for all endpoints
costs in proportion to their number (bench/webhooks.py: most of the process's time).
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
    """The first kilobyte of the answer: a receiver cannot make us hold more."""
    taken = bytearray()
    async for chunk in response.aiter_raw():
        taken += chunk
        if len(taken) >= RESPONSE_BYTES:
            break
    return bytes(taken[:RESPONSE_BYTES]).decode("utf-8", "replace")


class WebhookSink:
    def __init__(
        self, client: Callable[[], httpx.AsyncClient], *, total_timeout: float, keep: int
    ) -> None:
        self.new_client = client
        self.total_timeout = total_timeout
        self.keep = keep  # clients kept, the most recently used (an endpoint's: its connection)
        self._clients: OrderedDict[int, httpx.AsyncClient] = OrderedDict()
        self._closing: set[asyncio.Task[None]] = set()

    def client(self, endpoint_id: int) -> httpx.AsyncClient:
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
                client = self.client(endpoint.id)
                request = client.stream("POST", endpoint.url, content=body, headers=headers)
                async with request as response:
                    text = await _read_some(response)
        except TimeoutError:
            return Outcome(False, took(), error=f"no answer within {self.total_timeout:g} s")
        except PrivateAddress as error:
            return Outcome(False, took(), error=f"refused: {error}")
        except (httpx.HTTPError, OSError) as error:
            return Outcome(False, took(), error=f"{type(error).__name__}: {error}"[:RESPONSE_BYTES])
        ok = 200 <= response.status_code < 300
        return Outcome(ok, took(), status=response.status_code, body=text)
