"""Writing the event log inside a use case's transaction, and telling the bus after commit."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from models import clock, sql
from models.events import Event, EventKind, EventTopic, Facts
from subscriptions import bus

# Any constant works: it names the one lock that orders event rows on PostgreSQL.
EVENT_LOG_LOCK = 0x6361726765


def organization_topic(organization_id: int) -> str:
    """Every event an organization is in the audience of: its feed (`organizationEvents`)."""
    return f"org:{organization_id}"


@dataclass(frozen=True, slots=True)
class Audience:
    """Who may see an event: these organizations, platform staff, and/or anyone (redacted)."""

    orgs: frozenset[int] = frozenset()
    staff: bool = True
    public: bool = False


@dataclass(frozen=True, slots=True)
class Notice:
    seq: int
    topics: tuple[str, ...]


@dataclass
class Recorder:
    connection: BaseDBAsyncClient
    notices: list[Notice] = field(default_factory=list)
    _ordered: bool = False

    async def append(
        self,
        *,
        kind: EventKind,
        subject_id: int,
        topics: Iterable[str],
        audience: Audience,
        occurred_at: dt.datetime,
        facts: Facts | None = None,
    ) -> int:
        """Appends one event row (and its topics, one per organization of its audience among
        them) in this transaction; returns its seq. `facts`: what a later reader of the log
        needs and cannot read back from the rows (models/events.py)."""
        if not self._ordered:
            await self._order_by_commit()
        # hand-written: through the ORM these two rows cost a fifth of a recordTrackingEvent
        (seq,) = await sql.insert(
            self.connection,
            Event,
            [
                {
                    "kind": kind,
                    "subject_id": subject_id,
                    "audience_orgs": sorted(audience.orgs),
                    "staff": audience.staff,
                    "public": audience.public,
                    "occurred_at": occurred_at,
                    "recorded_at": clock.now(),
                    "facts": facts,
                }
            ],
            returning="seq",
        )
        everyone = [*topics, *(organization_topic(org) for org in sorted(audience.orgs))]
        unique = tuple(dict.fromkeys(everyone))
        await sql.insert(
            self.connection, EventTopic, [{"topic": topic, "seq": seq} for topic in unique]
        )
        self.notices.append(Notice(seq, unique))
        return seq

    async def _order_by_commit(self) -> None:
        # seq must follow commit order: a seq taken inside a transaction could otherwise commit
        # after a larger one, and a reader past the larger one would never see it. On PostgreSQL
        # this lock is held until commit, so seqs are drawn in commit order; SQLite already
        # serialises every write transaction.
        if self.connection.capabilities.dialect == "postgres":
            await self.connection.execute_query(
                "SELECT pg_advisory_xact_lock($1)", [EVENT_LOG_LOCK]
            )
        self._ordered = True


@asynccontextmanager
async def recording() -> AsyncIterator[Recorder]:
    """A write transaction whose appended events are announced on the bus once it commits."""
    async with in_transaction() as connection:
        recorder = Recorder(connection)
        yield recorder
    if recorder.notices:
        bus.announce(recorder.notices)
