"""BidOrder and ResaleRequest: their types, lists and mutations."""

from __future__ import annotations

import datetime as dt

import strawberry

from models.services import rules, tables
from resolvers.services import auctions, reads
from schema.base import Money, MoneyInput, PageInfo, UserError, edges, page_info, run_payload
from schema.context import Info
from schema.convert import amount
from schema.ids import decode_id
from schema.node import node_fetcher
from schema.services.payments import VehiclePaymentRequest, optional_id, request_of, required
from schema.services.types import (
    ServiceRequest,
    ServiceRequestStatus,
    coverage,
    money_of,
    presents,
)

BID = rules.ServiceKind.BID_ORDER
RESALE = rules.ServiceKind.RESALE


@presents(BID)
@strawberry.type(
    description="An order to bid for a lot, placed by a BIDDER: REQUESTED → PLACED → WON (never "
    "above the maximum bid) or LOST; the dealer cancels until the auction starts"
)
class BidOrder(ServiceRequest):
    auction: str
    lot_number: str
    vin: str | None
    maximum_bid: Money
    priority: int = strawberry.field(description="Among the dealer's open orders, 1 = highest")
    skip_if_higher_won: bool = strawberry.field(
        description="Cancelled when an order of a higher priority is won first"
    )
    auction_starts_at: dt.datetime
    final_price: Money | None

    @classmethod
    def from_model(cls, row: tables.ServiceRequest) -> BidOrder:
        most = money_of(row, row.amount)
        assert most is not None and row.priority is not None
        assert row.auction_starts_at is not None
        return cls(
            **cls.shared(row),
            auction=row.auction or "",
            lot_number=row.lot_number or "",
            vin=row.vin,
            maximum_bid=most,
            priority=row.priority,
            skip_if_higher_won=row.skip_if_higher_won,
            auction_starts_at=row.auction_starts_at,
            final_price=money_of(row, row.result_amount),
        )

    @strawberry.field(description="The payment request the win opened, if it did")
    async def payment_request(self, info: Info) -> VehiclePaymentRequest | None:
        found = await request_of(info, self._row.related_id)
        return found if isinstance(found, VehiclePaymentRequest) else None


@presents(RESALE)
@strawberry.type(
    description="A vehicle the dealer resells at an auction: REQUESTED → LISTED → SOLD or WITHDRAWN"
)
class ResaleRequest(ServiceRequest):
    auction: str
    vin: str | None
    lot_number: str | None = strawberry.field(description="Set when LISTED")
    asking_price: Money
    sold_for: Money | None

    @classmethod
    def from_model(cls, row: tables.ServiceRequest) -> ResaleRequest:
        asking = money_of(row, row.amount)
        assert asking is not None
        return cls(
            **cls.shared(row),
            auction=row.auction or "",
            vin=row.vin,
            lot_number=row.lot_number,
            asking_price=asking,
            sold_for=money_of(row, row.result_amount),
        )


@strawberry.type
class BidOrderEdge:
    node: BidOrder
    cursor: str


@strawberry.type
class BidOrderConnection:
    edges: list[BidOrderEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type
class ResaleRequestEdge:
    node: ResaleRequest
    cursor: str


@strawberry.type
class ResaleRequestConnection:
    edges: list[ResaleRequestEdge]
    page_info: PageInfo
    total_count: int


@strawberry.input
class OrderBidInput:
    auction: str
    lot_number: str
    vin: str | None = None
    maximum_bid: MoneyInput
    priority: int
    skip_if_higher_won: bool = False
    auction_starts_at: dt.datetime
    thread_id: strawberry.ID | None = None
    dealer_id: strawberry.ID | None = None
    note: str | None = None


@strawberry.input
class RequestResaleInput:
    auction: str
    vin: str | None = strawberry.field(default=None, description="The vehicle, or its shipment")
    shipment_id: strawberry.ID | None = None
    asking_price: MoneyInput
    thread_id: strawberry.ID | None = None
    dealer_id: strawberry.ID | None = None
    note: str | None = None


@strawberry.type
class BidOrderPayload:
    request: BidOrder | None = None
    errors: list[UserError]


@strawberry.type
class ResaleRequestPayload:
    request: ResaleRequest | None = None
    errors: list[UserError]


@node_fetcher("BidOrder")
async def _bid_node(info: Info, key: int) -> BidOrder | None:
    row = await reads.request(info.context.require_viewer(), key, BID)
    return BidOrder.from_model(row) if row else None


@node_fetcher("ResaleRequest")
async def _resale_node(info: Info, key: int) -> ResaleRequest | None:
    row = await reads.request(info.context.require_viewer(), key, RESALE)
    return ResaleRequest.from_model(row) if row else None


@strawberry.type
class AuctionsQuery:
    @strawberry.field(description="The bid orders the viewer sees, newest first")
    async def bid_orders(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        status: list[ServiceRequestStatus] | None = None,
    ) -> BidOrderConnection:
        viewer = info.context.require_viewer()
        page = await reads.kind_page(viewer, BID, first=first, after=after, statuses=status or ())
        return BidOrderConnection(
            edges=edges(page, BidOrderEdge, BidOrder.from_model),
            page_info=page_info(page),
            total_count=page.total,
        )

    @strawberry.field(description="The resale requests the viewer sees, newest first")
    async def resale_requests(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        status: list[ServiceRequestStatus] | None = None,
    ) -> ResaleRequestConnection:
        viewer = info.context.require_viewer()
        page = await reads.kind_page(
            viewer, RESALE, first=first, after=after, statuses=status or ()
        )
        return ResaleRequestConnection(
            edges=edges(page, ResaleRequestEdge, ResaleRequest.from_model),
            page_info=page_info(page),
            total_count=page.total,
        )


@strawberry.type
class AuctionsMutation:
    @strawberry.mutation(description="The dealer (or staff for it) orders a bid on a lot")
    async def order_bid(self, info: Info, input: OrderBidInput) -> BidOrderPayload:
        async def action() -> dict[str, object]:
            row = await auctions.order_bid(
                viewer=info.context.viewer,
                dealer_id=optional_id(input.dealer_id, "Organization", ["input", "dealerId"]),
                auction=input.auction,
                lot_number=input.lot_number,
                vehicle=input.vin,
                maximum=required(input.maximum_bid),
                priority=input.priority,
                skip_if_higher_won=input.skip_if_higher_won,
                auction_starts_at=input.auction_starts_at,
                thread_id=optional_id(input.thread_id, "SupportThread", ["input", "threadId"]),
                note=input.note,
                coverage=coverage(info.context),
            )
            return {"request": BidOrder.from_model(row)}

        return await run_payload(BidOrderPayload, action)

    @strawberry.mutation(
        description="BIDDER: PLACED, then WON (finalPrice ≤ the maximum bid; "
        "openPaymentRequest opens the vehicle's payment request) or LOST"
    )
    async def advance_bid_order(
        self,
        info: Info,
        request_id: strawberry.ID,
        status: ServiceRequestStatus,
        note: str | None = None,
        final_price: MoneyInput | None = None,
        open_payment_request: bool = False,
    ) -> BidOrderPayload:
        async def action() -> dict[str, object]:
            row = await auctions.advance_bid_order(
                viewer=info.context.viewer,
                request_id=decode_id(request_id, "BidOrder", ["requestId"]),
                status=status,
                note=note,
                final_price=amount(final_price),
                open_payment_request=open_payment_request,
                coverage=coverage(info.context),
            )
            return {"request": BidOrder.from_model(row)}

        return await run_payload(BidOrderPayload, action)

    @strawberry.mutation(description="The dealer (or staff for it) asks to resell a vehicle")
    async def request_resale(self, info: Info, input: RequestResaleInput) -> ResaleRequestPayload:
        async def action() -> dict[str, object]:
            row = await auctions.request_resale(
                viewer=info.context.viewer,
                dealer_id=optional_id(input.dealer_id, "Organization", ["input", "dealerId"]),
                vehicle=input.vin,
                shipment_id=optional_id(input.shipment_id, "Shipment", ["input", "shipmentId"]),
                asking=required(input.asking_price),
                auction=input.auction,
                thread_id=optional_id(input.thread_id, "SupportThread", ["input", "threadId"]),
                note=input.note,
                coverage=coverage(info.context),
            )
            return {"request": ResaleRequest.from_model(row)}

        return await run_payload(ResaleRequestPayload, action)

    @strawberry.mutation(
        description="BIDDER: LISTED (lotNumber), SOLD (soldFor) or WITHDRAWN (also the dealer)"
    )
    async def advance_resale(
        self,
        info: Info,
        request_id: strawberry.ID,
        status: ServiceRequestStatus,
        note: str | None = None,
        lot_number: str | None = None,
        sold_for: MoneyInput | None = None,
    ) -> ResaleRequestPayload:
        async def action() -> dict[str, object]:
            row = await auctions.advance_resale(
                viewer=info.context.viewer,
                request_id=decode_id(request_id, "ResaleRequest", ["requestId"]),
                status=status,
                note=note,
                sold_for=amount(sold_for),
                lot_number=lot_number,
            )
            return {"request": ResaleRequest.from_model(row)}

        return await run_payload(ResaleRequestPayload, action)
