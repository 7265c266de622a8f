"""The Idempotency-Key header on mutations over HTTP (POST /graphql).

A mutation sent with a credential and `Idempotency-Key: <key>` runs once per (the credential's
organization, key) for `idempotency_window_hours`: a retry gets the first answer again, byte for
byte, marked `Idempotent-Replayed: true`; copies racing the first wait for its answer. As the
IETF draft says: the same key with another request is 422, a key whose first request is still
running (past the wait) is 409, a malformed key is 400. The request's fingerprint covers the
query, operation name, variables and the user (a key's own user), so one credential's answer
is never replayed to another. Queries and requests without a credential ignore the header.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import orjson
from graphql import GraphQLError, OperationType, get_operation_ast
from starlette.datastructures import Headers
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.settings import Settings
from models.viewer import Viewer
from resolvers.integrations import idempotency
from schema.parsing import parsed

HEADER = "idempotency-key"
MAX_KEY = 255
FindViewer = Callable[[Scope], Awaitable[Viewer | None]]


def error(status: int, code: str, message: str, **headers: str) -> Response:
    body = {"errors": [{"message": message, "extensions": {"code": code}}]}
    return JSONResponse(body, status_code=status, headers=headers)


def key_of(value: str) -> str | None:
    """The key of a header value (bare, or quoted as the draft's structured string)."""
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
    if not 1 <= len(value) <= MAX_KEY or not all(" " <= c <= "~" for c in value):
        return None
    return value


def _mutation(request: object) -> dict[str, Any] | None:
    """The request's JSON if it is one mutation GraphQL can run; None leaves it to the view."""
    if not isinstance(request, dict) or not isinstance(request.get("query"), str):
        return None
    try:
        document = parsed(request["query"], None)
    except GraphQLError:
        return None
    name = request.get("operationName")
    operation = get_operation_ast(document, name if isinstance(name, str) else None)
    if operation is None or operation.operation is not OperationType.MUTATION:
        return None
    return request


def fingerprint(request: dict[str, Any], viewer: Viewer) -> str:
    what = {
        "query": request["query"],
        "operationName": request.get("operationName"),
        "variables": request.get("variables") or {},
        "user": viewer.user_id,
    }
    return hashlib.sha256(orjson.dumps(what, option=orjson.OPT_SORT_KEYS)).hexdigest()


@dataclass
class Captured:
    status: int = 0
    content_type: str = "application/json"
    body: bytearray = field(default_factory=bytearray)


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def serve(
    app: ASGIApp,
    scope: Scope,
    receive: Receive,
    send: Send,
    *,
    settings: Settings,
    find: FindViewer,
) -> None:
    """Runs `app` for this POST, idempotently when it carries a key and may have one."""
    headers = Headers(scope=scope)
    raw = headers.get(HEADER)
    if raw is None or scope["method"] != "POST":
        await app(scope, receive, send)
        return
    key = key_of(raw)
    if key is None:
        message = f"the Idempotency-Key header must be 1 to {MAX_KEY} visible ASCII characters"
        await error(400, "INVALID_IDEMPOTENCY_KEY", message)(scope, receive, send)
        return
    body = await _read_body(receive)
    sent = False

    async def again() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    try:
        request = _mutation(orjson.loads(body))
    except orjson.JSONDecodeError:
        request = None
    viewer = await find(scope) if request else None
    if request is None or viewer is None:
        await app(scope, again, send)
        return
    outcome = await idempotency.claim(
        organization_id=viewer.organization_id,
        key=key,
        fingerprint=fingerprint(request, viewer),
        window=dt.timedelta(hours=settings.idempotency_window_hours),
        wait=settings.idempotency_wait_seconds,
    )
    response = _answer(outcome)
    if response is not None:
        await response(scope, again, send)
        return
    assert isinstance(outcome, idempotency.Claimed)
    await _run_once(app, scope, again, send, outcome.row_id)


def _answer(outcome: idempotency.Outcome) -> Response | None:
    if isinstance(outcome, idempotency.Replay):
        return Response(
            outcome.body,
            status_code=outcome.status,
            media_type=outcome.content_type,
            headers={"Idempotent-Replayed": "true"},
        )
    if isinstance(outcome, idempotency.Mismatch):
        return error(
            422,
            "IDEMPOTENCY_KEY_REUSED",
            "this Idempotency-Key was used with another request: use a new key for a new request",
        )
    if isinstance(outcome, idempotency.Busy) and outcome.interrupted:
        return error(
            409,
            "IDEMPOTENCY_KEY_INTERRUPTED",
            "the first request with this Idempotency-Key was cut off, and whether it took effect "
            "is unknown: check (e.g. query what it would have made), then use a new key",
        )
    if isinstance(outcome, idempotency.Busy):
        return error(
            409,
            "IDEMPOTENCY_KEY_IN_USE",
            "a request with this Idempotency-Key is still running: retry in a moment",
            **{"Retry-After": "1"},
        )
    return None


async def _run_once(app: ASGIApp, scope: Scope, receive: Receive, send: Send, row: int) -> None:
    """Runs the claimed request and keeps its answer, also when the client has gone."""
    captured = Captured()
    client_gone = False

    async def keep(message: Message) -> None:
        nonlocal client_gone
        if message["type"] == "http.response.start":
            captured.status = message["status"]
            for name, value in message.get("headers", []):
                if name.lower() == b"content-type":
                    captured.content_type = value.decode("latin-1")
        elif message["type"] == "http.response.body":
            captured.body += message.get("body", b"")
        if not client_gone:
            try:
                await send(message)
            except OSError:
                client_gone = True  # the answer is still kept: the retry gets it

    # An exception (or a shutdown) midway leaves the key unfinished: the request may have taken
    # effect, so no retry runs it again (they hear IDEMPOTENCY_KEY_IN_USE, then _INTERRUPTED).
    await app(scope, receive, keep)
    if captured.status == 429:
        await idempotency.release(row)  # over the rate limit: refused before it ran
        return
    await idempotency.complete(
        row, status=captured.status, content_type=captured.content_type, body=bytes(captured.body)
    )
