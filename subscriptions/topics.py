"""Topics: what an event is about (`shipment:12`, `container:3`, `staff`), typed.

A topic is a family and, for the families of one object, its key. It is stored in the event
log and names its bus channel as its text; code passes `Topic` values and never parses text.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Topic:
    family: str
    key: int | None = None

    @property
    def name(self) -> str:
        """The topic as stored in the event log and named on the bus."""
        return self.family if self.key is None else f"{self.family}:{self.key}"

    def __str__(self) -> str:
        return self.name
