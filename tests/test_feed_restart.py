"""A feed subscriber whose server process dies comes back on a new process with its last
cursor and gets every event it missed, then the new ones: nothing lost, nothing twice."""

from __future__ import annotations

import json

import httpx2

from models.enums import Role
from models.shipments.tables import ShipmentStatus
from tests import ws
from tests.feeds import read_feed
from tests.processes import service
from tests.test_feed_live import SUBSCRIBE
from tests.test_processes import record


async def heard(socket, count: int) -> list[tuple[str, str]]:
    """(cursor, description) of the next `count` feed events."""
    found = []
    while len(found) < count:
        frame = await ws.receive(socket, 10)
        assert frame["type"] == "next", frame
        event = frame["payload"]["data"]["organizationEvents"]
        found.append((event["cursor"], json.loads(event["data"])["description"]))
    return found


async def test_after_a_process_dies_the_subscriber_resumes_on_another_losing_nothing(make):
    dealer = await make.party(Role.DEALER)
    carrier = await make.party(Role.CARRIER)
    shipment = await make.shipment(
        customer=dealer.organization_id,
        carrier=carrier.organization_id,
        status=ShipmentStatus.IN_TRANSIT,
    )
    types = ["TRACKING_EVENT_RECORDED"]
    variables = {"types": types}
    async with service() as (first, process):
        await record(first, carrier.token, shipment.id, "one")
        async with httpx2.AsyncClient(base_url=f"http://{first}") as http:
            (_, cursor) = await read_feed(http, dealer, types=types)
        socket = await ws.connect(first)
        await ws.init(socket, dealer.token)
        await ws.subscribe(socket, SUBSCRIBE, variables | {"after": cursor})
        await record(first, carrier.token, shipment.id, "two")
        before = await heard(socket, 1)
        process.kill()  # a crash: no goodbye to anyone
        await process.wait()
        await socket.close()

    async with service() as (second, _):
        for text in ("three", "four"):  # while the subscriber is away
            await record(second, carrier.token, shipment.id, text)
        socket = await ws.connect(second)
        await ws.init(socket, dealer.token)
        await ws.subscribe(socket, SUBSCRIBE, variables | {"after": before[-1][0]})
        missed = await heard(socket, 2)
        await record(second, carrier.token, shipment.id, "five")
        live = await heard(socket, 1)
        await ws.send(socket, {"type": "ping"})
        assert (await ws.receive(socket))["type"] == "pong"  # and nothing more before it
        await socket.close()
        async with httpx2.AsyncClient(base_url=f"http://{second}") as http:
            paged, _ = await read_feed(http, dealer, types=types)

    assert [text for _, text in before + missed + live] == ["two", "three", "four", "five"]
    assert [(e["cursor"], e["data"]["description"]) for e in paged] == [
        (paged[0]["cursor"], "one"),
        *before,
        *missed,
        *live,
    ]
