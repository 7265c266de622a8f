"""A webhook delivery: one signed POST per event; any 2xx answer within the timeout succeeds."""

from __future__ import annotations

import asyncio
import datetime as dt
import time

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
    def __init__(self, client: httpx.AsyncClient, *, total_timeout: float) -> None:
        self.client = client
        self.total_timeout = total_timeout

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
                request = self.client.stream("POST", endpoint.url, content=body, headers=headers)
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
