"""Who sees which organizations and users: staff all of them, anyone else their own."""

from __future__ import annotations

from tortoise.queryset import QuerySet

from models.accounts.tables import Organization, User
from models.viewer import Viewer


def visible_organizations(viewer: Viewer) -> QuerySet[Organization]:
    if viewer.is_staff:
        return Organization.all()
    return Organization.filter(id=viewer.organization_id)


def visible_users(viewer: Viewer) -> QuerySet[User]:
    if viewer.is_staff:
        return User.all()
    return User.filter(organization_id=viewer.organization_id)
