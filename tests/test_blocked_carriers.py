"""A blocked carrier: ADMIN unblocks it (audited), or moves its live shipments, with the
customer's consent, to another carrier or back on offer (issue 15)."""

from __future__ import annotations

import asyncio

import pytest

from models.shipments.reassignments import CarrierReassignment
from models.shipments.tables import Shipment, ShipmentStatus
from tests.disputing import accepted_shipment
from tests.shipping import ACCEPT_SHIPMENT, RECORD_EVENT, gid, payload

S = ShipmentStatus
ERRORS = "errors { field message code }"
UNBLOCK = f"""
mutation ($id: ID!, $reason: String!) {{
  unblockOrganization(organizationId: $id, reason: $reason) {{
    organization {{ blocked }} {ERRORS}
  }}
}}
"""
AUDIT = """
query ($id: ID!) {
  node(id: $id) { ... on Organization { blocked blockChanges { blocked reason changedBy { id } } } }
}
"""
REASSIGNMENT = "reassignment { status reason toCarrier { id } decidedAt }"
PROPOSE = f"""
mutation ($shipmentId: ID!, $to: ID, $reason: String!) {{
  proposeCarrierReassignment(shipmentId: $shipmentId, toCarrierId: $to, reason: $reason) {{
    {REASSIGNMENT} {ERRORS}
  }}
}}
"""
RESPOND = f"""
mutation ($shipmentId: ID!, $consent: Boolean!) {{
  respondToCarrierReassignment(shipmentId: $shipmentId, consent: $consent) {{
    {REASSIGNMENT} {ERRORS}
  }}
}}
"""
SHIPMENT = """
query ($id: ID!) {
  shipment(id: $id) {
    status carrier { id } acceptedAt
    carrierReassignment { status reason toCarrier { id } }
    timeline { type classifier description }
  }
}
"""


@pytest.fixture
async def blocked(make, dealer, carrier):
    await make.block(carrier.organization_id)
    return carrier


def _codes(result: dict) -> list[tuple[str, list | None]]:
    return [(e["code"], e["field"]) for e in result["errors"]]


async def test_an_admin_unblocks_with_a_reason_and_the_change_is_audited(
    client, make, admin, blocked, dealer
):
    org = gid("Organization", blocked.organization_id)
    shipment = await accepted_shipment(make, dealer, blocked)
    before = await payload(
        client,
        RECORD_EVENT,
        {"input": {"shipmentId": gid("Shipment", shipment.id), "type": "PICKED_UP"}},
        blocked,
    )

    by_dealer = await payload(client, UNBLOCK, {"id": org, "reason": "Paid"}, dealer)
    blank = await payload(client, UNBLOCK, {"id": org, "reason": " "}, admin)
    done = await payload(client, UNBLOCK, {"id": org, "reason": "Cleared by the review"}, admin)
    again = await payload(client, UNBLOCK, {"id": org, "reason": "Twice"}, admin)
    after = await payload(
        client,
        RECORD_EVENT,
        {"input": {"shipmentId": gid("Shipment", shipment.id), "type": "PICKED_UP"}},
        blocked,
    )

    assert [e["code"] for e in before["errors"]] == ["ACCOUNT_BLOCKED"]
    assert [e["code"] for e in by_dealer["errors"]] == ["FORBIDDEN"]
    assert _codes(blank) == [("INVALID_INPUT", ["reason"])]
    assert done["errors"] == [] and done["organization"]["blocked"] is False
    assert _codes(again) == [("INVALID_TRANSITION", ["organizationId"])]
    assert after["errors"] == []
    audit = await payload(client, AUDIT, {"id": org}, admin)
    assert audit["blockChanges"] == [
        {"blocked": True, "reason": "a test", "changedBy": None},
        {
            "blocked": False,
            "reason": "Cleared by the review",
            "changedBy": {"id": gid("User", admin.user.id)},
        },
    ]
    hidden = await payload(client, AUDIT, {"id": org}, blocked)
    assert hidden["blockChanges"] is None


async def test_a_booking_not_picked_up_goes_back_on_offer_with_the_customers_consent(
    client, make, admin, blocked, dealer, other_carrier
):
    shipment = await accepted_shipment(make, dealer, blocked, status=S.PICKUP_SCHEDULED)
    key = gid("Shipment", shipment.id)

    proposed = await payload(
        client, PROPOSE, {"shipmentId": key, "reason": "Carrier blocked"}, admin
    )
    by_carrier = await payload(client, RESPOND, {"shipmentId": key, "consent": True}, other_carrier)
    consented = await payload(client, RESPOND, {"shipmentId": key, "consent": True}, dealer)
    taken = await payload(client, ACCEPT_SHIPMENT, {"id": key}, other_carrier)

    assert proposed["errors"] == [] and proposed["reassignment"]["status"] == "PENDING"
    assert proposed["reassignment"]["toCarrier"] is None
    assert [e["code"] for e in by_carrier["errors"]] == ["NOT_FOUND"]  # not its shipment
    assert consented["errors"] == [] and consented["reassignment"]["status"] == "CONSENTED"
    assert taken["errors"] == []
    seen = await payload(client, SHIPMENT, {"id": key}, dealer)
    assert seen["status"] == "ACCEPTED"
    assert seen["carrier"] == {"id": gid("Organization", other_carrier.organization_id)}
    moves = [
        (e["type"], e["classifier"]) for e in seen["timeline"] if e["type"] == "CARRIER_REASSIGNED"
    ]
    assert moves == [("CARRIER_REASSIGNED", "PLANNED"), ("CARRIER_REASSIGNED", "ACTUAL")]


async def test_cargo_picked_up_goes_to_another_carrier_never_back_on_offer(
    client, make, admin, blocked, dealer, other_carrier
):
    shipment = await accepted_shipment(make, dealer, blocked, status=S.AT_WAREHOUSE)
    key = gid("Shipment", shipment.id)
    other = gid("Organization", other_carrier.organization_id)

    on_offer = await payload(client, PROPOSE, {"shipmentId": key, "reason": "Blocked"}, admin)
    to_dealer = await payload(
        client,
        PROPOSE,
        {"shipmentId": key, "reason": "Blocked", "to": gid("Organization", dealer.organization_id)},
        admin,
    )
    proposed = await payload(
        client, PROPOSE, {"shipmentId": key, "reason": "Blocked", "to": other}, admin
    )
    twice = await payload(
        client, PROPOSE, {"shipmentId": key, "reason": "Again", "to": other}, admin
    )
    consented = await payload(client, RESPOND, {"shipmentId": key, "consent": True}, dealer)
    recorded = await payload(
        client, RECORD_EVENT, {"input": {"shipmentId": key, "type": "STUFFED"}}, other_carrier
    )

    assert _codes(on_offer) == [("INVALID_TRANSITION", ["toCarrierId"])]
    assert _codes(to_dealer) == [("INVALID_INPUT", ["toCarrierId"])]
    assert proposed["errors"] == []
    assert [e["code"] for e in twice["errors"]] == ["CONFLICT"]
    assert consented["reassignment"]["toCarrier"] == {"id": other}
    assert recorded["errors"] == [] and recorded["event"]["shipment"]["status"] == "LOADED"
    stored = await Shipment.get(id=shipment.id)
    assert stored.carrier_id == other_carrier.organization_id and stored.status is S.LOADED


async def test_a_declined_reassignment_changes_nothing_and_only_blocked_carriers_qualify(
    client, make, admin, blocked, dealer, carrier, other_carrier
):
    shipment = await accepted_shipment(make, dealer, blocked)
    key = gid("Shipment", shipment.id)
    fine = await accepted_shipment(make, dealer, other_carrier)

    not_blocked = await payload(
        client, PROPOSE, {"shipmentId": gid("Shipment", fine.id), "reason": "Why"}, admin
    )
    by_staff = await payload(client, PROPOSE, {"shipmentId": key, "reason": "Blocked"}, dealer)
    await payload(client, PROPOSE, {"shipmentId": key, "reason": "Blocked"}, admin)
    declined = await payload(client, RESPOND, {"shipmentId": key, "consent": False}, dealer)
    nothing = await payload(client, RESPOND, {"shipmentId": key, "consent": True}, dealer)

    assert _codes(not_blocked) == [("INVALID_TRANSITION", None)]
    assert [e["code"] for e in by_staff["errors"]] == ["FORBIDDEN"]
    assert declined["reassignment"]["status"] == "DECLINED"
    assert [e["code"] for e in nothing["errors"]] == ["INVALID_TRANSITION"]
    stored = await Shipment.get(id=shipment.id)
    assert (stored.carrier_id, stored.status) == (carrier.organization_id, S.ACCEPTED)


async def test_two_answers_at_once_apply_one(client, make, admin, blocked, dealer, other_carrier):
    shipment = await accepted_shipment(make, dealer, blocked)
    key = gid("Shipment", shipment.id)
    other = gid("Organization", other_carrier.organization_id)
    await payload(client, PROPOSE, {"shipmentId": key, "reason": "Blocked", "to": other}, admin)

    answers = await asyncio.gather(
        payload(client, RESPOND, {"shipmentId": key, "consent": True}, dealer),
        payload(client, RESPOND, {"shipmentId": key, "consent": False}, dealer),
    )

    outcomes = sorted(
        a["reassignment"]["status"] if a["reassignment"] else a["errors"][0]["code"]
        for a in answers
    )
    assert outcomes in (
        ["CONFLICT", "CONSENTED"],
        ["CONFLICT", "DECLINED"],
        ["CONSENTED", "INVALID_TRANSITION"],
        ["DECLINED", "INVALID_TRANSITION"],
    )
    (row,) = await CarrierReassignment.all()
    stored = await Shipment.get(id=shipment.id)
    moved = stored.carrier_id == other_carrier.organization_id
    assert moved is (row.status.value == "CONSENTED")


async def test_the_dealer_sees_the_proposal_on_its_shipment(client, make, admin, blocked, dealer):
    shipment = await accepted_shipment(make, dealer, blocked)
    key = gid("Shipment", shipment.id)
    await payload(client, PROPOSE, {"shipmentId": key, "reason": "Carrier under review"}, admin)

    seen = await payload(client, SHIPMENT, {"id": key}, dealer)

    assert seen["carrierReassignment"] == {
        "status": "PENDING",
        "reason": "Carrier under review",
        "toCarrier": None,
    }
    (planned,) = [e for e in seen["timeline"] if e["type"] == "CARRIER_REASSIGNED"]
    assert "Carrier under review" in planned["description"]
