"""Writing the event log inside a use case's transaction, telling the bus after commit, and
who may see each event: the `Audience` written with it and the rule that reads it back."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable, Hashable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Protocol, TypeVar, cast

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model
from tortoise.transactions import in_transaction

from models import clock, sql
from models.events import Event, EventKind, EventTopic, Facts
from models.viewer import Viewer
from subscriptions import bus
from subscriptions.topics import Topic

# Any constant works: it names the one lock that orders event rows on PostgreSQL.
EVENT_LOG_LOCK = 0x6361726765


def organization_topic(organization_id: int) -> Topic:
    """Every event an organization is in the audience of: its feed (`organizationEvents`)."""
    return Topic("org", organization_id)


@dataclass(frozen=True, slots=True)
class Audience:
    """Who may see an event: these organizations, platform staff, and/or anyone (redacted)."""

    orgs: frozenset[int] = frozenset()
    staff: bool = True
    public: bool = False


def visible_to(viewer: Viewer | None, *, public: bool = False) -> Callable[[Event], bool]:
    """The `Audience` read back: staff see staff events, organizations theirs, anyone (and a
    stream that shows only the public view) public ones."""
    if viewer is None or public:
        return lambda event: event.public
    if viewer.is_staff:
        return lambda event: event.staff
    organization = viewer.organization_id
    return lambda event: organization in event.audience_orgs


def scope_of(viewer: Viewer | None) -> Hashable:
    """What decides which events a viewer sees: its organization and role (anonymous: None)."""
    return None if viewer is None else (viewer.organization_id, viewer.role.value)


@dataclass(frozen=True, slots=True)
class Notice:
    seq: int
    topics: tuple[str, ...]


@dataclass
class Recorder:
    connection: BaseDBAsyncClient
    notices: list[Notice] = field(default_factory=list)
    _ordered: bool = False  # PostgreSQL: this transaction holds EVENT_LOG_LOCK

    async def append(
        self,
        *,
        kind: EventKind,
        subject_id: int,
        topics: Iterable[Topic],
        audience: Audience,
        occurred_at: dt.datetime,
        facts: Facts | None = None,
        subject: type[Model] | None = None,
    ) -> int:
        """Appends one event row (and its topics, one per organization of its audience among
        them) in this transaction; returns its seq. `facts`: what a later reader of the log
        needs and cannot read back from the rows (models/events.py). `subject`: the table
        whose row `subject_id` keeps the seq in its `seq` column (its cursor), set here too."""
        everyone = [*topics, *(organization_topic(org) for org in sorted(audience.orgs))]
        unique = list(dict.fromkeys(topic.name for topic in everyone))
        event = {
            "kind": kind,
            "subject_id": subject_id,
            "audience_orgs": sorted(audience.orgs),
            "staff": audience.staff,
            "public": audience.public,
            "occurred_at": occurred_at,
            "recorded_at": clock.now(),
            "facts": facts,
        }
        # hand-written: through the ORM these rows cost a fifth of a recordTrackingEvent
        if self.connection.capabilities.dialect == "postgres":
            seq = await self._append_at_once(event, unique, subject, subject_id)
        else:  # SQLite: no INSERT in a WITH, and a statement is a call in this process;
            # every write transaction is serialised already, so seqs follow commit order
            (seq,) = await sql.insert(self.connection, Event, [event], returning="seq")
            rows = [{"topic": topic, "seq": seq} for topic in unique]
            await sql.insert(self.connection, EventTopic, rows)
            if subject is not None:
                await sql.update(self.connection, subject, subject_id, {"seq": seq})
        self.notices.append(Notice(seq, tuple(unique)))
        return seq

    async def _append_at_once(
        self,
        event: dict[str, object],
        topics: list[str],
        subject: type[Model] | None,
        subject_id: int,
    ) -> int:
        """The event, its topics and the subject's seq in one statement: one round trip of
        PostgreSQL's rather than three (four with the lock)."""
        p = sql.Params("postgres")
        seq = sql.column(Event, "seq")
        parts = []
        after = None
        if not self._ordered:
            # seq must follow commit order: a seq drawn inside a transaction could otherwise
            # commit after a larger one, and a reader past the larger one would never see it.
            # This lock is held until commit, and the event's row (its seq) is SELECTed from
            # the lock's row, so it is drawn only once the lock is held: seqs are drawn in
            # commit order. MATERIALIZED: the lock is taken even though nothing reads its value.
            parts.append(
                f"lock AS MATERIALIZED (SELECT pg_advisory_xact_lock({p(EVENT_LOG_LOCK)}))"
            )
            after = "lock"
            self._ordered = True
        parts.append(f"e AS ({sql.insert_text(Event, [event], p, after)} RETURNING {seq})")
        topic_columns = f"{sql.column(EventTopic, 'topic')}, {sql.column(EventTopic, 'seq')}"
        parts.append(
            f'e_topics AS (INSERT INTO "{EventTopic._meta.db_table}" ({topic_columns}) '
            f"SELECT topic, e.{seq} FROM e, unnest({p(topics)}::text[]) AS topic)"
        )
        if subject is not None:
            key = sql.column(subject, subject._meta.pk_attr)
            parts.append(
                f'e_subject AS (UPDATE "{subject._meta.db_table}" '
                f"SET {sql.column(subject, 'seq')} = e.{seq} FROM e WHERE {key} = {p(subject_id)})"
            )
        found = await self.connection.execute_query_dict(
            f"WITH {', '.join(parts)} SELECT {seq} AS seq FROM e", p.values
        )
        return int(found[0]["seq"])


class Subject(Protocol):
    """A row whose `seq` is its event's: what a stream replays, and the cursor it carries."""

    id: int
    seq: int | None


S = TypeVar("S", bound=Subject)


async def log_row(
    log: Recorder,
    row: S,
    *,
    kind: EventKind,
    topics: Iterable[Topic],
    audience: Audience,
    occurred_at: dt.datetime,
    facts: Facts | None = None,
) -> S:
    """Appends the event whose subject is `row` and keeps its seq on the row: its cursor."""
    row.seq = await log.append(
        kind=kind,
        subject_id=row.id,
        topics=topics,
        audience=audience,
        occurred_at=occurred_at,
        facts=facts,
        subject=cast("type[Model]", type(row)),
    )
    return row


@asynccontextmanager
async def recording() -> AsyncIterator[Recorder]:
    """A write transaction whose appended events are announced on the bus once it commits."""
    async with in_transaction() as connection:
        recorder = Recorder(connection)
        yield recorder
    if recorder.notices:
        bus.announce(recorder.notices)
