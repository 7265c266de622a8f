"""GraphQL documents, factories and a small world shared by the support desk tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx2

from models import clock
from models.enums import Role
from models.support.tables import DealerDesk, SupportGroup, SupportGroupMember, SupportShift
from tests.factories import Factory, Party
from tests.shipping import gid, payload

MESSAGE_FIELDS = "id cursor body internal createdAt author { id name }"
THREAD_FIELDS = f"""
fragment ThreadFields on SupportThread {{
  id subject category topic status createdAt updatedAt
  dealer {{ id }}
  group {{ id name }}
  assignee {{ id }}
  shipment {{ id }}
  slaTimers {{ kind dueAt completedAt status }}
  rating {{ score comment agent {{ id }} group {{ id }} }}
  messages(first: 100) {{
    edges {{ cursor node {{ {MESSAGE_FIELDS} }} }}
    pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }}
    totalCount
  }}
}}
"""
ERRORS = "errors { field message code }"


def _thread_mutation(call: str, arguments: str) -> str:
    return (
        f"mutation ({arguments}) {{ {call} {{ thread {{ ...ThreadFields }} {ERRORS} }} }}"
        + THREAD_FIELDS
    )


OPEN_THREAD = _thread_mutation(
    "openSupportThread(input: $input)", "$input: OpenSupportThreadInput!"
)
ASSIGN_THREAD = _thread_mutation(
    "assignSupportThread(threadId: $threadId, assigneeId: $assigneeId)",
    "$threadId: ID!, $assigneeId: ID!",
)
SET_STATUS = _thread_mutation(
    "setSupportThreadStatus(threadId: $threadId, status: $status)",
    "$threadId: ID!, $status: ThreadStatus!",
)
RATE_THREAD = _thread_mutation(
    "rateSupportThread(threadId: $threadId, score: $score, comment: $comment)",
    "$threadId: ID!, $score: Int!, $comment: String",
)
POST_MESSAGE = f"""
mutation ($threadId: ID!, $body: String!, $internal: Boolean! = false) {{
  postSupportMessage(threadId: $threadId, body: $body, internal: $internal) {{
    message {{ {MESSAGE_FIELDS} }}
    {ERRORS}
  }}
}}
"""
THREAD = "query ($id: ID!) { supportThread(id: $id) { ...ThreadFields } }" + THREAD_FIELDS
THREADS = (
    """
query ($first: Int, $after: String, $filter: SupportThreadFilter) {
  supportThreads(first: $first, after: $after, filter: $filter) {
    edges { cursor node { ...ThreadFields } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    totalCount
  }
}
"""
    + THREAD_FIELDS
)
MESSAGES_PAGE = """
query ($id: ID!, $first: Int, $after: String) {
  supportThread(id: $id) {
    messages(first: $first, after: $after) {
      edges { cursor node { body internal } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      totalCount
    }
  }
}
"""
NODE = """
query ($id: ID!) {
  node(id: $id) {
    __typename id
    ... on SupportThread { subject status }
    ... on SupportMessage { body internal }
    ... on SupportGroup { name }
  }
}
"""
THREAD_MESSAGES = f"""
subscription ($threadId: ID!, $after: String) {{
  supportThreadMessages(threadId: $threadId, after: $after) {{ {MESSAGE_FIELDS} }}
}}
"""
STAFF_ALERTS = """
subscription ($after: String) {
  staffAlerts(after: $after) {
    cursor kind message occurredAt thread { id subject } shipment { id } dispute { id }
  }
}
"""


def enquiry(**overrides: Any) -> dict[str, Any]:
    return {
        "subject": "Where is my Camry?",
        "category": "TRANSPORT",
        "topic": "PICKUP_STATUS",
        "body": "The pickup was due yesterday.",
    } | overrides


async def open_thread(client: httpx2.AsyncClient, dealer: Party, **overrides: Any) -> dict:
    opened = await payload(client, OPEN_THREAD, {"input": enquiry(**overrides)}, dealer)
    assert opened["errors"] == [], opened
    return opened["thread"]


async def post(
    client: httpx2.AsyncClient, party: Party, thread: dict, body: str, internal: bool = False
) -> dict:
    variables = {"threadId": thread["id"], "body": body, "internal": internal}
    return await payload(client, POST_MESSAGE, variables, party)


async def set_status(client: httpx2.AsyncClient, party: Party, thread: dict, status: str) -> dict:
    variables = {"threadId": thread["id"], "status": status}
    return await payload(client, SET_STATUS, variables, party)


async def make_group(name: str, *members: tuple[Party, SupportShift]) -> SupportGroup:
    taken = await SupportGroup.all().values_list("slot", flat=True)
    slot = next(n for n in range(1, 11) if n not in taken)
    group = await SupportGroup.create(name=name, slot=slot, created_at=clock.now())
    for member, shift in members:
        await SupportGroupMember.create(group=group, user_id=member.user.id, shift=shift)
    return group


async def make_desk(
    dealer: Party, group: SupportGroup | None = None, manager: Party | None = None
) -> None:
    await DealerDesk.create(
        organization_id=dealer.organization_id,
        group=group,
        account_manager_id=manager.user.id if manager else None,
    )


@dataclass
class Desk:
    """Group A (agent, day) serves `dealer`, whose manager is `manager`; group B (other_agent,
    night) serves `other_dealer`, who has no manager; `lone_dealer` has no desk at all."""

    admin: Party
    agent: Party
    other_agent: Party
    manager: Party
    back_office: Party
    dealer: Party
    other_dealer: Party
    lone_dealer: Party
    carrier: Party
    group: SupportGroup
    other_group: SupportGroup

    def gid(self, party: Party) -> str:
        return gid("User", party.user.id)


async def build_desk(make: Factory) -> Desk:
    parties = {
        name: await make.party(role)
        for name, role in [
            ("admin", Role.ADMIN),
            ("agent", Role.SUPPORT_AGENT),
            ("other_agent", Role.SUPPORT_AGENT),
            ("manager", Role.ACCOUNT_MANAGER),
            ("back_office", Role.BACK_OFFICE),
            ("dealer", Role.DEALER),
            ("other_dealer", Role.DEALER),
            ("lone_dealer", Role.DEALER),
            ("carrier", Role.CARRIER),
        ]
    }
    group = await make_group("Group A", (parties["agent"], SupportShift.DAY))
    other = await make_group("Group B", (parties["other_agent"], SupportShift.NIGHT))
    await make_desk(parties["dealer"], group, parties["manager"])
    await make_desk(parties["other_dealer"], other)
    return Desk(**parties, group=group, other_group=other)
