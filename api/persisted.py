"""Persisted queries: the automatic persisted queries protocol (APQ) that Apollo Client and urql
speak, and an allow-list mode for production.

A request names its document by `extensions.persistedQuery = {"version": 1, "sha256Hash": H}`:
- with the query text as well: H must be the text's SHA-256 (400 otherwise); the text is
  registered under H once it has parsed and validated;
- without it: the registered text runs (parsed and validated once per process: schema/parsing.py,
  so a known hash skips both), or the answer is the error PERSISTED_QUERY_NOT_FOUND, upon which
  the client sends the text with the hash. A query by hash may be sent with GET, which a CDN
  can cache (the result cache's ETag revalidates it).

Registered texts live per process (up to REGISTERED_LIMIT, oldest out first); the documents of a
manifest (CARGOLIVE_PERSISTED_QUERIES_FILE: Apollo's persisted query manifest, `operations` of
`{id, body}`) are always known. With CARGOLIVE_PERSISTED_QUERIES_ONLY only the manifest's
documents run over HTTP: any other text, and any unknown hash, is refused.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import OrderedDict
from pathlib import Path
from typing import Any

from cross_web import HTTPException
from graphql import GraphQLError
from starlette.responses import JSONResponse, Response
from strawberry.http import GraphQLRequestData
from strawberry.types import ExecutionResult

REGISTERED_LIMIT = 2048
NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
NOT_ALLOWED = "PERSISTED_QUERY_NOT_ALLOWED"
_SHA256 = re.compile(r"[0-9a-f]{64}")


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class PersistedQueryError(Exception):
    """Answered as a GraphQL error with its code (status 200: what Apollo Client expects to
    read before it sends the text)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def response(self) -> Response:
        body = {"errors": [{"message": self.message, "extensions": {"code": self.code}}]}
        return JSONResponse(body, headers={"Cache-Control": "no-store"})


def load_manifest(path: Path) -> dict[str, str]:
    """An Apollo persisted query manifest: {"operations": [{"id": sha256, "body": text}]};
    each id is checked against its body."""
    data = json.loads(path.read_text(encoding="utf-8"))
    operations = data.get("operations") if isinstance(data, dict) else None
    if not isinstance(operations, list):
        raise ValueError(f"{path}: a persisted query manifest has a list of `operations`")
    known = {}
    for index, operation in enumerate(operations):
        body = operation.get("body") if isinstance(operation, dict) else None
        if not isinstance(body, str):
            raise ValueError(f"{path}: operations[{index}] has no `body` text")
        given = operation.get("id")
        if given is not None and given != digest(body):
            raise ValueError(f"{path}: operations[{index}].id is not the SHA-256 of its body")
        known[digest(body)] = body
    return known


class PersistedQueries:
    def __init__(self, manifest: dict[str, str] | None = None, *, only: bool = False) -> None:
        self.manifest = dict(manifest or {})
        self.only = only
        self.registered: OrderedDict[str, str] = OrderedDict()

    @classmethod
    def from_settings(cls, settings: Any) -> PersistedQueries:
        path = settings.persisted_queries_file
        return cls(load_manifest(path) if path else {}, only=settings.persisted_queries_only)

    def text(self, sha: str) -> str | None:
        found = self.manifest.get(sha)
        if found is None and not self.only:
            found = self.registered.get(sha)
            if found is not None:
                self.registered.move_to_end(sha)
        return found

    def resolve(self, data: GraphQLRequestData) -> str | None:
        """Fills in the text of a request by hash; returns the hash to register the text under
        once it validates (None: nothing to register). Raises PersistedQueryError or 400."""
        extension = (data.extensions or {}).get("persistedQuery")
        if extension is None:
            if self.only and data.query is not None and digest(data.query) not in self.manifest:
                raise PersistedQueryError(NOT_ALLOWED, "only persisted queries run on this server")
            return None
        if not isinstance(extension, dict) or extension.get("version") != 1:
            raise HTTPException(400, "extensions.persistedQuery: only version 1 is supported")
        sha = extension.get("sha256Hash")
        if not isinstance(sha, str) or not _SHA256.fullmatch(sha):
            raise HTTPException(400, "extensions.persistedQuery.sha256Hash: 64 hex digits")
        if data.query is None:
            text = self.text(sha)
            if text is None:
                raise PersistedQueryError(NOT_FOUND, "PersistedQueryNotFound")
            data.query = text
            return None
        if digest(data.query) != sha:
            raise HTTPException(400, "provided sha does not match query")
        if sha in self.manifest:
            return None
        if self.only:
            raise PersistedQueryError(NOT_ALLOWED, "only persisted queries run on this server")
        return sha

    def register(self, sha: str, text: str, result: ExecutionResult) -> None:
        """Keeps `text` under `sha` unless it failed before execution (parse, validation)."""
        if result.data is None and result.errors and all(_before(e) for e in result.errors):
            return
        self.registered[sha] = text
        self.registered.move_to_end(sha)
        while len(self.registered) > REGISTERED_LIMIT:
            self.registered.popitem(last=False)


def _before(error: GraphQLError) -> bool:
    return error.path is None
