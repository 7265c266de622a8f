"""Demo service requests: each kind in a few states, for both dealers, written through the use
cases. Blue Harbor has a 25,000 USD credit line and Caspian 10,000 USD (demo figures); Caspian's
payment request comes from its support thread about lot 30984417 (convert to request)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from models import clock
from models.calculations.tables import ExtraService
from models.calendar import Coverage
from models.documents.rules import DocumentKind
from models.documents.tables import Document
from models.services.rules import RequestStatus
from models.services.tables import ServiceParcel
from models.shipments.tables import Shipment
from models.support.tables import SupportThread
from models.viewer import Viewer
from resolvers.checks import Amount
from resolvers.documents.demo import viewer_of
from resolvers.services import auctions, credit, extras, payments
from resolvers.support.sla import desk_coverage

S = RequestStatus


def usd(amount: str) -> Amount:
    return Amount(Decimal(amount), "USD")


def _ago(hours: float) -> dt.datetime:
    return clock.now() - dt.timedelta(hours=hours)


async def seed_services(*, zone: ZoneInfo, holidays: Collection[dt.date]) -> None:
    coverage = desk_coverage(zone, holidays)
    admin = await viewer_of("admin@cargolive.test")
    office = await viewer_of("backoffice@cargolive.test")
    bidder = await viewer_of("bidder@cargolive.test")
    warehouse = await viewer_of("warehouse@cargolive.test")
    blue = await viewer_of("dealer@cargolive.test")
    caspian = await viewer_of("dealer2@cargolive.test")
    await credit.set_credit_limit(
        viewer=admin, organization_id=blue.organization_id, limit=usd("25000")
    )
    await credit.set_credit_limit(
        viewer=admin, organization_id=caspian.organization_id, limit=usd("10000")
    )
    await _payments(blue, caspian, office, coverage)
    await _auctions(blue, caspian, bidder, coverage)
    await _extras(blue, caspian, office, warehouse, coverage)


async def _payments(blue: Viewer, caspian: Viewer, office: Viewer, coverage: Coverage) -> None:
    invoice = await Document.get(
        shipment_id=(await Shipment.get(reference="BH-2160")).id, kind=DocumentKind.INVOICE
    )
    due = clock.now().date() + dt.timedelta(days=4)
    common: dict[str, Any] = {"thread_id": None, "note": None, "coverage": coverage}
    with clock.travel(_ago(50)):
        paid = await payments.request_vehicle_payment(
            viewer=blue,
            dealer_id=None,
            auction="Copart Newark",
            lot_number="41736529",
            vehicle="JN1BJ1CR5KW123458",
            amount=usd("8400.00"),
            due_date=due,
            invoice_id=invoice.id,
            **common,
        )
        approved = await payments.request_vehicle_payment(
            viewer=blue,
            dealer_id=None,
            auction="IAAI Dallas",
            lot_number="35012877",
            vehicle="WF0XXXTTGXJA12340",
            amount=usd("12000.00"),
            due_date=due,
            invoice_id=None,
            **common,
        )
    with clock.travel(_ago(49)):
        for request in (paid, approved):
            await payments.advance_vehicle_payment(
                viewer=office, request_id=request.id, status=S.APPROVED
            )
        await payments.advance_vehicle_payment(
            viewer=office, request_id=paid.id, status=S.PAID, payment_reference="WIRE-77120"
        )
    thread = await SupportThread.get(subject="Payment for lot 30984417")
    with clock.travel(_ago(3)):
        declined = await payments.request_vehicle_payment(
            viewer=caspian,
            dealer_id=None,
            auction="IAAI Houston",
            lot_number="30984417",
            vehicle="JTMBFREV5HD123457",
            amount=usd("14800.00"),
            due_date=due,
            invoice_id=None,
            thread_id=thread.id,
            note="From the thread: please pay IAAI",
            coverage=coverage,
        )
        await payments.advance_vehicle_payment(
            viewer=office,
            request_id=declined.id,
            status=S.DECLINED,
            note="Above the 10,000 USD credit line: pay part from the deposit first",
        )
        transfer = await payments.report_transfer(
            viewer=blue,
            dealer_id=None,
            amount=usd("8400.00"),
            transfer_date=clock.now().date(),
            payer="Blue Harbor Motors LLC",
            reference="BHM-REPAY-0412",
            **common,
        )
        await payments.verify_transfer(
            viewer=office, request_id=transfer.id, status=S.MATCHED, payment_request_id=paid.id
        )
    await payments.request_vehicle_payment(
        viewer=blue,
        dealer_id=None,
        auction="Copart Newark",
        lot_number="41740011",
        vehicle="XP7YGCEL7KB123452",
        amount=usd("6200.00"),
        due_date=due,
        invoice_id=None,
        **common,
    )
    short = await payments.report_transfer(
        viewer=caspian,
        dealer_id=None,
        amount=usd("4900.00"),
        transfer_date=clock.now().date(),
        payer="Caspian Auto Import",
        reference="CAI-2211",
        **common,
    )
    await payments.verify_transfer(
        viewer=office, request_id=short.id, status=S.AMOUNT_MISMATCH, expected=usd("5000.00")
    )
    await payments.report_transfer(
        viewer=blue,
        dealer_id=None,
        amount=usd("1500.00"),
        transfer_date=clock.now().date(),
        payer="Blue Harbor Motors LLC",
        reference="BHM-0419",
        **common,
    )


async def _auctions(blue: Viewer, caspian: Viewer, bidder: Viewer, coverage: Coverage) -> None:
    starts = clock.now() + dt.timedelta(days=2)
    orders = []
    for priority, lot, vin, most, skip in (
        (1, "40112233", "JHMCV1F34KC123450", "9500.00", False),
        (2, "40112240", "JTDKN3DU0A0123456", "7000.00", True),
        (3, "40112255", "WBA8E9G50GNU12345", "11000.00", False),
    ):
        orders.append(
            await auctions.order_bid(
                viewer=blue,
                dealer_id=None,
                auction="Copart Newark",
                lot_number=lot,
                vehicle=vin,
                maximum=usd(most),
                priority=priority,
                skip_if_higher_won=skip,
                auction_starts_at=starts,
                thread_id=None,
                note=None,
                coverage=coverage,
            )
        )
    await auctions.advance_bid_order(
        viewer=bidder, request_id=orders[0].id, status=S.PLACED, coverage=coverage
    )
    lost = await auctions.order_bid(
        viewer=caspian,
        dealer_id=None,
        auction="Manheim Pennsylvania",
        lot_number="PA-5521",
        vehicle=None,
        maximum=usd("8000.00"),
        priority=1,
        skip_if_higher_won=False,
        auction_starts_at=starts,
        thread_id=None,
        note=None,
        coverage=coverage,
    )
    won = await auctions.order_bid(
        viewer=caspian,
        dealer_id=None,
        auction="Manheim Pennsylvania",
        lot_number="PA-5530",
        vehicle="WVWZZZAUZHP123453",
        maximum=usd("6500.00"),
        priority=2,
        skip_if_higher_won=False,
        auction_starts_at=starts,
        thread_id=None,
        note=None,
        coverage=coverage,
    )
    for order in (lost, won):
        await auctions.advance_bid_order(
            viewer=bidder, request_id=order.id, status=S.PLACED, coverage=coverage
        )
    await auctions.advance_bid_order(
        viewer=bidder, request_id=lost.id, status=S.LOST, note="Sold at 8,700", coverage=coverage
    )
    await auctions.advance_bid_order(
        viewer=bidder,
        request_id=won.id,
        status=S.WON,
        final_price=usd("6150.00"),
        open_payment_request=True,
        coverage=coverage,
    )
    listed = await auctions.request_resale(
        viewer=blue,
        dealer_id=None,
        vehicle="ZACNJBBB5KP123451",
        shipment_id=None,
        asking=usd("17900.00"),
        auction="Manheim Riverside",
        thread_id=None,
        note=None,
        coverage=coverage,
    )
    await auctions.advance_resale(
        viewer=bidder, request_id=listed.id, status=S.LISTED, lot_number="MR-1188"
    )
    sold = await auctions.request_resale(
        viewer=caspian,
        dealer_id=None,
        vehicle=None,
        shipment_id=(await Shipment.get(reference="CA-0850")).id,
        asking=usd("9900.00"),
        auction="Copart Savannah",
        thread_id=None,
        note=None,
        coverage=coverage,
    )
    await auctions.advance_resale(
        viewer=bidder, request_id=sold.id, status=S.LISTED, lot_number="SV-301"
    )
    await auctions.advance_resale(
        viewer=bidder, request_id=sold.id, status=S.SOLD, sold_for=usd("9650.00")
    )


async def _extras(
    blue: Viewer, caspian: Viewer, office: Viewer, warehouse: Viewer, coverage: Coverage
) -> None:
    invoice = await Document.get(
        shipment_id=(await Shipment.get(reference="BH-2160")).id, kind=DocumentKind.INVOICE
    )
    pending = await extras.request_amendment(
        viewer=blue,
        dealer_id=None,
        invoice_id=invoice.id,
        changes=[("buyer", "Blue Harbor Motors LLC, 12 Rustaveli Ave, Tbilisi")],
        reason="The buyer's address is the old one",
        thread_id=None,
        coverage=coverage,
    )
    declined = await extras.request_amendment(
        viewer=blue,
        dealer_id=None,
        invoice_id=invoice.id,
        changes=[("price", "7900.00")],
        reason="The hammer price was lower",
        thread_id=None,
        coverage=coverage,
    )
    await extras.advance_amendment(
        viewer=office,
        request_id=declined.id,
        status=S.DECLINED,
        note="The auction's invoice shows 8,400: ask the auction to correct it",
    )
    del pending
    elantra = await Shipment.get(reference="BH-2229")
    parts = await extras.order_extra_service(
        viewer=blue,
        shipment_id=elantra.id,
        service=ExtraService.AUTO_PARTS,
        parcels=[("UPS", "1Z999AA10123456784", "headlights"), ("FedEx", "449044304137821", None)],
        thread_id=None,
        note="Two boxes for the Sonata",
        coverage=coverage,
    )
    first = await ServiceParcel.filter(request_id=parts.id).order_by("id").first()
    assert first is not None
    await extras.receive_parcel(viewer=warehouse, parcel_id=first.id)
    await extras.advance_extra_service(viewer=warehouse, request_id=parts.id, status=S.CONFIRMED)
    tahoe = await Shipment.get(reference="BH-2214")
    await extras.order_extra_service(
        viewer=blue,
        shipment_id=tahoe.id,
        service=ExtraService.EXTRA_PACKING,
        parcels=[],
        thread_id=None,
        note=None,
        coverage=coverage,
    )
    malibu = await Shipment.get(reference="CA-0899")
    photos = await extras.order_extra_service(
        viewer=caspian,
        shipment_id=malibu.id,
        service=ExtraService.PHOTO_VIDEO,
        parcels=[],
        thread_id=None,
        note="Photos of the interior please",
        coverage=coverage,
    )
    await extras.advance_extra_service(viewer=warehouse, request_id=photos.id, status=S.CONFIRMED)
