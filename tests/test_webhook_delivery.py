"""Deliveries over real HTTP to a receiver that verifies with the standardwebhooks library:
every event of the organization exactly once by webhook-id, in log order, through failures."""

from __future__ import annotations

import asyncio
import datetime as dt

import orjson
import pytest
from starlette.responses import Response

from models.alerts.tables import StaffAlert, StaffAlertKind
from models.integrations.tables import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from models.shipments.tables import EventClassifier, ShipmentStatus, TrackingEventType
from resolvers.accounts.users import viewer_for_token
from resolvers.integrations import deliveries, delivery_log, reads, webhooks
from resolvers.integrations.cursor import Position
from resolvers.integrations.signing import webhook_id
from resolvers.integrations.worker import delivering
from resolvers.shipments.tracking import record_tracking_event
from tests.conftest import settings_with
from tests.graphql import gql
from tests.processes import free_port
from tests.webhooks import ENDPOINTS, Receiver, receiving, record_events

FAST = {"delivery_poll_seconds": 0.05, "delivery_lease_seconds": 5}


def fast(schedule: str = "0.2,0.2,0.2,0.2,0.2,0.2,0.2,0.2,0.2,0.2", **more: object):
    return settings_with(**FAST, webhook_retry_schedule=schedule, **more)


async def until(check, seconds: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    for _ in range(int(seconds / 0.05)):
        if await check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"not reached within {seconds} s")


async def endpoint_for(party, url: str, **extra):  # type: ignore[no-untyped-def]
    viewer = await viewer_for_token(party.token)
    return await webhooks.create_endpoint(
        viewer=viewer, url=url, event_types=extra.get("types"), production=False
    )


async def failed_attempts(endpoint_id: int, at_least: int) -> bool:
    row = await WebhookDelivery.filter(
        endpoint_id=endpoint_id, status=DeliveryStatus.PENDING
    ).first()
    return row is not None and row.attempts >= at_least


@pytest.fixture
async def shipment(make, dealer):
    return await make.shipment(customer=dealer.organization_id)


async def test_every_event_once_in_order_through_500s_and_a_receiver_down(
    make, dealer, other_dealer, dispatcher, shipment
):
    port = free_port()
    receiver = Receiver(secrets=[])
    others = await make.shipment(customer=other_dealer.organization_id)
    async with receiving(receiver, port):
        endpoint, secret = await endpoint_for(dealer, receiver.url)
        receiver.secrets = [secret]
        async with delivering(fast()):
            seqs = await record_events(dispatcher, shipment.id, 5)
            await record_events(dispatcher, others.id, 3)  # another organization's
            await receiver.wait_for(5)
            receiver.status = 500
            seqs += await record_events(dispatcher, shipment.id, 5)
            await until(lambda: failed_attempts(endpoint.id, 2))
            receiver.status = 200
            await receiver.wait_for(10)
    async with delivering(fast()):
        seqs += await record_events(dispatcher, shipment.id, 5)  # the receiver is down
        await until(lambda: failed_attempts(endpoint.id, 2))
        async with receiving(receiver, port):
            await receiver.wait_for(15)
    assert receiver.rejected == 0
    assert receiver.unique_ids() == [webhook_id(endpoint.id, Position(seq, 0)) for seq in seqs]
    first = receiver.received[0][1]
    assert first["type"] == "TRACKING_EVENT_RECORDED"
    assert first["data"]["waybill"] == shipment.waybill
    assert set(first) == {"type", "timestamp", "data"}
    feed = await reads.read(
        dealer.organization_id, after=None, limit=100, window=dt.timedelta(days=1)
    )
    # The body is the feed's event: its type, when it was recorded, its `data`.
    assert [payload for _, payload in receiver.received[:1]] == [
        {
            "type": feed.events[0].type.value,
            "timestamp": feed.events[0].occurred_at.isoformat(),
            "data": feed.events[0].data,
        }
    ]
    row = await WebhookEndpoint.get(id=endpoint.id)
    assert row.cursor >= seqs[-1] and row.failing_since is None
    retried = await WebhookDelivery.filter(endpoint_id=endpoint.id, attempts__gt=1).count()
    assert retried >= 2
    assert await WebhookDelivery.filter(status=DeliveryStatus.PENDING).count() == 0


async def test_an_endpoint_claimed_as_its_drain_ends_is_drained_at_once(
    dealer, dispatcher, shipment, monkeypatch
):
    """A drain that caught up and gave its endpoint up is still ending when the next round
    claims the endpoint for a new event: a new drain takes the claim up. Before, the claim lay
    unused until its lease ran out (a minute: the webhook bench's one 60 s delivery)."""
    monkeypatch.setattr(deliveries, "LINGER", 0.2)
    leaving = asyncio.Event()
    release = delivery_log.release

    async def slow_release(endpoint_id: int, owner: str) -> None:
        await release(endpoint_id, owner)
        leaving.set()
        await asyncio.sleep(1)  # still ending while the next rounds claim the endpoint

    monkeypatch.setattr(delivery_log, "release", slow_release)
    receiver = Receiver(secrets=[])
    async with receiving(receiver, free_port()):
        endpoint, secret = await endpoint_for(dealer, receiver.url)
        receiver.secrets = [secret]
        settings = settings_with(**{**FAST, "delivery_lease_seconds": 600})
        async with delivering(settings):
            first = await record_events(dispatcher, shipment.id, 1)
            await receiver.wait_for(1)
            await leaving.wait()
            second = await record_events(dispatcher, shipment.id, 1)
            await receiver.wait_for(2, seconds=30)  # not the lease's ten minutes
    assert receiver.unique_ids() == [
        webhook_id(endpoint.id, Position(seq, 0)) for seq in first + second
    ]


async def test_rotation_signs_with_both_secrets_during_the_overlap(dealer, dispatcher, shipment):
    old_only, new_only = Receiver(secrets=[]), Receiver(secrets=[])
    async with receiving(old_only), receiving(new_only):
        endpoint, old = await endpoint_for(dealer, old_only.url)
        viewer = await viewer_for_token(dealer.token)
        _, new = await webhooks.rotate_secret(viewer=viewer, endpoint_id=endpoint.id)
        old_only.secrets, new_only.secrets = [old], [new]
        async with delivering(fast()):
            await record_events(dispatcher, shipment.id, 2)
            await old_only.wait_for(2)
            await WebhookEndpoint.filter(id=endpoint.id).update(url=new_only.url)
            await record_events(dispatcher, shipment.id, 2)
            await new_only.wait_for(2)
    assert old_only.rejected == 0 and new_only.rejected == 0
    signatures = old_only.received  # both verified with the one secret each receiver knows
    assert len(signatures) == 2


async def test_failing_past_the_window_disables_then_re_enabling_catches_up(
    client, dealer, dispatcher, shipment
):
    receiver = Receiver(secrets=[], status=500)
    async with receiving(receiver):
        endpoint, secret = await endpoint_for(dealer, receiver.url)
        receiver.secrets = [secret]
        async with delivering(fast("0.05,0.05")):
            seqs = await record_events(dispatcher, shipment.id, 3)

            async def disabled() -> bool:
                return not (await WebhookEndpoint.get(id=endpoint.id)).enabled

            await until(disabled)
            listed = (await gql(client, ENDPOINTS, {"first": 5}, token=dealer.token))["data"]
            (shown,) = listed["webhookEndpoints"]
            assert shown["enabled"] is False
            assert "disabled after 3 failed attempts" in shown["disabledReason"]
            assert "HTTP 500" in shown["disabledReason"]
            (delivery,) = [edge["node"] for edge in shown["deliveries"]["edges"]]
            assert delivery["status"] == "FAILED" and delivery["attempts"] == 3
            assert delivery["responseStatus"] == 500
            assert delivery["eventCursor"] == Position(seqs[0], 0).cursor
            alert = await StaffAlert.get(kind=StaffAlertKind.WEBHOOK_DISABLED)
            assert f"Endpoint {endpoint.id}" in alert.message
            await asyncio.sleep(0.3)  # nothing more is attempted while disabled
            assert await WebhookDelivery.filter(endpoint_id=endpoint.id).count() == 1
            receiver.status = 200
            viewer = await viewer_for_token(dealer.token)
            await webhooks.update_endpoint(
                viewer=viewer,
                endpoint_id=endpoint.id,
                url=None,
                event_types=None,
                enabled=True,
                production=False,
            )
            seqs += await record_events(dispatcher, shipment.id, 2)
            await receiver.wait_for(5)
    assert receiver.unique_ids() == [webhook_id(endpoint.id, Position(seq, 0)) for seq in seqs]
    assert (await WebhookEndpoint.get(id=endpoint.id)).disabled_reason is None


async def test_replay_delivers_again_from_a_cursor(dealer, dispatcher, shipment):
    receiver = Receiver(secrets=[])
    async with receiving(receiver):
        endpoint, secret = await endpoint_for(dealer, receiver.url)
        receiver.secrets = [secret]
        async with delivering(fast()):
            seqs = await record_events(dispatcher, shipment.id, 4)
            await receiver.wait_for(4)
            viewer = await viewer_for_token(dealer.token)
            await webhooks.replay(
                viewer=viewer, endpoint_id=endpoint.id, after=Position(seqs[1], 0).cursor
            )
            await until(lambda: asyncio.sleep(0, len(receiver.received) >= 6))
    ids = [webhook_id(endpoint.id, Position(seq, 0)) for seq in seqs]
    assert [webhook_id for webhook_id, _ in receiver.received] == ids + ids[2:]


async def test_only_the_chosen_types_are_sent(dealer, dispatcher, shipment):
    receiver = Receiver(secrets=[])
    async with receiving(receiver):
        endpoint, secret = await endpoint_for(
            dealer, receiver.url, types=["CONTAINER_LOADING_CHANGED"]
        )
        receiver.secrets = [secret]
        async with delivering(fast()) as deliverer:
            await record_events(dispatcher, shipment.id, 3)
            await until(
                lambda: WebhookEndpoint.filter(id=endpoint.id, cursor__gt=endpoint.cursor).exists()
            )
            assert deliverer is not None
            await deliverer.idle()
    assert receiver.received == []


async def test_production_refuses_at_delivery_an_address_that_turned_private(
    dealer, dispatcher, shipment
):
    receiver = Receiver(secrets=[])
    async with receiving(receiver):
        endpoint, _ = await endpoint_for(dealer, receiver.url.replace("http:", "https:"))
        async with delivering(fast("30", env="production")):
            await record_events(dispatcher, shipment.id, 1)
            await until(lambda: WebhookDelivery.filter(endpoint_id=endpoint.id).exists())
    (delivery,) = await WebhookDelivery.filter(endpoint_id=endpoint.id)
    assert delivery.status is DeliveryStatus.PENDING and delivery.response_status is None
    assert delivery.error is not None and "not a public address" in delivery.error
    assert receiver.received == [] and receiver.rejected == 0


async def test_a_row_of_two_events_resumes_between_them(make, dealer, dispatcher):
    """A picked-up shipment makes SHIPMENT_STATUS_CHANGED and TRACKING_EVENT_RECORDED from one
    log row: each is its own delivery with its own webhook-id, and a failure of the second
    retries the second only."""
    shipment = await make.shipment(
        customer=dealer.organization_id, status=ShipmentStatus.PICKUP_SCHEDULED
    )
    receiver = Receiver(secrets=[])
    refuse = {"TRACKING_EVENT_RECORDED"}
    handle = receiver.handle

    async def picky(request):  # type: ignore[no-untyped-def]
        body = await request.body()
        if orjson.loads(body)["type"] in refuse:
            return Response("not that one", status_code=500)
        return await handle(request)

    receiver.handle = picky  # type: ignore[method-assign]
    async with receiving(receiver):
        endpoint, secret = await endpoint_for(dealer, receiver.url)
        receiver.secrets = [secret]
        async with delivering(fast()):
            event = await record_tracking_event(
                viewer=await viewer_for_token(dispatcher.token),
                event=TrackingEventType.PICKED_UP,
                classifier=EventClassifier.ACTUAL,
                shipment_id=shipment.id,
            )
            assert event.seq is not None
            await receiver.wait_for(1)
            await until(lambda: failed_attempts(endpoint.id, 2))
            row = await WebhookEndpoint.get(id=endpoint.id)
            assert (row.cursor, row.cursor_part) == (event.seq, 0)
            refuse.clear()
            await receiver.wait_for(2)
    ids = [webhook_id(endpoint.id, Position(event.seq, part)) for part in (0, 1)]
    assert [webhook_id for webhook_id, _ in receiver.received] == ids
    types = [payload["type"] for _, payload in receiver.received]
    assert types == ["SHIPMENT_STATUS_CHANGED", "TRACKING_EVENT_RECORDED"]
    assert receiver.received[0][1]["data"]["status"] == "PICKED_UP"
