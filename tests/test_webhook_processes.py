"""Deliveries from real `cargolive serve` processes: one killed mid-delivery and another taking
over, and two delivering at once, each endpoint by one process at a time."""

from __future__ import annotations

import asyncio

from resolvers.integrations.cursor import Position
from resolvers.integrations.signing import webhook_id
from tests.processes import service
from tests.test_webhook_delivery import endpoint_for
from tests.webhooks import Receiver, receiving, record_events

WORKER = {
    "CARGOLIVE_DELIVERY_POLL_SECONDS": "0.05",
    "CARGOLIVE_DELIVERY_LEASE_SECONDS": "2",
    "CARGOLIVE_WEBHOOK_RETRY_SCHEDULE": "0.2,0.2,0.2,0.2,0.2,0.2,0.2,0.2",
}


async def test_a_process_killed_mid_delivery_loses_nothing(make, dealer, dispatcher):
    shipment = await make.shipment(customer=dealer.organization_id)
    receiver = Receiver(secrets=[])
    async with receiving(receiver):
        endpoint, secret = await endpoint_for(dealer, receiver.url)
        receiver.secrets = [secret]
        async with service(**WORKER) as (_, first):
            seqs = await record_events(dispatcher, shipment.id, 3)
            await receiver.wait_for(3)
            receiver.hold_next = True
            seqs += await record_events(dispatcher, shipment.id, 3)
            await asyncio.wait_for(receiver.held.wait(), 20)
            first.kill()  # SIGKILL: no shutdown, its lease is left to run out
            await first.wait()
        async with service(**WORKER):
            seqs += await record_events(dispatcher, shipment.id, 2)
            await receiver.wait_for(8)
    expected = [webhook_id(endpoint.id, Position(seq, 0)) for seq in seqs]
    assert receiver.unique_ids() == expected
    sent = [webhook_id for webhook_id, _ in receiver.received]
    assert sent.count(expected[3]) == 2  # the held one came again from the second process
    assert receiver.rejected == 0


async def test_two_processes_deliver_each_endpoint_by_one_at_a_time(make, dealer, dispatcher):
    shipment = await make.shipment(customer=dealer.organization_id)
    receivers = [Receiver(secrets=[]) for _ in range(3)]
    async with receiving(receivers[0]), receiving(receivers[1]), receiving(receivers[2]):
        endpoints = []
        for receiver in receivers:
            endpoint, secret = await endpoint_for(dealer, receiver.url)
            receiver.secrets = [secret]
            endpoints.append(endpoint)
        async with service(**WORKER), service(**WORKER):
            seqs = await record_events(dispatcher, shipment.id, 20)
            for receiver in receivers:
                await receiver.wait_for(20)
    for receiver, endpoint in zip(receivers, endpoints, strict=True):
        expected = [webhook_id(endpoint.id, Position(seq, 0)) for seq in seqs]
        assert [webhook_id for webhook_id, _ in receiver.received] == expected
        assert receiver.most_in_flight == 1
        assert receiver.rejected == 0
