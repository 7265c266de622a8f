"""Helpers of the attack-class tests (tests/test_abuse_*.py): an app with its own settings
behind real uvicorn, and the requests an attacker sends."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx2

from api.app import create_app
from tests.conftest import settings_with
from tests.servers import running


@asynccontextmanager
async def served(**overrides: object) -> AsyncIterator[httpx2.AsyncClient]:
    """A client of an app with these settings, over real HTTP (the test owns the database)."""
    async with served_socket(**overrides) as address:
        async with httpx2.AsyncClient(base_url=f"http://{address}", timeout=30) as client:
            yield client


@asynccontextmanager
async def served_socket(**overrides: object) -> AsyncIterator[str]:
    """The host:port of an app with these settings, for sockets (the test owns the database)."""
    app = create_app(settings_with(**overrides), manage_database=False)
    async with app.router.lifespan_context(app), running(app) as address:
        yield address


async def post_raw(
    client: httpx2.AsyncClient, body: bytes, content_type: str = "application/json"
) -> httpx2.Response:
    return await client.post("/graphql", content=body, headers={"content-type": content_type})
