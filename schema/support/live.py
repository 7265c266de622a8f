"""The live messages of one support thread: a dealer's stream never carries an internal note.

Internal notes are in the log with staff as their only audience, so `visible_to` drops them
for a dealer before anything is loaded or rendered; the subscription itself opens only on a
thread the viewer may see (NOT_FOUND otherwise, exactly like a missing one).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Mapping
from typing import Any

import strawberry

from models.events import EventKind
from resolvers.pagination import seq_after
from resolvers.support import reads
from resolvers.support.access import find_thread
from resolvers.support.events import thread_topic
from schema.context import Info
from schema.ids import decode_id
from schema.support.types import SupportMessage
from subscriptions.streams import Caller, Opened, Stream, presented, register, subscribe


async def _open(caller: Caller, arguments: Mapping[str, Any]) -> Opened:
    viewer = caller.require_viewer()
    key = decode_id(arguments["threadId"], "SupportThread", ["threadId"])
    await find_thread(viewer, key, ["threadId"])
    return Opened.of(viewer, thread_topic(key), after=seq_after(arguments.get("after")))


THREAD_MESSAGES = register(
    Stream(
        name="supportThreadMessages",
        kinds=frozenset({EventKind.SUPPORT_MESSAGE}),
        open=_open,
        load=presented(reads.message_of, SupportMessage.from_model),
    )
)


@strawberry.type
class SupportSubscription:
    @strawberry.subscription(
        description="Every message of one thread; a dealer never receives an internal note"
    )
    async def support_thread_messages(
        self, info: Info, thread_id: strawberry.ID, after: str | None = None
    ) -> AsyncGenerator[SupportMessage, None]:
        arguments = {"threadId": thread_id, "after": after}
        async for message in subscribe(THREAD_MESSAGES, info.context, arguments):
            yield message
