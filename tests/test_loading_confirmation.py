"""Container loading and destination changes as the dealer and staff see them (issue 15)."""

from __future__ import annotations

import datetime as dt

from models import clock
from models.alerts.tables import StaffAlert, StaffAlertKind
from models.enums import OrganizationKind, Role
from models.shipments.containers import LoadingStatus
from models.shipments.tables import ShipmentStatus
from tests.shipping import REQUEST_DESTINATION_CHANGE, ROTTERDAM, gid, payload

L = LoadingStatus
ERRORS = "errors { field message code }"
LOADING = f"""
mutation ($id: ID!, $status: LoadingStatus!, $loaded: Int, $at: DateTime) {{
  updateLoadingStatus(
    containerId: $id, status: $status, loadedVehicles: $loaded, occurredAt: $at, sealNumber: "S-1"
  ) {{
    container {{ loadingStatus loadedVehicles stuffingConfirmedAt stuffingConfirmedBy {{ id }} }}
    {ERRORS}
  }}
}}
"""
PENDING = """
query ($id: ID!) {
  shipment(id: $id) { pendingDestinationChange { destination { name unlocode } reason } }
}
"""
DECIDE = f"""
mutation ($id: ID!, $approve: Boolean!) {{
  decideDestinationChange(shipmentId: $id, approve: $approve) {{ shipment {{ id }} {ERRORS} }}
}}
"""
ROME_EVENING = dt.datetime(2026, 11, 10, 21, 0, tzinfo=dt.UTC)  # 22:00 in Rome


async def _loaded_container(make, dealer, vehicles: int, capacity: int = 4):
    container = await make.container(capacity=capacity, status=L.STUFFING)
    carrier = await make.organization(OrganizationKind.CARRIER)
    await make.shipment(
        customer=dealer.organization_id,
        carrier=carrier.id,
        status=ShipmentStatus.AT_WAREHOUSE,
        vehicles=vehicles,
        container=container,
    )
    return container


async def test_loaded_vehicles_never_exceed_the_vehicles_planned_in(
    client, make, dealer, warehouse
):
    container = await _loaded_container(make, dealer, vehicles=2)
    key = gid("Container", container.id)

    over = await payload(client, LOADING, {"id": key, "status": "STUFFED", "loaded": 3}, warehouse)
    right = await payload(client, LOADING, {"id": key, "status": "STUFFED", "loaded": 2}, warehouse)

    [error] = over["errors"]
    assert (error["code"], error["field"]) == ("INVALID_INPUT", ["loadedVehicles"])
    assert "2 vehicles are planned" in error["message"]
    assert right["errors"] == [] and right["container"]["loadedVehicles"] == 2


async def test_the_stuffing_confirmation_is_served_and_a_later_day_alerts_staff(
    rome_client, make, dealer
):
    with clock.travel(ROME_EVENING):
        warehouse = await make.party(Role.WAREHOUSE)
        late = await _loaded_container(make, dealer, vehicles=1)
        same_day = await _loaded_container(make, dealer, vehicles=1)
        yesterday = (clock.now() - dt.timedelta(hours=23)).isoformat()  # 23:00 the day before
        earlier_today = (clock.now() - dt.timedelta(hours=2)).isoformat()  # 20:00 today
        confirmed = await payload(
            rome_client,
            LOADING,
            {"id": gid("Container", late.id), "status": "STUFFED", "at": yesterday},
            warehouse,
        )
        in_time = await payload(
            rome_client,
            LOADING,
            {"id": gid("Container", same_day.id), "status": "STUFFED", "at": earlier_today},
            warehouse,
        )

    assert confirmed["errors"] == in_time["errors"] == []
    shown = confirmed["container"]
    assert shown["stuffingConfirmedBy"] == {"id": gid("User", warehouse.user.id)}
    assert dt.datetime.fromisoformat(shown["stuffingConfirmedAt"]) - ROME_EVENING < dt.timedelta(
        minutes=1
    )
    (alert,) = await StaffAlert.filter(kind=StaffAlertKind.STUFFING_CONFIRMED_LATE)
    assert late.number in alert.message and "2026-11-09" in alert.message


async def test_a_step_may_not_be_dated_in_the_future_or_before_the_previous_one(
    client, make, dealer, warehouse
):
    container = await _loaded_container(make, dealer, vehicles=1)
    key = gid("Container", container.id)
    future = (clock.now() + dt.timedelta(hours=1)).isoformat()

    ahead = await payload(
        client, LOADING, {"id": key, "status": "STUFFED", "at": future}, warehouse
    )
    await payload(client, LOADING, {"id": key, "status": "STUFFED"}, warehouse)
    before = await payload(
        client,
        LOADING,
        {"id": key, "status": "SEALED", "at": (clock.now() - dt.timedelta(days=1)).isoformat()},
        warehouse,
    )

    assert [(e["code"], e["field"]) for e in ahead["errors"]] == [("INVALID_INPUT", ["occurredAt"])]
    assert [e["field"] for e in before["errors"]] == [["occurredAt"]]


async def test_a_pending_destination_change_is_served_until_it_is_decided(
    client, make, dealer, dispatcher
):
    carrier = await make.organization(OrganizationKind.CARRIER)
    shipment = await make.shipment(
        customer=dealer.organization_id, carrier=carrier.id, status=ShipmentStatus.AT_WAREHOUSE
    )
    key = gid("Shipment", shipment.id)
    asked = {"shipmentId": key, "destination": ROTTERDAM, "reason": "Buyer moved to NL"}
    requested = await payload(client, REQUEST_DESTINATION_CHANGE, asked, dealer)
    assert requested["errors"] == []

    pending = await payload(client, PENDING, {"id": key}, dealer)
    await payload(client, DECIDE, {"id": key, "approve": True}, dispatcher)
    decided = await payload(client, PENDING, {"id": key}, dealer)

    assert pending["pendingDestinationChange"] == {
        "destination": {"name": "Rotterdam", "unlocode": "NLRTM"},
        "reason": "Buyer moved to NL",
    }
    assert decided["pendingDestinationChange"] is None
