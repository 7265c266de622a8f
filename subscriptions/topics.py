"""Topics: what an event is about (`shipment:12`, `container:3`, `staff`), typed.

A topic is a family and, for the families of one object, its key, and optionally a part of
that object's events (`shipment:12:customs_broker`: those one staff role may see). It is
stored in the event log and names its bus channel as its text; code passes `Topic` values and
never parses text.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Topic:
    family: str
    key: int | None = None
    part: str | None = None

    @property
    def name(self) -> str:
        """The topic as stored in the event log and named on the bus."""
        parts = (self.family, self.key, self.part)
        return ":".join(str(part) for part in parts if part is not None)

    def narrowed(self, part: str) -> Topic:
        """The same object's topic for the events of one part only."""
        return Topic(self.family, self.key, part)

    def __str__(self) -> str:
        return self.name
