"""Lists of integrations: webhook endpoints, their deliveries, report subscriptions."""

from __future__ import annotations

from models.integrations.tables import EndpointKind, WebhookDelivery, WebhookEndpoint
from models.viewer import Viewer
from resolvers.access import signed_in
from resolvers.integrations.access import visible_subscriptions
from resolvers.pagination import Page, keyset_page


async def list_endpoints(*, viewer: Viewer | None) -> list[WebhookEndpoint]:
    viewer = signed_in(viewer)
    return list(
        await WebhookEndpoint.filter(
            organization_id=viewer.organization_id, kind=EndpointKind.WEBHOOK
        ).order_by("id")
    )


async def list_subscriptions(*, viewer: Viewer | None) -> list[WebhookEndpoint]:
    viewer = signed_in(viewer)
    return list(await visible_subscriptions(viewer).order_by("id"))


async def deliveries(
    *, viewer: Viewer | None, endpoint: WebhookEndpoint, first: int | None, after: str | None
) -> Page[WebhookDelivery]:
    signed_in(viewer)
    return await keyset_page(
        WebhookDelivery.filter(endpoint_id=endpoint.id), first=first, after=after
    )
