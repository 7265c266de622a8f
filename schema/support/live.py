"""The live messages of one support thread: a dealer's stream never carries an internal note.

Internal notes are in the log with staff as their only audience, so `audience_check` drops
them for a dealer before anything is loaded or rendered; the subscription itself opens only on
a thread the viewer may see (NOT_FOUND otherwise, exactly like a missing one).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

import strawberry

from models.events import Event, EventKind
from models.support.tables import SupportMessage as SupportMessageRow
from resolvers.support.access import find_thread
from resolvers.support.events import thread_topic
from schema.context import Context, Info
from schema.ids import decode_id
from schema.streams import Stream, audience_check, cursor_seq, iterate, scope_of, stream
from schema.support.types import SupportMessage

MESSAGES = frozenset({EventKind.SUPPORT_MESSAGE})


async def _message(event: Event) -> SupportMessage | None:
    row = await SupportMessageRow.get_or_none(id=event.subject_id)
    return SupportMessage.from_model(row) if row else None


@stream("supportThreadMessages")
async def open_thread_messages(context: Context, arguments: dict[str, Any]) -> Stream:
    viewer = context.require_viewer()
    key = decode_id(arguments["threadId"], "SupportThread", ["threadId"])
    await find_thread(viewer, key, ["threadId"])
    return Stream(
        topic=thread_topic(key),
        kinds=MESSAGES,
        scope=scope_of(viewer),
        visible=audience_check(viewer),
        load=_message,
        after=cursor_seq(arguments.get("after")),
    )


@strawberry.type
class SupportSubscription:
    @strawberry.subscription(
        description="Every message of one thread; a dealer never receives an internal note"
    )
    async def support_thread_messages(
        self, info: Info, thread_id: strawberry.ID, after: str | None = None
    ) -> AsyncGenerator[SupportMessage, None]:
        opened = await open_thread_messages(info.context, {"threadId": thread_id, "after": after})
        async for message in iterate(opened):
            yield message
