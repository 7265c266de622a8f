"""supportThreadMessages and staffAlerts over real sockets: who may subscribe, what arrives,
and resuming from a cursor."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from models import clock
from models.enums import Role
from models.shipments.tables import ShipmentStatus
from resolvers.shipments.pickups import raise_late_pickups
from resolvers.support.sla import raise_sla_alerts
from tests import ws
from tests.disputing import accepted_shipment, open_dispute
from tests.shipping import gid
from tests.support import STAFF_ALERTS, THREAD_MESSAGES, build_desk, open_thread, post


@pytest.fixture
async def desk(make):
    return await build_desk(make)


async def frames(socket, count: int, field: str) -> list[dict]:
    received = []
    while len(received) < count:
        frame = await ws.receive(socket)
        assert frame["type"] == "next", frame
        received.append(frame["payload"]["data"][field])
    return received


async def quiet(socket, seconds: float = 0.4) -> None:
    with pytest.raises(TimeoutError):
        frame = await ws.receive(socket, timeout=seconds)
        pytest.fail(f"unexpected frame {frame}")


async def refused(server, token: str | None, query: str, variables: dict) -> dict:
    async with await ws.connect(server) as socket:
        await ws.init(socket, token)
        operation = await ws.subscribe(socket, query, variables)
        frame = await ws.receive(socket)
    assert (frame["type"], frame["id"]) == ("error", operation)
    return frame["payload"]


# supportThreadMessages


async def test_messages_reach_the_dealer_and_the_desk_live(server, client, desk):
    thread = await open_thread(client, desk.dealer)
    async with await ws.connect(server) as dealer, await ws.connect(server) as agent:
        await ws.init(dealer, desk.dealer.token)
        await ws.init(agent, desk.agent.token)
        for socket in (dealer, agent):
            await ws.subscribe(socket, THREAD_MESSAGES, {"threadId": thread["id"]})
        await asyncio.sleep(0.2)

        reply = (await post(client, desk.agent, thread, "Found it."))["message"]

        [seen_by_dealer] = await frames(dealer, 1, "supportThreadMessages")
        [seen_by_agent] = await frames(agent, 1, "supportThreadMessages")
    assert seen_by_dealer == seen_by_agent == reply
    assert reply["author"]["id"] == desk.gid(desk.agent)


async def test_another_tenants_thread_answers_like_a_missing_one(server, client, desk):
    thread = await open_thread(client, desk.dealer)

    hidden = await refused(
        server, desk.other_dealer.token, THREAD_MESSAGES, {"threadId": thread["id"]}
    )
    missing = await refused(
        server, desk.other_dealer.token, THREAD_MESSAGES, {"threadId": gid("SupportThread", 10**9)}
    )
    other_group = await refused(
        server, desk.other_agent.token, THREAD_MESSAGES, {"threadId": thread["id"]}
    )
    anonymous = await refused(server, None, THREAD_MESSAGES, {"threadId": thread["id"]})

    assert hidden == missing == other_group
    assert hidden[0]["extensions"]["code"] == "NOT_FOUND"
    assert anonymous[0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_resuming_replays_exactly_the_missed_messages(server, client, desk):
    thread = await open_thread(client, desk.dealer)
    async with await ws.connect(server) as socket:
        await ws.init(socket, desk.dealer.token)
        await ws.subscribe(socket, THREAD_MESSAGES, {"threadId": thread["id"]})
        await asyncio.sleep(0.2)
        await post(client, desk.agent, thread, "one")
        [seen] = await frames(socket, 1, "supportThreadMessages")
    for body in ("two", "three"):
        await post(client, desk.agent, thread, body)

    async with await ws.connect(server) as socket:
        await ws.init(socket, desk.dealer.token)
        variables = {"threadId": thread["id"], "after": seen["cursor"]}
        await ws.subscribe(socket, THREAD_MESSAGES, variables)
        replayed = await frames(socket, 2, "supportThreadMessages")
        await post(client, desk.dealer, thread, "four")
        live = await frames(socket, 1, "supportThreadMessages")
        await quiet(socket)
    assert [m["body"] for m in replayed + live] == ["two", "three", "four"]


# staffAlerts


@pytest.mark.parametrize("role", [Role.DEALER, Role.CARRIER])
async def test_staff_alerts_are_refused_to_dealers_and_carriers(server, make, role):
    party = await make.party(role)
    errors = await refused(server, party.token, STAFF_ALERTS, {})
    assert errors[0]["extensions"]["code"] == "FORBIDDEN"


async def test_staff_alerts_need_a_signed_in_viewer(server):
    errors = await refused(server, None, STAFF_ALERTS, {})
    assert errors[0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_every_staff_alert_reaches_staff_with_what_each_may_see(server, client, make, desk):
    opened = dt.datetime(2025, 6, 10, 11, 0, tzinfo=dt.UTC)
    with clock.travel(opened):
        thread = await open_thread(client, desk.dealer)
    late = await make.shipment(
        customer=desk.dealer.organization_id,
        carrier=desk.carrier.organization_id,
        status=ShipmentStatus.PICKUP_SCHEDULED,
        pickup_scheduled_at=clock.now() - dt.timedelta(hours=2),
    )
    async with await ws.connect(server) as agent, await ws.connect(server) as other_agent:
        await ws.init(agent, desk.agent.token)
        await ws.init(other_agent, desk.other_agent.token)
        for socket in (agent, other_agent):
            await ws.subscribe(socket, STAFF_ALERTS, {})
        await asyncio.sleep(0.2)

        assert await raise_sla_alerts(opened + dt.timedelta(minutes=2, seconds=30)) == 1
        assert await raise_late_pickups() == 1

        mine = await frames(agent, 2, "staffAlerts")
        theirs = await frames(other_agent, 2, "staffAlerts")
    assert [a["kind"] for a in mine] == ["SLA_WARNING", "PICKUP_LATE"]
    # The thread shows to the agent of its group only; both see the late shipment.
    assert mine[0]["thread"] == {"id": thread["id"], "subject": "Where is my Camry?"}
    assert theirs[0]["thread"] is None
    assert mine[1]["shipment"] == theirs[1]["shipment"] == {"id": gid("Shipment", late.id)}
    assert [a["cursor"] for a in mine] == [a["cursor"] for a in theirs]
    assert all(a["dispute"] is None for a in mine)


async def test_staff_alerts_resume_from_a_cursor(server, client, desk):
    opened = dt.datetime(2025, 6, 10, 11, 0, tzinfo=dt.UTC)
    with clock.travel(opened):
        for _ in range(2):
            await open_thread(client, desk.dealer)
    await raise_sla_alerts(opened + dt.timedelta(minutes=2, seconds=30))  # two warnings

    async with await ws.connect(server) as socket:
        await ws.init(socket, desk.admin.token)
        await ws.subscribe(socket, STAFF_ALERTS, {"after": None})
        await asyncio.sleep(0.2)
        await quiet(socket)  # no cursor: live from now on
        await raise_sla_alerts(opened + dt.timedelta(minutes=4))  # two breaches
        live = await frames(socket, 2, "staffAlerts")

    async with await ws.connect(server) as socket:
        await ws.init(socket, desk.admin.token)
        await ws.subscribe(socket, STAFF_ALERTS, {"after": live[0]["cursor"]})
        replayed = await frames(socket, 1, "staffAlerts")
        await quiet(socket)
    assert [a["kind"] for a in live] == ["SLA_BREACHED", "SLA_BREACHED"]
    assert replayed == live[1:]


async def test_a_fraud_report_reaches_the_staff_socket_with_its_dispute(server, client, make, desk):
    shipment = await accepted_shipment(make, desk.dealer, desk.carrier)
    async with await ws.connect(server) as agent:
        await ws.init(agent, desk.agent.token)
        await ws.subscribe(agent, STAFF_ALERTS, {})
        await asyncio.sleep(0.2)
        dispute = await open_dispute(client, desk.dealer, shipment, "FRAUD")
        (alert,) = await frames(agent, 1, "staffAlerts")
    assert alert["kind"] == "FRAUD_REPORTED"
    assert alert["dispute"] == {"id": dispute["id"]}
    assert alert["shipment"] == {"id": gid("Shipment", shipment.id)}
