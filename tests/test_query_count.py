"""The SQL queries of a page of shipments do not grow with the page: every relation is batched."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import pytest

from models import clock
from models.events import Event, EventKind, EventTopic
from models.shipments.tables import (
    EventClassifier,
    ShipmentStatus,
    TrackingEvent,
    TrackingEventType,
)
from tests.shipping import payload

PAGE = """
query ($first: Int!) {
  shipments(first: $first) {
    totalCount
    edges {
      node {
        id waybill status
        customer { name }
        carrier { name }
        vehicles { vin make }
        container { number loadingStatus }
        events(first: 10) {
          totalCount
          pageInfo { hasNextPage endCursor }
          edges { cursor node { type classifier occurredAt location { name } } }
        }
      }
    }
  }
}
"""
# The token's viewer, the total, the page, then one batch each for the organizations
# (customers and carriers together), the vehicles, the containers and the events.
QUERIES_PER_PAGE = 7
EVENTS_EACH = 12


# Set in the counting test's task and inherited by the tasks its request starts (DataLoader
# batches); the app's own background work (the hub's relay, periodic checks) does not count.
_counting: ContextVar[bool] = ContextVar("counting_queries", default=False)


class _Counter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if _counting.get():
            self.statements.append(record.getMessage())


@contextmanager
def counting_queries() -> Iterator[list[str]]:
    """Every statement tortoise sends to the database (its client logs each one at DEBUG)."""
    logger = logging.getLogger("tortoise.db_client")
    counter, level = _Counter(), logger.level
    logger.addHandler(counter)
    logger.setLevel(logging.DEBUG)
    token = _counting.set(True)
    try:
        yield counter.statements
    finally:
        _counting.reset(token)
        logger.removeHandler(counter)
        logger.setLevel(level)


async def _events(shipment_ids: list[int]) -> None:
    """EVENTS_EACH tracking events per shipment, in the log with their topics (in bulk)."""
    now = clock.now()
    await Event.bulk_create(
        [
            Event(kind=EventKind.TRACKING, subject_id=0, occurred_at=now)
            for _ in range(len(shipment_ids) * EVENTS_EACH)
        ]
    )
    seqs = iter(await Event.all().order_by("seq").values_list("seq", flat=True))
    rows, topics = [], []
    for shipment_id in shipment_ids:
        for _ in range(EVENTS_EACH):
            seq = next(seqs)
            rows.append(
                TrackingEvent(
                    shipment_id=shipment_id,
                    type=TrackingEventType.DELAYED,
                    classifier=EventClassifier.ACTUAL,
                    occurred_at=now,
                    recorded_at=now,
                    location_name="Port Newark",
                    location_country="US",
                    seq=seq,
                )
            )
            topics.append(EventTopic(topic=f"shipment:{shipment_id}", seq=seq))
    await TrackingEvent.bulk_create(rows)
    await EventTopic.bulk_create(topics)


@pytest.fixture
async def fifty(make, dealer, carrier) -> None:
    containers = [await make.container(capacity=10) for _ in range(10)]
    ids = []
    for index in range(50):
        shipment = await make.shipment(
            customer=dealer.organization_id,
            carrier=carrier.organization_id,
            status=ShipmentStatus.LOADED,
            container=containers[index % 10],
            vehicles=2,
        )
        ids.append(shipment.id)
    await _events(ids)


@pytest.mark.parametrize("size", [50, 5])
async def test_a_page_of_shipments_costs_the_same_queries_whatever_its_size(
    client, fifty, dealer, size
):
    with counting_queries() as statements:
        page = await payload(client, PAGE, {"first": size}, dealer)

    assert len(page["edges"]) == size
    for edge in page["edges"]:
        node = edge["node"]
        assert len(node["vehicles"]) == 2
        assert node["container"] is not None
        assert node["carrier"] is not None
        assert len(node["events"]["edges"]) == 10
        assert node["events"]["totalCount"] == EVENTS_EACH
        assert node["events"]["pageInfo"]["hasNextPage"] is True
    assert len(statements) == QUERIES_PER_PAGE, "\n".join(statements)


SHIPMENT_PAGE = """
query ($id: ID!) {
  shipment(id: $id) {
    id vehicles { vin } container { number }
    events(first: 5) { totalCount edges { node { type } } }
  }
}
"""


async def test_a_page_sends_the_same_statement_texts_for_every_shipment(client, fifty, dealer):
    """Values travel as parameters, never in the text: asyncpg prepares each text once per
    connection and reuses it (PostgreSQL's prepared statements), sqlite3 keeps each compiled
    in its statement cache. A text that changed with the shipment would be prepared anew."""
    shipments = await payload(
        client, "{ shipments(first: 2) { edges { node { id } } } }", {}, dealer
    )
    texts = []
    for edge in shipments["edges"]:
        with counting_queries() as statements:
            page = await payload(client, SHIPMENT_PAGE, {"id": edge["node"]["id"]}, dealer)
        assert page["events"]["totalCount"] == EVENTS_EACH
        texts.append([statement.rsplit(": [", 1)[0] for statement in statements])
    first, second = texts
    # the shipment, its vehicles, container and events (the token's viewer is remembered
    # since the first request: tests/test_remembered_viewers.py)
    assert len(first) == 4, first
    assert first == second
