"""The bearer tokens of open sockets, re-checked together: one query per interval for them all.

A socket signed in with a token closes (4403) once the token is revoked or expires. A check per
socket costs a query per socket per interval: ten thousand idle sockets, re-checked every 15 s,
kept a core a third busy asking. Here the sockets of a process share one watcher per interval,
which asks once which of their tokens are still live; an expiry is a timer of the socket's own.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from resolvers.accounts.users import live_tokens

log = logging.getLogger("cargolive.ws")
Callback = Callable[[], None]


class TokenWatch:
    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.watched: dict[int, set[Callback]] = {}
        self._task: asyncio.Task[None] | None = None

    def add(self, token_id: int, on_dead: Callback) -> None:
        self.watched.setdefault(token_id, set()).add(on_dead)
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="token-watch")

    def discard(self, token_id: int, on_dead: Callback) -> None:
        callbacks = self.watched.get(token_id)
        if callbacks is not None:
            callbacks.discard(on_dead)
            if not callbacks:
                del self.watched[token_id]
        if not self.watched and self._task is not None:
            self._task.cancel()  # nothing to watch: no task outlives the last socket
            self._task = None

    async def check(self) -> None:
        """Calls back the sockets of every watched token that is no longer live."""
        ids = list(self.watched)
        try:
            live = await live_tokens(ids)
        except Exception as error:  # the database is away: the next tick asks again
            log.warning("token re-check failed: %s", error)
            return
        for token_id in ids:
            if token_id not in live:
                for on_dead in self.watched.pop(token_id, set()):
                    on_dead()

    async def _run(self) -> None:
        while self.watched:
            await asyncio.sleep(self.interval)
            await self.check()


_watches: dict[float, TokenWatch] = {}


def watch(interval: float) -> TokenWatch:
    """The process's watcher for sockets re-checked every `interval` seconds."""
    found = _watches.get(interval)
    if found is None:
        found = _watches[interval] = TokenWatch(interval)
    return found
