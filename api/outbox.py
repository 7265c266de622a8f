"""A socket's outgoing frames: written at once when the socket takes them, else queued (bounded).

Sending a frame through ASGI is a coroutine that, while the socket's buffer has room, finishes
without ever suspending. Waking a writer task for every frame costs about as much as writing
it, and a fan-out to thousands of sockets pays that thousands of times per event; so a frame is
written eagerly: its send coroutine runs in place (an eager task, asyncio.eager_task_factory,
from Python 3.12; by hand on 3.11), and only when it suspends (the client reads slowly) does a
task take it over. Frames pushed meanwhile wait in a bounded backlog, in order.
"""

from __future__ import annotations

import asyncio
import collections
import sys
from collections.abc import Callable, Coroutine
from typing import Any

Send = Callable[[str], Coroutine[Any, Any, None]]


if sys.version_info >= (3, 12):

    def start_eagerly(coroutine: Coroutine[Any, Any, None]) -> asyncio.Task[None] | None:
        """Runs `coroutine` up to its first suspension (asyncio's eager task): None when it
        finished there, else the task that finishes it. Its exception, if any, is raised."""
        task = asyncio.eager_task_factory(asyncio.get_running_loop(), coroutine)
        if not task.done():
            return task
        task.result()
        return None

else:  # Python 3.11 has no eager tasks: the same by hand, until 3.11 is dropped

    def start_eagerly(coroutine: Coroutine[Any, Any, None]) -> asyncio.Task[None] | None:
        """Runs `coroutine` up to its first suspension: None when it finished there, else a
        task that finishes it (what Python 3.12's eager tasks do). Its exception is raised."""
        try:
            awaited = coroutine.send(None)
        except StopIteration:
            return None
        task = asyncio.ensure_future(_finish(coroutine, awaited))
        # A task cancelled before its first step never resumes the coroutine: close it then,
        # so that its cleanup (a `finally`) runs all the same.
        task.add_done_callback(lambda _: coroutine.close())
        return task

    async def _finish(coroutine: Coroutine[Any, Any, None], awaited: Any) -> None:
        while True:
            try:
                if awaited is None:  # a bare yield, as in asyncio.sleep(0)
                    await asyncio.sleep(0)
                else:
                    # As a task does with what its coroutine yields: else awaiting it again
                    # fails ("await wasn't used with future").
                    awaited._asyncio_future_blocking = False
                    await awaited
            except GeneratorExit:  # this coroutine is being closed: close the one it drives
                coroutine.close()
                raise
            except BaseException as error:  # cancelled or failed: the coroutine sees it
                try:
                    awaited = coroutine.throw(error)
                except StopIteration:
                    return
            else:
                try:
                    awaited = coroutine.send(None)
                except StopIteration:
                    return


class Outbox:
    """Frames in order to one socket; `on_overflow` runs once `limit` frames, or frames of
    `max_chars` characters in all, wait (a few large frames pin as much memory as many)."""

    def __init__(
        self,
        send: Send,
        limit: int,
        on_overflow: Callable[[], None],
        max_chars: int | None = None,
    ) -> None:
        self._send = send
        self._limit = limit
        self._max_chars = max_chars
        self._chars = 0
        self._on_overflow = on_overflow
        self._backlog: collections.deque[str] = collections.deque()
        self._writing: asyncio.Task[None] | None = None
        self._waiters: list[asyncio.Future[None]] = []
        self.closed = False
        self.error: BaseException | None = None

    @property
    def pending(self) -> int:
        """Frames pushed and not yet written (the one being written included)."""
        return len(self._backlog) + (0 if self._writing is None else 1)

    def push(self, frame: str) -> None:
        if self.closed:
            return
        if self._writing is None and not self._backlog:
            self._write(frame)
        elif self._room_for(frame):
            self._backlog.append(frame)
            self._chars += len(frame)
        else:
            self._on_overflow()

    def _room_for(self, frame: str) -> bool:
        if len(self._backlog) >= self._limit:
            return False
        return self._max_chars is None or self._chars + len(frame) <= self._max_chars

    async def put(self, frame: str) -> None:
        """Pushes `frame` once the backlog has room (a replay waits instead of overflowing)."""
        while not self.closed and self._backlog and not self._room_for(frame):
            await self._progress()
        self.push(frame)

    async def drained(self) -> None:
        """Returns once every frame pushed so far is written (or the outbox is closed)."""
        while not self.closed and self.pending:
            await self._progress()

    def close(self) -> None:
        """Drops what waits and stops a write in progress."""
        self.closed = True
        self._backlog.clear()
        self._chars = 0
        if self._writing is not None:
            self._writing.cancel()
        self._wake()

    def _write(self, frame: str) -> None:
        while True:
            try:
                writing = start_eagerly(self._send(frame))
            except Exception as error:
                self._fail(error)
                return
            if writing is not None:
                self._writing = writing
                writing.add_done_callback(self._written)
                return
            if not self._backlog or self.closed:
                if self._waiters:
                    self._wake()
                return
            frame = self._take()

    def _written(self, task: asyncio.Task[None]) -> None:
        self._writing = None
        if task.cancelled():
            self.closed = True
        elif (error := task.exception()) is not None:
            self._fail(error)
        elif self._backlog and not self.closed:
            self._write(self._take())
        self._wake()

    def _take(self) -> str:
        frame = self._backlog.popleft()
        self._chars -= len(frame)
        return frame

    def _fail(self, error: BaseException) -> None:
        """A socket that cannot be written to is gone: its reader sees the disconnect."""
        self.error = error
        self.close()

    async def _progress(self) -> None:
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        await waiter

    def _wake(self) -> None:
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)
