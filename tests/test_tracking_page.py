"""The tracking page in a real headless chromium, against a live server.

Screenshots go to test-artifacts/ (git-ignored); CARGOLIVE_UPDATE_SCREENSHOT=1 also copies the
desktop one to docs/tracking-page.png, the README's picture.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from api.track import BUILD
from tests.browser import browser

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CARD = "cargolive-tracking .card"
MESSAGE = "cargolive-tracking .message"


@pytest.fixture(autouse=True)
def built() -> None:
    if not (BUILD / "index.html").is_file():
        message = "the tracking page is not built: run scripts/install (npm run build in web/)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


def problems(log: dict, origin: str, *, outage: bool = False) -> list[str]:
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


async def test_the_search_page_is_labelled_and_keyboard_usable(server):
    async with browser() as page:
        await page.goto(f"http://{server}/track/")
        assert await page.attribute("html", "lang") == "en"
        assert await page.text("label[for=waybill]") == "Waybill number"
        assert await page.attribute("#waybill", "aria-describedby") == "waybill-hint"
        assert await page.evaluate("document.querySelector('cargolive-tracking').shadowRoot.mode")
        # Tab reaches the box first; Enter on an empty box asks for a number.
        await page.call("press", key="Tab")
        assert await page.evaluate("document.activeElement.id") == "waybill"
        await page.call("press", key="Enter")
        assert await page.text("#waybill-empty") == "Enter a waybill number to track."
        assert await page.attribute("#waybill", "aria-invalid") == "true"
        assert problems(await page.log(), server) == []
