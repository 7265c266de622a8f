"""Idempotency keys (Stripe's scheme, and the IETF Idempotency-Key draft): one outcome per
(organization, key). The first request claims the key by inserting its row (a unique index
decides between racing copies, on both backends); copies wait for its answer and replay it;
the same key with another request is refused; after the window the key is free again.

A claimed row whose request never finished (the process died) stays unfinished: whether that
request took effect is unknown, so no copy runs it again; retries are told so and must check,
then use a new key. Nothing is ever done twice.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass

from tortoise.exceptions import IntegrityError

from models import clock
from models.integrations.tables import IdempotentRequest

PRUNE_BATCH = 1000
# A request runs seconds at most; one unfinished for this long was cut off by a crash.
INTERRUPTED_AFTER = dt.timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class Claimed:
    row_id: int


@dataclass(frozen=True, slots=True)
class Replay:
    status: int
    content_type: str
    body: bytes


@dataclass(frozen=True, slots=True)
class Mismatch:
    pass


@dataclass(frozen=True, slots=True)
class Busy:
    interrupted: bool  # True: its first request was cut off; False: still running


Outcome = Claimed | Replay | Mismatch | Busy


async def claim(
    *, organization_id: int, key: str, fingerprint: str, window: dt.timedelta, wait: float
) -> Outcome:
    """Claims `key` for this request, or tells what became of the first request with it,
    waiting up to `wait` seconds for a first request still running."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    pause = 0.01
    while True:
        now = clock.now()
        try:
            row = await IdempotentRequest.create(
                organization_id=organization_id, key=key, fingerprint=fingerprint, created_at=now
            )
            return Claimed(row.id)
        except IntegrityError:
            pass
        found = await IdempotentRequest.get_or_none(organization_id=organization_id, key=key)
        if found is None:  # released or pruned between the two statements: claim again
            continue
        if found.created_at <= now - window:
            await IdempotentRequest.filter(id=found.id).delete()  # expired: the key is free
            continue
        if found.fingerprint != fingerprint:
            return Mismatch()
        if found.status is not None:
            return Replay(found.status, found.content_type or "application/json", found.body or b"")
        if found.created_at <= now - INTERRUPTED_AFTER:
            return Busy(interrupted=True)
        if loop.time() >= deadline:
            return Busy(interrupted=False)
        await asyncio.sleep(pause)
        pause = min(pause * 2, 0.2)


async def complete(row_id: int, *, status: int, content_type: str, body: bytes) -> None:
    await IdempotentRequest.filter(id=row_id).update(
        status=status, content_type=content_type, body=body, completed_at=clock.now()
    )


async def release(row_id: int) -> None:
    """Frees a key whose request did not run (refused before executing): a retry runs it."""
    await IdempotentRequest.filter(id=row_id, status=None).delete()


async def prune(window: dt.timedelta) -> int:
    """Deletes expired keys in batches, so that no statement holds many rows at once."""
    cutoff = clock.now() - window
    total = 0
    while True:
        ids = (
            await IdempotentRequest.filter(created_at__lt=cutoff)
            .limit(PRUNE_BATCH)
            .values_list("id", flat=True)
        )
        if not ids:
            return total
        total += await IdempotentRequest.filter(id__in=list(ids)).delete()
