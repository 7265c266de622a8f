"""The delivery worker: every process may run one; each endpoint is delivered by one at a time.

A process claims due endpoints by taking a lease on their rows (on PostgreSQL with `FOR UPDATE
SKIP LOCKED`, so processes claiming at once never wait for nor take each other's rows), then
drains each claimed endpoint in its own task: the next events after its cursor, one at a time
and in log order, each attempt recorded before the next one starts. A failure schedules the
retry and gives the endpoint up; a crashed process's leases run out and another one goes on.
Nothing is kept in memory that a restart would lose: the cursor and the attempts are rows.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import secrets
import socket
from collections.abc import Mapping
from typing import Any, Protocol

from prometheus_client import Counter, Gauge, Histogram

from models import clock, sql
from models.enums import ErrorCode
from models.integrations.tables import EndpointKind, WebhookEndpoint
from resolvers.errors import DomainError
from resolvers.integrations import delivery_log
from resolvers.integrations.cursor import Position
from resolvers.integrations.delivery_log import LostLease, Outcome
from resolvers.integrations.reads import FeedEvent, read_on
from subscriptions.reader import latest_seq

log = logging.getLogger("cargolive.deliveries")
BATCH = 100

DELIVERIES = Counter(
    "cargolive_deliveries_total",
    "Delivery attempts, by endpoint kind and outcome",
    ["kind", "outcome"],
)
ATTEMPT_SECONDS = Histogram(
    "cargolive_delivery_attempt_seconds",
    "Time from sending a delivery to the receiver's answer",
    ["kind"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15),
)
LAG = Gauge(
    "cargolive_delivery_lag_events",
    "Log positions between an endpoint's cursor and the log's head, as last seen",
    ["endpoint"],
    multiprocess_mode="max",
)
DISABLED = Gauge(
    "cargolive_disabled_endpoints",
    "Endpoints disabled after failing past the retry window",
    multiprocess_mode="max",
)


class Sink(Protocol):
    """How one kind of endpoint takes events: a webhook POST, a mail."""

    def wants(self, endpoint: WebhookEndpoint, event: FeedEvent) -> bool: ...

    def digest_due(self, endpoint: WebhookEndpoint) -> dt.datetime | None:
        """For a digest endpoint, when the one after this one is due; None: one per event."""

    async def send(self, endpoint: WebhookEndpoint, events: list[FeedEvent]) -> Outcome: ...


CLAIM = """UPDATE "webhook_endpoint" SET "lease_owner" = {owner}, "lease_until" = {until}
WHERE "id" IN (SELECT "id" FROM "webhook_endpoint"
  WHERE "enabled" AND ("cursor" < {top} OR "cursor_part" < {last})
    AND ("next_attempt_at" IS NULL OR "next_attempt_at" <= {due})
    AND ("lease_until" IS NULL OR "lease_until" < {free})
  ORDER BY "id" LIMIT {limit}{lock})
RETURNING "id\""""


async def claim(owner: str, *, lease: float, limit: int) -> list[int]:
    """Leases up to `limit` endpoints that have events to deliver and are due; their ids."""
    top = await latest_seq()
    connection, p = sql.default()
    now = clock.now()
    until = now + dt.timedelta(seconds=lease)
    text = CLAIM.format(
        owner=p(owner),
        until=p(sql.db_value(WebhookEndpoint, "lease_until", until)),
        top=p(top),
        last=p(Position.LAST),
        due=p(sql.db_value(WebhookEndpoint, "next_attempt_at", now)),
        free=p(sql.db_value(WebhookEndpoint, "lease_until", now)),
        limit=p(limit),
        lock=" FOR UPDATE SKIP LOCKED" if p.numbered else "",
    )
    rows = await connection.execute_query_dict(text, p.values)
    return [int(row["id"]) for row in rows]


class Deliverer:
    def __init__(
        self,
        sinks: Mapping[EndpointKind, Sink],
        *,
        schedule: list[float],
        window: dt.timedelta,
        lease: float = 60.0,
        poll: float = 1.0,
        concurrency: int = 100,
        owner: str | None = None,
    ) -> None:
        self.sinks = sinks
        self.schedule = schedule
        self.window = window
        self.lease = lease
        self.poll = poll
        self.concurrency = concurrency
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        self._drains: dict[int, asyncio.Task[None]] = {}
        self._wake = asyncio.Event()
        self._loop: asyncio.Task[None] | None = None

    def wake(self) -> None:
        self._wake.set()

    async def start(self) -> None:
        self._loop = asyncio.create_task(self._run(), name="deliveries")

    async def stop(self) -> None:
        tasks = [*([self._loop] if self._loop else []), *self._drains.values()]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await WebhookEndpoint.filter(lease_owner=self.owner).update(
            lease_owner=None, lease_until=None
        )

    async def _run(self) -> None:
        this = asyncio.current_task()
        assert this is not None
        # Stop on the cancel request itself: a driver can turn a cancel into another error,
        # which the `except` below would take for a hiccup and loop on (stop() would hang).
        while not this.cancelling():
            try:
                await self.round()
            except Exception:  # a database hiccup must not end the loop: the next round retries
                log.exception("claiming endpoints to deliver failed")
            # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancel that lands
            # as the wake-up does.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.poll):
                    await self._wake.wait()
            self._wake.clear()

    async def round(self) -> int:
        """Claims what is due and starts draining it; how many endpoints it claimed."""
        free = self.concurrency - len(self._drains)
        if free <= 0:
            return 0
        claimed = await claim(self.owner, lease=self.lease, limit=free)
        for endpoint_id in claimed:
            running = self._drains.get(endpoint_id)
            if running is not None and not running.done():
                # Claimed again here after a replay took the lease away: the lease's owner is
                # this process, so the drain still running goes on with it (a second one
                # would deliver the same endpoint twice at once).
                continue
            task = asyncio.create_task(self._drain(endpoint_id), name=f"deliver-{endpoint_id}")
            self._drains[endpoint_id] = task
            task.add_done_callback(self._forget)
        if not claimed:
            DISABLED.set(
                await WebhookEndpoint.filter(enabled=False).exclude(disabled_reason=None).count()
            )
        return len(claimed)

    def _forget(self, task: asyncio.Task[None]) -> None:
        for key, running in list(self._drains.items()):
            if running is task:
                del self._drains[key]

    async def idle(self) -> None:
        """Waits until no endpoint is being drained here (for tests and shutdown)."""
        while self._drains:
            await asyncio.gather(*self._drains.values(), return_exceptions=True)

    async def _drain(self, endpoint_id: int) -> None:
        try:
            while await self._step(endpoint_id):
                pass
        except LostLease:
            pass
        except Exception as error:
            if isinstance(error, DomainError) and error.code is ErrorCode.CURSOR_EXPIRED:
                await self._expired(endpoint_id, error)
            else:
                log.exception("delivering to endpoint %s failed", endpoint_id)
        finally:
            await asyncio.shield(delivery_log.release(endpoint_id, self.owner))

    async def _expired(self, endpoint_id: int, error: DomainError) -> None:
        """Events after the endpoint's cursor left the log: it stops, saying so, until a
        replay from a newer cursor (resynchronised by the organization) sets it going."""
        endpoint = await WebhookEndpoint.get_or_none(id=endpoint_id, lease_owner=self.owner)
        if endpoint is not None:
            reason = f"disabled: {error.message.split(':')[0]}; replay from a newer cursor"
            with contextlib.suppress(LostLease):
                await delivery_log.disable(endpoint, self.owner, reason)

    def _lease_until(self) -> dt.datetime:
        return clock.now() + dt.timedelta(seconds=self.lease)

    async def _step(self, endpoint_id: int) -> bool:
        """Delivers the next batch of one endpoint; False once it is caught up or failing."""
        endpoint = await WebhookEndpoint.get_or_none(id=endpoint_id, lease_owner=self.owner)
        if endpoint is None or not endpoint.enabled:
            return False
        sink = self.sinks[endpoint.kind]
        start = Position(endpoint.cursor, endpoint.cursor_part)
        events, position = await read_on(
            endpoint.organization_id, after=start, limit=BATCH, window=self.window
        )
        LAG.labels(str(endpoint_id)).set(max(0, await latest_seq() - start.seq))
        wanted = [event for event in events if sink.wants(endpoint, event)]
        next_digest = sink.digest_due(endpoint)
        batches = [wanted] if next_digest is not None and wanted else [[e] for e in wanted]
        for batch in batches:
            if not await self._deliver(endpoint, sink, batch, next_digest):
                return False
        if position > Position(endpoint.cursor, endpoint.cursor_part):
            extra = {} if next_digest is None else {"next_attempt_at": next_digest}
            await delivery_log.advance(endpoint, self.owner, position, **extra)
        return position > start and next_digest is None

    async def _deliver(
        self,
        endpoint: WebhookEndpoint,
        sink: Sink,
        events: list[FeedEvent],
        next_digest: dt.datetime | None,
    ) -> bool:
        head = events[-1]
        outcome = await sink.send(endpoint, events)
        kind = endpoint.kind.value
        DELIVERIES.labels(kind, "success" if outcome.ok else "failure").inc()
        ATTEMPT_SECONDS.labels(kind).observe(outcome.duration_ms / 1000)
        head_of: dict[str, Any] = {
            "position": head.position,
            "event_type": head.type.value if len(events) == 1 else "DIGEST",
            "outcome": outcome,
        }
        if outcome.ok:
            await delivery_log.record_success(
                endpoint,
                self.owner,
                lease_until=self._lease_until(),
                next_attempt_at=next_digest,
                **head_of,
            )
            return True
        await delivery_log.record_failure(endpoint, self.owner, schedule=self.schedule, **head_of)
        return False
