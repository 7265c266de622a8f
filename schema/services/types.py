"""The shape every service request shares (the `ServiceRequest` interface), the one
`serviceRequests` queue over all kinds, and what ADMIN sets: service levels and credit limits.
Each kind's own type, connection and mutations are in its module (payments.py, ...)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from models import clock
from models.accounts.tables import Organization as OrganizationRow
from models.calendar import Coverage
from models.services import rules, tables
from models.shipments.tables import Shipment as ShipmentRow
from models.support.sla import SlaTimerStatus
from resolvers.errors import invalid
from resolvers.services import credit, levels, reads, requests
from resolvers.support.reads import visible_thread
from resolvers.support.sla import desk_coverage
from schema.accounts.types import Organization, User
from schema.base import Money, MoneyInput, Node, PageInfo, UserError, edges, page_info, run_payload
from schema.context import Context, Info
from schema.convert import amount, money
from schema.documents.types import user_of
from schema.ids import decode_id, parse_global_id, to_global_id

if TYPE_CHECKING:
    from schema.shipments.types import Shipment
    from schema.support.types import SupportThread

ServiceKind = rules.ServiceKind
strawberry.enum(ServiceKind, name="ServiceKind")
ServiceRequestStatus = rules.RequestStatus
strawberry.enum(
    ServiceRequestStatus,
    name="ServiceRequestStatus",
    description="One status enum for every kind; each kind uses the part its lifecycle names",
)


def coverage(context: Context) -> Coverage:
    return desk_coverage(context.settings.zone, context.settings.holidays)


@strawberry.type(description="One step of a request: who moved it, when, to which status, why")
class ServiceRequestChange:
    previous_status: ServiceRequestStatus | None
    status: ServiceRequestStatus
    note: str | None
    occurred_at: dt.datetime
    _row: strawberry.Private[tables.ServiceRequestChange]

    @classmethod
    def from_model(cls, row: tables.ServiceRequestChange) -> ServiceRequestChange:
        return cls(
            previous_status=row.previous_status,
            status=row.status,
            note=row.note,
            occurred_at=row.occurred_at,
            _row=row,
        )

    @strawberry.field(description="Who made the step; null when the platform did (a rule)")
    async def by(self, info: Info) -> User | None:
        return await user_of(info, self._row.by_id)


@strawberry.type(
    description="The first staff action's target, on the desk's hours (30 minutes unless set)"
)
class RequestServiceLevel:
    due_at: dt.datetime
    first_action_at: dt.datetime | None
    status: SlaTimerStatus


def service_level(row: tables.ServiceRequest) -> RequestServiceLevel:
    acted = row.first_action_at
    if acted is not None:
        status = SlaTimerStatus.BREACHED if acted > row.due_at else SlaTimerStatus.MET
    else:
        late = clock.now() > row.due_at
        status = SlaTimerStatus.BREACHED if late else SlaTimerStatus.RUNNING
    return RequestServiceLevel(due_at=row.due_at, first_action_at=acted, status=status)


@strawberry.interface(description="What every kind of the desk's service requests shares")
class ServiceRequest(Node):
    kind: ServiceKind
    status: ServiceRequestStatus
    note: str | None = strawberry.field(description="The dealer's words, or the last reason")
    created_at: dt.datetime
    updated_at: dt.datetime
    closed_at: dt.datetime | None
    service_level: RequestServiceLevel
    _row: strawberry.Private[tables.ServiceRequest]

    @classmethod
    def shared(cls, row: tables.ServiceRequest) -> dict[str, Any]:
        return {
            "id": strawberry.ID(to_global_id(rules.TYPE_NAMES[row.kind], row.pk)),
            "kind": row.kind,
            "status": row.status,
            "note": row.note,
            "created_at": row.created_at,
            "updated_at": row.updated_at,
            "closed_at": row.closed_at,
            "service_level": service_level(row),
            "_row": row,
        }

    @strawberry.field
    async def dealer(self, info: Info) -> Organization:
        row = await info.context.loaders.load(OrganizationRow, self._row.dealer_id)
        assert row is not None  # RESTRICT on delete
        return Organization.from_model(row)

    @strawberry.field(description="Who opened it: the dealer's user or key, or staff for it")
    async def created_by(self, info: Info) -> User | None:
        return await user_of(info, self._row.created_by_id)

    @strawberry.field
    async def shipment(
        self, info: Info
    ) -> Annotated[Shipment, strawberry.lazy("schema.shipments.types")] | None:
        from schema.shipments.types import Shipment

        row = await info.context.loaders.load(ShipmentRow, self._row.shipment_id)
        return Shipment.from_model(row) if row else None

    @strawberry.field(description="The support thread it came from or is discussed in")
    async def thread(
        self, info: Info
    ) -> Annotated[SupportThread, strawberry.lazy("schema.support.types")] | None:
        from schema.support.types import SupportThread

        if self._row.thread_id is None:
            return None
        viewer = info.context.require_viewer()
        row = await visible_thread(info.context.loaders, viewer).load(self._row.thread_id)
        return SupportThread.from_model(row) if row else None

    @strawberry.field(description="Every step, oldest first")
    async def history(self, info: Info) -> list[ServiceRequestChange]:
        rows = await reads.changes_of(info.context.loaders).load(self._row.id)
        return [ServiceRequestChange.from_model(row) for row in rows]


PRESENTERS: dict[rules.ServiceKind, Callable[[tables.ServiceRequest], ServiceRequest]] = {}


def presents(kind: rules.ServiceKind) -> Callable[[type], type]:
    """Registers a kind's type: `present(row)` builds it from a row of that kind."""

    def register(cls: type) -> type:
        PRESENTERS[kind] = cls.from_model  # type: ignore[attr-defined]
        return cls

    return register


def present(row: tables.ServiceRequest) -> ServiceRequest:
    return PRESENTERS[row.kind](row)


def money_of(row: tables.ServiceRequest, value: Any) -> Money | None:
    return money(value, row.currency)


@strawberry.type
class ServiceRequestEdge:
    node: ServiceRequest
    cursor: str


@strawberry.type
class ServiceRequestConnection:
    edges: list[ServiceRequestEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type(description="A dealer's financial support programme limit and what is in use")
class CreditLine:
    limit: Money
    in_use: Money = strawberry.field(description="Payment requests APPROVED or PAID")
    available: Money
    updated_at: dt.datetime


async def credit_line_of(info: Info, dealer_id: int) -> CreditLine | None:
    row = await reads.credit_line_of(info.context.require_viewer(), dealer_id)
    if row is None:
        return None
    used = (await credit.in_use(dealer_id)).get(row.currency, Decimal(0))
    left = max(Decimal(row.limit_amount) - used, Decimal(0))
    limit, taken, rest = (money(x, row.currency) for x in (row.limit_amount, used, left))
    assert limit is not None and taken is not None and rest is not None
    return CreditLine(limit=limit, in_use=taken, available=rest, updated_at=row.updated_at)


@strawberry.type
class ServiceLevelTarget:
    kind: ServiceKind
    minutes: int


@strawberry.type
class CreditLinePayload:
    credit_line: CreditLine | None = None
    errors: list[UserError]


@strawberry.type
class ServiceLevelPayload:
    targets: list[ServiceLevelTarget] | None = None
    errors: list[UserError]


async def _targets() -> list[ServiceLevelTarget]:
    found = await levels.targets()
    return [
        ServiceLevelTarget(kind=k, minutes=int(t.total_seconds() // 60)) for k, t in found.items()
    ]


@strawberry.type
class ServicesQuery:
    @strawberry.field(
        description="Every kind's requests the viewer sees, the soonest due first: a dealer's "
        '"my requests", staff queues (filter by kind and status; open: not closed yet)'
    )
    async def service_requests(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        kind: list[ServiceKind] | None = None,
        status: list[ServiceRequestStatus] | None = None,
        open: bool = False,
    ) -> ServiceRequestConnection:
        page = await reads.request_page(
            info.context.require_viewer(),
            first=first,
            after=after,
            kinds=kind or (),
            statuses=status or (),
            open_only=open,
        )
        return ServiceRequestConnection(
            edges=edges(page, ServiceRequestEdge, present),
            page_info=page_info(page),
            total_count=page.total,
        )

    @strawberry.field(description="A dealer's credit line (a dealer: its own; null if none)")
    async def credit_line(
        self, info: Info, organization_id: strawberry.ID | None = None
    ) -> CreditLine | None:
        viewer = info.context.require_viewer()
        key = viewer.organization_id
        if organization_id is not None:
            key = decode_id(organization_id, "Organization", ["organizationId"])
        return await credit_line_of(info, key)

    @strawberry.field(description="Each kind's first-action target in desk minutes")
    async def service_levels(self, info: Info) -> list[ServiceLevelTarget]:
        info.context.require_viewer()
        return await _targets()


@strawberry.type
class ServicesMutation:
    @strawberry.mutation(description="ADMIN: a dealer's credit limit (never below what is in use)")
    async def set_credit_limit(
        self, info: Info, organization_id: strawberry.ID, limit: MoneyInput
    ) -> CreditLinePayload:
        async def action() -> dict[str, object]:
            key = decode_id(organization_id, "Organization", ["organizationId"])
            given = amount(limit)
            assert given is not None
            await credit.set_credit_limit(
                viewer=info.context.viewer, organization_id=key, limit=given
            )
            return {"credit_line": await credit_line_of(info, key)}

        return await run_payload(CreditLinePayload, action)

    @strawberry.mutation(description="ADMIN: a kind's first-action target, in desk minutes")
    async def set_service_level(
        self, info: Info, kind: ServiceKind, minutes: int
    ) -> ServiceLevelPayload:
        async def action() -> dict[str, object]:
            await levels.set_service_level(viewer=info.context.viewer, kind=kind, minutes=minutes)
            return {"targets": await _targets()}

        return await run_payload(ServiceLevelPayload, action)

    @strawberry.mutation(
        description="The dealer withdraws a request before staff acted on it (a bid order also "
        "once placed, until its auction starts)"
    )
    async def cancel_service_request(
        self, info: Info, request_id: strawberry.ID, note: str | None = None
    ) -> ServiceRequestPayload:
        async def action() -> dict[str, object]:
            kind, key = decode_request_id(request_id, ["requestId"])
            row = await requests.cancel_request(
                viewer=info.context.viewer, request_id=key, kind=kind, note=note
            )
            return {"request": present(row)}

        return await run_payload(ServiceRequestPayload, action)


@strawberry.type
class ServiceRequestPayload:
    request: ServiceRequest | None = None
    errors: list[UserError]


def decode_request_id(
    global_id: strawberry.ID, field: list[str | int]
) -> tuple[rules.ServiceKind, int]:
    """The kind and key of any request's id."""
    parsed = parse_global_id(global_id)
    kinds = {name: kind for kind, name in rules.TYPE_NAMES.items()}
    if parsed is None or parsed[0] not in kinds:
        raise invalid(field, "is not the id of a service request")
    return kinds[parsed[0]], parsed[1]
