"""The delivery worker: every process may run one; each endpoint is delivered by one at a time.

A process claims due endpoints by taking a lease on their rows (on PostgreSQL with `FOR UPDATE
SKIP LOCKED`, so processes claiming at once never wait for nor take each other's rows), then
drains each claimed endpoint in its own task: the next events after its cursor, one at a time
and in log order, each sent once the one before got its 2xx. A failure schedules the retry and
gives the endpoint up; a crashed process's leases run out and another one goes on. The cursor
and the attempts are rows, so a restart loses nothing.

What makes it fast (bench/webhooks.py): the organization's feed is read once per process for
all of its endpoints (`FeedWindow`); the successes of every endpoint are written together, one
statement for all cursors and one for all delivery rows (`delivery_log.Successes`), while the
next events go out; a caught-up endpoint keeps its lease a while and goes on as soon as the
log moves, instead of being claimed again. A success not yet written when the process dies is
sent again by the next one, with the same webhook-id: at least once, as documented.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import secrets
import socket
import time
from collections.abc import Mapping
from enum import Enum
from typing import Any

from models import clock
from models.enums import ErrorCode
from models.integrations.tables import EndpointKind, WebhookEndpoint
from resolvers.errors import DomainError
from resolvers.integrations import delivery_log
from resolvers.integrations.cursor import Position
from resolvers.integrations.delivery_log import Delivered, LostLease, Outcome, Successes
from resolvers.integrations.delivery_metrics import (
    ATTEMPT_SECONDS,
    COMMIT_TO_2XX,
    DELIVERIES,
    DISABLED,
    LAG,
)
from resolvers.integrations.feed_window import FeedWindow
from resolvers.integrations.reads import FeedEvent
from resolvers.integrations.sink import Sink
from subscriptions.reader import latest_seq

log = logging.getLogger("cargolive.deliveries")
BATCH = 100  # events an endpoint takes at once (and sends before writing their successes)
LINGER = 10.0  # seconds a caught-up endpoint waits for new events before giving up its lease
# Commits within this many seconds share one round (two statements: the log's head, the claim)
COALESCE = 0.02


def _cursor(endpoint: WebhookEndpoint) -> Position:
    """Where the endpoint's row says it is delivered up to."""
    return Position(endpoint.cursor, endpoint.cursor_part)


# What `_refresh` reads of a drained endpoint: its id, the settings a change of which the next
# delivery must follow, and whether it is still this process's to deliver.
SETTINGS = (
    "id",
    "url",
    "event_types",
    "secret",
    "previous_secret",
    "previous_secret_until",
    "enabled",
    "lease_owner",
)


class Step(Enum):
    MOVED = "moved"  # delivered or passed over events: there may be more
    CAUGHT_UP = "caught up"  # nothing after the cursor yet
    STOPPED = "stopped"  # failing (the retry is scheduled) or a digest sent: the lease is given up


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
        self.lease = lease
        self.poll = poll
        self.concurrency = concurrency
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        self.feed = FeedWindow(window)
        self.successes = Successes(self.owner)
        self.linger = min(LINGER, lease / 3)
        self._drains: dict[int, asyncio.Task[None]] = {}
        # Drains to re-read their endpoint (claimed again, replayed, changed); one that ends
        # without having read it is followed by a new drain that does (`_forget`)
        self._stale: set[int] = set()
        self._endpoints: dict[int, WebhookEndpoint] = {}  # the rows the drains deliver by
        self._head = 0  # the log's newest seq as last seen
        self._moved = asyncio.Event()  # set, and replaced, whenever the head moves
        self._wake = asyncio.Event()
        self._loop: asyncio.Task[None] | None = None
        self._counted = 0.0

    def wake(self) -> None:
        self._wake.set()

    async def start(self) -> None:
        self._loop = asyncio.create_task(self._run(), name="deliveries")

    async def stop(self) -> None:
        self._stale.clear()  # nothing new starts while stopping
        tasks = [*([self._loop] if self._loop else []), *self._drains.values()]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.successes.close()
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
                    await asyncio.sleep(COALESCE)
            self._wake.clear()

    async def round(self) -> int:
        """Tells the waiting drains when the log moved, claims what is due and starts draining
        it; how many endpoints it claimed."""
        top = await latest_seq()
        if top > self._head:
            self._head = top
            await self._refresh()
            self._moved.set()
            self._moved = asyncio.Event()
        free = self.concurrency - len(self._drains)
        claimed = (
            await delivery_log.claim(self.owner, top=top, lease=self.lease, limit=free)
            if free
            else []
        )
        for endpoint_id in claimed:
            running = self._drains.get(endpoint_id)
            if running is not None and not running.done():
                # Claimed again here after a replay took the lease away: the lease's owner is
                # this process, so the drain still running goes on with it, from the row as
                # it is now (a second one would deliver the same endpoint twice at once).
                self._stale.add(endpoint_id)
                continue
            self._start(endpoint_id)
        if time.monotonic() - self._counted > 10:
            self._counted = time.monotonic()
            disabled = WebhookEndpoint.filter(enabled=False).exclude(disabled_reason=None)
            DISABLED.set(await disabled.count())
        return len(claimed)

    async def _refresh(self) -> None:
        """The drains' rows as they are now, read before the drains go on to newer events: an
        event written after a change of URL, secret or types is sent by the changed row."""
        if not self._endpoints:
            return
        rows = await WebhookEndpoint.filter(id__in=list(self._endpoints)).values(*SETTINGS)
        found = {row["id"]: row for row in rows}
        for key, endpoint in list(self._endpoints.items()):
            row = found.get(key)
            if row is None or row["lease_owner"] != self.owner or not row["enabled"]:
                self._stale.add(key)  # deleted, disabled or replayed: the drain reads it again
                continue
            for name in SETTINGS[1:-2]:
                setattr(endpoint, name, row[name])

    def _start(self, endpoint_id: int) -> None:
        task = asyncio.create_task(self._drain(endpoint_id), name=f"deliver-{endpoint_id}")
        self._drains[endpoint_id] = task
        task.add_done_callback(self._forget)

    def _forget(self, task: asyncio.Task[None]) -> None:
        for key, running in list(self._drains.items()):
            if running is task:
                del self._drains[key]
                # claimed again as it was ending (its lease given up): the claim is not lost
                if key in self._stale and not task.cancelled():
                    self._start(key)

    async def idle(self) -> None:
        """Waits until no endpoint is being drained here (for tests and shutdown)."""
        while self._drains:
            await asyncio.gather(*self._drains.values(), return_exceptions=True)

    async def _endpoint(self, endpoint_id: int) -> WebhookEndpoint | None:
        self._stale.discard(endpoint_id)
        self._endpoints.pop(endpoint_id, None)
        endpoint = await WebhookEndpoint.get_or_none(id=endpoint_id, lease_owner=self.owner)
        if endpoint is None or not endpoint.enabled:
            return None
        self._endpoints[endpoint_id] = endpoint
        return endpoint

    async def _drain(self, endpoint_id: int) -> None:
        """Delivers one endpoint while it has events, and a while after (LINGER) for the next
        ones; its row's settings are kept current by each round (`_refresh`)."""
        endpoint: WebhookEndpoint | None = None
        position = Position(0)
        try:
            while True:
                if endpoint is None or endpoint_id in self._stale:
                    known = endpoint
                    endpoint = await self._endpoint(endpoint_id)
                    if endpoint is None:
                        return
                    if known is None or _cursor(known) != _cursor(endpoint):
                        position = _cursor(endpoint)  # new, or replayed since
                elif self._lease_ending(endpoint):
                    await self.successes.write(endpoint, [], position, self._lease_until())
                moved = self._moved
                try:
                    step, position = await self._step(endpoint, position)
                except LostLease:
                    # Replayed, disabled or deleted meanwhile: go on only from the row as it
                    # is now, and only if this process holds it again.
                    endpoint, position = None, Position(0)
                    continue
                if step is Step.STOPPED:
                    return
                if step is Step.CAUGHT_UP:
                    if len(self._drains) >= self.concurrency:
                        return  # others may be waiting for a place
                    try:
                        async with asyncio.timeout(self.linger):
                            await moved.wait()
                    except TimeoutError:
                        return
        except Exception as error:
            if isinstance(error, DomainError) and error.code is ErrorCode.CURSOR_EXPIRED:
                await self._expired(endpoint_id, error)
            else:
                log.exception("delivering to endpoint %s failed", endpoint_id)
        finally:
            self._endpoints.pop(endpoint_id, None)
            await asyncio.shield(self._leave(endpoint_id, endpoint, position))

    async def _leave(
        self, endpoint_id: int, endpoint: WebhookEndpoint | None, position: Position
    ) -> None:
        """Writes how far the endpoint was read (events it passed over) and gives it up."""
        if endpoint is not None and position > _cursor(endpoint):
            with contextlib.suppress(LostLease, Exception):
                await self.successes.write(endpoint, [], position, self._lease_until())
        await delivery_log.release(endpoint_id, self.owner)

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

    def _lease_ending(self, endpoint: WebhookEndpoint) -> bool:
        """Past a quarter of the lease since it was taken or last written: write it again."""
        until = endpoint.lease_until
        return until is None or until - clock.now() < dt.timedelta(seconds=self.lease * 0.75)

    async def _step(self, endpoint: WebhookEndpoint, position: Position) -> tuple[Step, Position]:
        """Sends the events after `position` (up to BATCH), each once the one before got its
        2xx, then writes their successes at once; what happened, and the position reached.
        Events the endpoint does not take are passed over without a write of their own."""
        sink = self.sinks[endpoint.kind]
        events, end = await self.feed.after(endpoint.organization_id, position, BATCH)
        LAG.labels(str(endpoint.id)).set(max(0, self._head - position.seq))
        wanted = [event for event in events if sink.wants(endpoint, event)]
        next_digest = sink.digest_due(endpoint)
        if next_digest is not None:
            return await self._digest(endpoint, sink, wanted, end, next_digest), end
        done: list[Delivered] = []
        written = time.monotonic()
        for event in wanted:
            outcome = await self._send(endpoint, sink, [event])
            if not outcome.ok:
                before = Position(event.position.seq, event.position.part - 1)
                if done or before > _cursor(endpoint):
                    await self.successes.write(endpoint, done, before, self._lease_until())
                await delivery_log.record_failure(
                    endpoint,
                    self.owner,
                    schedule=self.schedule,
                    position=event.position,
                    event_type=event.type.value,
                    outcome=outcome,
                )
                return Step.STOPPED, before
            if endpoint.failing_since is not None:  # its failed attempts' row: written alone
                await self._write_alone(endpoint, event, outcome, done)
                done = []
            else:
                done.append(Delivered(event.position, event.type.value, outcome))
            if time.monotonic() - written > self.lease / 4:  # a slow receiver: keep the lease
                await self.successes.write(endpoint, done, event.position, self._lease_until())
                done, written = [], time.monotonic()
        if done:
            await self.successes.write(endpoint, done, end, self._lease_until())
        # Caught up when the read reached the head as last seen (the next round says when the
        # log moves on): one read of the log per organization and move, not two.
        more = end > position and (len(events) == BATCH or end.seq < self._head)
        return (Step.MOVED if more else Step.CAUGHT_UP), end

    async def _send(
        self, endpoint: WebhookEndpoint, sink: Sink, events: list[FeedEvent]
    ) -> Outcome:
        outcome = await sink.send(endpoint, events)
        kind = endpoint.kind.value
        DELIVERIES.labels(kind, "success" if outcome.ok else "failure").inc()
        ATTEMPT_SECONDS.labels(kind).observe(outcome.duration_ms / 1000)
        if outcome.ok:
            COMMIT_TO_2XX.labels(kind).observe(
                (clock.now() - events[-1].occurred_at).total_seconds()
            )
        return outcome

    async def _write_alone(
        self, endpoint: WebhookEndpoint, event: FeedEvent, outcome: Outcome, done: list[Delivered]
    ) -> None:
        if done:
            await self.successes.write(endpoint, done, done[-1].position, self._lease_until())
        await delivery_log.record_success(
            endpoint,
            self.owner,
            position=event.position,
            event_type=event.type.value,
            outcome=outcome,
            lease_until=self._lease_until(),
        )

    async def _digest(
        self,
        endpoint: WebhookEndpoint,
        sink: Sink,
        wanted: list[FeedEvent],
        end: Position,
        next_digest: dt.datetime,
    ) -> Step:
        """A digest endpoint: everything since the last one in one message, then it waits for
        the next one's time (its lease given up)."""
        if wanted:
            head = wanted[-1]
            outcome = await self._send(endpoint, sink, wanted)
            fields: dict[str, Any] = {
                "position": head.position,
                "event_type": "DIGEST",
                "outcome": outcome,
            }
            if not outcome.ok:
                await delivery_log.record_failure(
                    endpoint, self.owner, schedule=self.schedule, **fields
                )
                return Step.STOPPED
            await delivery_log.record_success(
                endpoint,
                self.owner,
                lease_until=self._lease_until(),
                next_attempt_at=next_digest,
                **fields,
            )
        if end > _cursor(endpoint):
            await delivery_log.advance(endpoint, self.owner, end, next_attempt_at=next_digest)
        return Step.STOPPED
