"""Insurance claims: opening one (also after delivery), its lifecycle, and who sees it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from models import clock
from models.claims.tables import ClaimPayment
from models.enums import Role
from models.events import EventKind
from models.shipments.tables import (
    EventClassifier,
    Shipment,
    ShipmentStatus,
    TrackingEvent,
    TrackingEventType,
)
from resolvers.shipments.events import parties, shipment_topic
from schema.ids import parse_global_id
from subscriptions.log import Audience, log_row, recording
from tests.claims import ADVANCE, CLAIM, OPEN_CLAIM, SHIPMENT_CLAIMS, claim_input
from tests.documents import ATTACH, PDF, PNG, attach_input, call, done, put, sample
from tests.shipping import gid

DOCUMENT_CLAIM = "query ($id: ID!) { document(id: $id) { claim { id } } }"


async def delivered(make, dealer, carrier, days_ago: float = 1):
    """A shipment delivered `days_ago` (its ACTUAL DELIVERED event) with a DAMAGED event."""
    shipment = await make.shipment(
        customer=dealer.organization_id,
        carrier=carrier.organization_id,
        status=ShipmentStatus.DELIVERED,
    )
    at = clock.now() - dt.timedelta(days=days_ago)
    async with recording() as log:
        for kind in (TrackingEventType.DAMAGED, TrackingEventType.DELIVERED):
            row = await TrackingEvent.create(
                shipment=shipment,
                type=kind,
                classifier=EventClassifier.ACTUAL,
                occurred_at=at,
                recorded_at=at,
            )
            await log_row(
                log,
                row,
                kind=EventKind.TRACKING,
                topics=[shipment_topic(shipment.id)],
                audience=Audience(orgs=parties([shipment]), public=True),
                occurred_at=at,
            )
    return shipment


@pytest.fixture
async def back_office(make):
    return await make.party(Role.BACK_OFFICE)


async def test_a_delivered_shipments_claim_runs_from_reported_to_paid(
    client, make, dealer, carrier, back_office
):
    shipment = await delivered(make, dealer, carrier, days_ago=13)
    opened = (await done(client, OPEN_CLAIM, dealer, input=claim_input(shipment)))["claim"]
    assert opened["status"] == "REPORTED" and opened["claimed"] == {
        "amount": "1200.50",
        "currency": "EUR",
    }
    assert opened["damageEvent"]["type"] == "DAMAGED"
    claim_id = opened["id"]
    for kind, content in (("PHOTO", sample(PNG, 800)), ("DAMAGE_REPORT", PDF)):
        fields = attach_input(shipment, kind, content, claimId=claim_id)
        attached = await done(client, ATTACH, dealer, input=fields)
        response = await put(client, attached["uploadUrl"], content, fields["contentType"])
        assert response.status_code == 201

    steps = [
        {"status": "INSURER_NOTIFIED", "insurerReference": "AXA-77-1234"},
        {"status": "DOCUMENTS_REQUESTED", "note": "Survey report please"},
        {"status": "UNDER_ASSESSMENT"},
        {"status": "APPROVED", "approved": {"amount": "1000", "currency": "EUR"}},
        {"status": "PAID"},
    ]
    for step in steps:
        claim = (await done(client, ADVANCE, back_office, id=claim_id, **step))["claim"]
        assert claim["status"] == step["status"]

    seen = await call(client, CLAIM, dealer, id=claim_id)
    assert seen["insurerReference"] == "AXA-77-1234"
    assert seen["approved"] == {"amount": "1000.00", "currency": "EUR"}
    assert seen["closedAt"] is not None
    assert [s["status"] for s in seen["history"]] == [
        "REPORTED",
        "INSURER_NOTIFIED",
        "DOCUMENTS_REQUESTED",
        "UNDER_ASSESSMENT",
        "APPROVED",
        "PAID",
    ]
    assert seen["history"][2]["note"] == "Survey report please"
    for edge in seen["documents"]["edges"]:
        linked = await call(client, DOCUMENT_CLAIM, dealer, id=edge["node"]["id"])
        assert linked == {"claim": {"id": claim_id}}
    assert {edge["node"]["kind"] for edge in seen["documents"]["edges"]} == {
        "PHOTO",
        "DAMAGE_REPORT",
    }
    parsed = parse_global_id(claim_id)
    assert parsed is not None
    payments = await ClaimPayment.filter(claim_id=parsed[1])
    assert [(payment.amount, payment.currency) for payment in payments] == [
        (Decimal("1000"), "EUR")
    ]


async def test_claims_close_a_set_window_after_delivery(client, make, dealer, carrier):
    late = await delivered(make, dealer, carrier, days_ago=14.01)
    answer = await call(client, OPEN_CLAIM, dealer, input=claim_input(late))
    assert answer["errors"][0]["code"] == "DEADLINE_PASSED"
    assert answer["errors"][0]["field"] == ["input", "shipmentId"]
    assert await call(client, SHIPMENT_CLAIMS, dealer, id=gid("Shipment", late.id)) == {
        "insuranceClaims": []
    }


@pytest.mark.parametrize(
    "status", [ShipmentStatus.BOOKED, ShipmentStatus.PICKUP_SCHEDULED, ShipmentStatus.CANCELLED]
)
async def test_nothing_can_be_claimed_before_pickup_or_after_cancelling(
    client, make, dealer, carrier, status
):
    shipment = await make.shipment(
        customer=dealer.organization_id, carrier=carrier.organization_id, status=status
    )
    answer = await call(client, OPEN_CLAIM, dealer, input=claim_input(shipment))
    assert answer["errors"][0]["code"] == "INVALID_TRANSITION"


async def test_one_claim_is_open_per_shipment_at_a_time(client, make, dealer, carrier, back_office):
    shipment = await delivered(make, dealer, carrier)
    first = (await done(client, OPEN_CLAIM, dealer, input=claim_input(shipment)))["claim"]
    second = await call(client, OPEN_CLAIM, back_office, input=claim_input(shipment))
    assert second["errors"][0]["code"] == "CONFLICT"

    await done(
        client,
        ADVANCE,
        back_office,
        id=first["id"],
        status="INSURER_NOTIFIED",
        insurerReference="R-1",
    )
    await done(client, ADVANCE, back_office, id=first["id"], status="REJECTED", note="Excluded")
    again = await done(client, OPEN_CLAIM, back_office, input=claim_input(shipment))
    assert again["claim"]["reportedBy"] == {"role": "BACK_OFFICE"}
    claims = await call(client, SHIPMENT_CLAIMS, dealer, id=gid("Shipment", shipment.id))
    assert [c["status"] for c in claims["insuranceClaims"]] == ["REPORTED", "REJECTED"]


@pytest.mark.parametrize(
    ("claimed", "field"),
    [
        ({"amount": "0", "currency": "EUR"}, ["input", "claimed", "amount"]),
        ({"amount": "-5", "currency": "EUR"}, ["input", "claimed", "amount"]),
        ({"amount": "10.005", "currency": "EUR"}, ["input", "claimed", "amount"]),
        ({"amount": "10", "currency": "EURO"}, ["input", "claimed", "currency"]),
    ],
)
async def test_a_bad_claimed_amount_names_its_field(client, make, dealer, carrier, claimed, field):
    shipment = await delivered(make, dealer, carrier)
    answer = await call(
        client, OPEN_CLAIM, dealer, input=claim_input(shipment) | {"claimed": claimed}
    )
    assert answer["errors"][0]["field"] == field
    assert answer["errors"][0]["code"] == "INVALID_INPUT"


async def _assessed(client, make, dealer, carrier, back_office):
    shipment = await delivered(make, dealer, carrier)
    claim = (await done(client, OPEN_CLAIM, dealer, input=claim_input(shipment, "500")))["claim"]
    await done(
        client,
        ADVANCE,
        back_office,
        id=claim["id"],
        status="INSURER_NOTIFIED",
        insurerReference="X",
    )
    await done(client, ADVANCE, back_office, id=claim["id"], status="UNDER_ASSESSMENT")
    return claim["id"]


async def test_the_approved_amount_is_at_most_the_claimed_one(
    client, make, dealer, carrier, back_office
):
    claim_id = await _assessed(client, make, dealer, carrier, back_office)
    cases = [
        ({"amount": "500.01", "currency": "EUR"}, ["approved", "amount"]),
        ({"amount": "0", "currency": "EUR"}, ["approved", "amount"]),
        ({"amount": "100", "currency": "USD"}, ["approved", "currency"]),
        (None, ["approved"]),
    ]
    for approved, field in cases:
        answer = await call(
            client, ADVANCE, back_office, id=claim_id, status="APPROVED", approved=approved
        )
        assert answer["errors"][0]["field"] == field, approved
    rejected = await call(client, ADVANCE, back_office, id=claim_id, status="REJECTED")
    assert rejected["errors"][0]["field"] == ["note"]
    paid = await call(client, ADVANCE, back_office, id=claim_id, status="PAID")
    assert paid["errors"][0]["code"] == "INVALID_TRANSITION"
    assert (await call(client, CLAIM, dealer, id=claim_id))["status"] == "UNDER_ASSESSMENT"
    exact = await done(
        client,
        ADVANCE,
        back_office,
        id=claim_id,
        status="APPROVED",
        approved={"amount": "500", "currency": "EUR"},
    )
    assert exact["claim"]["approved"]["amount"] == "500.00"


async def test_only_back_office_drives_a_claim_and_a_carrier_never_sees_it(
    client, make, dealer, carrier, other_dealer, back_office
):
    shipment = await delivered(make, dealer, carrier)
    claim = (await done(client, OPEN_CLAIM, dealer, input=claim_input(shipment)))["claim"]
    warehouse = await make.party(Role.WAREHOUSE)

    by_dealer = await call(
        client, ADVANCE, dealer, id=claim["id"], status="INSURER_NOTIFIED", insurerReference="R"
    )
    by_carrier = await call(
        client, ADVANCE, carrier, id=claim["id"], status="INSURER_NOTIFIED", insurerReference="R"
    )
    by_carrier_open = await call(client, OPEN_CLAIM, carrier, input=claim_input(shipment))

    assert by_dealer["errors"][0]["code"] == "FORBIDDEN"
    assert by_carrier["errors"][0]["code"] == "NOT_FOUND"
    assert by_carrier_open["errors"][0]["code"] == "FORBIDDEN"
    for party in (carrier, other_dealer, warehouse):
        assert await call(client, CLAIM, party, id=claim["id"]) is None
    assert await call(client, SHIPMENT_CLAIMS, carrier, id=gid("Shipment", shipment.id)) == {
        "insuranceClaims": []
    }


async def test_a_claims_documents_are_hidden_from_the_carrier(
    client, make, dealer, carrier, back_office
):
    shipment = await delivered(make, dealer, carrier)
    claim = (await done(client, OPEN_CLAIM, dealer, input=claim_input(shipment)))["claim"]
    fields = attach_input(shipment, "BILL_OF_LADING", PDF, claimId=claim["id"])
    document = (await done(client, ATTACH, dealer, input=fields))["document"]
    assert (
        await call(
            client, "query ($id: ID!) { document(id: $id) { id } }", carrier, id=document["id"]
        )
        is None
    )
    closed = await done(
        client,
        ADVANCE,
        back_office,
        id=claim["id"],
        status="INSURER_NOTIFIED",
        insurerReference="R",
    )
    await done(client, ADVANCE, back_office, id=closed["claim"]["id"], status="REJECTED", note="No")
    late = await call(client, ATTACH, dealer, input=fields)
    assert late["errors"][0]["code"] == "INVALID_TRANSITION"
    assert late["errors"][0]["field"] == ["input", "claimId"]


async def test_the_claim_is_in_the_shipments_currency_when_it_has_one(
    client, make, dealer, carrier
):
    shipment = await delivered(make, dealer, carrier)
    await Shipment.filter(id=shipment.id).update(
        deposit_amount=Decimal("250"), deposit_currency="USD"
    )

    in_euro = await call(client, OPEN_CLAIM, dealer, input=claim_input(shipment, currency="EUR"))
    in_dollars = await done(client, OPEN_CLAIM, dealer, input=claim_input(shipment, currency="USD"))

    assert in_euro["errors"][0]["field"] == ["input", "claimed", "currency"]
    assert "USD" in in_euro["errors"][0]["message"]
    assert in_dollars["claim"]["claimed"] == {"amount": "1200.50", "currency": "USD"}
