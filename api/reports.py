"""The unsubscribe link of status report mails: no login, the link's signature is the proof.

GET shows a button and POST unsubscribes, so that a mail scanner that opens every link does
not unsubscribe anyone; mail clients' one-click unsubscribe (RFC 8058) POSTs straight away.
"""

from __future__ import annotations

import html

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from resolvers.integrations.reports import unsubscribe_by_link

PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Cargolive reports</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, sans-serif; max-width: 32rem; margin: 3rem auto">{}</body>
</html>"""


def _page(body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(PAGE.format(body), status_code=status)


async def unsubscribe_page(request: Request) -> HTMLResponse:
    if request.method == "GET":
        query = html.escape(str(request.url.query))
        return _page(
            "<h1>Stop status reports?</h1>"
            f'<form method="post" action="?{query}">'
            '<button type="submit">Unsubscribe</button></form>'
        )
    key = request.query_params.get("s", "")
    ended = (
        await unsubscribe_by_link(int(key), request.query_params.get("sig", ""))
        if key.isdigit()
        else None
    )
    if ended is None:
        return _page(
            "<h1>This link is not valid</h1><p>The subscription may have ended already.</p>", 404
        )
    return _page(
        f"<h1>Unsubscribed</h1><p>{html.escape(ended.email or '')} "
        "gets no more of these reports.</p>"
    )


def report_routes() -> list[Route]:
    return [Route("/reports/unsubscribe", unsubscribe_page, methods=["GET", "POST"])]
