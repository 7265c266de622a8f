"""A test-only stream ("ticks" in a room) to exercise the live machinery on its own."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncGenerator, Mapping
from typing import Any

import strawberry

from models import clock
from models.enums import ErrorCode
from models.events import Event, EventKind
from resolvers.errors import DomainError
from resolvers.pagination import encode_cursor, seq_after
from schema.context import Info
from schema.errors import ErrorPolicy
from subscriptions.log import Audience, recording
from subscriptions.streams import Caller, Opened, Stream, register, subscribe
from subscriptions.topics import Topic


@strawberry.type
class Tick:
    cursor: str
    seq: int
    note: int
    padding: str = strawberry.field(default="", description="filler that makes frames heavy")


async def load_tick(event: Event) -> Tick:
    return Tick(
        cursor=encode_cursor(event.seq), seq=event.seq, note=event.subject_id, padding="x" * 20_000
    )


async def open_ticks(caller: Caller, arguments: Mapping[str, Any]) -> Opened:
    room = arguments["room"]
    if room < 0:
        raise DomainError(ErrorCode.NOT_FOUND, "room not found", ["room"])
    return Opened.of(caller.viewer, Topic("room", room), after=seq_after(arguments.get("after")))


TICKS_STREAM = register(
    Stream(name="ticks", kinds=frozenset({EventKind.STAFF_ALERT}), open=open_ticks, load=load_tick)
)


@strawberry.type
class Query:
    @strawberry.field
    def ping(self) -> bool:
        return True


@strawberry.type
class Subscription:
    @strawberry.subscription
    async def ticks(
        self, info: Info, room: int, after: str | None = None
    ) -> AsyncGenerator[Tick, None]:
        async for tick in subscribe(TICKS_STREAM, info.context, {"room": room, "after": after}):
            yield tick


schema = strawberry.Schema(query=Query, subscription=Subscription, extensions=[ErrorPolicy])

HEAVY_TICKS = "subscription ($room: Int!) { ticks(room: $room) { note padding } }"
TICKS = """subscription ($room: Int!, $after: String) {
  ticks(room: $room, after: $after) { seq note cursor }
}"""


async def tick(room: int, note: int, *, orgs: set[int] | None = None) -> int:
    async with recording() as log:
        return await log.append(
            kind=EventKind.STAFF_ALERT,
            subject_id=note,
            topics=[Topic("room", room)],
            audience=Audience(orgs=frozenset(orgs or set()), staff=True),
            occurred_at=clock.now() + dt.timedelta(0),
        )
