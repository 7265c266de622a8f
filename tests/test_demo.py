"""The demo data: a living business in every status, kept to the rules real traffic obeys."""

from __future__ import annotations

from api.settings import get_settings
from models.accounts.tables import User
from models.alerts.tables import StaffAlert, StaffAlertKind
from models.disputes.tables import Dispute, DisputeStatus, DisputeUpdate
from models.shipments.containers import Container, LoadingStatus
from models.shipments.tables import Shipment, ShipmentStatus, TrackingEvent
from resolvers import demo
from resolvers.shipments.pickups import raise_late_pickups
from tests.disputing import DISPUTE
from tests.factories import Party
from tests.shipping import CONTAINER, SHIPMENT_EVENTS, TRACK, gid, payload

TIMELINE = "query ($id: ID!) { shipment(id: $id) { timeline { type late } } }"
REASSIGNMENT = """query ($id: ID!) {
  shipment(id: $id) {
    carrier { name } vehicles { vin year }
    carrierReassignment { status toCarrier { name } }
  }
}"""
PICKUP = """query ($id: ID!) {
  shipment(id: $id) { pickupScheduledAt pickupDesignatedAt pickupRescheduleReason }
}"""


async def _party(make, email: str) -> Party:
    user = await User.get(email=email)
    return Party(user=user, token=await make.token(user))


async def test_the_demo_has_both_dealers_shipments_in_every_status(make):
    await seed_demo()

    shipments = await Shipment.all()
    assert {s.status for s in shipments} == set(ShipmentStatus)
    assert len({s.customer_id for s in shipments}) == 2
    assert len(shipments) >= 12
    assert {s.origin_unlocode for s in shipments} == {"USNYC", "USSAV", "USHOU"}
    assert {s.destination_unlocode for s in shipments} == {"GEPTI", "ROCND", "LTKLJ", "NLRTM"}
    # Every shipment has its history, in the log, from its booking on.
    for shipment in shipments:
        first = await TrackingEvent.filter(shipment_id=shipment.id).order_by("seq").first()
        assert first is not None and first.type == "BOOKED"
    assert await TrackingEvent.filter(seq=None).count() == 0


async def test_one_container_is_being_stuffed_for_both_dealers_and_one_is_at_sea(client, make):
    await seed_demo()
    dealer = await _party(make, "dealer@cargolive.test")
    dealer2 = await _party(make, "dealer2@cargolive.test")

    stuffing = await Container.get(loading_status=LoadingStatus.STUFFING)
    at_sea = await Container.get(loading_status=LoadingStatus.DEPARTED)

    inside = await Shipment.filter(container_id=stuffing.id)
    assert len({s.customer_id for s in inside}) == 2
    seen = await payload(client, CONTAINER, {"id": gid("Container", stuffing.id)}, dealer)
    assert len(seen["shipments"]) == 1
    seen2 = await payload(client, CONTAINER, {"id": gid("Container", stuffing.id)}, dealer2)
    assert len(seen2["shipments"]) == 1
    assert seen["shipments"] != seen2["shipments"]

    sailing = await Shipment.filter(container_id=at_sea.id)
    assert {s.status for s in sailing} == {ShipmentStatus.IN_TRANSIT}
    assert all(s.eta is not None for s in sailing)
    mine = next(s for s in sailing if s.customer_id == dealer.organization_id)
    events = await payload(client, SHIPMENT_EVENTS, {"id": gid("Shipment", mine.id)}, dealer)
    types = [edge["node"]["type"] for edge in events["events"]["edges"]]
    assert types[-7:] == [
        "STUFFED",
        "SEALED",
        "GATED_IN",
        "LOADED",
        "DEPARTED",
        "STUFFED",
        "ARRIVED",
    ]
    # The tally sheet uploaded after departure is a late fact: in the log after DEPARTED, in the
    # timeline where it happened.
    timeline = await payload(client, TIMELINE, {"id": gid("Shipment", mine.id)}, dealer)
    late = [(e["type"], e["late"]) for e in timeline["timeline"] if e["late"]]
    assert late == [("STUFFED", True)]
    order = [e["type"] for e in timeline["timeline"]]
    assert order.index("STUFFED") < order.index("DEPARTED")
    tracked = await payload(client, TRACK, {"waybill": mine.waybill}, None)
    assert tracked["status"] == "IN_TRANSIT"
    assert tracked["eta"] is not None


async def test_the_demo_has_a_carriers_reschedule_the_dealer_sees(client, make):
    await seed_demo()
    dealer = await _party(make, "dealer@cargolive.test")

    moved = await Shipment.get(reference="BH-2229")
    seen = await payload(client, PICKUP, {"id": gid("Shipment", moved.id)}, dealer)

    assert "Savannah port gate" in seen["pickupRescheduleReason"]
    assert seen["pickupDesignatedAt"] < seen["pickupScheduledAt"]


async def test_the_overdue_demo_pickup_raises_its_alert(make):
    await seed_demo()

    assert await raise_late_pickups() == 1
    (alert,) = await StaffAlert.filter(kind=StaffAlertKind.PICKUP_LATE)
    late = await Shipment.get(id=alert.shipment_id)
    assert late.status is ShipmentStatus.ACCEPTED


async def test_the_demo_has_disputes_in_several_states_with_their_history(client, make):
    await seed_demo()
    dealer2 = await _party(make, "dealer2@cargolive.test")

    assert {d.status for d in await Dispute.all()} == {
        DisputeStatus.NEGOTIATING,
        DisputeStatus.ESCALATED,
        DisputeStatus.FRAUD_REVIEW,
    }
    kinds = {a.kind for a in await StaffAlert.all()}
    assert {StaffAlertKind.FRAUD_REPORTED, StaffAlertKind.DISPUTE_ESCALATED} <= kinds
    negotiating = await Dispute.get(status=DisputeStatus.NEGOTIATING)
    seen = await payload(client, DISPUTE, {"id": gid("Dispute", negotiating.id)}, dealer2)
    assert [m["author"]["role"] for m in seen["messages"]] == ["CARRIER"]
    assert seen["proposals"][0]["accepted"] is None
    assert seen["shipment"]["status"] == "ACCEPTED"
    escalated = await Dispute.get(status=DisputeStatus.ESCALATED)
    assert escalated.outcome == "CANCELLED_WITHOUT_REFUND" and escalated.review_due_at
    assert await DisputeUpdate.filter(seq=None).count() == 0


async def seed_demo() -> None:
    settings = get_settings()
    await demo.seed(zone=settings.zone, holidays=settings.holidays, files_url=settings.files_url)


async def test_the_demo_has_a_blocked_carriers_booking_awaiting_the_dealers_consent(client, make):
    await seed_demo()
    dealer2 = await _party(make, "dealer2@cargolive.test")

    mustang = await Shipment.get(reference="CA-0931")
    seen = await payload(client, REASSIGNMENT, {"id": gid("Shipment", mustang.id)}, dealer2)

    assert seen["carrierReassignment"]["status"] == "PENDING"
    assert seen["carrierReassignment"]["toCarrier"]["name"] == "Baltic Haulage"
    assert seen["carrier"]["name"] == "Danube Trucking"
    assert seen["vehicles"] == [{"vin": "7R02C179544", "year": 1967}]  # a classic car's serial
    late = await StaffAlert.filter(kind=StaffAlertKind.STUFFING_CONFIRMED_LATE)
    assert [alert.message.startswith("Stuffing of container MRKU7719303") for alert in late] == [
        True
    ]
