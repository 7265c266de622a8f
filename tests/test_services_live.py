"""What a dealer's service requests tell others: the live stream, the organization feed, the
webhooks, the staff queue by due time, the support thread they come from, and the service
level's alerts. A dealer sees only its own; carriers none."""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal

import pytest

from models.alerts.tables import StaffAlert, StaffAlertKind
from models.calculations.tables import ExtraService, ExtraServicePrice
from models.enums import Role
from models.services.tables import ServiceRequest
from resolvers.integrations.worker import delivering
from resolvers.services.levels import raise_service_alerts
from tests import ws
from tests.documents import call, done
from tests.feeds import key, read_feed
from tests.services import (
    ADVANCE_EXTRA,
    ADVANCE_PAYMENT,
    NODE,
    ORDER_EXTRA,
    REPORT_TRANSFER,
    REQUEST_PAYMENT,
    SERVICE_REQUESTS,
    SET_LEVEL,
    codes,
    payment_input,
    transfer_input,
)
from tests.shipping import gid
from tests.support import open_thread
from tests.test_webhook_delivery import endpoint_for, fast
from tests.webhooks import Receiver, receiving

UPDATES = """
subscription ($shipment: ID, $after: String) {
  serviceRequestUpdates(shipmentId: $shipment, after: $after) {
    cursor request { __typename id status } change { previousStatus status by { role } }
  }
}
"""
THREAD_REQUESTS = "query ($id: ID!) { supportThread(id: $id) { serviceRequests { id kind } } }"


@pytest.fixture
async def back_office(make):
    return await make.party(Role.BACK_OFFICE)


async def test_each_step_reaches_the_dealer_and_request_staff_only(
    server, client, make, dealer, other_dealer, carrier, back_office
):
    dispatcher = await make.party(Role.DISPATCHER)
    async with (
        await ws.connect(server) as own,
        await ws.connect(server) as office,
        await ws.connect(server) as stranger,
        await ws.connect(server) as haulier,
        await ws.connect(server) as dispatch,
    ):
        parties = {
            own: dealer,
            office: back_office,
            stranger: other_dealer,
            haulier: carrier,
            dispatch: dispatcher,
        }
        for socket, party in parties.items():
            await ws.init(socket, party.token)
            await ws.subscribe(socket, UPDATES, {})
        refusals = {
            socket: (await ws.receive(socket))["payload"][0]["extensions"]["code"]
            for socket in (haulier, dispatch)
        }
        await asyncio.sleep(0.2)
        request = (await done(client, REQUEST_PAYMENT, dealer, input=payment_input()))["request"]
        await done(
            client, ADVANCE_PAYMENT, back_office, id=request["id"], status="DECLINED", note="no"
        )
        heard = {}
        for socket in (own, office):
            frames = [await ws.receive(socket) for _ in range(2)]
            heard[socket] = [f["payload"]["data"]["serviceRequestUpdates"] for f in frames]
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(stranger.recv(), 0.4)

    assert refusals == {haulier: "FORBIDDEN", dispatch: "FORBIDDEN"}
    assert heard[own] == heard[office]
    steps = [(u["change"]["previousStatus"], u["change"]["status"]) for u in heard[own]]
    assert steps == [(None, "REQUESTED"), ("REQUESTED", "DECLINED")]
    assert heard[own][0]["request"]["__typename"] == "VehiclePaymentRequest"


async def test_a_shipments_stream_carries_its_orders_and_not_to_its_carrier(
    server, client, make, dealer, carrier, warehouse
):
    await ExtraServicePrice.create(
        service=ExtraService.EXTRA_PACKING, amount=Decimal("120"), currency="USD"
    )
    shipment = await make.shipment(
        customer=dealer.organization_id, carrier=carrier.organization_id, price_currency="USD"
    )
    variables = {"shipment": gid("Shipment", shipment.id)}
    async with await ws.connect(server) as own, await ws.connect(server) as haulier:
        for socket, party in ((own, dealer), (haulier, carrier)):
            await ws.init(socket, party.token)
            await ws.subscribe(socket, UPDATES, variables)
        refused = (await ws.receive(haulier))["payload"][0]["extensions"]["code"]
        await asyncio.sleep(0.2)
        order = {"shipmentId": variables["shipment"], "service": "EXTRA_PACKING"}
        request = (await done(client, ORDER_EXTRA, dealer, input=order))["request"]
        await done(client, ADVANCE_EXTRA, warehouse, id=request["id"], status="CONFIRMED")
        frames = [(await ws.receive(own))["payload"]["data"] for _ in range(2)]
    assert refused == "FORBIDDEN"
    updates = [frame["serviceRequestUpdates"] for frame in frames]
    assert [u["change"]["status"] for u in updates] == ["REQUESTED", "CONFIRMED"]
    assert updates[1]["change"]["by"] == {"role": "WAREHOUSE"}


async def test_the_feed_and_webhooks_carry_a_dealers_requests_to_it_alone(
    client, dealer, other_dealer, back_office
):
    mine, theirs = Receiver(secrets=[]), Receiver(secrets=[])
    async with receiving(mine), receiving(theirs):
        _, secret = await endpoint_for(dealer, mine.url)
        mine.secrets = [secret]
        _, other_secret = await endpoint_for(other_dealer, theirs.url)
        theirs.secrets = [other_secret]
        async with delivering(fast()):
            request = (await done(client, REQUEST_PAYMENT, dealer, input=payment_input()))[
                "request"
            ]
            await done(
                client, ADVANCE_PAYMENT, back_office, id=request["id"], status="DECLINED", note="x"
            )
            await done(client, REPORT_TRANSFER, dealer, input=transfer_input())
            await mine.wait_for(3)
            await asyncio.sleep(0.5)
    assert theirs.received == []
    types = [payload["type"] for _, payload in mine.received]
    assert types == [
        "VEHICLE_PAYMENT_REQUEST_UPDATED",
        "VEHICLE_PAYMENT_REQUEST_UPDATED",
        "TRANSFER_VERIFICATION_UPDATED",
    ]
    declined = mine.received[1][1]["data"]
    assert (declined["requestId"], declined["previousStatus"], declined["status"]) == (
        request["id"],
        "REQUESTED",
        "DECLINED",
    )
    assert (declined["amount"], declined["currency"], declined["note"]) == ("5000.00", "USD", "x")

    events, _ = await read_feed(client, dealer)
    assert [e["type"] for e in events] == types
    assert events[0]["subject"] == {"id": request["id"], "__typename": "VehiclePaymentRequest"}
    others, _ = await read_feed(client, other_dealer)
    assert others == []


async def test_the_queue_is_by_due_time_and_each_kind_has_its_target(
    client, dealer, other_dealer, back_office, admin
):
    refused = await call(client, SET_LEVEL, back_office, kind="TRANSFER_VERIFICATION", minutes=5)
    assert codes(refused) == ["FORBIDDEN"]
    zero = await call(client, SET_LEVEL, admin, kind="TRANSFER_VERIFICATION", minutes=0)
    assert zero["errors"][0]["field"] == ["minutes"]
    levels = await done(client, SET_LEVEL, admin, kind="TRANSFER_VERIFICATION", minutes=5)
    assert {"kind": "TRANSFER_VERIFICATION", "minutes": 5} in levels["targets"]
    assert {"kind": "VEHICLE_PAYMENT", "minutes": 30} in levels["targets"]
    payment = (await done(client, REQUEST_PAYMENT, dealer, input=payment_input()))["request"]
    transfer = (await done(client, REPORT_TRANSFER, dealer, input=transfer_input()))["request"]
    await done(client, REPORT_TRANSFER, other_dealer, input=transfer_input())
    await done(client, ADVANCE_PAYMENT, back_office, id=payment["id"], status="DECLINED", note="n")

    queue = await call(client, SERVICE_REQUESTS, dealer)
    assert [edge["node"]["id"] for edge in queue["edges"]] == [transfer["id"], payment["id"]]
    dues = [edge["node"]["serviceLevel"]["dueAt"] for edge in queue["edges"]]
    assert dues == sorted(dues)
    first = await call(client, SERVICE_REQUESTS, dealer, first=1)
    rest = await call(client, SERVICE_REQUESTS, dealer, after=first["pageInfo"]["endCursor"])
    assert [e["node"]["id"] for e in rest["edges"]] == [payment["id"]]
    open_only = await call(client, SERVICE_REQUESTS, dealer, open=True)
    assert [e["node"]["id"] for e in open_only["edges"]] == [transfer["id"]]
    by_kind = await call(client, SERVICE_REQUESTS, dealer, kind=["VEHICLE_PAYMENT"])
    assert by_kind["totalCount"] == 1
    assert (await call(client, SERVICE_REQUESTS, back_office))["totalCount"] == 3


async def test_a_thread_converts_to_a_request_and_lists_it(client, dealer, other_dealer):
    thread = await open_thread(client, dealer)
    foreign = await call(
        client, REQUEST_PAYMENT, other_dealer, input=payment_input(threadId=thread["id"])
    )
    assert codes(foreign) == ["NOT_FOUND"]
    request = (
        await done(client, REQUEST_PAYMENT, dealer, input=payment_input(threadId=thread["id"]))
    )["request"]
    assert request["thread"] == {"id": thread["id"]}
    listed = await call(client, THREAD_REQUESTS, dealer, id=thread["id"])
    assert listed["serviceRequests"] == [{"id": request["id"], "kind": "VEHICLE_PAYMENT"}]
    assert await call(client, NODE, other_dealer, id=request["id"]) is None


async def test_warning_and_breach_are_raised_once_unless_acted_on_in_time(
    client, dealer, back_office
):
    late = (await done(client, REQUEST_PAYMENT, dealer, input=payment_input()))["request"]
    prompt = (await done(client, REQUEST_PAYMENT, dealer, input=payment_input()))["request"]
    await done(client, ADVANCE_PAYMENT, back_office, id=prompt["id"], status="DECLINED", note="n")
    due = max(row.due_at for row in await ServiceRequest.all())

    assert await raise_service_alerts(due + dt.timedelta(minutes=1)) == 2
    assert await raise_service_alerts(due + dt.timedelta(minutes=2)) == 0
    alerts = await StaffAlert.all().order_by("id")
    assert [alert.kind for alert in alerts] == [
        StaffAlertKind.SLA_WARNING,
        StaffAlertKind.SLA_BREACHED,
    ]
    assert all(f"VehiclePaymentRequest #{key(late['id'])} " in a.message for a in alerts)
