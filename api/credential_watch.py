"""The credentials (login tokens, API keys) of open sockets, re-checked together: one query for
them all, whenever any credential is revoked anywhere, and every interval besides.

A socket signed in with a credential closes (4403) once it is revoked or expires. A revocation
is an event on the `credentials` topic of the log: each process's watch hears it on the bus
(or from the hub's relay within a second if the notice was lost) and asks the database at once
which of its credentials still live, so a revoked key closes its sockets in every process
without a query per socket. A token lives on through its refreshes: its sign-in's newest token
counts, and the socket's expiry timer moves with it.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import AsyncIterator
from typing import Protocol

from models.events import EventKind
from resolvers.accounts.events import CREDENTIALS_TOPIC
from resolvers.integrations.credentials import Credential, live_credentials
from subscriptions import hub
from subscriptions.hub import Group

log = logging.getLogger("cargolive.ws")
REVOKED = frozenset({EventKind.API_KEY_REVOKED, EventKind.TOKEN_REVOKED})


class Watcher(Protocol):
    def credential_dead(self) -> None: ...

    def credential_until(self, until: dt.datetime | None) -> None: ...


class _Wake:
    """The watch's subscriber on the hub: any revocation, anywhere, wakes it."""

    def __init__(self, watch: CredentialWatch) -> None:
        self.watch = watch

    def offer(self, seq: int, payload: str) -> None:
        self.watch.wake()


async def _nothing_to_render(_: object) -> str:
    return ""


class CredentialWatch:
    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.watched: dict[Credential, set[Watcher]] = {}
        self._task: asyncio.Task[None] | None = None
        self._woken = asyncio.Event()

    def add(self, credential: Credential, watcher: Watcher) -> None:
        self.watched.setdefault(credential, set()).add(watcher)
        if self._task is None or self._task.done():
            self._woken = asyncio.Event()
            self._task = asyncio.create_task(self._run(), name="credential-watch")

    def discard(self, credential: Credential, watcher: Watcher) -> None:
        watchers = self.watched.get(credential)
        if watchers is not None:
            watchers.discard(watcher)
            if not watchers:
                del self.watched[credential]
        if not self.watched and self._task is not None:
            self._task.cancel()  # nothing to watch: no task outlives the last socket
            self._task = None

    def wake(self) -> None:
        """Check now (a revocation was recorded, or a socket's credential reached its expiry)."""
        self._woken.set()

    async def check(self) -> None:
        """Tells every watcher whether its credential still lives, and until when."""
        credentials = list(self.watched)
        try:
            live = await live_credentials(credentials)
        except Exception as error:  # the database is away: the next tick asks again
            log.warning("credential re-check failed: %s", error)
            return
        for credential in credentials:
            if credential not in live:
                for watcher in self.watched.pop(credential, set()):
                    watcher.credential_dead()
            else:
                for watcher in list(self.watched.get(credential, ())):
                    watcher.credential_until(live[credential])

    async def _run(self) -> None:
        async with self._revocations():
            await self.check()  # a revocation committed before we listened is found here
            while self.watched:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._woken.wait(), self.interval)
                self._woken.clear()
                await self.check()

    @contextlib.asynccontextmanager
    async def _revocations(self) -> AsyncIterator[None]:
        """Listens to the log's revocations through this process's hub, while there is one."""
        try:
            current = hub.current()
        except RuntimeError:  # no app running (a unit test): the interval alone re-checks
            yield
            return
        key = ("credential-watch", id(self))
        wake = _Wake(self)
        await current.join(
            CREDENTIALS_TOPIC.name,
            key,
            lambda: Group(key, REVOKED, lambda _: True, _nothing_to_render),
            wake,
        )
        try:
            yield
        finally:
            current.leave(CREDENTIALS_TOPIC.name, key, wake)


_watches: dict[float, CredentialWatch] = {}


def watch(interval: float) -> CredentialWatch:
    """The process's watch for sockets re-checked every `interval` seconds."""
    found = _watches.get(interval)
    if found is None:
        found = _watches[interval] = CredentialWatch(interval)
    return found
