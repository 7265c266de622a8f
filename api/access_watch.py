"""Decisions reach open sockets at once: a revoked token, a blocked organization, a changed
role, membership or group.

A use case that changes what someone may see or do appends an ACCESS_* row to the event log
(topic `access`, resolvers/accounts/events.py) in its own transaction. Each process follows
that topic like any other (a bus notice, or the hub's relay within a second), and before the
hub hands any other event to subscribers it makes sure every access row below that event's seq
has been applied (`gate`): the sockets concerned look their viewer up again, a dead token
closes its socket (4403), and each running subscription checks its access again and ends with
an error frame naming the reason when it is gone. Access rows commit in seq order like all
others, so no event committed after a change reaches a subscriber that lost access by it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from typing import Protocol

from models.events import ACCESS_KINDS, ACCESS_TOPIC, Event, EventKind
from subscriptions import hub as hub_module
from subscriptions.reader import latest_seq, read_topic

log = logging.getLogger("cargolive.access")
PAGE = 500


class Watched(Protocol):
    """A socket signed in as `user_id` of `organization_id`."""

    user_id: int
    organization_id: int
    staff: bool

    async def recheck(self) -> None:
        """Looks the viewer up again and ends whatever it may no longer do."""


class AccessWatch:
    def __init__(self) -> None:
        self.sockets: set[Watched] = set()
        self.applied = 0  # access rows up to this seq are applied
        self.checked = 0  # every access row below this seq is applied
        self._seen = 0  # the highest seq any gate was asked about
        self._lock = asyncio.Lock()
        self._pending: set[asyncio.Task[None]] = set()
        self._key = ("access-watch", id(self))

    async def start(self, hub: hub_module.Hub) -> None:
        # Sockets open from now on look their viewer up when they start: older rows are moot.
        self.applied = self.checked = await latest_seq(ACCESS_TOPIC)
        await hub.join(ACCESS_TOPIC, self._key, self._group, self)
        hub.gate = self.gate

    def stop(self, hub: hub_module.Hub) -> None:
        hub.gate = None
        hub.leave(ACCESS_TOPIC, self._key, self)
        for task in self._pending:
            task.cancel()

    def _group(self) -> hub_module.Group:
        return hub_module.Group(self._key, ACCESS_KINDS, lambda _: True, _no_text)

    def offer(self, seq: int, payload: str) -> None:
        """An access row went live: apply it now, whether or not other events follow."""
        task = asyncio.create_task(self.gate(seq + 1))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def gate(self, seq: int) -> None:
        """Returns once every access row below `seq` (a committed event's seq) is applied."""
        if seq <= self.checked:
            return
        self._seen = max(self._seen, seq)
        async with self._lock:
            if seq <= self.checked:
                return
            # Every event below `target` has committed, so every access row below it is
            # visible to the read that starts now (seq follows commit order).
            target = self._seen
            while rows := await read_topic(ACCESS_TOPIC, after=self.applied, limit=PAGE):
                for row in rows:
                    await self._apply(row)
                    self.applied = row.seq
                if len(rows) < PAGE:
                    break
            self.checked = max(self.checked, target)

    async def _apply(self, row: Event) -> None:
        sockets = list(self._concerned(row))
        results = await asyncio.gather(
            *(socket.recheck() for socket in sockets), return_exceptions=True
        )
        for result in results:
            if isinstance(result, Exception):
                log.warning("an access re-check failed: %s", result)

    def _concerned(self, row: Event) -> Iterable[Watched]:
        for socket in self.sockets:
            if row.kind is EventKind.ACCESS_USER and socket.user_id == row.subject_id:
                yield socket
            elif row.kind is EventKind.ACCESS_ORG and socket.organization_id == row.subject_id:
                yield socket
            elif row.kind is EventKind.ACCESS_STAFF and socket.staff:
                yield socket


async def _no_text(_: Event) -> str:
    return ""


_watch: AccessWatch | None = None


def current() -> AccessWatch | None:
    return _watch


def install(watch: AccessWatch | None) -> None:
    global _watch
    _watch = watch
