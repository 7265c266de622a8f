"""GraphiQL, from our own files: web/graphiql/ built into api/static/graphiql/ by the install
command (the prebuilt bundles of the pinned react and graphiql packages, content-hashed).

A browser asking /graphql for HTML gets the page (development only, api/graphql.py); its
files are under /graphiql/assets/. Nothing comes from another host, so it works offline, and its
policy lets it talk to this origin only (HTTP for queries, the WebSocket for subscriptions).
"""

from __future__ import annotations

from pathlib import Path

from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount

from api.track import Assets

BUILD = Path(__file__).parent / "static" / "graphiql"
NOT_BUILT = (
    "GraphiQL is not built: run scripts/install "
    "(it runs `npm ci && npm run build` in web/, which needs Node.js and npm).\n"
)
PAGE_HEADERS = {
    "Cache-Control": "no-cache",
    # GraphiQL styles its panes inline, and its fonts are data: URLs inside its CSS.
    "Content-Security-Policy": (
        "default-src 'self'; connect-src 'self'; img-src 'self' data:; font-src 'self' data:; "
        "style-src 'self' 'unsafe-inline'; base-uri 'none'; form-action 'self'; "
        "object-src 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


def graphiql_page(build: Path | None = None) -> Response:
    index = (build or BUILD) / "index.html"
    if not index.is_file():
        return PlainTextResponse(NOT_BUILT, 503, headers={"Cache-Control": "no-store"})
    return FileResponse(index, headers=PAGE_HEADERS, media_type="text/html")


def graphiql_routes(build: Path | None = None) -> list[BaseRoute]:
    return [Mount("/graphiql/assets", Assets((build or BUILD) / "assets"))]
