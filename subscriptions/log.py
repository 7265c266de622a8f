"""Writing the event log inside a use case's transaction, telling the bus after commit, and
who may see each event: the `Audience` written with it and the rule that reads it back."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable, Hashable, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Protocol, TypeVar, cast

from tortoise import Tortoise
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
    one_statement: bool = False  # see `recording`
    _ordered: bool = False  # PostgreSQL: this transaction holds EVENT_LOG_LOCK

    @property
    def _postgres(self) -> bool:
        return self.connection.capabilities.dialect == "postgres"

    def _writes(self) -> None:
        if self.one_statement and self.notices:
            raise RuntimeError("a one-statement recording writes one event: use recording()")

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
        self._writes()
        event, unique = _event(kind, topics, audience, occurred_at, facts)
        event["subject_id"] = subject_id
        # hand-written: through the ORM these rows cost a fifth of a recordTrackingEvent
        if self._postgres:
            p = sql.Params("postgres")
            parts, after = self._lock(p)
            seq = sql.column(Event, "seq")
            parts.append(f"e AS ({sql.insert_text(Event, [event], p, after)} RETURNING {seq})")
            parts.append(_topics_part(p, unique))
            if subject is not None:
                key = sql.column(subject, subject._meta.pk_attr)
                parts.append(
                    f'e_subject AS (UPDATE "{subject._meta.db_table}" SET '
                    f"{sql.column(subject, 'seq')} = e.{seq} FROM e WHERE {key} = {p(subject_id)})"
                )
            found = await self.connection.execute_query_dict(
                f"WITH {', '.join(parts)} SELECT {seq} AS seq FROM e", p.values
            )
            number = int(found[0]["seq"])
        else:  # SQLite: no INSERT in a WITH, and a statement is a call in this process;
            # every write transaction is serialised already, so seqs follow commit order
            (number,) = await sql.insert(self.connection, Event, [event], returning="seq")
            rows = [{"topic": topic, "seq": number} for topic in unique]
            await sql.insert(self.connection, EventTopic, rows)
            if subject is not None:
                await sql.update(self.connection, subject, subject_id, {"seq": number})
        self.notices.append(Notice(number, tuple(unique)))
        return number

    async def create(
        self,
        model: type[S],
        values: Mapping[str, object],
        *,
        kind: EventKind,
        topics: Iterable[Topic],
        audience: Audience,
        occurred_at: dt.datetime,
        facts: Facts | None = None,
    ) -> S:
        """INSERTs a row of `model` (every column but its id and seq, by field name, as
        `sql.create`) and appends its event, whose seq the row keeps (its cursor): `log_row`
        for a new row. On PostgreSQL the row, the event and its topics are one statement
        (`append` is one more round trip after the row's own INSERT)."""
        self._writes()
        table = cast("type[Model]", model)
        if not self._postgres:
            created = cast("S", await sql.create(self.connection, table, values))
            return await log_row(
                self,
                created,
                kind=kind,
                topics=topics,
                audience=audience,
                occurred_at=occurred_at,
                facts=facts,
            )
        event, unique = _event(kind, topics, audience, occurred_at, facts)
        p = sql.Params("postgres")
        parts, after = self._lock(p)
        seq = sql.column(Event, "seq")
        # the row draws the event's seq (once the lock is held), the event takes it and the
        # row's id from the row
        column = Event._meta.fields_db_projection["seq"]
        draw = f"nextval(pg_get_serial_sequence('{Event._meta.db_table}', '{column}'))"
        row_text = sql.insert_text(table, [values], p, after, {"seq": draw})
        parts.append(f"s AS ({row_text} RETURNING *)")
        from_row = {
            "seq": f"s.{sql.column(table, 'seq')}",
            "subject_id": f"s.{sql.column(table, table._meta.pk_attr)}",
        }
        event_text = sql.insert_text(Event, [event], p, "s", from_row)
        parts.append(f"e AS ({event_text} RETURNING {seq})")
        parts.append(_topics_part(p, unique))
        (found,) = await self.connection.execute_query_dict(
            f"WITH {', '.join(parts)} SELECT * FROM s", p.values
        )
        row = cast("S", table._init_from_db(**found))
        self.notices.append(
            Notice(int(found[table._meta.fields_db_projection["seq"]]), tuple(unique))
        )
        return row

    def _lock(self, p: sql.Params) -> tuple[list[str], str | None]:
        """PostgreSQL: the first statement of a transaction that appends takes EVENT_LOG_LOCK.
        seq must follow commit order: a seq drawn inside a transaction could otherwise commit
        after a larger one, and a reader past the larger one would never see it. The lock is
        held until commit, and the first row that draws a seq is SELECTed from the lock's row
        (the relation returned, None once held), so it is drawn only once the lock is held:
        seqs are drawn in commit order. MATERIALIZED: taken though nothing reads its value."""
        if self._ordered:
            return [], None
        self._ordered = True
        return [f"lock AS MATERIALIZED (SELECT pg_advisory_xact_lock({p(EVENT_LOG_LOCK)}))"], "lock"


def _event(
    kind: EventKind,
    topics: Iterable[Topic],
    audience: Audience,
    occurred_at: dt.datetime,
    facts: Facts | None,
) -> tuple[dict[str, object], list[str]]:
    """An event row's values but its subject, and its topics' names, each once: the given
    ones, then one per organization of its audience."""
    everyone = [*topics, *(organization_topic(org) for org in sorted(audience.orgs))]
    event: dict[str, object] = {
        "kind": kind,
        "audience_orgs": sorted(audience.orgs),
        "staff": audience.staff,
        "public": audience.public,
        "occurred_at": occurred_at,
        "recorded_at": clock.now(),
        "facts": facts,
    }
    return event, list(dict.fromkeys(topic.name for topic in everyone))


def _topics_part(p: sql.Params, topics: list[str]) -> str:
    """The CTE that files the event of CTE `e` under each of `topics`."""
    columns = f"{sql.column(EventTopic, 'topic')}, {sql.column(EventTopic, 'seq')}"
    seq = sql.column(Event, "seq")
    return (
        f'e_topics AS (INSERT INTO "{EventTopic._meta.db_table}" ({columns}) '
        f"SELECT topic, e.{seq} FROM e, unnest({p(topics)}::text[]) AS topic)"
    )


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
async def recording(*, one_statement: bool = False) -> AsyncIterator[Recorder]:
    """A write transaction whose appended events are announced on the bus once it commits.

    `one_statement`: the caller writes one event (`create` or `append`) and nothing else; on
    PostgreSQL, where that is one statement and so a transaction of its own, it runs without
    BEGIN and COMMIT (two round trips of a write's five). The Recorder refuses a second event;
    the caller must not write through the ORM meanwhile (it would not be part of it)."""
    pool = Tortoise.get_connection("default") if one_statement else None
    if pool is not None and pool.capabilities.dialect == "postgres":
        recorder = Recorder(pool, one_statement=True)
        try:
            yield recorder
        finally:  # committed with its statement, whatever happens after it
            if recorder.notices:
                bus.announce(recorder.notices)
        return
    async with in_transaction() as connection:
        recorder = Recorder(connection, one_statement=one_statement)
        yield recorder
    if recorder.notices:
        bus.announce(recorder.notices)
