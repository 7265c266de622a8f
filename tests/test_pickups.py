"""The pickup service level: PICKUP_LATE once per late pickup, however many processes check."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from api.app import create_app
from models import clock
from models.alerts.tables import StaffAlert, StaffAlertKind
from models.events import Event, EventKind, EventTopic
from models.shipments.tables import Shipment, ShipmentStatus, TrackingEvent, TrackingEventType
from resolvers.shipments.pickups import raise_late_pickups
from tests.conftest import settings_with
from tests.factories import Party
from tests.shipping import SCHEDULE_PICKUP, SHIPMENT_EVENTS, gid, payload

S = ShipmentStatus


@pytest.fixture
def pickup_at() -> dt.datetime:
    return (clock.now() + dt.timedelta(hours=2)).replace(microsecond=0)


async def _waiting(make, dealer, carrier, pickup_at, status=S.PICKUP_SCHEDULED) -> Shipment:
    return await make.shipment(
        customer=dealer.organization_id,
        carrier=carrier.organization_id,
        status=status,
        pickup_scheduled_at=pickup_at,
    )


def _at(moment: dt.datetime):
    return clock.travel(moment)


async def test_nothing_is_raised_within_the_hour(make, dealer, carrier, pickup_at):
    await _waiting(make, dealer, carrier, pickup_at)

    with _at(pickup_at + dt.timedelta(minutes=60, seconds=-1)):
        raised = await raise_late_pickups()

    assert raised == 0
    assert await StaffAlert.all().count() == 0
    assert await TrackingEvent.all().count() == 0


async def test_a_pickup_an_hour_late_raises_one_delay_and_one_alert(
    client, make, dealer, carrier, pickup_at
):
    shipment = await _waiting(make, dealer, carrier, pickup_at)
    late = pickup_at + dt.timedelta(minutes=60, seconds=1)

    with _at(late):
        raised = await raise_late_pickups()
        again = await raise_late_pickups()

    assert (raised, again) == (1, 0)
    (alert,) = await StaffAlert.all()
    assert alert.kind is StaffAlertKind.PICKUP_LATE
    assert alert.shipment_id == shipment.id
    assert shipment.waybill in alert.message
    (delay,) = await TrackingEvent.all()
    assert (delay.type, delay.shipment_id) == (TrackingEventType.DELAYED, shipment.id)
    stored = await Shipment.get(id=shipment.id)
    assert stored.pickup_late_at is not None
    assert stored.status is S.PICKUP_SCHEDULED  # late is not a status

    # The staff alert is in the log for staff only, on the staff topic.
    logged = await Event.get(seq=alert.seq)
    assert (logged.kind, logged.subject_id) == (EventKind.STAFF_ALERT, alert.id)
    assert (logged.audience_orgs, logged.staff, logged.public) == ([], True, False)
    assert [t.topic for t in await EventTopic.filter(seq=alert.seq)] == ["staff"]

    # The dealer's tracking shows the DELAYED event.
    events = await payload(client, SHIPMENT_EVENTS, {"id": gid("Shipment", shipment.id)}, dealer)
    (edge,) = events["events"]["edges"]
    assert edge["node"]["type"] == "DELAYED"
    assert edge["node"]["description"].startswith("Pickup is late")


async def test_two_checkers_at_once_raise_it_once(make, dealer, carrier, pickup_at):
    for _ in range(3):
        await _waiting(make, dealer, carrier, pickup_at)

    with _at(pickup_at + dt.timedelta(hours=2)):
        counts = await asyncio.gather(*(raise_late_pickups() for _ in range(4)))

    assert sum(counts) == 3
    assert await StaffAlert.all().count() == 3
    assert await TrackingEvent.all().count() == 3


@pytest.mark.parametrize("status", [S.BOOKED, S.PICKED_UP, S.AT_WAREHOUSE, S.ON_HOLD, S.CANCELLED])
async def test_only_accepted_pickups_still_waiting_can_be_late(
    make, dealer, carrier, pickup_at, status
):
    await _waiting(make, dealer, carrier, pickup_at, status)

    with _at(pickup_at + dt.timedelta(hours=3)):
        assert await raise_late_pickups() == 0


async def test_a_moved_pickup_can_be_late_again(client, make, dealer, carrier, pickup_at):
    shipment = await _waiting(make, dealer, carrier, pickup_at)
    with _at(pickup_at + dt.timedelta(hours=2)):
        assert await raise_late_pickups() == 1
        token = await make.token(carrier.user)
        new_time = clock.now() + dt.timedelta(hours=1)
        moved = await payload(
            client,
            SCHEDULE_PICKUP,
            {"id": gid("Shipment", shipment.id), "at": new_time.isoformat()},
            Party(user=carrier.user, token=token),  # a token that lives past the trip
        )
        assert moved["errors"] == []
    assert (await Shipment.get(id=shipment.id)).pickup_late_at is None

    with _at(new_time + dt.timedelta(minutes=61)):
        assert await raise_late_pickups() == 1
    assert await StaffAlert.all().count() == 2


async def test_the_app_checks_in_the_background_and_stops_at_shutdown(
    database, make, dealer, carrier
):
    await _waiting(make, dealer, carrier, clock.now() - dt.timedelta(hours=2))
    app = create_app(settings_with(pickup_check_seconds=0.05), manage_database=False)

    async with app.router.lifespan_context(app):
        for _ in range(100):
            if await StaffAlert.exists():
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.2)  # a few more rounds: still one alert
        checker = [t for t in asyncio.all_tasks() if t.get_name() == "late-pickups"]
        assert len(checker) == 1

    assert await StaffAlert.all().count() == 1
    assert checker[0].done()
