"""Documents and helpers of the organization-feed tests: read a whole feed over real HTTP."""

from __future__ import annotations

import json
from typing import Any

import httpx2

from api.settings import load_settings
from models.accounts.tables import Organization, User
from resolvers.demo import seed
from schema.ids import parse_global_id
from tests.factories import Factory, Party
from tests.graphql import gql

FEED = """
query ($first: Int, $after: String, $types: [EventType!]) {
  organizationEvents(first: $first, after: $after, types: $types) {
    edges { cursor node { cursor type occurredAt data subject { id __typename } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
SHIPMENTS_BY_UPDATE = """
query ($first: Int, $after: String, $since: DateTime) {
  shipments(first: $first, after: $after, filter: {updatedAfter: $since},
            orderBy: UPDATED_AT_ASC) {
    edges { cursor node { id status updatedAt } }
    pageInfo { hasNextPage endCursor }
    totalCount
  }
}
"""
TIMELINE = """
query ($id: ID!, $after: String) {
  shipment(id: $id) {
    id status carrier { id } customer { id }
    events(first: 100, after: $after) {
      edges { node { id type } }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""


async def read_feed(
    http: httpx2.AsyncClient,
    party: Party,
    *,
    after: str | None = None,
    first: int = 100,
    types: list[str] | None = None,
) -> tuple[list[dict[str, Any]], str | None]:
    """Every event after `after`, page by page; and the last page's endCursor."""
    events: list[dict[str, Any]] = []
    while True:
        variables = {"first": first, "after": after, "types": types}
        result = await gql(http, FEED, variables, token=party.token)
        assert "errors" not in result, result
        connection = result["data"]["organizationEvents"]
        for edge in connection["edges"]:
            assert edge["cursor"] == edge["node"]["cursor"]
            events.append(edge["node"] | {"data": json.loads(edge["node"]["data"])})
        if not connection["pageInfo"]["hasNextPage"]:
            return events, connection["pageInfo"]["endCursor"] or after
        after = connection["pageInfo"]["endCursor"]


async def demo_parties(make: Factory) -> dict[str, Party]:
    """The demo business, seeded through the use cases, and a signed-in user of each of its
    dealers and carriers, by e-mail."""
    settings = load_settings()
    await seed(zone=settings.zone, holidays=settings.holidays, files_url=settings.files_url)
    parties = {}
    for email in ("dealer@", "dealer2@", "carrier@", "carrier2@"):
        user = await User.get(email=f"{email}cargolive.test")
        parties[email.rstrip("@")] = Party(user=user, token=await make.token(user))
    return parties


async def organization_name(party: Party) -> str:
    return (await Organization.get(id=party.organization_id)).name


def key(global_id: str) -> int:
    """The key inside a global id."""
    parsed = parse_global_id(global_id)
    assert parsed is not None, global_id
    return parsed[1]
