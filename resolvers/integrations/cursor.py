"""A position in an organization's feed: a log row's seq, and an event of that row."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import ClassVar

from resolvers.errors import invalid


@dataclass(frozen=True, slots=True, order=True)
class Position:
    """Just after the event `part` of the log row `seq` (part -1: before the row's first)."""

    seq: int
    part: int = -1
    LAST: ClassVar[int] = 2**31 - 1  # after every event of the row

    @property
    def cursor(self) -> str:
        return base64.urlsafe_b64encode(f"f:{self.seq}:{self.part}".encode()).decode().rstrip("=")

    @classmethod
    def parse(cls, cursor: str, field: str = "after") -> Position:
        try:
            text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
            prefix, seq, part = text.split(":")
            if prefix != "f" or int(seq) < 0 or int(part) < 0:
                raise ValueError(text)
            return cls(int(seq), int(part))
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise invalid([field], "is not a cursor of organizationEvents") from None
