"""The live tracking page, built from web/ into api/static/track/ by the install command.

/track/ and /track/<waybill> answer the page (the page reads the waybill from its address),
/track/embed.js the embeddable element at a URL that stays put, /track/assets/ the hashed
files that never change and so are cached for a year.
"""

from __future__ import annotations

import os
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

BUILD = Path(__file__).parent / "static" / "track"
NOT_BUILT = (
    "The tracking page is not built: run scripts/install "
    "(it runs `npm ci && npm run build` in web/, which needs Node.js and npm).\n"
)
PAGE_HEADERS = {
    "Cache-Control": "no-cache",
    # The page talks to its own origin only: no CDN, no third-party script, font or image.
    "Content-Security-Policy": (
        "default-src 'self'; connect-src 'self'; img-src 'self' data:; "
        "base-uri 'none'; form-action 'self'; object-src 'none'"
    ),
    # A waybill number is all it takes to follow a shipment: never send it on as a referrer.
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}
# Module scripts load with CORS: other sites that embed the element fetch these from here.
SHARED = {
    "Access-Control-Allow-Origin": "*",
    "Cross-Origin-Resource-Policy": "cross-origin",
    "X-Content-Type-Options": "nosniff",
}
IMMUTABLE = "public, max-age=31536000, immutable"


class Assets(StaticFiles):
    """Hashed build files: a missing build is a 404, not a server error."""

    def __init__(self, directory: Path) -> None:
        super().__init__(directory=directory, check_dir=False)

    async def check_config(self) -> None:
        return None

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers.update(SHARED | {"Cache-Control": IMMUTABLE})
        return response


def track_routes(build: Path | None = None) -> list[BaseRoute]:
    build = build or BUILD

    async def page(_: Request) -> Response:
        index = build / "index.html"
        if not index.is_file():
            return PlainTextResponse(NOT_BUILT, 503, headers={"Cache-Control": "no-store"})
        return FileResponse(index, headers=PAGE_HEADERS, media_type="text/html")

    async def embed(_: Request) -> Response:
        script = build / "embed.js"
        if not script.is_file():
            return PlainTextResponse(NOT_BUILT, 503, headers={"Cache-Control": "no-store"})
        # Same URL across releases: browsers revalidate it (ETag) and so pick up a new build.
        headers = SHARED | {"Cache-Control": "no-cache"}
        return FileResponse(script, headers=headers, media_type="text/javascript")

    return [
        Route("/track", page),
        Route("/track/", page),
        Route("/track/embed.js", embed),
        Mount("/track/assets", Assets(build / "assets")),
        Route("/track/{waybill}", page),
    ]
