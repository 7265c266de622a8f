"""API keys for tests: documents, and a key made through the API as its owner would."""

from __future__ import annotations

from typing import Any

import httpx2

from models.accounts.tables import User
from models.integrations.tables import ApiKey
from schema.ids import parse_global_id
from tests.factories import Party
from tests.graphql import gql

KEY_FIELDS = """
fragment KeyFields on ApiKey {
  id name prefix scopes createdAt lastUsedAt expiresAt revokedAt createdBy { email }
}
"""
CREATE_API_KEY = (
    """
mutation ($input: CreateApiKeyInput!) {
  createApiKey(input: $input) { apiKey { ...KeyFields } secret errors { field message code } }
}
"""
    + KEY_FIELDS
)
REVOKE_API_KEY = (
    """
mutation ($id: ID!) {
  revokeApiKey(id: $id) { apiKey { ...KeyFields } secret errors { field message code } }
}
"""
    + KEY_FIELDS
)
API_KEYS = "query ($org: ID) { apiKeys(organizationId: $org) { ...KeyFields } }" + KEY_FIELDS
VIEWER = "query { viewer { email role organization { id } } }"


async def create_key(
    http: httpx2.AsyncClient, owner: Party, *scopes: str, **fields: Any
) -> dict[str, Any]:
    """createApiKey's payload, asserting it worked."""
    variables = {"input": {"name": "ERP sync", "scopes": list(scopes)} | fields}
    result = await gql(http, CREATE_API_KEY, variables, token=owner.token)
    assert "errors" not in result, result
    created = result["data"]["createApiKey"]
    assert created["errors"] == [], created
    return created


async def key_party(http: httpx2.AsyncClient, owner: Party, *scopes: str) -> Party:
    """A Party that calls the API with a new key of `owner`'s organization: its own user and
    its secret in place of a token."""
    created = await create_key(http, owner, *scopes)
    parsed = parse_global_id(created["apiKey"]["id"])
    assert parsed is not None
    key = await ApiKey.get(id=parsed[1])
    return Party(user=await User.get(id=key.user_id), token=created["secret"])


def real_http(server: str) -> httpx2.AsyncClient:
    """A client that speaks real HTTP to the test's uvicorn."""
    return httpx2.AsyncClient(base_url=f"http://{server}", timeout=10)
