"""The durable state of deliveries: what each attempt records, and the lease every write checks.

Every write here is conditional on the process still holding the endpoint's lease and on the
cursor it started from (`WHERE lease_owner = me AND cursor = c`): a process whose lease ran out,
or whose endpoint was replayed or deleted meanwhile, writes nothing and stops, so one endpoint
is only ever moved forward by one process at a time.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from models import clock, sql
from models.alerts.tables import StaffAlertKind
from models.integrations.tables import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from resolvers.alerts.events import raise_staff_alert
from resolvers.integrations.cursor import Position
from subscriptions.log import recording

RESPONSE_BYTES = 1024
JITTER = 0.25  # each wait is its scheduled delay, up to a quarter more or less


class LostLease(Exception):
    """Another process holds the endpoint now, or it was replayed, disabled or deleted."""


@dataclass(frozen=True, slots=True)
class Outcome:
    ok: bool
    duration_ms: int
    status: int | None = None
    body: str | None = None
    error: str | None = None

    def summary(self) -> str:
        return f"HTTP {self.status}" if self.status is not None else (self.error or "no answer")


def retry_delay(attempts: int, schedule: Sequence[float]) -> float | None:
    """Seconds before attempt `attempts + 1`, or None when the schedule is used up."""
    if attempts > len(schedule):
        return None
    return schedule[attempts - 1] * random.uniform(1 - JITTER, 1 + JITTER)


async def _move(
    endpoint: WebhookEndpoint, owner: str, connection: BaseDBAsyncClient, **changes: object
) -> None:
    moved = (
        await WebhookEndpoint.filter(
            id=endpoint.id,
            lease_owner=owner,
            cursor=endpoint.cursor,
            cursor_part=endpoint.cursor_part,
            enabled=True,
        )
        .using_db(connection)
        .update(**changes, updated_at=clock.now())
    )
    if not moved:
        raise LostLease(endpoint.id)
    for name, value in changes.items():
        setattr(endpoint, name, value)


async def _pending(endpoint: WebhookEndpoint) -> WebhookDelivery | None:
    """The head delivery that failed before (its attempts go on counting), if any."""
    if endpoint.failing_since is None:  # no attempt failed since the last success: no row
        return None
    return (
        await WebhookDelivery.filter(endpoint_id=endpoint.id, status=DeliveryStatus.PENDING)
        .order_by("-id")
        .first()
    )


def _attempt_fields(outcome: Outcome, at: dt.datetime) -> dict[str, object]:
    return {
        "last_attempt_at": at,
        "response_status": outcome.status,
        "response_body": outcome.body[:RESPONSE_BYTES] if outcome.body is not None else None,
        "error": outcome.error,
        "duration_ms": outcome.duration_ms,
    }


async def _write_delivery(
    connection: BaseDBAsyncClient,
    endpoint: WebhookEndpoint,
    pending: WebhookDelivery | None,
    *,
    position: Position,
    event_type: str,
    fields: dict[str, object],
) -> None:
    if pending is None:
        await WebhookDelivery.create(
            endpoint_id=endpoint.id,
            seq=position.seq,
            part=position.part,
            event_type=event_type,
            created_at=fields["last_attempt_at"],
            using_db=connection,
            **fields,
        )
    else:  # a digest's head moves on while it waits; a webhook's stays the same event
        await (
            WebhookDelivery.filter(id=pending.id)
            .using_db(connection)
            .update(seq=position.seq, part=position.part, event_type=event_type, **fields)
        )


CLAIM = """UPDATE "webhook_endpoint" SET "lease_owner" = {owner}, "lease_until" = {until}
WHERE "id" IN (SELECT "id" FROM "webhook_endpoint"
  WHERE "enabled" AND ("cursor" < {top} OR "cursor_part" < {last})
    AND ("next_attempt_at" IS NULL OR "next_attempt_at" <= {due})
    AND ("lease_until" IS NULL OR "lease_until" < {free})
  ORDER BY "id" LIMIT {limit}{lock})
RETURNING "id\""""


async def claim(owner: str, *, top: int, lease: float, limit: int) -> list[int]:
    """Leases up to `limit` endpoints that have events up to `top` to deliver and are due;
    their ids."""
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


async def record_success(
    endpoint: WebhookEndpoint,
    owner: str,
    *,
    position: Position,
    event_type: str,
    outcome: Outcome,
    lease_until: dt.datetime,
    next_attempt_at: dt.datetime | None = None,
) -> None:
    """The delivery succeeded: its row, and the endpoint's cursor past it, in one transaction."""
    now = clock.now()
    pending = await _pending(endpoint)
    fields = _attempt_fields(outcome, now) | {
        "status": DeliveryStatus.SUCCEEDED,
        "attempts": (pending.attempts if pending else 0) + 1,
        "next_attempt_at": None,
    }
    async with in_transaction() as connection:
        await _move(
            endpoint,
            owner,
            connection,
            cursor=position.seq,
            cursor_part=position.part,
            failing_since=None,
            next_attempt_at=next_attempt_at,
            lease_until=lease_until,
        )
        await _write_delivery(
            connection, endpoint, pending, position=position, event_type=event_type, fields=fields
        )


async def record_failure(
    endpoint: WebhookEndpoint,
    owner: str,
    *,
    position: Position,
    event_type: str,
    outcome: Outcome,
    schedule: Sequence[float],
) -> None:
    """The delivery failed: the next attempt per the schedule, or, once the schedule is used
    up, the endpoint disabled with its reason and a notice to staff. The lease is given up."""
    now = clock.now()
    pending = await _pending(endpoint)
    attempts = (pending.attempts if pending else 0) + 1
    delay = retry_delay(attempts, schedule)
    due = None if delay is None else now + dt.timedelta(seconds=delay)
    status = DeliveryStatus.PENDING if due is not None else DeliveryStatus.FAILED
    fields = _attempt_fields(outcome, now) | {
        "status": status,
        "attempts": attempts,
        "next_attempt_at": due,
    }
    since = endpoint.failing_since or now
    changes: dict[str, object] = {"failing_since": since, "next_attempt_at": due}
    changes |= {"lease_owner": None, "lease_until": None}
    if due is None:
        reason = (
            f"disabled after {attempts} failed attempts since {since.isoformat(timespec='seconds')}"
            f" to deliver event {position.cursor}; the last one: {outcome.summary()}"
        )
        changes |= {"enabled": False, "disabled_reason": reason}
    async with recording() as log:
        await _move(endpoint, owner, log.connection, **changes)
        await _write_delivery(
            log.connection,
            endpoint,
            pending,
            position=position,
            event_type=event_type,
            fields=fields,
        )
        if due is None:
            await raise_staff_alert(
                log,
                kind=StaffAlertKind.WEBHOOK_DISABLED,
                message=f"Endpoint {endpoint.id} ({endpoint.url or endpoint.email}) of "
                f"organization {endpoint.organization_id} was {reason}",
                occurred_at=now,
            )


async def advance(
    endpoint: WebhookEndpoint, owner: str, position: Position, **changes: object
) -> None:
    """Moves the cursor over events this endpoint does not take (other types, other orgs)."""
    async with in_transaction() as connection:
        await _move(
            endpoint, owner, connection, cursor=position.seq, cursor_part=position.part, **changes
        )


async def disable(endpoint: WebhookEndpoint, owner: str, reason: str) -> None:
    """Stops an endpoint that cannot go on (its cursor expired), with the reason shown."""
    async with in_transaction() as connection:
        changes = {"lease_owner": None, "lease_until": None}
        await _move(endpoint, owner, connection, enabled=False, disabled_reason=reason, **changes)


async def release(endpoint_id: int, owner: str) -> None:
    await WebhookEndpoint.filter(id=endpoint_id, lease_owner=owner).update(
        lease_owner=None, lease_until=None
    )


@dataclass(frozen=True, slots=True)
class Delivered:
    position: Position
    event_type: str
    outcome: Outcome


@dataclass(slots=True)
class _Write:
    endpoint: WebhookEndpoint
    delivered: list[Delivered]
    position: Position
    lease_until: dt.datetime
    done: asyncio.Future[None]


MOVE = """WITH "v" ("key", "was_cursor", "was_part", "to_cursor", "to_part") AS (VALUES {rows})
UPDATE "webhook_endpoint" SET "cursor" = "v"."to_cursor", "cursor_part" = "v"."to_part",
  "lease_until" = {until}, "updated_at" = {now}
FROM "v" WHERE "webhook_endpoint"."id" = "v"."key" AND "lease_owner" = {owner}
  AND "cursor" = "v"."was_cursor" AND "cursor_part" = "v"."was_part" AND "enabled"
RETURNING "id\""""
INSERT_ROWS = 1000  # delivery rows per INSERT statement


class Successes:
    """The successes of every endpoint a process delivers, written together: while one write
    runs, the next ones queue, and the next write takes them all, as one transaction with one
    UPDATE for every cursor (each conditional on the lease and the cursor it started from, as
    `_move`) and one INSERT of the delivery rows. A drain waits for its write before it takes
    its next events, so an endpoint never has two writes in flight."""

    def __init__(self, owner: str) -> None:
        self.owner = owner
        self._queue: list[_Write] = []
        self._writer: asyncio.Task[None] | None = None

    async def write(
        self,
        endpoint: WebhookEndpoint,
        delivered: list[Delivered],
        position: Position,
        lease_until: dt.datetime,
    ) -> None:
        """`delivered` succeeded and the endpoint is read up to `position`: LostLease when the
        endpoint is no longer this process's to move (nothing of it is written then)."""
        done = asyncio.get_running_loop().create_future()
        self._queue.append(_Write(endpoint, delivered, position, lease_until, done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_all(), name="delivery-successes")
        await done
        endpoint.cursor, endpoint.cursor_part = position.seq, position.part
        endpoint.lease_until = lease_until

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._writer

    async def _write_all(self) -> None:
        while self._queue:
            writes, self._queue = self._queue, []
            try:
                moved = await self._write(writes)
            except Exception as error:
                for write in writes:
                    if not write.done.done():
                        write.done.set_exception(error)
                continue
            for write in writes:
                if write.done.done():
                    continue
                if write.endpoint.id in moved:
                    write.done.set_result(None)
                else:
                    write.done.set_exception(LostLease(write.endpoint.id))

    async def _write(self, writes: list[_Write]) -> set[int]:
        now = clock.now()
        until = max(write.lease_until for write in writes)
        async with in_transaction() as connection:
            p = sql.Params(connection.capabilities.dialect)
            rows = ", ".join(
                f"(CAST({p(w.endpoint.id)} AS BIGINT), CAST({p(w.endpoint.cursor)} AS BIGINT), "
                f"CAST({p(w.endpoint.cursor_part)} AS INTEGER), "
                f"CAST({p(w.position.seq)} AS BIGINT), CAST({p(w.position.part)} AS INTEGER))"
                for w in writes
            )
            text = MOVE.format(
                rows=rows,
                until=p(sql.db_value(WebhookEndpoint, "lease_until", until)),
                now=p(sql.db_value(WebhookEndpoint, "updated_at", now)),
                owner=p(self.owner),
            )
            found = await connection.execute_query_dict(text, p.values)
            moved = {int(row["id"]) for row in found}
            deliveries = [
                {
                    "endpoint_id": write.endpoint.id,
                    "seq": item.position.seq,
                    "part": item.position.part,
                    "event_type": item.event_type,
                    "created_at": now,
                    **_attempt_fields(item.outcome, now),
                    "status": DeliveryStatus.SUCCEEDED,
                    "attempts": 1,
                    "next_attempt_at": None,
                }
                for write in writes
                if write.endpoint.id in moved
                for item in write.delivered
            ]
            for start in range(0, len(deliveries), INSERT_ROWS):
                await sql.insert(
                    connection, WebhookDelivery, deliveries[start : start + INSERT_ROWS]
                )
        return moved
