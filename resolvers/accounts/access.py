"""Who sees which organizations and users: staff all of them, anyone else their own; and who
sees a customer's standing."""

from __future__ import annotations

from tortoise.queryset import QuerySet

from models.accounts.tables import Organization, User
from models.enums import OrganizationKind
from models.viewer import Viewer


def visible_organizations(viewer: Viewer) -> QuerySet[Organization]:
    if viewer.is_staff:
        return Organization.all()
    return Organization.filter(id=viewer.organization_id)


def sees_internals(viewer: Viewer | None, organization: Organization) -> bool:
    """A customer's standing (penalty points, cancellation rate, block, account manager, support
    group) is for its own members and the staff: a carrier looking at an offer or a shipment
    it carries sees the customer's name, not its contacts or record (DOMAIN.md)."""
    if organization.kind is not OrganizationKind.DEALER:
        return True
    return viewer is not None and (viewer.is_staff or viewer.organization_id == organization.id)


def visible_users(viewer: Viewer) -> QuerySet[User]:
    if viewer.is_staff:
        return User.all()
    return User.filter(organization_id=viewer.organization_id)
