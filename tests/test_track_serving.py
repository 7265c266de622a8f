"""Serving the tracking page: routes, cache headers, CORS for embeds, and a missing build."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx2
import pytest
from starlette.applications import Starlette

from api.track import IMMUTABLE, NOT_BUILT, track_routes

WAYBILL = "CL7K3M9QX2TB4H5"


@pytest.fixture
def build(tmp_path: Path) -> Path:
    """A stand-in for web/'s build output: the routes do not care what the files hold."""
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><title>page</title>")
    (tmp_path / "embed.js").write_text('import "./assets/element-abc123.js";')
    (tmp_path / "assets" / "element-abc123.js").write_text("export {};")
    (tmp_path / "secret.txt").write_text("outside assets/")
    return tmp_path


async def _client(build: Path) -> AsyncIterator[httpx2.AsyncClient]:
    app = Starlette(routes=track_routes(build))
    transport = httpx2.ASGITransport(app=app)
    async with httpx2.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


@pytest.fixture
async def http(build: Path) -> AsyncIterator[httpx2.AsyncClient]:
    async for client in _client(build):
        yield client


@pytest.mark.parametrize("path", ["/track", "/track/", f"/track/{WAYBILL}", "/track/not-a-number"])
async def test_every_page_address_answers_the_page(http, path):
    response = await http.get(path)
    assert response.status_code == 200
    assert response.text == "<!doctype html><title>page</title>"
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["referrer-policy"] == "no-referrer"
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "connect-src 'self'" in policy


async def test_hashed_assets_are_cached_for_a_year_and_loadable_from_other_sites(http):
    response = await http.get("/track/assets/element-abc123.js")
    assert response.status_code == 200
    assert response.headers["cache-control"] == IMMUTABLE
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["content-type"].startswith("text/javascript")


async def test_the_embed_script_keeps_its_url_and_is_revalidated(http):
    response = await http.get("/track/embed.js")
    assert response.status_code == 200
    assert response.text.startswith("import")
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["content-type"].startswith("text/javascript")


async def test_unknown_assets_and_paths_outside_assets_are_not_found(http):
    assert (await http.get("/track/assets/nope.js")).status_code == 404
    for path in ("/track/assets/../secret.txt", "/track/assets/%2e%2e/secret.txt"):
        assert "outside" not in (await http.get(path)).text


async def test_without_a_build_the_page_says_how_to_build_it(tmp_path):
    async for http in _client(tmp_path / "missing"):
        for path in ("/track/", f"/track/{WAYBILL}", "/track/embed.js"):
            response = await http.get(path)
            assert response.status_code == 503
            assert response.text == NOT_BUILT
            assert "npm run build" in response.text
        assert (await http.get("/track/assets/element-abc123.js")).status_code == 404


async def test_the_app_serves_the_tracking_routes(client):
    response = await client.get("/track/")
    assert response.status_code in {200, 503}  # 200 once scripts/install has built web/
    assert (await client.get("/track/assets/nothing-here.js")).status_code == 404
