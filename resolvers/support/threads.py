"""Support threads: a dealer opens one, staff assign it and move its status, the dealer rates it.

Each use case checks (access: a thread the viewer may not see is NOT_FOUND; role: FORBIDDEN;
input; state: INVALID_TRANSITION), then writes in one transaction. Routing, the status table
and their decisions are in models/support/rules.py; the service levels in models/support/sla.py.
"""

from __future__ import annotations

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models import clock
from models.accounts.tables import User
from models.calendar import Coverage
from models.enums import Role
from models.support.rules import (
    DEALER_MAY_SET,
    DONE,
    FINAL,
    TOPICS_BY_CATEGORY,
    may_move,
    route,
    topic_fits,
)
from models.support.tables import (
    DealerDesk,
    SupportMessage,
    SupportThread,
    ThreadCategory,
    ThreadRating,
    ThreadStatus,
    ThreadTopic,
)
from models.viewer import Viewer
from resolvers import checks
from resolvers.access import writer
from resolvers.errors import conflict, forbidden, invalid, invalid_transition, not_found
from resolvers.shipments.access import find_shipment
from resolvers.support import sla as support_sla
from resolvers.support.access import DESK_ROLES, find_thread
from resolvers.support.events import append_message, update_thread
from resolvers.support.messages import body_text
from subscriptions.log import recording

# Who a thread may be assigned to: the desk, and the back office, warehouse, dispatch and
# bidding staff it bridges to (DOMAIN.md).
ASSIGNABLE = frozenset(
    {
        Role.SUPPORT_AGENT,
        Role.ACCOUNT_MANAGER,
        Role.BACK_OFFICE,
        Role.WAREHOUSE,
        Role.DISPATCHER,
        Role.BIDDER,
    }
)
MAX_COMMENT = 1000


async def open_support_thread(
    *,
    viewer: Viewer | None,
    subject: str,
    category: ThreadCategory,
    topic: ThreadTopic,
    body: str,
    shipment_id: int | None = None,
    coverage: Coverage,
) -> SupportThread:
    """A dealer's new thread with its first message, routed and with its timers started."""
    viewer = writer(viewer, Role.DEALER)
    if not viewer.is_dealer:
        raise forbidden("only a dealer opens a support thread")
    subject = checks.text(subject, ["input", "subject"], limit=200)
    if not topic_fits(category, topic):
        fitting = ", ".join(sorted(t.value for t in TOPICS_BY_CATEGORY[category]))
        raise invalid(
            ["input", "topic"], f"{topic.value} is not a {category.value} topic: one of {fitting}"
        )
    body = body_text(body, ["input", "body"])
    if shipment_id is not None:
        await find_shipment(viewer, shipment_id, ["input", "shipmentId"])
    desk = await DealerDesk.get_or_none(organization_id=viewer.organization_id)
    where = route(
        category,
        topic,
        group_id=desk.group_id if desk else None,
        manager_id=desk.account_manager_id if desk else None,
    )
    now = clock.now()
    async with recording() as log:
        thread = await SupportThread.create(
            subject=subject,
            category=category,
            topic=topic,
            status=ThreadStatus.NEW,
            dealer_id=viewer.organization_id,
            group_id=where.group_id,
            assignee_id=where.assignee_id,
            shipment_id=shipment_id,
            opened_by_id=viewer.user_id,
            created_at=now,
            updated_at=now,
        )
        await append_message(
            log, thread, author_id=viewer.user_id, body=body, internal=False, at=now
        )
        await support_sla.start_timers(thread, coverage)
    return thread


async def assign_support_thread(
    *, viewer: Viewer | None, thread_id: int, assignee_id: int
) -> SupportThread:
    """The desk (SUPPORT_AGENT, ACCOUNT_MANAGER, ADMIN) hands a thread to a staff member."""
    viewer = writer(viewer)
    thread = await find_thread(viewer, thread_id, ["threadId"])
    if not viewer.has_role(*DESK_ROLES):
        raise forbidden("only SUPPORT_AGENT, ACCOUNT_MANAGER or ADMIN assign support threads")
    assignee = await User.get_or_none(id=assignee_id)
    if assignee is None:
        raise not_found(["assigneeId"], "user")
    if assignee.role not in ASSIGNABLE:
        names = ", ".join(sorted(role.value for role in ASSIGNABLE))
        raise invalid(["assigneeId"], f"must be one of {names}, not a {assignee.role.value}")
    if thread.status in FINAL:
        raise invalid_transition(f"the thread is {thread.status.value}", ["threadId"])
    await update_thread(thread, assignee_id=assignee.id)
    return thread


async def set_support_thread_status(
    *, viewer: Viewer | None, thread_id: int, status: ThreadStatus, coverage: Coverage
) -> SupportThread:
    """Staff who see the thread move it along the table; its dealer may only close it."""
    viewer = writer(viewer)
    thread = await find_thread(viewer, thread_id, ["threadId"])
    if not viewer.is_staff and status not in DEALER_MAY_SET:
        raise forbidden("a dealer may only close its thread")
    old = thread.status
    if not may_move(old, status):
        raise invalid_transition(f"a {old.value} thread cannot become {status.value}", ["status"])
    now = clock.now()
    async with in_transaction():
        await update_thread(thread, status=status)
        await support_sla.after_status(thread.id, old, status, now, coverage)
    return thread


async def _agent_of(thread: SupportThread) -> int | None:
    """The assignee; without one, the last staff member who answered the dealer publicly."""
    if thread.assignee_id is not None:
        return thread.assignee_id
    last = (
        await SupportMessage.filter(thread_id=thread.id, internal=False)
        .exclude(author__organization_id=thread.dealer_id)
        .order_by("-id")
        .first()
        .values("author_id")
    )
    return last["author_id"] if last else None


async def rate_support_thread(
    *, viewer: Viewer | None, thread_id: int, score: int, comment: str | None = None
) -> SupportThread:
    """The thread's dealer, once it is RESOLVED or CLOSED, once (CONFLICT the second time)."""
    viewer = writer(viewer, Role.DEALER)
    thread = await find_thread(viewer, thread_id, ["threadId"])
    if not viewer.is_dealer:
        raise forbidden("only the thread's dealer rates it")
    if not 1 <= score <= 5:
        raise invalid(["score"], "must be 1 to 5")
    comment = checks.optional_text(comment, ["comment"], limit=MAX_COMMENT)
    if thread.status not in DONE:
        raise invalid_transition(
            f"a thread is rated once RESOLVED or CLOSED; it is {thread.status.value}", ["threadId"]
        )
    rated = conflict("the thread is rated already: a rating is given once", ["threadId"])
    if await ThreadRating.exists(thread_id=thread.id):
        raise rated
    try:
        async with in_transaction():
            await ThreadRating.create(
                thread_id=thread.id,
                score=score,
                comment=comment,
                agent_id=await _agent_of(thread),
                group_id=thread.group_id,
                rated_by_id=viewer.user_id,
                created_at=clock.now(),
            )
    except IntegrityError:  # rated by a concurrent request
        raise rated from None
    return thread
