"""A test-only stream ("ticks" in a room) to exercise the live machinery on its own."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncGenerator
from typing import Any

import strawberry

from models import clock
from models.enums import ErrorCode
from models.events import Event, EventKind
from resolvers.errors import DomainError
from resolvers.pagination import encode_cursor
from schema.context import Context, Info
from schema.errors import ErrorPolicy
from schema.streams import Stream, audience_check, cursor_seq, iterate, scope_of, stream
from subscriptions.log import Audience, recording


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


@stream("ticks")
async def open_ticks(context: Context, arguments: dict[str, Any]) -> Stream:
    room = arguments["room"]
    if room < 0:
        raise DomainError(ErrorCode.NOT_FOUND, "room not found", ["room"])
    return Stream(
        topic=f"room:{room}",
        kinds=frozenset({EventKind.STAFF_ALERT}),
        scope=scope_of(context.viewer),
        visible=audience_check(context.viewer),
        load=load_tick,
        after=cursor_seq(arguments.get("after")),
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
        opened = await open_ticks(info.context, {"room": room, "after": after})
        async for tick in iterate(opened):
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
            topics=[f"room:{room}"],
            audience=Audience(orgs=frozenset(orgs or set()), staff=True),
            occurred_at=clock.now() + dt.timedelta(0),
        )
