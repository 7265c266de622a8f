"""docs/integrations.md, run as it is written: its Python blocks as one module, its JavaScript
block under Node with the graphql-ws client, against a real server."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import re
import types
import uuid
from pathlib import Path
from typing import Any

import httpx2
import pytest

from models import clock
from tests.graphql import gql
from tests.shipping import ACCEPT_SHIPMENT, RECORD_EVENT, book, payload

ROOT = Path(__file__).resolve().parent.parent
PAGE = (ROOT / "docs" / "integrations.md").read_text()
NODE_DIR = Path(__file__).resolve().parent / "node"


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", PAGE, re.S)


@pytest.fixture
async def http(server) -> httpx2.AsyncClient:
    async with httpx2.AsyncClient(base_url=f"http://{server}") as client:
        yield client


@pytest.fixture
def example(server, dealer, monkeypatch) -> types.ModuleType:
    """The page's Python, as one module, pointed at the test server with the dealer's key."""
    monkeypatch.setenv("CARGOLIVE_URL", f"http://{server}/graphql")
    monkeypatch.setenv("CARGOLIVE_KEY", dealer.token)
    module = types.ModuleType("integrations_example")
    exec(compile("\n".join(blocks("python")), "docs/integrations.md", "exec"), module.__dict__)
    return module


class Log:
    """What the example's `apply` was given, in order."""

    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, Any]]] = []

    def apply(self, event_type: str, data: dict[str, Any]) -> None:
        self.events.append((event_type, data))

    def types(self) -> list[str]:
        return [event_type for event_type, _ in self.events]


async def until(check, seconds: float = 10) -> None:  # type: ignore[no-untyped-def]
    for _ in range(int(seconds * 20)):
        if check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the example did not get there")


async def record(http, party, shipment_id: str, event: str = "DELAYED") -> None:
    recorded = await payload(
        http, RECORD_EVENT, {"input": {"shipmentId": shipment_id, "type": event}}, party
    )
    assert recorded["errors"] == [], recorded


async def test_the_page_documents_the_key_it_tells_to_create(http, dealer):
    (mutation,) = blocks("graphql")
    result = await gql(http, mutation, token=dealer.token)
    if result.get("data") is None:  # until the API keys of issue 16 are served
        assert "Cannot query field 'createApiKey'" in result["errors"][0]["message"]
        return
    created = result["data"]["createApiKey"]
    assert created["errors"] == [] and created["secret"]


async def test_page_then_follow_then_resume_as_the_page_says(http, example, dealer, carrier):
    shipment = await book(http, dealer)
    await payload(http, ACCEPT_SHIPMENT, {"id": shipment["id"]}, carrier)
    log = Log()

    # the server runs in this test's loop: the example's blocking HTTP goes through a thread
    cursor = await asyncio.to_thread(example.page_feed, None, log.apply)
    assert log.types() == [
        "SHIPMENT_BOOKED",
        "TRACKING_EVENT_RECORDED",
        "SHIPMENT_STATUS_CHANGED",
        "TRACKING_EVENT_RECORDED",
    ]
    following = asyncio.create_task(example.follow(cursor, log.apply))
    try:
        await record(http, carrier, shipment["id"])
        await until(lambda: len(log.events) == 5)
    finally:
        following.cancel()
    assert log.events[-1][1]["eventType"] == "DELAYED"
    # the next page read from the same cursor holds what the subscription brought
    again = Log()
    assert await asyncio.to_thread(example.page_feed, cursor, again.apply) is not None
    assert again.events == log.events[4:]


async def test_the_graphql_ws_client_follows_from_the_cursor(
    http, server, example, dealer, carrier
):
    shipment = await book(http, dealer)
    cursor = await asyncio.to_thread(example.page_feed, None, Log().apply)
    (script,) = blocks("js")
    path = NODE_DIR / f"example-{uuid.uuid4().hex}.mjs"  # beside its node_modules
    path.write_text(script)
    environment = os.environ | {
        "CARGOLIVE_URL": f"http://{server}/graphql",
        "CARGOLIVE_KEY": dealer.token,
        "CARGOLIVE_CURSOR": cursor,
    }
    node = await asyncio.create_subprocess_exec(
        "node", str(path), env=environment, stdout=asyncio.subprocess.PIPE
    )
    try:
        await payload(http, ACCEPT_SHIPMENT, {"id": shipment["id"]}, carrier)
        await record(http, carrier, shipment["id"])
        assert node.stdout is not None
        lines = [(await asyncio.wait_for(node.stdout.readline(), 10)).decode() for _ in range(3)]
    finally:
        node.kill()
        await node.wait()
        path.unlink()
    assert [line.split(" ", 1)[0] for line in lines] == [
        "SHIPMENT_STATUS_CHANGED",
        "TRACKING_EVENT_RECORDED",
        "TRACKING_EVENT_RECORDED",
    ]
    assert json.loads(lines[0].split(" ", 1)[1])["status"] == "ACCEPTED"
    assert json.loads(lines[2].split(" ", 1)[1])["eventType"] == "DELAYED"


async def test_catch_up_resynchronises_after_cursor_expired(http, example, dealer, carrier):
    with clock.travel(clock.now() - dt.timedelta(days=40)):
        old = await book(http, dealer, reference="OLD")
        since = clock.now().isoformat()
        stale = await asyncio.to_thread(example.page_feed, None, Log().apply)
    await payload(http, ACCEPT_SHIPMENT, {"id": old["id"]}, carrier)
    log, upserted = Log(), []

    cursor = await asyncio.to_thread(example.catch_up, stale, since, log.apply, upserted.append)

    assert [(s["id"], s["status"]) for s in upserted] == [(old["id"], "ACCEPTED")]
    assert log.events == []  # everything up to the restart cursor came by the resynchronisation
    await record(http, carrier, old["id"])
    after = await asyncio.to_thread(example.catch_up, cursor, since, log.apply, upserted.append)
    assert log.types() == ["TRACKING_EVENT_RECORDED"] and after != cursor
