"""GraphiQL from our own files: the page and everything it loads come from this server (it works
offline), its subscriptions use our WebSocket, and its Headers tab signs in both ways."""

from __future__ import annotations

import asyncio
import json
import os
import re

import pytest

from api.graphiql import BUILD
from models.enums import Role
from models.shipments.tables import ShipmentStatus
from tests.browser import Browser, browser
from tests.graphql import gql
from tests.shipping import RECORD_EVENT, gid

HTML = {"accept": "text/html"}
# Outside CI a missing build skips (scripts/install makes it); CI always has it.
built = pytest.mark.skipif(
    not (BUILD / "index.html").is_file() and os.environ.get("CI") != "true",
    reason="GraphiQL is not built: run scripts/install",
)


def references(html: str) -> list[str]:
    return re.findall(r"""(?:src|href)\s*=\s*["']([^"']*)["']""", html)


@built
async def test_the_page_and_every_file_it_names_are_ours(client):
    page = await client.get("/graphql", headers=HTML)

    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert "unpkg" not in page.text and "cdn" not in page.text.lower()
    assert not re.search(r"https?://|//[a-z]", page.text)  # no URL of another host at all
    named = [url for url in references(page.text) if not url.startswith("data:")]
    assert len(named) >= 5  # react, react-dom, graphiql (script and style), ours
    for url in named:
        assert url.startswith("/graphiql/assets/"), url
        asset = await client.get(url)
        assert asset.status_code == 200, url
        kind = "text/css" if url.endswith(".css") else "javascript"
        assert kind in asset.headers["content-type"], url
        assert "immutable" in asset.headers["cache-control"]


async def test_production_serves_no_graphiql(make):
    from tests.abuse import served

    async with served(env="production") as client:
        page = await client.get("/graphql", headers=HTML)
    assert "graphiql" not in page.text.lower()


async def test_without_a_build_the_page_says_how_to_build_it(tmp_path):
    from api.graphiql import graphiql_page

    response = graphiql_page(tmp_path)
    assert response.status_code == 503
    assert b"scripts/install" in bytes(response.body)


def _editor(selector: str) -> str:
    return f"document.querySelector({selector!r}).CodeMirror"


QUERY = _editor(".graphiql-query-editor .CodeMirror")
HEADERS = _editor(".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror")
RESULT = ".result-window"


async def run(page: Browser) -> None:
    """Runs the editor's operation, once GraphiQL has read its name (it does so a moment after
    an edit)."""
    await asyncio.sleep(1)
    await page.evaluate("document.querySelector('.graphiql-execute-button').click()")


@built
async def test_graphiql_runs_offline_with_a_token_over_http_and_the_socket(server, http, make):
    dealer = await make.party(Role.DEALER)
    warehouse = await make.party(Role.WAREHOUSE)
    shipment = await make.shipment(
        customer=dealer.organization_id, status=ShipmentStatus.AT_WAREHOUSE
    )
    async with browser() as page:
        await page.goto(f"http://{server}/graphql")
        await page.wait_count(".graphiql-query-editor .CodeMirror", 1, 30000)
        # a query over HTTP, signed in by the Headers tab
        headers = json.dumps({"Authorization": f"Bearer {dealer.token}"})
        await page.evaluate(f"{HEADERS}.setValue({headers!r})")
        await page.evaluate(f"{QUERY}.setValue('query Me {{ viewer {{ email }} }}')")
        await run(page)
        await page.wait_count(f"{RESULT} :text('{dealer.user.email}')", 1, 10000)
        # a subscription over our socket, signed in by the same header
        subscription = (
            "subscription Follow { shipmentTracking(shipmentId: "
            f'"{gid("Shipment", shipment.id)}") {{ description }} }}'
        )
        await page.evaluate(f"{QUERY}.setValue({subscription!r})")
        await run(page)
        for _ in range(200):  # until GraphiQL has subscribed, then an event
            if any('"subscribe"' in frame for frame in (await page.log())["sentFrames"]):
                break
            await asyncio.sleep(0.05)
        recorded = await gql(
            http,
            RECORD_EVENT,
            {
                "input": {
                    "shipmentId": gid("Shipment", shipment.id),
                    "type": "DELAYED",
                    "description": "Seen live in GraphiQL",
                }
            },
            token=warehouse.token,
        )
        assert recorded["data"]["recordTrackingEvent"]["errors"] == []
        await page.wait_count(f"{RESULT} :text('Seen live in GraphiQL')", 1, 10000)
        log = await page.log()

    init = next(frame for frame in log["sentFrames"] if '"connection_init"' in frame)
    assert dealer.token in init
    assert log["console"] == []
    # nothing but this server: no CDN, no other host (this machine has no internet either)
    assert log["requests"]
    assert all(url.startswith(f"http://{server}/") for url in log["requests"]), log["requests"]
