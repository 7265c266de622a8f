"""Reads of organizations and users, always through their visibility."""

from __future__ import annotations

from models.accounts.tables import Organization, User
from models.viewer import Viewer
from resolvers.accounts.access import visible_organizations, visible_users


async def organization(viewer: Viewer, key: int) -> Organization | None:
    return await visible_organizations(viewer).get_or_none(id=key)


async def user(viewer: Viewer, key: int) -> User | None:
    return await visible_users(viewer).get_or_none(id=key)
