"""What the Cargolive scenarios ask and write: the documents, the seed, and the event writer."""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import logging
import time
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher

from api.settings import load_settings
from bench.backends import Backend
from bench.http import HttpPool
from bench.processes import Server
from models import clock, validators
from models.accounts.tables import Organization, User
from models.enums import OrganizationKind, Role
from models.shipments.containers import Container, ContainerType, LoadingStatus
from models.shipments.tables import (
    EventClassifier,
    Shipment,
    ShipmentStatus,
    TrackingEventType,
    Vehicle,
)
from models.validators import new_waybill
from models.viewer import Viewer
from resolvers.accounts.users import issue_token, viewer_for_token
from resolvers.checks import Place
from resolvers.pagination import encode_cursor
from resolvers.shipments.events import record_on_shipment
from resolvers.shipments.tracking import record_tracking_event
from schema import assemble
from schema.context import Context
from schema.ids import to_global_id
from subscriptions.log import recording
from subscriptions.reader import latest_seq

SUBSCRIPTION = """subscription Tracking($shipmentId: ID!, $after: String) {
  shipmentTracking(shipmentId: $shipmentId, after: $after) {
    id cursor type classifier occurredAt recordedAt
    location { name unlocode country }
    description
  }
}"""
KEY_PATH = ["data", "shipmentTracking", "cursor"]  # the key of a delivery: its event's cursor

TRACKING_PAGE = """query TrackingPage($id: ID!) {
  shipment(id: $id) {
    id waybill reference status eta pickedUpAt
    origin { name unlocode country }
    destination { name unlocode country }
    vehicles { id vin make model year auction lotNumber }
    container {
      id number type loadingStatus vesselName voyage
      portOfLoading { name unlocode country }
      portOfDischarge { name unlocode country }
    }
    events(first: 20) {
      edges { node { id cursor type classifier occurredAt recordedAt description
                     location { name unlocode country } } }
      pageInfo { hasNextPage endCursor }
      totalCount
    }
  }
}"""

RECORD = """mutation Record($input: RecordTrackingEventInput!) {
  recordTrackingEvent(input: $input) {
    event { id cursor type classifier occurredAt recordedAt }
    errors { field message code }
  }
}"""

# An event a tracking screen shows that moves no status, so any number may follow each other.
EVENT = TrackingEventType.DELAYED
PLACE = Place("Port of Constanța", "RO", "ROCND")
NOTE = "Vessel held at anchorage: berth congestion, new ETA to follow"


def variables(shipment_id: str, after: str | None = None) -> dict[str, Any]:
    return {"shipmentId": shipment_id} | ({"after": after} if after is not None else {})


def page_variables(shipment_id: str) -> dict[str, Any]:
    return {"id": shipment_id}


def record_variables(shipment_id: str) -> dict[str, Any]:
    place = {"name": PLACE.name, "unlocode": PLACE.unlocode, "country": PLACE.country}
    return {
        "input": {
            "shipmentId": shipment_id,
            "type": EVENT.value,
            "classifier": "ACTUAL",
            "location": place,
            "description": NOTE,
        }
    }


@dataclass
class Seeded:
    viewer_token: str  # the customer's dealer: what the subscribers and the page sign in as
    writer: Viewer  # a DISPATCHER, who records the events
    writer_token: str
    shipments: list[int]
    global_ids: list[str]
    start_cursor: str  # after the seeded history


_serial = itertools.count(1)


def _vin(serial: int) -> str:
    for check in "0123456789X":
        try:
            return validators.vin(f"1HGCM826{check}3A{serial % 1_000_000:06d}")
        except ValueError:
            continue
    raise AssertionError("one check character always fits")


def _container_number(serial: int) -> str:
    for check in "0123456789":
        try:
            return validators.container_number(f"BNCU{serial % 1_000_000:06d}{check}")
        except ValueError:
            continue
    raise AssertionError("one check digit always fits")


@functools.lru_cache(maxsize=1)
def _password_hash() -> str:
    return PasswordHasher().hash("bench password")


async def _user(role: Role, organization: Organization) -> tuple[User, str]:
    user = await User.create(
        email=f"{role.value.lower()}{next(_serial)}@bench.test",
        name=role.value.title(),
        role=role,
        organization=organization,
        password_hash=_password_hash(),
    )
    return user, await issue_token(user, dt.timedelta(days=1))


async def seed(shipments: int, history: int = 0, vehicles: int = 2) -> Seeded:
    """Shipments in transit, four to a container, with `vehicles` cars and `history` events."""
    dealer = await Organization.create(kind=OrganizationKind.DEALER, name="Bench Motors")
    carrier = await Organization.create(kind=OrganizationKind.CARRIER, name="Bench Haulage")
    platform = await Organization.create(kind=OrganizationKind.PLATFORM, name="Bench Platform")
    _, viewer_token = await _user(Role.DEALER, dealer)
    _, writer_token = await _user(Role.DISPATCHER, platform)
    writer = await viewer_for_token(writer_token)
    assert writer is not None
    now = clock.now()
    rows = []
    for index in range(shipments):
        if index % 4 == 0:
            container = await Container.create(
                number=_container_number(next(_serial)),
                type=ContainerType.GP40,
                vehicle_capacity=4,
                loaded_vehicles=4,
                loading_status=LoadingStatus.SEALED,
                vessel_name="MSC Bench",
                voyage="BN001",
                created_at=now,
                updated_at=now,
            )
        rows.append(
            await Shipment.create(
                waybill=new_waybill(),
                status=ShipmentStatus.IN_TRANSIT,
                customer_id=dealer.id,
                carrier_id=carrier.id,
                container_id=container.id,
                origin_name="Port Newark",
                origin_unlocode="USNYC",
                origin_country="US",
                destination_name="Poti",
                destination_unlocode="GEPTI",
                destination_country="GE",
                created_at=now,
                updated_at=now,
            )
        )
    await Vehicle.bulk_create(
        [
            Vehicle(
                shipment_id=row.id,
                vin=_vin(next(_serial)),
                make="Toyota",
                model="Camry",
                year=2019,
                auction="Copart",
                lot_number=str(40_000_000 + row.id * 10 + n),
            )
            for row in rows
            for n in range(vehicles)
        ]
    )
    for row in rows:
        for _ in range(history):
            async with recording() as log:
                await record_on_shipment(
                    log,
                    row,
                    event=EVENT,
                    location=PLACE,
                    description=NOTE,
                    recorded_by=writer.user_id,
                )
    return Seeded(
        viewer_token=viewer_token,
        writer=writer,
        writer_token=writer_token,
        shipments=[row.id for row in rows],
        global_ids=[to_global_id("Shipment", row.id) for row in rows],
        start_cursor=encode_cursor(await latest_seq()),
    )


class Writer:
    """Records tracking events as a dispatcher would, and notes when each committed."""

    def __init__(self, backend: Backend, server: Server, seeded: Seeded) -> None:
        self.seeded = seeded
        self.direct = backend.shared_bus
        self.http = HttpPool(server.host, server.port)

    async def emit(self, shipment: int) -> tuple[str, int]:
        """(the event's cursor, its commit time in ns)."""
        if self.direct:
            row = await record_tracking_event(
                viewer=self.seeded.writer,
                event=EVENT,
                shipment_id=self.seeded.shipments[shipment],
                classifier=EventClassifier.ACTUAL,
                location=PLACE,
                description=NOTE,
            )
            return encode_cursor(row.seq), time.time_ns()
        data = await self.http.graphql(
            RECORD, record_variables(self.seeded.global_ids[shipment]), self.seeded.writer_token
        )
        committed = time.time_ns()
        payload = data["recordTrackingEvent"]
        if payload["errors"]:
            raise RuntimeError(f"recordTrackingEvent: {payload['errors']}")
        return payload["event"]["cursor"], committed

    async def close(self) -> None:
        await self.http.close()


class _Counter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.queries = 0

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage().lstrip().upper()
        if text.startswith(("SELECT", "INSERT", "UPDATE", "DELETE", "WITH")):
            self.queries += 1


async def tracking_page_queries(seeded: Seeded) -> int:
    """SQL statements of one tracking page query, run in-process and counted from tortoise's
    `tortoise.db_client` logger."""
    settings = load_settings()
    schema = assemble(
        max_depth=settings.max_query_depth,
        max_aliases=settings.max_aliases,
        max_tokens=settings.max_tokens,
        introspection=False,
    )
    viewer = await viewer_for_token(seeded.viewer_token)
    counter = _Counter()
    logger = logging.getLogger("tortoise.db_client")
    level = logger.level
    logger.addHandler(counter)
    logger.setLevel(logging.DEBUG)
    try:
        result = await schema.execute(
            TRACKING_PAGE,
            variable_values=page_variables(seeded.global_ids[0]),
            context_value=Context(viewer=viewer, settings=settings),
        )
    finally:
        logger.removeHandler(counter)
        logger.setLevel(level)
    if result.errors:
        raise RuntimeError(f"the tracking page query failed: {result.errors}")
    events = result.data["shipment"]["events"]["edges"] if result.data else []
    if len(events) != 20:
        raise RuntimeError(f"the tracking page shows {len(events)} events, not 20")
    return counter.queries
