"""shipmentTracking, containerLoading and waybillTracking over real sockets, end to end."""

from __future__ import annotations

import asyncio

import pytest

from models.enums import Role
from models.shipments.containers import LoadingStatus
from models.shipments.tables import ShipmentStatus
from tests import ws
from tests.graphql import gql
from tests.shipping import UPDATE_LOADING, gid

RECORD = """
mutation ($input: RecordTrackingEventInput!) {
  recordTrackingEvent(input: $input) { event { id cursor } errors { code message field } }
}
"""
SHIPMENT_TRACKING = """
subscription ($id: ID!, $after: String) {
  shipmentTracking(shipmentId: $id, after: $after) {
    cursor type description shipment { id } container { id }
  }
}
"""
CONTAINER_LOADING = """
subscription ($id: ID!, $after: String) {
  containerLoading(containerId: $id, after: $after) {
    cursor previousStatus loadingStatus loadedVehicles container { id shipments { id } }
  }
}
"""
WAYBILL_TRACKING = """
subscription ($waybill: String!, $after: String) {
  waybillTracking(waybill: $waybill, after: $after) {
    cursor type classifier occurredAt location { name unlocode country }
  }
}
"""


@pytest.fixture
async def world(make):
    """Two dealers sharing a container, a carrier, warehouse staff."""
    dealer = await make.party(Role.DEALER)
    other = await make.party(Role.DEALER)
    carrier = await make.party(Role.CARRIER)
    warehouse = await make.party(Role.WAREHOUSE)
    container = await make.container(capacity=4, status=LoadingStatus.STUFFING)
    mine = await make.shipment(
        customer=dealer.organization_id,
        carrier=carrier.organization_id,
        status=ShipmentStatus.AT_WAREHOUSE,
        container=container,
    )
    theirs = await make.shipment(
        customer=other.organization_id,
        carrier=carrier.organization_id,
        status=ShipmentStatus.AT_WAREHOUSE,
        container=container,
    )
    return {
        "dealer": dealer,
        "other": other,
        "carrier": carrier,
        "warehouse": warehouse,
        "container": container,
        "mine": mine,
        "theirs": theirs,
    }


async def record(client, token: str, description: str, **target: str) -> str:
    result = await gql(
        client,
        RECORD,
        {"input": {**target, "type": "DELAYED", "description": description}},
        token=token,
    )
    payload = result["data"]["recordTrackingEvent"]
    assert payload["errors"] == [], payload
    return payload["event"]["cursor"]


async def frames(socket, count: int) -> list[dict]:
    received = []
    while len(received) < count:
        frame = await ws.receive(socket)
        assert frame["type"] == "next", frame
        received.append(frame["payload"]["data"])
    return received


async def quiet(socket, seconds: float = 0.5) -> None:
    with pytest.raises(TimeoutError):
        frame = await asyncio.wait_for(socket.recv(), seconds)
        pytest.fail(f"unexpected frame {frame}")


async def test_shipment_events_reach_their_subscribers_live(server, client, world):
    dealer, warehouse, mine = world["dealer"], world["warehouse"], world["mine"]
    async with await ws.connect(server) as socket:
        await ws.init(socket, dealer.token)
        await ws.subscribe(socket, SHIPMENT_TRACKING, {"id": gid("Shipment", mine.id)})
        await asyncio.sleep(0.2)

        cursor = await record(
            client, warehouse.token, "held at gate", shipmentId=gid("Shipment", mine.id)
        )

        [data] = await frames(socket, 1)
        assert data["shipmentTracking"] == {
            "cursor": cursor,
            "type": "DELAYED",
            "description": "held at gate",
            "shipment": {"id": gid("Shipment", mine.id)},
            "container": None,
        }


async def test_a_container_event_reaches_each_shipment_once_and_no_other_tenant(
    server, client, world
):
    dealer, other, warehouse = world["dealer"], world["other"], world["warehouse"]
    mine, theirs, container = world["mine"], world["theirs"], world["container"]
    async with (
        await ws.connect(server) as own,
        await ws.connect(server) as neighbour,
        await ws.connect(server) as staff,
    ):
        await ws.init(own, dealer.token)
        await ws.init(neighbour, other.token)
        await ws.init(staff, warehouse.token)
        await ws.subscribe(own, SHIPMENT_TRACKING, {"id": gid("Shipment", mine.id)})
        await ws.subscribe(neighbour, SHIPMENT_TRACKING, {"id": gid("Shipment", theirs.id)})
        await ws.subscribe(staff, SHIPMENT_TRACKING, {"id": gid("Shipment", mine.id)})
        await ws.subscribe(staff, SHIPMENT_TRACKING, {"id": gid("Shipment", theirs.id)})
        await asyncio.sleep(0.2)

        # an event on my shipment only: the neighbour in the same container hears nothing
        await record(client, warehouse.token, "mine only", shipmentId=gid("Shipment", mine.id))
        # an event on the container: each shipment's subscribers get it once
        await record(
            client, warehouse.token, "whole box", containerId=gid("Container", container.id)
        )

        own_frames = await frames(own, 2)
        assert [f["shipmentTracking"]["description"] for f in own_frames] == [
            "mine only",
            "whole box",
        ]
        [neighbour_frame] = await frames(neighbour, 1)
        assert neighbour_frame["shipmentTracking"]["description"] == "whole box"
        # the container's event, read for the neighbour's shipment: theirs, not mine
        assert neighbour_frame["shipmentTracking"]["shipment"] == {"id": gid("Shipment", theirs.id)}
        assert own_frames[1]["shipmentTracking"]["shipment"] == {"id": gid("Shipment", mine.id)}
        staff_frames = await frames(staff, 3)
        assert sorted(f["shipmentTracking"]["description"] for f in staff_frames) == [
            "mine only",
            "whole box",
            "whole box",
        ]
        for socket in (own, neighbour, staff):
            await quiet(socket, 0.3)


async def test_another_dealers_shipment_answers_like_a_missing_one(server, world):
    other, mine = world["other"], world["mine"]
    async with await ws.connect(server) as socket:
        await ws.init(socket, other.token)
        hidden = await ws.subscribe(socket, SHIPMENT_TRACKING, {"id": gid("Shipment", mine.id)})
        hidden_frame = await ws.receive(socket)
        missing = await ws.subscribe(socket, SHIPMENT_TRACKING, {"id": gid("Shipment", 10**9)})
        missing_frame = await ws.receive(socket)
    assert hidden_frame["type"] == missing_frame["type"] == "error"
    assert hidden_frame["id"] == hidden and missing_frame["id"] == missing
    assert hidden_frame["payload"] == missing_frame["payload"]
    assert hidden_frame["payload"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_resume_after_a_drop_replays_exactly_the_missed_events(server, client, world):
    dealer, warehouse, mine = world["dealer"], world["warehouse"], world["mine"]
    target = {"shipmentId": gid("Shipment", mine.id)}
    async with await ws.connect(server) as socket:
        await ws.init(socket, dealer.token)
        await ws.subscribe(socket, SHIPMENT_TRACKING, {"id": gid("Shipment", mine.id)})
        await asyncio.sleep(0.2)
        await record(client, warehouse.token, "one", **target)
        [seen] = await frames(socket, 1)
    last = seen["shipmentTracking"]["cursor"]
    for text in ("two", "three"):  # while the screen is away
        await record(client, warehouse.token, text, **target)

    async with await ws.connect(server) as socket:
        await ws.init(socket, dealer.token)
        await ws.subscribe(
            socket, SHIPMENT_TRACKING, {"id": gid("Shipment", mine.id), "after": last}
        )
        replayed = await frames(socket, 2)
        await record(client, warehouse.token, "four", **target)
        live = await frames(socket, 1)
        await quiet(socket, 0.3)
    got = [f["shipmentTracking"]["description"] for f in replayed + live]
    assert got == ["two", "three", "four"]


async def test_container_loading_changes_stream_to_each_party(server, client, world):
    dealer, other, warehouse, container = (
        world["dealer"],
        world["other"],
        world["warehouse"],
        world["container"],
    )
    async with await ws.connect(server) as own, await ws.connect(server) as neighbour:
        await ws.init(own, dealer.token)
        await ws.init(neighbour, other.token)
        for socket in (own, neighbour):
            await ws.subscribe(socket, CONTAINER_LOADING, {"id": gid("Container", container.id)})
        await asyncio.sleep(0.2)

        result = await gql(
            client,
            UPDATE_LOADING,
            {
                "containerId": gid("Container", container.id),
                "status": "STUFFED",
                "loadedVehicles": 2,
            },
            token=warehouse.token,
        )
        assert result["data"]["updateLoadingStatus"]["errors"] == []

        [mine] = await frames(own, 1)
        [theirs] = await frames(neighbour, 1)
    for data, shipment in ((mine, world["mine"]), (theirs, world["theirs"])):
        update = data["containerLoading"]
        assert update["previousStatus"] == "STUFFING"
        assert update["loadingStatus"] == "STUFFED"
        assert update["loadedVehicles"] == 2
        # each dealer sees the container and only its own shipment in it
        assert update["container"]["shipments"] == [{"id": gid("Shipment", shipment.id)}]


async def test_waybill_tracking_is_anonymous_and_redacted(server, client, world):
    warehouse, mine = world["warehouse"], world["mine"]
    async with await ws.connect(server) as socket:
        await ws.init(socket)
        await ws.subscribe(socket, WAYBILL_TRACKING, {"waybill": mine.waybill.lower()})
        await asyncio.sleep(0.2)
        cursor = await record(
            client, warehouse.token, "secret note", shipmentId=gid("Shipment", mine.id)
        )
        [data] = await frames(socket, 1)
    event = data["waybillTracking"]
    assert set(event) == {"cursor", "type", "classifier", "occurredAt", "location"}
    assert event["cursor"] == cursor and event["type"] == "DELAYED"


async def test_waybill_typos_and_unknown_waybills_are_told_apart(server, world):
    waybill = world["mine"].waybill
    typo = waybill[:-1] + ("0" if waybill[-1] != "0" else "1")
    from models.validators import new_waybill

    async with await ws.connect(server) as socket:
        await ws.init(socket)
        await ws.subscribe(socket, WAYBILL_TRACKING, {"waybill": typo})
        mistyped = await ws.receive(socket)
        await ws.subscribe(socket, WAYBILL_TRACKING, {"waybill": new_waybill()})
        unknown = await ws.receive(socket)
    assert mistyped["payload"][0]["extensions"]["code"] == "INVALID_INPUT"
    assert unknown["payload"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_subscription_needs_a_signed_in_viewer_except_the_public_one(server, world):
    async with await ws.connect(server) as socket:
        await ws.init(socket)
        await ws.subscribe(socket, SHIPMENT_TRACKING, {"id": gid("Shipment", world["mine"].id)})
        frame = await ws.receive(socket)
    assert frame["type"] == "error"
    assert frame["payload"][0]["extensions"]["code"] == "UNAUTHENTICATED"
