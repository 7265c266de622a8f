"""Events at a steady rate on random shipments, and what each subscriber should have received."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from bench.report import Outcome
from bench.stats import summary_ms


@dataclass
class Sent:
    key: str  # the event's cursor
    at_ns: int  # commit time
    shipment: int  # index into the seeded shipments


@dataclass
class Paced:
    sent: list[Sent] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return len(self.sent) / self.seconds if self.seconds else 0.0


async def paced(
    emit: Callable[[int], Awaitable[tuple[str, int]]],
    shipments: int,
    rate: float,
    seconds: float,
    stop: asyncio.Event | None = None,
    in_flight: int = 64,
) -> Paced:
    """Calls `emit(shipment)` `rate` times a second on random shipments, each on its schedule
    (a slow write does not delay the next), for `seconds` or until `stop` is set."""
    result = Paced()
    chooser = random.Random(8)
    gate = asyncio.Semaphore(in_flight)
    tasks: set[asyncio.Task[None]] = set()

    async def one(shipment: int) -> None:
        try:
            key, at = await emit(shipment)
            result.sent.append(Sent(key, at, shipment))
        except Exception as error:
            result.failed.append(f"{type(error).__name__}: {error}"[:200])
        finally:
            gate.release()

    started = time.monotonic()
    beat = 0
    while (due := started + beat / rate) < started + seconds:
        if stop is not None and stop.is_set():
            break
        await asyncio.sleep(max(0.0, due - time.monotonic()))
        await gate.acquire()
        task = asyncio.create_task(one(chooser.randrange(shipments)))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        beat += 1
    await asyncio.gather(*tasks)
    result.seconds = time.monotonic() - started
    return result


@dataclass
class Delivery:
    latency: dict[str, float]
    lost: int
    duplicated: int
    expected: int
    received: int


def check(
    receipts: list[tuple[int, Any, int]],
    sent: list[Sent],
    shipment_of: Callable[[int], int],
    slots: int,
    since_ns: list[int] | None = None,
) -> Delivery:
    """Lost and duplicated events per subscriber (slot), by cursor, and the latencies of the
    first receipt of each. A slot expects every event sent on its shipment (after `since_ns`)."""
    by_key = {event.key: event for event in sent}
    expected: list[set[str]] = [set() for _ in range(slots)]
    listeners: dict[int, list[int]] = {}
    for slot in range(slots):
        listeners.setdefault(shipment_of(slot), []).append(slot)
    for event in sent:
        for slot in listeners.get(event.shipment, ()):
            if since_ns is None or event.at_ns > since_ns[slot]:
                expected[slot].add(event.key)
    seen: list[set[str]] = [set() for _ in range(slots)]
    latencies = []
    duplicated = 0
    for slot, key, received_ns in receipts:
        if key not in by_key:
            continue  # warm-up, or before the slot was expected to listen
        if key in seen[slot]:
            duplicated += 1
            continue
        seen[slot].add(key)
        latencies.append(received_ns - by_key[key].at_ns)
    lost = sum(len(expected[slot] - seen[slot]) for slot in range(slots))
    return Delivery(
        summary_ms(latencies), lost, duplicated, sum(map(len, expected)), len(latencies)
    )


def add_delivery(
    outcome: Outcome,
    label: str,
    delivery: Delivery,
    sent: Paced,
    cpu: float,
    collections: str,
    p99_ms: float,
    p50_ms: float | None = None,
) -> None:
    """The figures of a paced run (spread, hot, feed), with their latency targets."""
    outcome.add("Cargolive", label, "events written/s", sent.rate)
    outcome.add("Cargolive", label, "deliveries", delivery.received)
    p50 = delivery.latency["p50"]
    if p50_ms is None:
        outcome.add("Cargolive", label, "latency p50", p50, "ms")
    else:
        outcome.add(
            "Cargolive", label, "latency p50", p50, "ms", f"≤ {p50_ms:.0f} ms", p50 <= p50_ms
        )
    p99 = delivery.latency["p99"]
    outcome.add("Cargolive", label, "latency p99", p99, "ms", f"≤ {p99_ms:.0f} ms", p99 <= p99_ms)
    outcome.add("Cargolive", label, "latency max", delivery.latency["max"], "ms")
    outcome.add("Cargolive", label, "lost", delivery.lost, "", "0", delivery.lost == 0)
    outcome.add(
        "Cargolive", label, "duplicated", delivery.duplicated, "", "0", delivery.duplicated == 0
    )
    outcome.add("Cargolive", label, "server CPU busy", cpu * 100, "%")
    outcome.add("Cargolive", label, "full GC collections", collections)
    if sent.failed:
        outcome.notes.append(f"{label}: {len(sent.failed)} writes failed, e.g. {sent.failed[0]}")
