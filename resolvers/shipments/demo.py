"""Demo shipments and containers: both dealers' cars in every status, with their history.

Everything goes through the use cases at the moment it would have happened (`clock.travel`),
so the demo obeys the rules real traffic does: waybills, transitions, consolidation, and every
event in the log for the live streams to replay. One ACCEPTED pickup is already overdue, so the
late-pickup check raises its alert shortly after `serve` starts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from models import clock
from models.accounts.tables import Organization, User
from models.disputes.tables import CancellationReason
from models.shipments.containers import Container, ContainerType, LoadingStatus
from models.shipments.tables import EventClassifier, Shipment, ShipmentStatus, TrackingEventType
from models.validators import WAYBILL_ALPHABET, WAYBILL_RANDOM_LENGTH, waybill_with_body
from models.viewer import Viewer
from resolvers.checks import Amount, Place
from resolvers.disputes import cancellations as disputes
from resolvers.shipments import bookings as shipments
from resolvers.shipments import containers, loading, pickups, tracking
from resolvers.shipments.bookings import VehicleSpec

S = ShipmentStatus
E = TrackingEventType
L = LoadingStatus
UTC = ZoneInfo("UTC")
YARDS = {
    "USNYC": Place("Copart Newark, NJ", "US", "USNYC"),
    "USSAV": Place("IAAI Savannah, GA", "US", "USSAV"),
    "USHOU": Place("Copart Houston, TX", "US", "USHOU"),
}
WAREHOUSES = {
    "USNYC": Place("Cargolive warehouse, Port Newark", "US", "USNYC"),
    "USSAV": Place("Cargolive warehouse, Garden City", "US", "USSAV"),
    "USHOU": Place("Cargolive warehouse, Houston", "US", "USHOU"),
}
PORTS = {
    "USNYC": Place("Port Newark", "US", "USNYC"),
    "USSAV": Place("Port of Savannah", "US", "USSAV"),
    "USHOU": Place("Port of Houston", "US", "USHOU"),
    "GEPTI": Place("Poti", "GE", "GEPTI"),
    "ROCND": Place("Constanța", "RO", "ROCND"),
    "LTKLJ": Place("Klaipėda", "LT", "LTKLJ"),
    "NLRTM": Place("Rotterdam", "NL", "NLRTM"),
}
CARS = {
    "camry": VehicleSpec("4T1B11HKXKU104729", "Toyota", "Camry", 2019, "Copart", "41736529"),
    "f150": VehicleSpec("1FTEW1EP0KF112648", "Ford", "F-150", 2019, "IAAI", "33017845"),
    "model3": VehicleSpec("5YJ3E1EA2JF120567", "Tesla", "Model 3", 2018, "Copart", "52119034"),
    "accord": VehicleSpec("1HGCV1F32LA128486", "Honda", "Accord", 2020, "Copart", "47720318"),
    "rav4": VehicleSpec("2T3P1RFV9KC136405", "Toyota", "RAV4", 2019, "IAAI", "30984417"),
    "cherokee": VehicleSpec("1C4RJFBG4HC144324", "Jeep", "Grand Cherokee", 2017, "Copart"),
    "bmw": VehicleSpec("WBA8E9G50GN152243", "BMW", "328i", 2016, "IAAI", "29876612"),
    "rogue": VehicleSpec("JN1BJ1CR0KW160162", "Nissan", "Rogue Sport", 2019, "Copart"),
    "fusion": VehicleSpec("3FA6P0HDXHR168081", "Ford", "Fusion", 2017, "Copart", "50441207"),
    "altima": VehicleSpec("1N4BL4BVXLC176000", "Nissan", "Altima", 2020, "IAAI", "31150968"),
    "elantra": VehicleSpec("KMHD84LF0HU183919", "Hyundai", "Elantra", 2017, "Copart"),
    "sonata": VehicleSpec("5NPE34AF6JH191838", "Hyundai", "Sonata", 2018, "IAAI", "28457730"),
    "malibu": VehicleSpec("1G1ZD5ST8JF199757", "Chevrolet", "Malibu", 2018, "Copart", "46603391"),
    "prius": VehicleSpec("JTDKARFU0J3207676", "Toyota", "Prius", 2018, "Copart", "49930155"),
    "golf": VehicleSpec("WVWZZZ1K0AW215595", "Volkswagen", "Golf", 2010, "IAAI"),
    "tahoe": VehicleSpec("1GNSKBKC8LR223514", "Chevrolet", "Tahoe", 2020, "Copart", "53318820"),
    "civic": VehicleSpec("SHHFK7H50JU231433", "Honda", "Civic", 2018, "Copart", "51287764"),
    "outback": VehicleSpec("JF2BS9KC1EG239352", "Subaru", "Outback", 2014, "IAAI", "27730419"),
}
# Hours after booking at which each lifecycle step happens (the pickup is booked for day 1).
STEP_HOURS = {
    S.ACCEPTED: 4,
    S.PICKUP_SCHEDULED: 6,
    S.PICKED_UP: 25,
    S.AT_WAREHOUSE: 3 * 24,
    S.LOADED: 5 * 24,
    S.IN_TRANSIT: 7 * 24,
    S.ARRIVED: 24 * 24,
    S.RELEASED: 26 * 24,
    S.DELIVERED: 29 * 24,
}
STEPS = list(STEP_HOURS)
# The event that takes each step after the pickup is scheduled, and where it happens.
STEP_EVENTS = {
    S.PICKED_UP: (E.PICKED_UP, "yard"),
    S.AT_WAREHOUSE: (E.GATED_IN, "warehouse"),
    S.LOADED: (E.STUFFED, "warehouse"),
    S.IN_TRANSIT: (E.DEPARTED, "port of loading"),
    S.ARRIVED: (E.ARRIVED, "destination"),
    S.RELEASED: (E.RELEASED, "destination"),
    S.DELIVERED: (E.DELIVERED, "destination"),
}


@dataclass(frozen=True)
class Story:
    dealer: int  # 0: Blue Harbor Motors, 1: Caspian Auto Import
    carrier: int | None  # 0: Atlas Freight, 1: Baltic Haulage
    origin: str
    destination: str
    cars: Sequence[str]
    upto: ShipmentStatus  # the last lifecycle step it takes
    days_ago: float  # when it was booked
    reference: str


# One shipment in each status; the container stories follow below.
STORIES = [
    Story(0, None, "USNYC", "GEPTI", ["camry"], S.BOOKED, 0.2, "BH-2231"),
    Story(1, 1, "USHOU", "LTKLJ", ["f150"], S.ACCEPTED, 2, "CA-0912"),
    Story(0, 0, "USSAV", "ROCND", ["model3"], S.PICKUP_SCHEDULED, 0.5, "BH-2229"),
    Story(1, 0, "USNYC", "NLRTM", ["accord", "rav4"], S.PICKED_UP, 1.5, "CA-0907"),
    Story(0, 1, "USHOU", "NLRTM", ["cherokee"], S.AT_WAREHOUSE, 4, "BH-2214"),  # then held
    Story(1, 1, "USNYC", "LTKLJ", ["bmw"], S.ARRIVED, 26, "CA-0871"),
    Story(0, 0, "USHOU", "NLRTM", ["rogue"], S.RELEASED, 28, "BH-2160"),
    Story(1, 0, "USSAV", "GEPTI", ["fusion"], S.DELIVERED, 33, "CA-0850"),
    Story(0, None, "USNYC", "ROCND", ["altima"], S.BOOKED, 6, "BH-2198"),  # then cancelled
]
# Consolidated at Port Newark, still being stuffed; and at sea from Savannah.
STUFFING = [
    Story(0, 0, "USNYC", "GEPTI", ["elantra", "sonata"], S.AT_WAREHOUSE, 4.5, "BH-2207"),
    Story(1, 1, "USNYC", "GEPTI", ["malibu"], S.AT_WAREHOUSE, 4, "CA-0899"),
]
AT_SEA = [
    Story(1, 0, "USSAV", "ROCND", ["prius", "golf"], S.AT_WAREHOUSE, 16, "CA-0880"),
    Story(0, 0, "USSAV", "ROCND", ["tahoe"], S.AT_WAREHOUSE, 15.5, "BH-2182"),
]


# The demo shipments `cargolive serve` shows on every start, with their tracking links.
SHOWCASE = {
    "CA-0880": "at sea in a shared container, Savannah to Constanța",
    "CA-0850": "delivered in Poti: the whole timeline",
}


def demo_waybill(reference: str) -> str:
    """The fixed waybill of the demo shipment `reference`: every seed gives it the same one, so
    the README and `serve` can name it."""
    digest = hashlib.sha256(f"cargolive demo {reference}".encode()).digest()
    body = "".join(WAYBILL_ALPHABET[byte % 32] for byte in digest[:WAYBILL_RANDOM_LENGTH])
    return waybill_with_body(body)


async def showcase() -> list[tuple[str, str, str]]:
    """(waybill, reference, what it shows) of the SHOWCASE shipments in this database."""
    found = []
    for reference, description in SHOWCASE.items():
        waybill = demo_waybill(reference)
        if await Shipment.exists(waybill=waybill):
            found.append((waybill, reference, description))
    return found


@dataclass
class Cast:
    dealers: list[Viewer]
    carriers: list[Viewer]
    warehouse: Viewer


def cast_of(users: dict[str, User], organizations: dict[str, Organization]) -> Cast:
    def viewer(email: str) -> Viewer:
        user = users[email]
        organization = next(o for o in organizations.values() if o.id == user.organization_id)
        return Viewer(user.id, organization.id, organization.kind, user.role)

    return Cast(
        dealers=[viewer("dealer@cargolive.test"), viewer("dealer2@cargolive.test")],
        carriers=[viewer("carrier@cargolive.test"), viewer("carrier2@cargolive.test")],
        warehouse=viewer("warehouse@cargolive.test"),
    )


def _ago(days: float = 0, hours: float = 0) -> dt.datetime:
    return clock.now() - dt.timedelta(days=days, hours=hours)


def _place(story: Story, where: str) -> Place:
    return {
        "yard": YARDS[story.origin],
        "warehouse": WAREHOUSES[story.origin],
        "port of loading": PORTS[story.origin],
        "destination": PORTS[story.destination],
    }[where]


async def _step(cast: Cast, story: Story, shipment: Shipment, status: ShipmentStatus) -> None:
    """The one lifecycle step that leads to `status`, taken by the party who would."""
    assert story.carrier is not None
    carrier = cast.carriers[story.carrier]
    if status is S.ACCEPTED:
        await shipments.accept_shipment(viewer=carrier, shipment_id=shipment.id)
    elif status is S.PICKUP_SCHEDULED:
        pickup = shipment.pickup_designated_at or shipment.created_at + dt.timedelta(days=1)
        await pickups.schedule_pickup(viewer=carrier, shipment_id=shipment.id, at=pickup)
    else:
        event, where = STEP_EVENTS[status]
        who = carrier if status in (S.PICKED_UP, S.DELIVERED) else cast.warehouse
        await tracking.record_tracking_event(
            viewer=who, event=event, shipment_id=shipment.id, location=_place(story, where)
        )


async def live(cast: Cast, story: Story) -> Shipment:
    """Books the story's shipment and takes its steps, each at the time it happened."""
    start = _ago(story.days_ago)
    with clock.travel(start):
        shipment = await shipments.create_shipment(
            viewer=cast.dealers[story.dealer],
            origin=YARDS[story.origin],
            destination=PORTS[story.destination],
            vehicles=[CARS[name] for name in story.cars],
            reference=story.reference,
            deposit=Amount(Decimal("250.00"), "USD"),
            price=Amount(Decimal(1150 + 250 * len(story.cars)), "USD"),
            pickup_scheduled_at=start + dt.timedelta(days=1),
        )
        shipment.waybill = demo_waybill(story.reference)
        await shipment.save(update_fields=["waybill"])
    if story.upto is not S.BOOKED:
        for status in STEPS[: STEPS.index(story.upto) + 1]:
            with clock.travel(start + dt.timedelta(hours=STEP_HOURS[status])):
                await _step(cast, story, shipment, status)
    await shipment.refresh_from_db()
    return shipment


async def _container(
    cast: Cast, number: str, origin: str, destination: str, at: dt.datetime, **voyage: str
) -> Container:
    with clock.travel(at):
        return await containers.create_container(
            viewer=cast.warehouse,
            number=number,
            kind=ContainerType.HC40,
            vehicle_capacity=4,
            port_of_loading=PORTS[origin],
            port_of_discharge=PORTS[destination],
            **voyage,
        )


async def _loading(
    cast: Cast, container: Container, steps: list[tuple], zone: ZoneInfo = UTC
) -> None:
    """Each step (status, recorded hours ago, loaded, seal[, happened hours ago])."""
    for status, hours_ago, loaded, seal, *happened in steps:
        occurred_at = _ago(hours=happened[0]) if happened else None
        with clock.travel(_ago(hours=hours_ago)):
            await loading.update_loading_status(
                viewer=cast.warehouse,
                container_id=container.id,
                status=status,
                loaded_vehicles=loaded,
                seal_number=seal,
                occurred_at=occurred_at,
                zone=zone,
            )


async def _consolidate(
    cast: Cast, container: Container, stories: list[Story], hours_ago: float
) -> list[Shipment]:
    inside = [await live(cast, story) for story in stories]
    with clock.travel(_ago(hours=hours_ago)):
        for shipment in inside:
            await containers.assign_to_container(
                viewer=cast.warehouse, shipment_id=shipment.id, container_id=container.id
            )
    return inside


async def seed_shipments(cast: Cast, zone: ZoneInfo = UTC) -> None:
    for story in STORIES:
        shipment = await live(cast, story)
        if story.reference == "BH-2214":
            with clock.travel(_ago(hours=20)):
                await tracking.record_tracking_event(
                    viewer=cast.warehouse,
                    event=E.ON_HOLD,
                    shipment_id=shipment.id,
                    description="Title documents missing: waiting for the dealer",
                )
        if story.reference == "BH-2229":  # the carrier moves the dealer's pickup, with a reason
            await pickups.schedule_pickup(
                viewer=cast.carriers[story.carrier or 0],
                shipment_id=shipment.id,
                at=shipment.created_at + dt.timedelta(days=2),
                reason="Our car transporter is held at the Savannah port gate: next free slot",
            )
        if story.reference == "BH-2198":
            with clock.travel(_ago(5)):
                await disputes.request_cancellation(
                    viewer=cast.dealers[0],
                    shipment_id=shipment.id,
                    reason=CancellationReason.CUSTOMER_CHANGED_PLANS,
                    explanation="The buyer in Constanța backed out",
                )

    newark = await _container(cast, "MSCU4830213", "USNYC", "GEPTI", _ago(1))
    await _consolidate(cast, newark, STUFFING, hours_ago=10)
    await _loading(cast, newark, [(L.PLANNED, 9, 0, None), (L.STUFFING, 3, 2, None)])
    elantra = await Shipment.get(reference="BH-2207")
    with clock.travel(_ago(hours=2)):
        await tracking.record_tracking_event(
            viewer=cast.warehouse,
            event=E.STUFFED,
            shipment_id=elantra.id,
            location=WAREHOUSES["USNYC"],
            description="Both cars strapped on racks in MSCU4830213",
        )

    savannah = await _container(
        cast,
        "MRKU7719303",
        "USSAV",
        "ROCND",
        _ago(13),
        vessel_name="MSC Aurora",
        voyage="AU245E",
        bill_of_lading="MEDU7712045",
    )
    await _consolidate(cast, savannah, AT_SEA, hours_ago=12 * 24)
    await _loading(
        cast,
        savannah,
        [
            (L.PLANNED, 12 * 24 - 1, 0, None),
            (L.STUFFING, 12 * 24 - 2, 1, None),
            # stuffed one evening, confirmed only the next day: STUFFING_CONFIRMED_LATE (001 B)
            (L.STUFFED, 11 * 24 - 4, 3, None, 12 * 24 - 3),
            (L.SEALED, 11 * 24 - 5, 3, "ML-4471902"),
            (L.GATED_IN, 10 * 24, 3, None),
            (L.LOADED, 9 * 24, 3, None),
            (L.DEPARTED, 8 * 24, 3, None),
        ],
        zone,
    )
    tahoe = await Shipment.get(reference="BH-2182")
    await tracking.record_tracking_event(  # a fact reported after later ones: kept, marked late
        viewer=cast.warehouse,
        event=E.STUFFED,
        shipment_id=tahoe.id,
        occurred_at=_ago(hours=11 * 24 - 4),
        location=WAREHOUSES["USSAV"],
        description="Tally sheet of the Tahoe's stuffing, uploaded after the vessel sailed",
    )
    eta = _ago(-12).replace(minute=0, second=0, microsecond=0)
    with clock.travel(_ago(8)):
        await tracking.record_tracking_event(
            viewer=cast.warehouse,
            event=E.ARRIVED,
            classifier=EventClassifier.ESTIMATED,
            container_id=savannah.id,
            occurred_at=eta,
            location=PORTS["ROCND"],
        )
