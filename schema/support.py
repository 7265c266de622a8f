"""Support desk types."""

from __future__ import annotations

import strawberry

from schema.accounts import User
from schema.base import Node


@strawberry.type
class SupportGroup(Node):
    name: str
    members: list[User]
