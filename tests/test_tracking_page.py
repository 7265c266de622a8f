"""The tracking page in a real headless chromium, against a live server.

Screenshots go to test-artifacts/ (git-ignored); CARGOLIVE_UPDATE_SCREENSHOT=1 also copies the
desktop one to docs/tracking-page.png, the README's picture.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import httpx2
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from api.app import create_app
from api.track import BUILD
from models.shipments.containers import LoadingStatus
from models.shipments.tables import ShipmentStatus
from models.validators import format_waybill, new_waybill
from tests.browser import Browser, browser
from tests.conftest import settings_with
from tests.factories import Party
from tests.processes import free_port
from tests.servers import running
from tests.shipping import NEW_YORK, POTI, gid, later, payload

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
ELEMENT = "cargolive-tracking"
CARD = f"{ELEMENT} .card"
LINK = f"{ELEMENT} .link"
STATUS = f"{ELEMENT} .status"
EVENTS = f"{ELEMENT} .events li"
MESSAGE = f"{ELEMENT} .message"
WAREHOUSE = {"name": "Cargolive warehouse, Port Newark", "unlocode": "USNYC", "country": "US"}
# The live badge: how many lines its words take, how much of them is cut off, its right edge.
BADGE_LINES = """(() => {
  const link = document.querySelector('cargolive-tracking').shadowRoot.querySelector('.link');
  const words = document.createRange();
  words.selectNodeContents(link.querySelector('.link-text'));
  const tops = new Set(Array.from(words.getClientRects(), (box) => Math.round(box.top)));
  return [tops.size, link.scrollWidth - link.clientWidth, link.getBoundingClientRect().right];
})()"""
# In the driver's chromium the viewer is in Tbilisi (UTC+4), with British English.
VIEWER_ZONE = "GMT+4"

RECORD = """
mutation ($input: RecordTrackingEventInput!) {
  recordTrackingEvent(input: $input) { event { cursor } errors { code message } }
}
"""
UPDATE_LOADING = """
mutation ($containerId: ID!, $status: LoadingStatus!, $loadedVehicles: Int, $sealNumber: String) {
  updateLoadingStatus(
    containerId: $containerId, status: $status, loadedVehicles: $loadedVehicles,
    sealNumber: $sealNumber
  ) { errors { code message } }
}
"""


@pytest.fixture(autouse=True)
def built() -> None:
    if not (BUILD / "index.html").is_file():
        message = "the tracking page is not built: run scripts/install (npm run build in web/)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


def problems(log: dict[str, Any], origin: str, *, outage: bool = False) -> list[str]:
    """Console errors and requests that left the server's origin; outage: failed reconnects pass."""
    refused = re.compile(rf"WebSocket connection to 'ws://{re.escape(origin)}/graphql' failed")
    found = [
        f"console {entry['type']}: {entry['text']}"
        for entry in log["console"]
        if not (outage and refused.search(entry["text"]))
    ]
    found += [
        f"request to {url}"
        for url in log["requests"]
        if not url.startswith((f"http://{origin}/", "data:"))
    ]
    return found


def subscriptions(log: dict[str, Any]) -> list[dict[str, Any]]:
    """The variables of every waybillTracking subscribe the page sent, in order."""
    frames = [json.loads(frame) for frame in log["sentFrames"]]
    return [
        frame["payload"]["variables"]
        for frame in frames
        if frame["type"] == "subscribe" and "waybillTracking" in frame["payload"]["query"]
    ]


async def record(
    client: httpx2.AsyncClient, party: Party, shipment_id: int, kind: str, **fields: Any
) -> str:
    """Records a tracking event through the API; answers its cursor."""
    input = {"shipmentId": gid("Shipment", shipment_id), "type": kind, **fields}
    result = await payload(client, RECORD, {"input": input}, party)
    assert result["errors"] == [], result
    return result["event"]["cursor"]


async def screenshot(page: Browser, name: str) -> Path:
    path = ARTIFACTS / f"{name}.png"
    await page.screenshot(path)
    return path


async def shipment_at_the_warehouse(make, dealer: Party, carrier: Party):
    """Four picked-up cars in a container that is half loaded."""
    container = await make.container(capacity=4, status=LoadingStatus.STUFFING, loaded_vehicles=2)
    return await make.shipment(
        customer=dealer.organization_id,
        carrier=carrier.organization_id,
        status=ShipmentStatus.PICKED_UP,
        container=container,
        vehicles=4,
    )


async def test_the_search_page_is_labelled_and_keyboard_usable(server):
    async with browser() as page:
        await page.goto(f"http://{server}/track/")
        assert await page.attribute("html", "lang") == "en"
        assert await page.text("label[for=waybill]") == "Waybill number"
        assert await page.attribute("#waybill", "aria-describedby") == "waybill-hint"
        # Tab reaches the box first; Enter on an empty box asks for a number.
        await page.call("press", key="Tab")
        assert await page.evaluate("document.activeElement.id") == "waybill"
        assert await page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == (
            "solid"  # a visible focus ring
        )
        await page.call("press", key="Enter")
        assert await page.text("#waybill-empty") == "Enter a waybill number to track."
        assert await page.attribute("#waybill", "aria-invalid") == "true"
        assert problems(await page.log(), server) == []


async def test_the_page_follows_a_waybill_live_and_resumes_after_the_server_drops(
    app, client, make, dealer, carrier, warehouse
):
    shipment = await shipment_at_the_warehouse(make, dealer, carrier)
    shown = [await record(client, warehouse, shipment.id, "GATED_IN", location=NEW_YORK)]

    async with browser() as page:
        async with running(app) as address:
            port = int(address.rsplit(":", 1)[1])
            # given the page of a waybill, at its grouped, printed form
            await page.goto(f"http://{address}/track/{format_waybill(shipment.waybill)}")
            await page.wait_for(LINK, "live", name="data-state")
            assert await page.text(f"{LINK} .link-text") == "Live: updates as they happen"
            assert await page.attribute(LINK, "role") == "status"
            assert await page.text(f"{ELEMENT} .waybill") == format_waybill(shipment.waybill)
            assert await page.text(STATUS) == "At the warehouse"
            assert await page.text(f"{ELEMENT} .route") == (
                "Port Newark, US (USNYC) →to Poti, GE (GEPTI)"  # "→" is hidden, "to" is read
            )
            assert await page.text(f"{ELEMENT} .loaded") == "2 of 4 vehicles loaded"
            assert await page.attribute(f"{ELEMENT} .events", "aria-live") == "polite"
            assert VIEWER_ZONE in await page.text(f"{EVENTS} time")
            # a gate event's words follow the place: GATED_IN at Port Newark is at the port
            assert await page.texts(f"{EVENTS} .what") == ["Arrived at the port"]
            assert await page.evaluate("location.pathname") == f"/track/{shipment.waybill}"

            # when an event is recorded through the API, it is on the page within a second
            shown.append(await record(client, warehouse, shipment.id, "STUFFED"))
            await page.wait_count(EVENTS, 2, timeout_ms=1000)
            await page.wait_for(STATUS, "LOADED", name="data-status")
            # and a loading change reaches the page as its tracking event, with the progress
            changed = {
                "containerId": gid("Container", shipment.container_id),
                "status": "SEALED",
                "loadedVehicles": 4,
                "sealNumber": "ML-0451277",
            }
            assert (await payload(client, UPDATE_LOADING, changed, warehouse))["errors"] == []
            await page.wait_count(EVENTS, 3, timeout_ms=1000)
            await page.wait_for(f"{ELEMENT} .loaded", "4 of 4 vehicles loaded")
            assert await page.text(f"{ELEMENT} .loading-status") == "Sealed"
            shown.append((await page.attributes(EVENTS, "data-cursor"))[-1])

        # when the server goes away, the page says it is reconnecting
        await page.wait_for(LINK, "reconnecting", name="data-state")
        assert await page.text(f"{LINK} .link-text") == "Connection lost: reconnecting…"
        last_shown = shown[-1]
        # and what happens meanwhile is recorded through the API all the same
        shown.append(await record(client, warehouse, shipment.id, "DEPARTED", location=NEW_YORK))
        shown.append(
            await record(
                client,
                warehouse,
                shipment.id,
                "ARRIVED",
                classifier="ESTIMATED",
                occurredAt=later(days=21),
                location=POTI,
            )
        )
        shown.append(await record(client, warehouse, shipment.id, "DELAYED"))

        async with running(app, port):
            # then, back on the same address, it resumes from the last event it showed
            await page.wait_for(LINK, "live", name="data-state", timeout_ms=15_000)
            await page.wait_count(EVENTS, len(shown))
            # each once, in time order: the estimated arrival, three weeks on, comes last
            in_time = [*shown[:4], shown[5], shown[4]]
            assert await page.attributes(EVENTS, "data-cursor") == in_time
            assert await page.attributes(EVENTS, "data-type") == [
                "GATED_IN",
                "STUFFED",
                "SEALED",
                "DEPARTED",
                "DELAYED",
                "ARRIVED",
            ]
            await page.wait_for(STATUS, "IN_TRANSIT", name="data-status")
            assert VIEWER_ZONE not in await page.text(f"{ELEMENT} .eta")  # a day, not a time
            assert await page.attribute(f"{ELEMENT} .eta time", "datetime")
            await screenshot(page, "tracking-desktop")
            log = await page.log()

    sent = subscriptions(log)
    assert sent[0] == {"waybill": shipment.waybill, "after": shown[0]}
    assert sent[-1] == {"waybill": shipment.waybill, "after": last_shown}
    assert problems(log, address, outage=True) == []
    if os.environ.get("CARGOLIVE_UPDATE_SCREENSHOT") == "1":
        shutil.copyfile(ARTIFACTS / "tracking-desktop.png", ROOT / "docs" / "tracking-page.png")


async def test_on_a_phone_the_page_fits_the_screen(app, client, make, dealer, carrier, warehouse):
    container = await make.container(
        capacity=4,
        status=LoadingStatus.STUFFING,
        loaded_vehicles=2,
        port_of_loading_name="Port of Savannah",
        port_of_loading_country="US",
        port_of_loading_unlocode="USSAV",
    )
    shipment = await make.shipment(
        customer=dealer.organization_id,
        carrier=carrier.organization_id,
        status=ShipmentStatus.PICKED_UP,
        container=container,
        vehicles=4,
    )
    await record(client, warehouse, shipment.id, "GATED_IN", location=WAREHOUSE)
    await record(client, warehouse, shipment.id, "DELAYED", description="not shown")
    gated_in = {
        "containerId": gid("Container", container.id),
        "status": "GATED_IN",
        "loadedVehicles": 4,
        "sealNumber": "ML-0451277",
    }
    assert (await payload(client, UPDATE_LOADING, gated_in, warehouse))["errors"] == []

    async with running(app) as address, browser() as page:
        await page.call("viewport", width=360, height=740)
        await page.call("emulate", reducedMotion="reduce")
        await page.goto(f"http://{address}/track/{shipment.waybill}")
        await page.wait_for(LINK, "live", name="data-state")
        await page.wait_count(EVENTS, 3)
        assert "not shown" not in await page.text(CARD)  # descriptions are not public
        pulse = await page.evaluate(
            "getComputedStyle(document.querySelector('cargolive-tracking').shadowRoot"
            ".querySelector('.link .dot')).animationName"
        )
        assert pulse == "none"  # prefers-reduced-motion: the live dot keeps still
        # the words of a gate event follow its place, as the loading panel's do
        assert await page.texts(f"{EVENTS} .what") == [
            "Arrived at the warehouse",
            "Delayed",
            "Arrived at the port",  # the container's, at Port of Savannah
        ]
        assert await page.text(f"{ELEMENT} .loading-status") == "At the port"

        overflow = await page.evaluate("document.documentElement.scrollWidth - innerWidth")
        columns = await page.evaluate(
            "getComputedStyle(document.querySelector('cargolive-tracking').shadowRoot"
            ".querySelector('.summary')).gridTemplateColumns.split(' ').length"
        )
        lines, clipped, right = await page.evaluate(BADGE_LINES)
        await screenshot(page, "tracking-phone")
        assert overflow <= 0
        assert columns == 1
        assert (lines, clipped) == (1, 0)  # "Live: …" on one line, none of it cut off
        assert right <= 360
        assert problems(await page.log(), address) == []


async def test_a_mistyped_and_an_unknown_number_get_different_plain_messages(app, make, dealer):
    shipment = await make.shipment(customer=dealer.organization_id)
    number = shipment.waybill
    at = next(i for i in range(2, 14) if number[i] != number[i + 1])
    typo = number[:at] + number[at + 1] + number[at] + number[at + 2 :]  # two symbols swapped

    async with running(app) as address, browser() as page:
        await page.goto(f"http://{address}/track/")

        async def search(typed: str, outcome: str) -> str:
            await page.call("fill", selector="#waybill", value=typed)
            await page.call("press", key="Enter")
            await page.wait_for(MESSAGE, outcome, name="data-outcome")
            return await page.text(MESSAGE)

        mistyped = await search(format_waybill(typo).lower(), "mistyped")
        assert await page.attribute("#waybill", "aria-invalid") == "true"
        unknown = await search(new_waybill(), "unknown")
        malformed = await search("CL123", "malformed")

        assert "typing mistake" in mistyped
        assert "no shipment with this waybill number" in unknown
        assert "starts with CL and has 15" in malformed
        assert len({mistyped, unknown, malformed}) == 3
        assert await page.attribute(MESSAGE, "role") == "alert"

        # and the right number, typed loosely, is found and becomes the page's address
        await page.call("fill", selector="#waybill", value=" ".join(format_waybill(number)).lower())
        await page.call("press", key="Enter")
        await page.wait_for(LINK, "live", name="data-state")
        assert await page.visible(CARD)
        assert not await page.visible(MESSAGE)
        assert await page.evaluate("location.pathname") == f"/track/{number}"
        assert await page.attribute("#waybill", "aria-invalid") is None
        assert problems(await page.log(), address) == []


HOST_PAGE = """<!doctype html><html lang="en"><head><title>A dealer's site</title>
<link rel="icon" href="data:,">
<style>* {{ font-family: serif; }} li {{ color: rgb(255, 0, 0); }}</style>
<script type="module" src="http://{address}/track/embed.js"></script></head>
<body><p class="message">The dealer's own paragraph</p>
<cargolive-tracking waybill="{waybill}"></cargolive-tracking></body></html>"""


async def test_another_site_embeds_the_element_when_its_origin_is_allowed(
    make, dealer, carrier, warehouse, database
):
    # The dealer's site is on loopback too: chromium keeps public sites off loopback servers.
    site_port = free_port()
    site = f"http://localhost:{site_port}"
    embedded = create_app(settings_with(allowed_origins=[site]), manage_database=False)
    shipment = await shipment_at_the_warehouse(make, dealer, carrier)
    page_html = ""

    async def dealer_page(_: Request) -> HTMLResponse:
        return HTMLResponse(page_html)

    dealer_site = Starlette(routes=[Route("/", dealer_page)])
    async with embedded.router.lifespan_context(embedded):
        await embedded.state.limits.reset()
        transport = httpx2.ASGITransport(app=embedded)
        async with (
            httpx2.AsyncClient(transport=transport, base_url="http://test") as client,
            running(embedded) as address,
            running(dealer_site, site_port),
            browser() as page,
        ):
            await record(client, warehouse, shipment.id, "GATED_IN", location=NEW_YORK)
            page_html = HOST_PAGE.format(address=address, waybill=shipment.waybill)
            await page.goto(f"{site}/")
            await page.wait_for(LINK, "live", name="data-state")
            await page.wait_count(EVENTS, 1)

            await record(client, warehouse, shipment.id, "DELAYED")
            await page.wait_count(EVENTS, 2, timeout_ms=1000)

            # the dealer's styles stay out of the element, and the element's out of the page
            item_colour = await page.evaluate(
                "getComputedStyle(document.querySelector('cargolive-tracking').shadowRoot"
                ".querySelector('.events li')).color"
            )
            paragraph = await page.evaluate(
                "getComputedStyle(document.querySelector('p.message')).backgroundColor"
            )
            log = await page.log()
    assert item_colour != "rgb(255, 0, 0)"
    assert paragraph == "rgba(0, 0, 0, 0)"
    ours = [url for url in log["requests"] if not url.startswith(f"{site}/")]
    assert ours and all(url.startswith(f"http://{address}/track/") for url in ours)
    assert log["console"] == []
