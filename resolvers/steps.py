"""The two writes every step of a document, a claim or a service request makes: its row,
guarded by its version, and a history row logged as its event (seq on the row: its cursor)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, TypeVar

from models import clock
from models.claims.tables import ClaimChange, InsuranceClaim
from models.documents.tables import Document, DocumentChange
from models.events import EventKind
from models.services.tables import ServiceRequest, ServiceRequestChange
from resolvers.errors import conflict
from subscriptions.log import Audience, Recorder, log_row
from subscriptions.topics import Topic

Row = TypeVar("Row", Document, InsuranceClaim, ServiceRequest)
Step = TypeVar("Step", DocumentChange, ClaimChange, ServiceRequestChange)


async def write_version(row: Row, what: str, **changes: Any) -> None:
    """Writes `changes` unless the row was written since it was read (CONFLICT): of two
    requests racing, the second UPDATE (on PostgreSQL it waits for the first to commit)
    matches no row."""
    changes |= {"version": row.version + 1, "updated_at": clock.now()}
    updated = await type(row).filter(id=row.id, version=row.version).update(**changes)
    if not updated:
        raise conflict(f"the {what} changed meanwhile: load it again and retry")
    for name, value in changes.items():
        setattr(row, name, value)


async def log_step(
    log: Recorder,
    step: type[Step],
    *,
    kind: EventKind,
    topics: Iterable[Topic],
    audience: Audience,
    at: dt.datetime,
    **columns: Any,
) -> Step:
    row = await step.create(occurred_at=at, **columns)
    return await log_row(log, row, kind=kind, topics=topics, audience=audience, occurred_at=at)
