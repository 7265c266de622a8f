"""A tiny GraphQL-over-HTTP helper for tests."""

from __future__ import annotations

from typing import Any

import httpx2


async def gql(
    client: httpx2.AsyncClient,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    token: str | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    sent = dict(headers or {})
    if token:
        sent["Authorization"] = f"Bearer {token}"
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=sent
    )
    assert response.status_code == 200, response.text
    return response.json()


async def refused(client: httpx2.AsyncClient, token: str) -> str | None:
    """The reason the API refuses `token` with (UNAUTHENTICATED: expired, revoked, invalid,
    malformed), or None when it signs in."""
    result = await gql(client, "{ __typename }", token=token)
    if "errors" not in result:
        return None
    (error,) = result["errors"]
    assert error["extensions"]["code"] == "UNAUTHENTICATED", error
    return error["extensions"]["reason"]
