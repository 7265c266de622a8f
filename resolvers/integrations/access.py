"""Who may see what of integrations: an organization's webhook endpoints are its own; report
subscriptions are seen by the organization, its account manager and admins; the organization
feed is read by DEALER and CARRIER organizations, and its events' subjects are shown as each
domain's visibility allows now. Anything else answers NOT_FOUND, exactly like what does not
exist."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from tortoise.queryset import QuerySet

from models.accounts.tables import Organization
from models.enums import OrganizationKind, Role
from models.integrations.tables import ApiKey, EndpointKind, WebhookEndpoint
from models.services.rules import REQUEST_TYPES
from models.support.tables import DealerDesk
from models.viewer import Viewer
from resolvers.access import signed_in
from resolvers.claims.access import visible_claims
from resolvers.disputes.access import visible_disputes
from resolvers.documents.access import visible_documents
from resolvers.errors import forbidden, invalid, not_found
from resolvers.services.access import visible_requests
from resolvers.shipments.access import visible_containers, visible_shipments
from resolvers.support.access import visible_threads


async def own_endpoint(viewer: Viewer, endpoint_id: int, field: str = "id") -> WebhookEndpoint:
    endpoint = await WebhookEndpoint.get_or_none(
        id=endpoint_id, organization_id=viewer.organization_id, kind=EndpointKind.WEBHOOK
    )
    if endpoint is None:
        raise not_found([field], "webhook endpoint")
    return endpoint


def visible_subscriptions(viewer: Viewer) -> QuerySet[WebhookEndpoint]:
    subscriptions = WebhookEndpoint.filter(kind=EndpointKind.EMAIL)
    if viewer.is_admin:
        return subscriptions
    if viewer.role is Role.ACCOUNT_MANAGER:
        managed = DealerDesk.filter(account_manager_id=viewer.user_id).values("organization_id")
        return subscriptions.filter(organization_id__in=managed)
    return subscriptions.filter(organization_id=viewer.organization_id)


ROLE_OF_KIND = {OrganizationKind.DEALER: Role.DEALER, OrganizationKind.CARRIER: Role.CARRIER}


def key_manager(viewer: Viewer | None) -> Viewer:
    """A person (never a key) who is a DEALER or CARRIER user, or ADMIN."""
    viewer = signed_in(viewer)
    if viewer.is_api_key:
        raise forbidden("an API key cannot manage API keys: sign in as a person")
    if not viewer.has_role(Role.DEALER, Role.CARRIER):
        raise forbidden("only an organization's DEALER or CARRIER users, and ADMIN, manage keys")
    return viewer


async def organization_of(viewer: Viewer, organization_id: int | None, field: list[str]) -> int:
    """The organization whose keys are meant: one's own, or for ADMIN the one named."""
    if not viewer.is_admin:
        if organization_id not in (None, viewer.organization_id):
            raise not_found(field, "organization")
        return viewer.organization_id
    if organization_id is None:
        raise invalid(field, "ADMIN must name the organization whose keys are meant")
    organization = await Organization.get_or_none(id=organization_id)
    if organization is None:
        raise not_found(field, "organization")
    if organization.kind not in ROLE_OF_KIND:
        raise invalid(field, "API keys are for DEALER and CARRIER organizations only")
    return organization.id


async def find_api_key(viewer: Viewer, key_id: int) -> ApiKey | None:
    """The key, when `viewer` may manage it; None otherwise, as if it did not exist."""
    key = await ApiKey.get_or_none(id=key_id)
    if key is None or not (viewer.is_admin or key.organization_id == viewer.organization_id):
        return None
    return key


async def api_key_node(viewer: Viewer | None, key_id: int) -> ApiKey | None:
    """`node(id)` of an ApiKey: null for anyone who may not manage it (a key included)."""
    if viewer is None or viewer.is_api_key or not viewer.has_role(Role.DEALER, Role.CARRIER):
        return None
    return await find_api_key(viewer, key_id)


def feed_organization(viewer: Viewer) -> int:
    """The organization whose feed the viewer reads: its own, when a DEALER or CARRIER one."""
    if not (viewer.is_dealer or viewer.is_carrier):
        raise forbidden("the organization feed is for DEALER and CARRIER organizations")
    return viewer.organization_id


VISIBLE: dict[str, Callable[[Viewer], QuerySet[Any]]] = {
    "Shipment": visible_shipments,
    "Container": visible_containers,
    "Dispute": visible_disputes,
    "SupportThread": visible_threads,
    "Document": visible_documents,
    "InsuranceClaim": visible_claims,
    **dict.fromkeys(REQUEST_TYPES, visible_requests),
}


async def subjects(viewer: Viewer, refs: Sequence[tuple[str, int]]) -> list[Any]:
    """The subjects of feed events as the viewer may see them now (None where it may not), one
    query per type."""
    keys: dict[str, set[int]] = {}
    for type_name, key in refs:
        keys.setdefault(type_name, set()).add(key)
    found: dict[tuple[str, int], Any] = {}
    for type_name, wanted in keys.items():
        visible = VISIBLE.get(type_name)
        if visible is not None:
            for row in await visible(viewer).filter(id__in=sorted(wanted)):
                found[(type_name, row.id)] = row
    return [found.get(ref) for ref in refs]
