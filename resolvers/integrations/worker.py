"""The delivery worker of one process, built from the settings, for the app's lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from models.integrations.tables import EndpointKind
from resolvers.integrations.addresses import delivery_transport
from resolvers.integrations.deliveries import Deliverer
from resolvers.integrations.mail_sink import MailSink, transport_for
from resolvers.integrations.sink import Sink
from resolvers.integrations.webhook_sink import WebhookSink
from subscriptions import bus


@asynccontextmanager
async def delivering(settings: Any, **overrides: Any) -> AsyncIterator[Deliverer | None]:
    """Runs this process's deliveries while the block runs (none when polling is off)."""
    if settings.delivery_poll_seconds <= 0:
        yield None
        return

    def transport() -> httpx.AsyncHTTPTransport:  # one per endpoint (webhook_sink.py says why)
        return delivery_transport(production=settings.production, connections=1)

    webhooks = WebhookSink(
        transport,
        connect_timeout=settings.webhook_connect_timeout_seconds,
        total_timeout=settings.webhook_timeout_seconds,
        keep=2 * settings.delivery_concurrency,
    )
    sinks: dict[EndpointKind, Sink] = {
        EndpointKind.WEBHOOK: webhooks,
        EndpointKind.EMAIL: MailSink(
            transport_for(settings), sender=settings.mail_sender, base_url=settings.public_url
        ),
    }
    deliverer = Deliverer(
        sinks,
        schedule=list(settings.webhook_retry_schedule),
        window=settings.event_retention,
        lease=settings.delivery_lease_seconds,
        poll=settings.delivery_poll_seconds,
        concurrency=settings.delivery_concurrency,
        **overrides,
    )
    stop_listening = bus.on_commit(deliverer.wake)
    await deliverer.start()
    try:
        yield deliverer
    finally:
        stop_listening()
        await deliverer.stop()
        await webhooks.close()
