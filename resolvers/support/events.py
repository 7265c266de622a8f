"""Writing support threads and messages inside a use case's transaction.

An internal note goes to the event log with staff as its only audience, a public message with
the thread's dealer and staff, both on the topic `thread:<id>`: the dealer's stream, like its
queries, never carries a note.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from models import clock
from models.events import EventKind
from models.support.tables import SupportMessage, SupportThread
from resolvers.errors import conflict
from subscriptions.log import Audience, Recorder, log_row
from subscriptions.topics import Topic


def thread_topic(thread_id: int) -> Topic:
    return Topic("thread", thread_id)


async def update_thread(thread: SupportThread, **changes: Any) -> None:
    """Writes `changes` unless the thread was written since it was read (CONFLICT).

    On PostgreSQL the second of two racing UPDATEs waits for the first to commit, then matches
    no row: everything its transaction did (timers included) is rolled back.
    """
    changes |= {"version": thread.version + 1, "updated_at": clock.now()}
    updated = await SupportThread.filter(id=thread.id, version=thread.version).update(**changes)
    if not updated:
        raise conflict("the thread changed meanwhile: load it again and retry")
    for name, value in changes.items():
        setattr(thread, name, value)


async def append_message(
    log: Recorder,
    thread: SupportThread,
    *,
    author_id: int,
    body: str,
    internal: bool,
    at: dt.datetime,
) -> SupportMessage:
    """The message row and its event."""
    message = await SupportMessage.create(
        thread_id=thread.id, author_id=author_id, body=body, internal=internal, created_at=at
    )
    audience = frozenset() if internal else frozenset({thread.dealer_id})
    return await log_row(
        log,
        message,
        kind=EventKind.SUPPORT_MESSAGE,
        topics=[thread_topic(thread.id)],
        audience=Audience(orgs=audience, staff=True, public=False),
        occurred_at=at,
    )
