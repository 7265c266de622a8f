"""A webhook receiver on localhost that verifies like a customer's would, and event helpers."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from standardwebhooks import Webhook
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from models.shipments.tables import EventClassifier, TrackingEventType
from resolvers.accounts.users import viewer_for_token
from resolvers.shipments.tracking import record_tracking_event
from tests.factories import Party
from tests.servers import running

CREATE = """
mutation ($input: CreateWebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) {
    endpoint { id url eventTypes enabled disabledReason createdAt }
    secret
    errors { field message code }
  }
}
"""
UPDATE = """
mutation ($id: ID!, $input: UpdateWebhookEndpointInput!) {
  updateWebhookEndpoint(id: $id, input: $input) {
    endpoint { id url eventTypes enabled disabledReason }
    errors { field message code }
  }
}
"""
ROTATE = """
mutation ($id: ID!) {
  rotateWebhookSecret(id: $id) { endpoint { id } secret errors { field message code } }
}
"""
REPLAY = """
mutation ($id: ID!, $after: String!) {
  replayWebhookEvents(endpointId: $id, after: $after) {
    endpoint { id } errors { field message code }
  }
}
"""
DELETE = """
mutation ($id: ID!) {
  deleteWebhookEndpoint(id: $id) { endpoint { id } errors { field message code } }
}
"""
ENDPOINTS = """
query ($first: Int) {
  webhookEndpoints {
    id url enabled disabledReason eventTypes
    deliveries(first: $first) {
      edges { node { eventCursor eventType status attempts responseStatus nextAttemptAt } }
    }
  }
}
"""


@dataclass
class Receiver:
    """Keeps every verified delivery; answers `status` (500 while failing)."""

    secrets: list[str]
    status: int = 200
    received: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    rejected: int = 0
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    address: str = ""
    # Set to hold the next delivery unanswered (its sender is killed meanwhile).
    hold_next: bool = False
    held: asyncio.Event = field(default_factory=asyncio.Event)
    in_flight: int = 0
    most_in_flight: int = 0

    def verify(self, body: bytes, headers: dict[str, str]) -> dict[str, Any] | None:
        for secret in self.secrets:
            try:
                return Webhook(secret).verify(body, headers)
            except Exception:
                continue
        return None

    async def handle(self, request: Request) -> Response:
        body = await request.body()
        payload = self.verify(body, dict(request.headers))
        if payload is None:
            self.rejected += 1
            return Response("bad signature", status_code=400)
        if self.status >= 300:
            return Response("not now", status_code=self.status)
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            self.received.append((request.headers["webhook-id"], payload))
            self.arrived.set()
            if self.hold_next:
                self.hold_next = False
                self.held.set()
                await asyncio.sleep(3)  # past the kill of its sender
            await asyncio.sleep(0.005)  # long enough for a second sender to overlap, if any
        finally:
            self.in_flight -= 1
        return Response("ok")

    def unique_ids(self) -> list[str]:
        """The webhook-ids in the order they first arrived (what a deduplicating receiver keeps)."""
        return list(dict.fromkeys(webhook_id for webhook_id, _ in self.received))

    async def wait_for(self, count: int, seconds: float = 30.0) -> None:
        async with asyncio.timeout(seconds):
            while len(self.unique_ids()) < count:
                self.arrived.clear()
                await self.arrived.wait()

    @property
    def url(self) -> str:
        return f"http://localhost:{self.address.rsplit(':', 1)[1]}/hook"


@asynccontextmanager
async def receiving(receiver: Receiver, port: int = 0) -> AsyncIterator[Receiver]:
    app = Starlette(routes=[Route("/hook", receiver.handle, methods=["POST"])])
    async with running(app, port) as address:
        receiver.address = address
        yield receiver


async def record_events(party: Party, shipment_id: int, count: int) -> list[int]:
    """`count` tracking events on the shipment (estimates: they move no status); their seqs."""
    viewer = await viewer_for_token(party.token)
    seqs = []
    for _ in range(count):
        event = await record_tracking_event(
            viewer=viewer,
            event=TrackingEventType.ARRIVED,
            classifier=EventClassifier.ESTIMATED,
            shipment_id=shipment_id,
        )
        assert event.seq is not None
        seqs.append(event.seq)
    return seqs


def payload_seqs(receiver: Receiver) -> list[str]:
    return [json.dumps(payload, sort_keys=True) for _, payload in receiver.received]
