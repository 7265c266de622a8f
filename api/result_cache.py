"""The result cache: the answer of a query whose every field is declared cacheable
(schema/caching.py), kept per (query text, operation, variables, viewer scope) until an event
on one of the topics it read.

Execution records the topics of every declared object it completes; the answer is kept with
them. The process forgets an answer as soon as it learns of an event on one of its topics:
- its own commits, before the writer's request goes on (`bus.on_notices`): read-your-writes;
- the other processes' commits, from the bus (`bus.NOTICES` carries every notice's topics);
- a notice lost on the way, from the relay, which reads the log's topics past its mark every
  RELAY_SECONDS (what the hub's relay does for sockets).
An execution that overlaps the news of an event on a topic it read does not keep its answer
(it may have read the rows before the event): each piece of news is stamped with a local
clock, and an answer is kept only if none of its topics was stamped after its execution began.

The viewer scope is what decides what a viewer may see of the declared types: organization,
its kind, role, whether it is blocked, an API key's scopes (never the token or the user: two
users of one organization and role share answers). Anonymous viewers share theirs: the public
tracking view of a waybill is one entry for all of them. Only answers without errors are kept.

A kept answer carries an ETag (a digest of its bytes: the bytes themselves are what a
revalidation must match) and a request whose If-None-Match names it gets 304. GET answers say
`no-cache` (revalidate every time: a CDN in front may keep them, never serve them stale), public
for anonymous viewers, private otherwise.

The same news keeps `viewers` (resolvers/integrations/credentials.py `Remembered`): the viewer
of each bearer credential a request brought, so the next request of that client skips the
look-up. Every change a viewer is read from is an event on the credentials or access topic (a
revocation, a block); on such news they are all forgotten, and a look-up that overlapped it is
not kept. Expiry needs no news: a viewer carries its credential's.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections import Counter, OrderedDict
from collections.abc import Awaitable, Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any

import orjson
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import Response
from strawberry.http import GraphQLRequestData
from strawberry.types import ExecutionResult

from models.viewer import Viewer
from resolvers.integrations.credentials import Remembered
from schema.caching import Plan, plan, unrecorded
from schema.context import Context
from schema.parsing import parsed, types_of
from subscriptions import bus
from subscriptions.log import Notice
from subscriptions.reader import changed_after, latest_seq

log = logging.getLogger("cargolive.cache")
RELAY_SECONDS = 1.0
PLANS = 1024  # remembered plans of query texts (then start over)
TOUCHED = 10_000  # news kept per topic before old news is pruned
ENTRY_OVERHEAD = 400  # bytes an entry costs beside its answer


@dataclass(eq=False)
class Entry:
    body: bytes
    etag: str
    topics: frozenset[str]
    public: bool

    @property
    def size(self) -> int:
        return len(self.body) + ENTRY_OVERHEAD


@dataclass
class Cached(ExecutionResult):
    """An answer already encoded: api/graphql.py sends its bytes as they are."""

    body: bytes = b""


class Prebuilt(dict[str, Any]):
    """process_result's output for a Cached result: encode_json sends `body`."""

    def __init__(self, body: bytes) -> None:
        super().__init__()
        self.body = body


def scope_of(viewer: Viewer | None) -> Hashable:
    if viewer is None:
        return None
    scopes = None if viewer.scopes is None else tuple(sorted(s.value for s in viewer.scopes))
    kind, role = viewer.organization_kind.value, viewer.role.value
    return (viewer.organization_id, kind, role, viewer.blocked, scopes)


def etag_of(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


def matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return etag in tags or "*" in tags


class ResultCache:
    def __init__(self, schema: Any, settings: Any) -> None:
        self.schema = schema
        self.limit = settings.result_cache_bytes
        self.enabled = bool(settings.result_cache) and self.limit > 0
        self.max_tokens = settings.max_tokens
        self.entries: OrderedDict[Hashable, Entry] = OrderedDict()
        self.by_topic: dict[str, set[Hashable]] = {}
        self.size = 0
        self.clock = 0
        self.touched: dict[str, tuple[int, int]] = {}  # topic -> (clock, newest seq known)
        self.running: Counter[int] = Counter()  # the clocks executions in flight began at
        self.plans: dict[tuple[str, str | None], Plan | None] = {}
        self.mark = 0
        self.hits = self.misses = self.stored = 0
        self._tasks: list[asyncio.Task[None]] = []
        self._unlisten: Callable[[], None] | None = None
        # the viewers of credentials, forgotten on the same news; only while it is heard
        self.viewers = Remembered(limit=0, max_age=settings.token_recheck_seconds)
        missing = unrecorded(schema)
        if missing:  # a kept answer would outlive a change of these objects
            raise RuntimeError(f"declared with topics but not recorded: {', '.join(missing)}")

    # -- learning of events ------------------------------------------------------------------

    async def start(self) -> None:
        if not self.enabled:
            return
        self.mark = await latest_seq()
        self._unlisten = bus.on_notices(self._committed)
        self._tasks = [
            asyncio.create_task(self._listen(), name="result-cache-listen"),
            asyncio.create_task(self._relay(), name="result-cache-relay"),
        ]
        self.viewers.limit = Remembered.LIMIT

    async def stop(self) -> None:
        self.viewers.limit = 0
        self.viewers.forget()
        if self._unlisten is not None:
            self._unlisten()
            self._unlisten = None
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks = []

    def _committed(self, notices: Iterable[Notice]) -> None:
        for notice in notices:
            self.touch({topic: notice.seq for topic in notice.topics})

    def touch(self, topics: dict[str, int]) -> None:
        """News of events: `topics` with the newest seq of each; their answers are forgotten.
        A seq already known is no news (a process hears its own notices again from Redis)."""
        news = [
            (topic, seq)
            for topic, seq in topics.items()
            if seq > self.touched.get(topic, (0, 0))[1]
        ]
        if not news:
            return
        if any(topic in Remembered.TOPICS for topic, _ in news):
            self.viewers.forget()
        self.clock += 1
        for topic, seq in news:
            self.touched[topic] = (self.clock, seq)
            for key in self.by_topic.pop(topic, ()):
                self._drop(key)
        if len(self.touched) > TOUCHED:
            self._prune_news()

    def _prune_news(self) -> None:
        """News matters while an execution that began before it runs, or while the relay may
        still read its event again: the rest goes."""
        oldest = min(self.running, default=self.clock)
        self.touched = {
            topic: (clock, seq)
            for topic, (clock, seq) in self.touched.items()
            if clock > oldest or seq > self.mark
        }

    async def _listen(self) -> None:
        """The other processes' notices (this one's came through `_committed` already)."""
        while True:
            current = bus.current()
            if current is not None:
                try:
                    async with current.broadcast.subscribe(bus.NOTICES) as notices:
                        async for message in notices:  # type: ignore[union-attr]
                            seq, *topics = message.message.split()  # type: ignore[union-attr]
                            self.touch(dict.fromkeys(topics, int(seq)))
                except Exception as error:  # the relay covers what is missed meanwhile
                    log.warning("result cache: listening for notices failed: %s", error)
            await asyncio.sleep(RELAY_SECONDS)

    async def _relay(self) -> None:
        while True:
            await asyncio.sleep(RELAY_SECONDS)
            try:
                newest, self.mark = await changed_after(self.mark)
            except Exception as error:
                log.warning("result cache: relay read failed: %s", error)
                continue
            self.touch(newest)

    # -- entries -----------------------------------------------------------------------------

    def _drop(self, key: Hashable) -> None:
        entry = self.entries.pop(key, None)
        if entry is None:
            return
        self.size -= entry.size
        for topic in entry.topics:
            keys = self.by_topic.get(topic)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self.by_topic[topic]

    def _keep(self, key: Hashable, entry: Entry) -> None:
        self._drop(key)
        self.entries[key] = entry
        self.size += entry.size
        for topic in entry.topics:
            self.by_topic.setdefault(topic, set()).add(key)
        while self.size > self.limit and self.entries:
            self._drop(next(iter(self.entries)))

    def plan_of(self, query: str, operation_name: str | None) -> Plan | None:
        key = (query, operation_name)
        if key in self.plans:
            return self.plans[key]
        try:
            found = plan(types_of(self.schema), parsed(query, self.max_tokens), operation_name)
        except GraphQLError:
            found = None
        if len(self.plans) >= PLANS:
            self.plans.clear()
        self.plans[key] = found
        return found

    # -- serving -----------------------------------------------------------------------------

    async def serve(
        self,
        execute: Callable[[], Awaitable[ExecutionResult]],
        data: GraphQLRequestData,
        context: Context,
        request: Request,
        sub_response: Response,
    ) -> ExecutionResult:
        """The kept answer, or `execute()`'s (kept when it may be)."""
        found = self._plan(data)
        if found is None:
            return await execute()
        try:
            variables = orjson.dumps(data.variables or {}, option=orjson.OPT_SORT_KEYS).decode()
        except TypeError:
            return await execute()
        viewer = context.viewer
        key = (data.query, data.operation_name, variables, scope_of(viewer))
        entry = self.entries.get(key)
        if entry is not None and await self._gates(found, context):
            self.entries.move_to_end(key)
            self.hits += 1
            return self._answer(entry, request, sub_response)
        self.misses += 1
        began = self.clock
        self.running[began] += 1
        context.reads = set()
        try:
            result = await execute()
        finally:
            self.running[began] -= 1
            if not self.running[began]:
                del self.running[began]
            reads, context.reads = context.reads, None
        topics = self._covered(found, data, result, reads)
        if topics is None or any(self.touched.get(t, (0, 0))[0] > began for t in topics):
            return result
        body = orjson.dumps({"data": result.data})
        entry = Entry(body, etag_of(body), topics, public=viewer is None and found.shared)
        self._keep(key, entry)
        self.stored += 1
        return self._answer(entry, request, sub_response)

    def _plan(self, data: GraphQLRequestData) -> Plan | None:
        if not self.enabled or not isinstance(data.query, str) or getattr(data, "batched", False):
            return None
        name = data.operation_name if isinstance(data.operation_name, str) else None
        return self.plan_of(data.query, name)

    async def _gates(self, found: Plan, context: Context) -> bool:
        """A kept answer still counts toward the rate limits its fields count toward; over one,
        the request executes and answers what the field answers then."""
        for action in found.gates:
            if context.allow is not None and not await context.allow(action):
                return False
        return True

    def _covered(
        self, found: Plan, data: GraphQLRequestData, result: ExecutionResult, reads: Any
    ) -> frozenset[str] | None:
        """The topics that cover the answer, or None when it may not be kept: errors, or a root
        field whose answer no topic covers (null, with no topic named by its arguments)."""
        if result.errors or result.data is None or result.extensions or reads is None:
            return None
        try:
            named = found.argument_topics(data.variables)
        except Exception:
            return None
        topics = set(reads)
        for root in found.roots:
            if not named[root.key] and result.data.get(root.key) is None:
                return None
            topics |= named[root.key]
        return frozenset(topics) if topics else None

    def _answer(self, entry: Entry, request: Request, sub_response: Response) -> Cached:
        sub_response.headers["ETag"] = entry.etag
        if request.method == "GET":
            privacy = "public" if entry.public else "private"
            sub_response.headers["Cache-Control"] = f"{privacy}, no-cache"
            sub_response.headers["Vary"] = "Authorization"
        if matches(request.headers.get("if-none-match"), entry.etag):
            sub_response.status_code = 304
        return Cached(data=None, errors=None, body=entry.body)


def not_modified(response: Response) -> Response:
    """A 304 without a body, keeping the validators and caching headers of `response`."""
    kept = {
        name: value
        for name, value in response.headers.items()
        if name in {"etag", "cache-control", "vary"}
    }
    return Response(status_code=304, headers=kept)
