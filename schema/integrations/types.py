"""organizationEvents: the feed of a DEALER or CARRIER organization, as pages of the log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import strawberry

from models.accounts.tables import User as UserRow
from models.integrations import tables
from models.integrations.tables import ApiScope as ApiScopeEnum
from models.integrations.tables import EventType
from models.services.rules import REQUEST_TYPES
from models.viewer import Viewer
from resolvers.integrations import access, apikeys, reads
from resolvers.integrations import reads as feed
from resolvers.integrations.reads import FeedEvent, FeedPage
from schema.accounts.types import User
from schema.base import Node, PageInfo, UserError, run_payload
from schema.claims.types import InsuranceClaim
from schema.context import Info
from schema.disputes.types import Dispute
from schema.documents.types import Document
from schema.ids import decode_id, to_global_id
from schema.node import node_fetcher
from schema.services.types import present
from schema.shipments.containers import Container
from schema.shipments.types import Shipment
from schema.support.types import SupportThread

ApiScope = ApiScopeEnum
strawberry.enum(
    ApiScope,
    name="ApiScope",
    description="What an API key may do. READ: every query and subscription its "
    "organization's users may make. WRITE: also the mutations its organization's DEALER (or "
    "CARRIER) users may make (WRITE implies READ). WEBHOOKS: manage the organization's "
    "webhook endpoints.",
)


@strawberry.type(
    description="A credential for a machine (a dealer's ERP, a carrier's telematics): sent as "
    "`Authorization: Bearer <secret>` over HTTP and in connection_init, like a login token. "
    "It acts as its organization, through a user of its own, within its scopes."
)
class ApiKey(Node):
    name: str
    prefix: str = strawberry.field(
        description="The first characters of the secret, to tell keys apart; the secret "
        "itself is shown once"
    )
    scopes: list[ApiScope]
    created_at: dt.datetime
    last_used_at: dt.datetime | None = strawberry.field(
        description="Written in batches: up to a minute behind the key's latest request"
    )
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None
    _row: strawberry.Private[tables.ApiKey]

    @classmethod
    def from_model(cls, row: tables.ApiKey) -> ApiKey:
        return cls(
            id=strawberry.ID(to_global_id("ApiKey", row.pk)),
            name=row.name,
            prefix=row.prefix,
            scopes=[ApiScope(scope) for scope in row.scopes],
            created_at=row.created_at,
            last_used_at=row.last_used_at,
            expires_at=row.expires_at,
            revoked_at=row.revoked_at,
            _row=row,
        )

    @strawberry.field(description="Who created it (null when made on the command line)")
    async def created_by(self, info: Info) -> User | None:
        if self._row.created_by_id is None:
            return None
        row = await info.context.loaders.load(UserRow, self._row.created_by_id)
        return User.from_model(row) if row else None


@strawberry.input
class CreateApiKeyInput:
    name: str
    scopes: list[ApiScope]
    expires_at: dt.datetime | None = None
    organization_id: strawberry.ID | None = strawberry.field(
        default=None, description="ADMIN only: the DEALER or CARRIER organization of the key"
    )


@strawberry.type
class ApiKeyPayload:
    api_key: ApiKey | None = None
    secret: str | None = strawberry.field(
        default=None,
        description="The whole secret: in the answer to createApiKey only, never again",
    )
    errors: list[UserError]


def _organization_id(value: strawberry.ID | None, field: list[str | int]) -> int | None:
    return None if value is None else decode_id(value, "Organization", field)


@node_fetcher("ApiKey")
async def _api_key_node(info: Info, key: int) -> ApiKey | None:
    row = await access.api_key_node(info.context.viewer, key)
    return ApiKey.from_model(row) if row else None


@strawberry.type
class IntegrationsQuery:
    @strawberry.field(
        description="The viewer organization's keys, newest first (a DEALER or CARRIER user, "
        "or ADMIN naming the organization)"
    )
    async def api_keys(
        self, info: Info, organization_id: strawberry.ID | None = None
    ) -> list[ApiKey]:
        rows = await reads.api_keys(
            viewer=info.context.viewer,
            organization_id=_organization_id(organization_id, ["organizationId"]),
        )
        return [ApiKey.from_model(row) for row in rows]


@strawberry.type
class IntegrationsMutation:
    @strawberry.mutation(
        description="A new key; its secret is in this answer only. At most 20 live keys each."
    )
    async def create_api_key(self, info: Info, input: CreateApiKeyInput) -> ApiKeyPayload:
        async def action() -> dict[str, object]:
            settings = info.context.settings
            row, secret = await apikeys.create_api_key(
                viewer=info.context.viewer,
                name=input.name,
                scopes=input.scopes,
                expires_at=input.expires_at,
                organization_id=_organization_id(
                    input.organization_id, ["input", "organizationId"]
                ),
                live=settings.production,
                pepper=settings.api_key_pepper,
            )
            return {"api_key": ApiKey.from_model(row), "secret": secret}

        return await run_payload(ApiKeyPayload, action)

    @strawberry.mutation(
        description="Revoked at once: every request with it fails and its sockets close (4403)"
    )
    async def revoke_api_key(self, info: Info, id: strawberry.ID) -> ApiKeyPayload:
        async def action() -> dict[str, object]:
            row = await apikeys.revoke_api_key(
                viewer=info.context.viewer, key_id=decode_id(id, "ApiKey", ["id"])
            )
            return {"api_key": ApiKey.from_model(row)}

        return await run_payload(ApiKeyPayload, action)


strawberry.enum(
    EventType,
    name="EventType",
    description="The kinds of change an organization's systems can follow; the `data` of each "
    "is written down in docs/events/<TYPE>.v1.json",
)

SUBJECT_TYPES: dict[str, Callable[[Any], Any]] = {
    "Shipment": Shipment.from_model,
    "Container": Container.from_model,
    "Dispute": Dispute.from_model,
    "SupportThread": SupportThread.from_model,
    "Document": Document.from_model,
    "InsuranceClaim": InsuranceClaim.from_model,
    **dict.fromkeys(REQUEST_TYPES, present),
}


def _subject_loader(info: Info, viewer: Viewer) -> Any:
    async def batch(refs: Sequence[tuple[str, int]]) -> list[Any]:
        rows = await access.subjects(viewer, refs)
        return [
            None if row is None else SUBJECT_TYPES[ref[0]](row)
            for ref, row in zip(refs, rows, strict=True)
        ]

    return info.context.loaders.get("feed_subjects", batch)


@strawberry.type(
    description="One change that concerns the viewer's organization, in event-log order. Its "
    "cursor resumes the organizationEvents query and subscription."
)
class OrganizationEvent:
    cursor: str
    type: EventType
    occurred_at: dt.datetime = strawberry.field(
        description="When the change was recorded (a tracking event's own time is in `data`)"
    )
    data: str = strawberry.field(
        description="The JSON object of this type's schema (docs/events/), as a webhook "
        "delivery of this event carries it in its body's `data`"
    )
    subject_ref: strawberry.Private[tuple[str, int]]

    @strawberry.field(
        description="The object the change is about (Shipment, Container, Dispute, "
        "SupportThread); null when the viewer may no longer see it"
    )
    async def subject(self, info: Info) -> Node | None:
        viewer = info.context.require_viewer()
        return await _subject_loader(info, viewer).load(self.subject_ref)

    @classmethod
    def from_feed(cls, event: FeedEvent) -> OrganizationEvent:
        return cls(
            cursor=event.cursor,
            type=event.type,
            occurred_at=event.occurred_at,
            data=event.data_json,
            subject_ref=event.subject,
        )


@strawberry.type
class OrganizationEventEdge:
    node: OrganizationEvent
    cursor: str


@strawberry.type
class OrganizationEventConnection:
    edges: list[OrganizationEventEdge]
    page_info: PageInfo

    @classmethod
    def from_page(cls, page: FeedPage, after: str | None) -> OrganizationEventConnection:
        cursors = [event.cursor for event in page.events]
        return cls(
            edges=[
                OrganizationEventEdge(node=OrganizationEvent.from_feed(event), cursor=event.cursor)
                for event in page.events
            ],
            page_info=PageInfo(
                has_next_page=page.has_next,
                has_previous_page=after is not None,
                start_cursor=cursors[0] if cursors else None,
                end_cursor=cursors[-1] if cursors else None,
            ),
        )


@strawberry.type
class FeedQuery:
    @strawberry.field(
        description="Every change that concerns the viewer's organization after the cursor, "
        "oldest first (a DEALER or CARRIER organization's user or key). A cursor older than "
        "the log keeps events is CURSOR_EXPIRED."
    )
    async def organization_events(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        types: list[EventType] | None = None,
    ) -> OrganizationEventConnection:
        page = await feed.page(
            info.context.require_viewer(),
            first=first,
            after=after,
            types=types,
            window=info.context.settings.event_retention,
        )
        return OrganizationEventConnection.from_page(page, after)
