"""Webhook endpoints: the organization's URLs that receive its events, signed, in order."""

from __future__ import annotations

import datetime as dt

import strawberry

from models.integrations import tables
from models.integrations.tables import DeliveryStatus as DeliveryStatusEnum
from resolvers.integrations import reads, webhooks
from resolvers.integrations.cursor import Position
from schema.base import Node, PageInfo, UserError, page_info, run_payload
from schema.context import Info
from schema.ids import decode_id, to_global_id
from schema.integrations.types import EventType
from schema.node import node_fetcher

DeliveryStatus = DeliveryStatusEnum
strawberry.enum(DeliveryStatus, name="DeliveryStatus")
ENDPOINT = "WebhookEndpoint"


def _event_type(name: str) -> EventType | None:
    return EventType.__members__.get(name)


@strawberry.type
class WebhookDelivery(Node):
    event_cursor: str = strawberry.field(
        description="The event's cursor in organizationEvents (replayWebhookEvents takes it)"
    )
    event_type: EventType
    status: DeliveryStatus
    attempts: int
    last_attempt_at: dt.datetime | None
    next_attempt_at: dt.datetime | None
    response_status: int | None = strawberry.field(
        description="HTTP status of the last attempt; null when it got no answer"
    )

    @classmethod
    def from_model(cls, row: tables.WebhookDelivery) -> WebhookDelivery:
        return cls(
            id=strawberry.ID(to_global_id("WebhookDelivery", row.pk)),
            event_cursor=Position(row.seq, row.part).cursor,
            event_type=EventType[row.event_type],
            status=row.status,
            attempts=row.attempts,
            last_attempt_at=row.last_attempt_at,
            next_attempt_at=row.next_attempt_at,
            response_status=row.response_status,
        )


@strawberry.type
class WebhookDeliveryEdge:
    node: WebhookDelivery
    cursor: str


@strawberry.type
class WebhookDeliveryConnection:
    edges: list[WebhookDeliveryEdge]
    page_info: PageInfo


@strawberry.type(
    description="An HTTPS (or, in development, HTTP) URL that receives the organization's "
    "events, signed by the Standard Webhooks scheme (webhook-id, webhook-timestamp, "
    "webhook-signature)."
)
class WebhookEndpoint(Node):
    url: str
    event_types: list[EventType] = strawberry.field(description="Empty: every type")
    enabled: bool
    disabled_reason: str | None = strawberry.field(
        description="Why it was disabled, when the platform disabled it after failing for too long"
    )
    created_at: dt.datetime
    _row: strawberry.Private[tables.WebhookEndpoint]

    @classmethod
    def from_model(cls, row: tables.WebhookEndpoint) -> WebhookEndpoint:
        return cls(
            id=strawberry.ID(to_global_id(ENDPOINT, row.pk)),
            url=row.url,
            event_types=[t for t in map(_event_type, row.event_types) if t is not None],
            enabled=row.enabled,
            disabled_reason=row.disabled_reason,
            created_at=row.created_at,
            _row=row,
        )

    @strawberry.field
    async def deliveries(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> WebhookDeliveryConnection:
        page = await reads.deliveries(
            viewer=info.context.viewer, endpoint=self._row, first=first, after=after
        )
        return WebhookDeliveryConnection(
            edges=[
                WebhookDeliveryEdge(node=WebhookDelivery.from_model(row), cursor=page.cursor(row))
                for row in page.items
            ],
            page_info=page_info(page),
        )


@node_fetcher(ENDPOINT)
async def endpoint_node(info: Info, key: int) -> WebhookEndpoint | None:
    viewer = info.context.viewer
    if viewer is None:
        return None
    rows = [row for row in await reads.list_endpoints(viewer=viewer) if row.id == key]
    return WebhookEndpoint.from_model(rows[0]) if rows else None


@strawberry.input
class CreateWebhookEndpointInput:
    url: str
    event_types: list[EventType] | None = None


@strawberry.input
class UpdateWebhookEndpointInput:
    url: str | None = None
    event_types: list[EventType] | None = None
    enabled: bool | None = None


@strawberry.type
class WebhookEndpointPayload:
    endpoint: WebhookEndpoint | None = None
    secret: str | None = strawberry.field(
        default=None,
        description="The signing secret (whsec_…): in the answers to create and rotate only",
    )
    errors: list[UserError]


def _names(types: list[EventType] | None) -> list[str] | None:
    return None if types is None else [t.value for t in types]


def _production(info: Info) -> bool:
    return bool(info.context.settings.production)


@strawberry.type
class WebhooksQuery:
    @strawberry.field
    async def webhook_endpoints(self, info: Info) -> list[WebhookEndpoint]:
        rows = await reads.list_endpoints(viewer=info.context.viewer)
        return [WebhookEndpoint.from_model(row) for row in rows]


@strawberry.type
class WebhooksMutation:
    @strawberry.mutation
    async def create_webhook_endpoint(
        self, info: Info, input: CreateWebhookEndpointInput
    ) -> WebhookEndpointPayload:
        async def action() -> dict:
            row, secret = await webhooks.create_endpoint(
                viewer=info.context.viewer,
                url=input.url,
                event_types=_names(input.event_types),
                production=_production(info),
            )
            return {"endpoint": WebhookEndpoint.from_model(row), "secret": secret}

        return await run_payload(WebhookEndpointPayload, action)

    @strawberry.mutation
    async def update_webhook_endpoint(
        self, info: Info, id: strawberry.ID, input: UpdateWebhookEndpointInput
    ) -> WebhookEndpointPayload:
        async def action() -> dict:
            row = await webhooks.update_endpoint(
                viewer=info.context.viewer,
                endpoint_id=decode_id(id, ENDPOINT, ["id"]),
                url=input.url,
                event_types=_names(input.event_types),
                enabled=input.enabled,
                production=_production(info),
            )
            return {"endpoint": WebhookEndpoint.from_model(row)}

        return await run_payload(WebhookEndpointPayload, action)

    @strawberry.mutation
    async def delete_webhook_endpoint(
        self, info: Info, id: strawberry.ID
    ) -> WebhookEndpointPayload:
        async def action() -> dict:
            row = await webhooks.delete_endpoint(
                viewer=info.context.viewer, endpoint_id=decode_id(id, ENDPOINT, ["id"])
            )
            return {"endpoint": WebhookEndpoint.from_model(row)}

        return await run_payload(WebhookEndpointPayload, action)

    @strawberry.mutation
    async def rotate_webhook_secret(self, info: Info, id: strawberry.ID) -> WebhookEndpointPayload:
        async def action() -> dict:
            row, secret = await webhooks.rotate_secret(
                viewer=info.context.viewer, endpoint_id=decode_id(id, ENDPOINT, ["id"])
            )
            return {"endpoint": WebhookEndpoint.from_model(row), "secret": secret}

        return await run_payload(WebhookEndpointPayload, action)

    @strawberry.mutation(
        description="Deliver again every event after the cursor to this endpoint, in order"
    )
    async def replay_webhook_events(
        self, info: Info, endpoint_id: strawberry.ID, after: str
    ) -> WebhookEndpointPayload:
        async def action() -> dict:
            row = await webhooks.replay(
                viewer=info.context.viewer,
                endpoint_id=decode_id(endpoint_id, ENDPOINT, ["endpointId"]),
                after=after,
            )
            return {"endpoint": WebhookEndpoint.from_model(row)}

        return await run_payload(WebhookEndpointPayload, action)
