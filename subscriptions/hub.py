"""Fan-out in one process: one bus subscription per topic, one log read per wake-up, one render
per group of identical subscriptions, the same text to every subscriber of the group.

A topic's worker is woken by a bus notice or by the relay; it reads the log after the last seq
it dispatched (the log is in commit order, so nothing below it can appear later) and offers
each event to the topic's groups. A group is one (document, variables, viewer scope): it
renders an event once and hands the frame to its subscribers, who drop seqs they already sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, Protocol

from models.events import ACCESS_TOPIC, Event, EventKind
from subscriptions import bus as bus_module
from subscriptions.reader import latest_seq, read_topic, topics_after

log = logging.getLogger("cargolive.hub")
RELAY_SECONDS = 1.0
RENDER_CACHE = 256


class Subscriber(Protocol):
    def offer(self, seq: int, payload: Any) -> None:
        """Takes a live event's rendered payload; must not block."""


# An event rendered for a group: frame text for sockets, a root object for in-process callers.
Render = Callable[[Event], Awaitable[Any]]


@dataclass(eq=False)
class Group:
    """Subscriptions that share one rendering: same document, variables and viewer scope."""

    key: Hashable
    kinds: frozenset[EventKind]
    visible: Callable[[Event], bool]
    render_event: Render
    # in the order they joined: a fan-out serves the longest-waiting screens first
    subscribers: dict[Subscriber, None] = field(default_factory=dict)
    _rendered: OrderedDict[int, Any] = field(default_factory=OrderedDict)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    close: Callable[[], None] | None = None  # frees what rendering holds, once the group ends

    def accepts(self, event: Event) -> bool:
        return event.kind in self.kinds and self.visible(event)

    async def render(self, event: Event) -> Any:
        """The payload text of `event` for this group, computed once (replays reuse it)."""
        if event.seq in self._rendered:
            return self._rendered[event.seq]
        async with self._lock:
            if event.seq not in self._rendered:
                self._rendered[event.seq] = await self.render_event(event)
                while len(self._rendered) > RENDER_CACHE:
                    self._rendered.popitem(last=False)
            return self._rendered[event.seq]


@dataclass(eq=False)
class Topic:
    name: str
    last_seq: int
    groups: dict[Hashable, Group] = field(default_factory=dict)
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    tasks: list[asyncio.Task[None]] = field(default_factory=list)


class Hub:
    def __init__(self) -> None:
        self._topics: dict[str, Topic] = {}
        self._opening: dict[str, asyncio.Future[Topic]] = {}
        self._relay: asyncio.Task[None] | None = None
        self._relay_seq = 0
        self._retired: set[asyncio.Task[None]] = set()  # tasks of closed topics, winding down
        # Awaited before a topic's events are offered: access decisions below them apply first
        # (api/access_watch.py).
        self.gate: Callable[[int], Awaitable[None]] | None = None

    async def start(self) -> None:
        self._relay_seq = await latest_seq()
        self._relay = asyncio.create_task(self._relay_forever(), name="hub-relay")
        bus_module.on_reconnect(self._resubscribe)

    async def stop(self) -> None:
        tasks = [task for topic in self._topics.values() for task in topic.tasks]
        tasks.extend(self._retired)
        if self._relay is not None:
            tasks.append(self._relay)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        for topic in self._topics.values():
            for group in topic.groups.values():
                if group.close is not None:
                    group.close()
        self._topics.clear()

    @property
    def topic_count(self) -> int:
        return len(self._topics)

    async def join(
        self,
        topic_name: str,
        key: Hashable,
        make_group: Callable[[], Group],
        subscriber: Subscriber,
    ) -> tuple[Group, int]:
        """Adds `subscriber` to its group on the topic (listening before any replay starts);
        returns the group and the seq that live delivery to it starts after."""
        topic = await self._topic(topic_name)
        group = topic.groups.get(key)
        if group is None:
            group = topic.groups[key] = make_group()
        group.subscribers[subscriber] = None
        return group, topic.last_seq

    def leave(self, topic_name: str, key: Hashable, subscriber: Subscriber) -> None:
        topic = self._topics.get(topic_name)
        if topic is None:
            return
        group = topic.groups.get(key)
        if group is not None:
            group.subscribers.pop(subscriber, None)
            if not group.subscribers:
                del topic.groups[key]
                if group.close is not None:
                    group.close()
        if not topic.groups:
            del self._topics[topic_name]
            for task in topic.tasks:
                self._retire(task)

    def _retire(self, task: asyncio.Task[None]) -> None:
        """Cancels `task` and holds it until it has wound down (asyncio only holds it weakly)."""
        task.cancel()
        self._retired.add(task)
        task.add_done_callback(self._retired.discard)

    async def _topic(self, name: str) -> Topic:
        topic = self._topics.get(name)
        if topic is not None:
            return topic
        # One opening per topic even when many subscribe at once (broadcaster#142).
        opening = self._opening.get(name)
        if opening is None:
            opening = self._opening[name] = asyncio.get_running_loop().create_future()
            try:
                topic = await self._open(name)
                opening.set_result(topic)
            except BaseException as error:
                if isinstance(error, asyncio.CancelledError):
                    opening.cancel()
                else:
                    opening.set_exception(error)
                    opening.exception()  # retrieved here; waiters still receive it
                raise
            finally:
                del self._opening[name]
        return await asyncio.shield(opening)

    async def _open(self, name: str) -> Topic:
        ready = asyncio.Event()
        topic = Topic(name=name, last_seq=0)
        listener = asyncio.create_task(self._listen(topic, ready), name=f"listen {name}")
        try:
            await ready.wait()  # listen first: a notice sent from now on wakes the worker
            topic.last_seq = await latest_seq(name)
        except BaseException:
            self._retire(listener)
            raise
        topic.tasks = [listener, asyncio.create_task(self._work(topic), name=f"work {name}")]
        self._topics[name] = topic
        return topic

    async def _listen(self, topic: Topic, ready: asyncio.Event) -> None:
        current = bus_module.current()
        if current is None:
            ready.set()
            return
        try:
            async with current.broadcast.subscribe(bus_module.channel(topic.name)) as notices:
                ready.set()
                # broadcaster 0.3.1 annotates Subscriber.__aiter__ as Optional; it never is
                async for _ in notices:  # type: ignore[union-attr]
                    topic.wake.set()
        except Exception as error:  # the relay keeps the topic alive until the bus is back
            log.warning("listening on %s failed: %s", topic.name, error)
        finally:
            ready.set()

    async def _work(self, topic: Topic) -> None:
        while True:
            await topic.wake.wait()
            topic.wake.clear()
            try:
                await self._dispatch(topic)
            except Exception:
                log.exception("dispatch on %s failed; the relay retries", topic.name)
                await asyncio.sleep(0.5)

    async def _dispatch(self, topic: Topic) -> None:
        while True:
            events = await read_topic(topic.name, after=topic.last_seq, limit=500)
            if events and self.gate is not None and topic.name != ACCESS_TOPIC:
                await self.gate(events[-1].seq)
            for event in events:
                for group in list(topic.groups.values()):
                    if not group.accepts(event):
                        continue
                    payload = await group.render(event)
                    if payload is None:
                        continue
                    for subscriber in list(group.subscribers):
                        subscriber.offer(event.seq, payload)
                topic.last_seq = event.seq
                # A burst read from the log (several notices at once, as Redis delivers them)
                # would otherwise fill every outbox before any writer runs, and close readers
                # that keep up. One turn of the loop per event lets each writer send its frame.
                await asyncio.sleep(0)
            if len(events) < 500:
                return

    async def _relay_forever(self) -> None:
        """Wakes every topic with rows past what it dispatched: a lost notice costs a second.

        A topic whose notices all arrived has dispatched its rows already and is left alone:
        waking every topic with new rows made one wasted read per busy topic each second, all
        at once."""
        while True:
            await asyncio.sleep(RELAY_SECONDS)
            try:
                newest, self._relay_seq = await topics_after(self._relay_seq, set(self._topics))
            except Exception as error:
                log.warning("relay read failed: %s", error)
                continue
            for name, seq in newest.items():
                topic = self._topics.get(name)
                if topic is not None and seq > topic.last_seq:
                    topic.wake.set()

    async def _resubscribe(self) -> None:
        """After the bus reconnects, listen again on every topic and catch up from the log."""
        for topic in list(self._topics.values()):
            self._retire(topic.tasks[0])
            ready = asyncio.Event()
            topic.tasks[0] = asyncio.create_task(self._listen(topic, ready))
            await ready.wait()
            topic.wake.set()


_hub: Hub | None = None


def current() -> Hub:
    if _hub is None:
        raise RuntimeError("no hub: the app's lifespan starts one")
    return _hub


def install(hub: Hub | None) -> None:
    global _hub
    _hub = hub
