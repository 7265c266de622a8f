"""The support desk's rules as pure data: routing and the thread status table.

Decisions taken here (DOMAIN.md leaves them open):

- Category and topic go together (TOPICS_BY_CATEGORY): each service category takes the topics
  of its part of the seed's service list (FINANCE: vehicle payment, transfer verification,
  invoice change; TRANSPORT: pickup, loading, destination; ...), ACCOUNT takes the account topics
  (WORKING_CONDITIONS, PRICE_CHANGE, CREDIT_LINE), and COMPLAINT, SERVICE_ACCIDENT,
  INSURANCE_CLAIM and ENQUIRY take any service topic, since a complaint or an accident may
  concern any service. OTHER fits every category. Any other pair is INVALID_INPUT on the topic:
  an accident about a credit line would get no timers and land with the account manager.
- Routing. A thread of category ACCOUNT (so of an ACCOUNT topic) goes to the dealer's account
  manager as assignee, with no group. Every other thread goes to the dealer's group queue,
  unassigned. When the dealer has no account manager, an account thread goes to its group
  queue instead (the manager "is also a part of the support group", 000); when it has no
  group, a support thread goes to its account manager. A dealer with neither still reaches the
  desk: the thread is unrouted (no group, no assignee) and every SUPPORT_AGENT and
  ACCOUNT_MANAGER sees it until someone assigns it. Nothing a dealer writes is ever refused
  for want of a group.
- Statuses. NEW is only where a thread starts. CLOSED is final: no status change and no
  message, from anyone; a dealer with more to say opens a new thread. RESOLVED may be reopened
  (OPEN) or CLOSED. Setting the status a thread has already is INVALID_TRANSITION.
- A dealer's public reply reopens a WAITING_ON_DEALER or RESOLVED thread (OPEN); on NEW, OPEN or
  WAITING_ON_BACK_OFFICE it changes nothing. A staff public reply turns NEW into OPEN. Internal
  notes never change the status.
- A dealer may set one status only: CLOSED, on its own thread. Staff who see a thread set any
  status the table allows.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.support.tables import ThreadCategory, ThreadStatus, ThreadTopic

T = ThreadStatus

C = ThreadCategory
P = ThreadTopic
ACCOUNT_TOPICS = frozenset({P.WORKING_CONDITIONS, P.PRICE_CHANGE, P.CREDIT_LINE})
SERVICE_TOPICS_BY_CATEGORY: dict[ThreadCategory, frozenset[ThreadTopic]] = {
    C.FINANCE: frozenset({P.VEHICLE_PAYMENT, P.TRANSFER_VERIFICATION, P.INVOICE_CHANGE}),
    C.DOCUMENTS: frozenset({P.DOCUMENT_REVIEW, P.LOST_DOCUMENT, P.RELEASE_REQUEST}),
    C.AUCTIONS: frozenset({P.AUCTION_CONTACT, P.BID_PLACEMENT, P.RESALE}),
    C.CALCULATIONS: frozenset({P.TRANSPORT_COST, P.CUSTOMS_COST, P.EXTRA_SERVICE_COST}),
    C.TRANSPORT: frozenset({P.PICKUP_STATUS, P.LOADING_STATUS, P.DESTINATION_CHANGE}),
    C.EXTRA_SERVICES: frozenset({P.AUTO_PARTS, P.PHOTO_VIDEO, P.EXTRA_PACKING}),
}
SERVICE_TOPICS = frozenset().union(*SERVICE_TOPICS_BY_CATEGORY.values())
TOPICS_BY_CATEGORY: dict[ThreadCategory, frozenset[ThreadTopic]] = {
    **{category: topics | {P.OTHER} for category, topics in SERVICE_TOPICS_BY_CATEGORY.items()},
    **dict.fromkeys(
        (C.COMPLAINT, C.SERVICE_ACCIDENT, C.INSURANCE_CLAIM, C.ENQUIRY), SERVICE_TOPICS | {P.OTHER}
    ),
    C.ACCOUNT: ACCOUNT_TOPICS | {P.OTHER},
}

TRANSITIONS: dict[ThreadStatus, frozenset[ThreadStatus]] = {
    T.NEW: frozenset({T.OPEN, T.WAITING_ON_DEALER, T.WAITING_ON_BACK_OFFICE, T.RESOLVED, T.CLOSED}),
    T.OPEN: frozenset({T.WAITING_ON_DEALER, T.WAITING_ON_BACK_OFFICE, T.RESOLVED, T.CLOSED}),
    T.WAITING_ON_DEALER: frozenset({T.OPEN, T.WAITING_ON_BACK_OFFICE, T.RESOLVED, T.CLOSED}),
    T.WAITING_ON_BACK_OFFICE: frozenset({T.OPEN, T.WAITING_ON_DEALER, T.RESOLVED, T.CLOSED}),
    T.RESOLVED: frozenset({T.OPEN, T.CLOSED}),
    T.CLOSED: frozenset(),
}
FINAL = frozenset({T.CLOSED})
DONE = frozenset({T.RESOLVED, T.CLOSED})  # the statuses that complete every SLA timer
REOPENED_BY_DEALER = frozenset({T.WAITING_ON_DEALER, T.RESOLVED})
DEALER_MAY_SET = frozenset({T.CLOSED})


def topic_fits(category: ThreadCategory, topic: ThreadTopic) -> bool:
    return topic in TOPICS_BY_CATEGORY[category]


def for_account_manager(category: ThreadCategory, topic: ThreadTopic) -> bool:
    """Outside support's scope (000 FAQ): the account manager's, not the group's."""
    return category is ThreadCategory.ACCOUNT or topic in ACCOUNT_TOPICS


@dataclass(frozen=True, slots=True)
class Route:
    group_id: int | None
    assignee_id: int | None


def route(
    category: ThreadCategory,
    topic: ThreadTopic,
    *,
    group_id: int | None,
    manager_id: int | None,
) -> Route:
    """Where a new thread goes (see the module's decisions for the fallbacks)."""
    if for_account_manager(category, topic):
        if manager_id is not None:
            return Route(group_id=None, assignee_id=manager_id)
        return Route(group_id=group_id, assignee_id=None)
    if group_id is not None:
        return Route(group_id=group_id, assignee_id=None)
    return Route(group_id=None, assignee_id=manager_id)


def may_move(current: ThreadStatus, target: ThreadStatus) -> bool:
    return target in TRANSITIONS[current]


def after_dealer_reply(status: ThreadStatus) -> ThreadStatus:
    return T.OPEN if status in REOPENED_BY_DEALER else status


def after_staff_reply(status: ThreadStatus) -> ThreadStatus:
    return T.OPEN if status is T.NEW else status
