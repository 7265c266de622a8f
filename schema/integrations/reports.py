"""E-mail status reports: subscriptions of an address to one shipment or all of an organization's,
per milestone or as a daily digest."""

from __future__ import annotations

import datetime as dt

import strawberry

from models.integrations import tables
from models.integrations.tables import ReportCadence as ReportCadenceEnum
from resolvers.integrations import reads, reports
from resolvers.shipments import reads as relations
from schema.base import Node, UserError, run_payload
from schema.context import Info
from schema.ids import decode_id, to_global_id
from schema.shipments.types import Shipment

ReportCadence = ReportCadenceEnum
strawberry.enum(
    ReportCadence,
    name="ReportCadence",
    description="MILESTONE: a mail per milestone; DAILY_DIGEST: one a day at a local hour",
)
SUBSCRIPTION = "StatusReportSubscription"


@strawberry.type(description="An e-mail address that receives status reports")
class StatusReportSubscription(Node):
    email: str
    cadence: ReportCadence
    digest_hour: int | None = strawberry.field(description="Local hour of the daily digest")
    timezone: str
    created_at: dt.datetime
    _row: strawberry.Private[tables.WebhookEndpoint]

    @classmethod
    def from_model(cls, row: tables.WebhookEndpoint) -> StatusReportSubscription:
        assert row.email is not None and row.cadence is not None  # an EMAIL endpoint's
        return cls(
            id=strawberry.ID(to_global_id(SUBSCRIPTION, row.pk)),
            email=row.email,
            cadence=row.cadence,
            digest_hour=row.digest_hour,
            timezone=row.timezone or "UTC",
            created_at=row.created_at,
            _row=row,
        )

    @strawberry.field(description="The one shipment reported on; null: all the organization's")
    async def shipment(self, info: Info) -> Shipment | None:
        if self._row.shipment_id is None:
            return None
        loader = relations.visible_shipment(info.context.loaders, info.context.require_viewer())
        row = await loader.load(self._row.shipment_id)
        return Shipment.from_model(row) if row else None


@strawberry.input
class SubscribeStatusReportsInput:
    email: str
    cadence: ReportCadence
    shipment_id: strawberry.ID | None = strawberry.field(
        default=None, description="One shipment; leave out for all the organization's"
    )
    organization_id: strawberry.ID | None = strawberry.field(
        default=None, description="For an account manager: the dealer organization it serves"
    )
    digest_hour: int | None = None
    timezone: str | None = strawberry.field(default=None, description="IANA zone; UTC if left out")


@strawberry.type
class StatusReportSubscriptionPayload:
    subscription: StatusReportSubscription | None = None
    errors: list[UserError]


def _optional_id(value: strawberry.ID | None, type_name: str, field: str) -> int | None:
    return None if value is None else decode_id(value, type_name, ["input", field])


@strawberry.type
class ReportsQuery:
    @strawberry.field(description="The report subscriptions of the viewer's organization")
    async def status_report_subscriptions(self, info: Info) -> list[StatusReportSubscription]:
        rows = await reads.list_subscriptions(viewer=info.context.viewer)
        return [StatusReportSubscription.from_model(row) for row in rows]


@strawberry.type
class ReportsMutation:
    @strawberry.mutation
    async def subscribe_status_reports(
        self, info: Info, input: SubscribeStatusReportsInput
    ) -> StatusReportSubscriptionPayload:
        async def action() -> dict:
            row = await reports.subscribe(
                viewer=info.context.viewer,
                email=input.email,
                cadence=input.cadence,
                organization_id=_optional_id(
                    input.organization_id, "Organization", "organizationId"
                ),
                shipment_id=_optional_id(input.shipment_id, "Shipment", "shipmentId"),
                digest_hour=input.digest_hour,
                timezone=input.timezone,
            )
            return {"subscription": StatusReportSubscription.from_model(row)}

        return await run_payload(StatusReportSubscriptionPayload, action)

    @strawberry.mutation
    async def unsubscribe_status_reports(
        self, info: Info, id: strawberry.ID
    ) -> StatusReportSubscriptionPayload:
        async def action() -> dict:
            row = await reports.unsubscribe(
                viewer=info.context.viewer, subscription_id=decode_id(id, SUBSCRIPTION, ["id"])
            )
            return {"subscription": StatusReportSubscription.from_model(row)}

        return await run_payload(StatusReportSubscriptionPayload, action)
