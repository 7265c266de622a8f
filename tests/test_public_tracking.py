"""The public waybill view: what anyone holding a waybill number may see, and no more."""

from __future__ import annotations

from models.shipments.containers import LoadingStatus
from models.shipments.tables import ShipmentStatus, TrackingEvent
from resolvers.pagination import encode_cursor
from tests.graphql import gql
from tests.shipping import (
    NEW_YORK,
    POTI,
    RECORD_EVENT,
    TRACK,
    gid,
    payload,
)

S = ShipmentStatus
# DOMAIN.md, written out: the chain, and what each ACTUAL event drives a shipment to.
CHAIN = [
    S.BOOKED,
    S.ACCEPTED,
    S.PICKUP_SCHEDULED,
    S.PICKED_UP,
    S.AT_WAREHOUSE,
    S.LOADED,
    S.IN_TRANSIT,
    S.ARRIVED,
    S.RELEASED,
    S.DELIVERED,
]
DRIVES = {
    "PICKED_UP": S.PICKED_UP,
    "GATED_IN": S.AT_WAREHOUSE,
    "STUFFED": S.LOADED,
    "DEPARTED": S.IN_TRANSIT,
    "ARRIVED": S.ARRIVED,
    "DISCHARGED": S.ARRIVED,
    "RELEASED": S.RELEASED,
    "AVAILABLE_FOR_PICKUP": S.RELEASED,
    "DELIVERED": S.DELIVERED,
}


# The public view.


PUBLIC_TRACKING_FIELDS = {"waybill", "status", "origin", "destination", "eta", "events", "loading"}
# `late`: a milestone reported after later ones (a fact about the cargo, no name, no money);
# `statusAfter`: the public status as that event left it.
PUBLIC_EVENT_FIELDS = {
    "cursor",
    "type",
    "classifier",
    "occurredAt",
    "location",
    "late",
    "statusAfter",
}
PUBLIC_LOADING_FIELDS = {"loadingStatus", "loadedVehicles", "vehicleCapacity"}
LOADING = """
query ($waybill: String!) {
  trackWaybill(waybill: $waybill) { loading { loadingStatus loadedVehicles vehicleCapacity } }
}
"""
FIELDS_OF = """
query ($name: String!) { __type(name: $name) { fields { name } } }
"""


async def test_anyone_with_the_waybill_sees_the_redacted_tracking(client, make, dealer, warehouse):
    row = await make.shipment(
        customer=dealer.organization_id,
        status=S.IN_TRANSIT,
        deposit_amount=100,
        deposit_currency="USD",
    )
    await payload(
        client,
        RECORD_EVENT,
        {
            "input": {
                "shipmentId": gid("Shipment", row.id),
                "type": "DELAYED",
                "description": "customs holds the papers of Mr. Smith",
                "location": POTI,
            }
        },
        warehouse,
    )
    seq = (await TrackingEvent.get()).seq
    spaced = "-".join(row.waybill[i : i + 5] for i in range(0, 15, 5)).lower()

    tracked = await payload(client, TRACK, {"waybill": spaced}, None)  # anonymous

    assert tracked == {
        "waybill": row.waybill,
        "status": "IN_TRANSIT",
        "eta": None,
        "origin": NEW_YORK,
        "destination": POTI,
        "events": [
            {
                "cursor": encode_cursor(seq),
                "type": "DELAYED",
                "classifier": "ACTUAL",
                "occurredAt": tracked["events"][0]["occurredAt"],
                "location": POTI,
            }
        ],
    }
    # No name, money, description or internal field can even be asked for.
    for type_name, fields in (
        ("PublicTracking", PUBLIC_TRACKING_FIELDS),
        ("PublicTrackingEvent", PUBLIC_EVENT_FIELDS),
        ("PublicLoading", PUBLIC_LOADING_FIELDS),
    ):
        found = await payload(client, FIELDS_OF, {"name": type_name}, None)
        assert {field["name"] for field in found["fields"]} == fields


async def test_the_public_view_shows_how_full_the_container_is_and_nothing_else_of_it(
    client, make, dealer, other_dealer
):
    container = await make.container(capacity=4, status=LoadingStatus.STUFFING, loaded_vehicles=3)
    ours = await make.shipment(
        customer=dealer.organization_id, status=S.AT_WAREHOUSE, container=container
    )
    await make.shipment(
        customer=other_dealer.organization_id, status=S.AT_WAREHOUSE, container=container
    )
    loose = await make.shipment(customer=dealer.organization_id)

    loading = await payload(client, LOADING, {"waybill": ours.waybill}, None)  # anonymous
    not_in_one = await payload(client, LOADING, {"waybill": loose.waybill}, None)

    # exactly these keys: no container number, seal, vessel or the other dealer's shipment
    assert loading == {
        "loading": {"loadingStatus": "STUFFING", "loadedVehicles": 3, "vehicleCapacity": 4}
    }
    assert not_in_one == {"loading": None}


async def test_a_mistyped_waybill_is_an_error_and_an_unknown_one_is_null(client, make):
    row = await make.shipment(customer=(await make.organization()).id)
    number = row.waybill
    at = next(i for i in range(2, 14) if number[i] != number[i + 1])
    typo = number[:at] + number[at + 1] + number[at] + number[at + 2 :]  # two symbols swapped

    mistyped = await gql(client, TRACK, {"waybill": typo})
    unknown = await gql(client, TRACK, {"waybill": "CL0000000000000"})

    assert mistyped["data"] == {"trackWaybill": None}
    (error,) = mistyped["errors"]
    assert error["extensions"] == {"code": "INVALID_INPUT", "field": ["waybill"]}
    assert "mistyped" in error["message"]
    assert unknown == {"data": {"trackWaybill": None}}


async def test_waybill_look_ups_are_rate_limited_per_client(client, database):
    for _ in range(database.waybill_lookups_per_minute):
        assert "errors" not in await gql(client, TRACK, {"waybill": "CL0000000000000"})

    over = await gql(client, TRACK, {"waybill": "CL0000000000000"})

    assert over["errors"][0]["extensions"]["code"] == "LIMIT_EXCEEDED"
