"""Posting a message on a support thread: public, or an internal note for staff."""

from __future__ import annotations

from models import clock
from models.calendar import Coverage
from models.enums import ErrorCode
from models.support.rules import FINAL, after_dealer_reply, after_staff_reply
from models.support.tables import SupportMessage, SupportThread
from models.viewer import Viewer
from resolvers import checks
from resolvers.access import writer
from resolvers.errors import DomainError, invalid_transition
from resolvers.support import sla as support_sla
from resolvers.support.access import find_thread
from resolvers.support.events import append_message, update_thread
from subscriptions.log import recording

MAX_BODY = 10_000


def body_text(body: str, field: checks.Path) -> str:
    return checks.text(body, field, limit=MAX_BODY)


async def post_support_message(
    *,
    viewer: Viewer | None,
    thread_id: int,
    body: str,
    internal: bool = False,
    coverage: Coverage,
) -> SupportMessage:
    """A dealer's reply reopens a thread waiting on it (or RESOLVED) and, when no answer is owed
    already, starts the next-response timer; a public staff reply meets the first- or
    next-response timer. Nobody writes to a CLOSED thread."""
    viewer = writer(viewer)
    thread = await find_thread(viewer, thread_id, ["threadId"])
    if internal and not viewer.is_staff:
        raise DomainError(ErrorCode.FORBIDDEN, "only staff write internal notes", ["internal"])
    body = body_text(body, ["body"])
    if thread.status in FINAL:
        raise invalid_transition(
            f"the thread is {thread.status.value}: open a new one", ["threadId"]
        )
    old = thread.status
    if not viewer.is_staff:
        new = after_dealer_reply(old)
    else:
        new = old if internal else after_staff_reply(old)
    answers = viewer.is_staff and not internal
    follows_up = not viewer.is_staff
    now = clock.now()
    async with recording() as log:
        timers_move = (answers or follows_up) and await support_sla.timers_may_move(thread, answers)
        if new is not old or timers_move:
            # The timers change too: a concurrent change of the thread loses with CONFLICT.
            await update_thread(thread, status=new)
        elif not internal:  # a note changes nothing a dealer sees, not even updatedAt
            await SupportThread.filter(id=thread.id).update(updated_at=now)
        message = await append_message(
            log, thread, author_id=viewer.user_id, body=body, internal=internal, at=now
        )
        await support_sla.after_status(thread.id, old, new, now, coverage)
        if answers:
            await support_sla.responded(thread.id, now, coverage)
        elif follows_up:
            await support_sla.follow_up(thread, now, coverage)
    return message
