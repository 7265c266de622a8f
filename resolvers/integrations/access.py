"""Who may see what of integrations: an organization's webhook endpoints are its own; report
subscriptions are seen by the organization, its account manager and admins. Anything else
answers NOT_FOUND, exactly like what does not exist."""

from __future__ import annotations

from tortoise.queryset import QuerySet

from models.enums import Role
from models.integrations.tables import EndpointKind, WebhookEndpoint
from models.support.tables import DealerDesk
from models.viewer import Viewer
from resolvers.errors import not_found


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
