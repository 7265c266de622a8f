"""Writing tracking events: the row, its entry in the event log, and what it does to shipments.

Every function here runs inside a use case's `recording()` and appends its events
to that log, so the change and its events commit together or not at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from models import clock
from models.events import EventKind, Facts, ShipmentFact
from models.shipments.containers import Container, LoadingChange
from models.shipments.rules import (
    TERMINAL,
    Position,
    after_container_event,
    after_event,
    behind_all,
    is_late,
    milestone,
)
from models.shipments.tables import (
    EventClassifier,
    Shipment,
    ShipmentStatus,
    TrackingEvent,
    TrackingEventType,
)
from resolvers.checks import Place
from resolvers.errors import conflict
from subscriptions.log import Audience, Recorder, log_row
from subscriptions.topics import Topic


def shipment_topic(shipment_id: int) -> Topic:
    return Topic("shipment", shipment_id)


def container_topic(container_id: int) -> Topic:
    return Topic("container", container_id)


def parties(shipments: Iterable[Shipment]) -> frozenset[int]:
    """The organizations an event about these shipments concerns: customers and carriers."""
    orgs: set[int] = set()
    for shipment in shipments:
        orgs.add(shipment.customer_id)
        if shipment.carrier_id is not None:
            orgs.add(shipment.carrier_id)
    return frozenset(orgs)


def facts(shipments: Iterable[Shipment], before: dict[int, ShipmentStatus] | None = None) -> Facts:
    """The shipments as an event leaves them (`before`: their statuses before it, by id)."""
    found: list[ShipmentFact] = []
    for shipment in shipments:
        was = (before or {}).get(shipment.id, shipment.status)
        found.append(
            {
                "id": shipment.id,
                "customer": shipment.customer_id,
                "carrier": shipment.carrier_id,
                "before": was.value,
                "after": shipment.status.value,
            }
        )
    return {"shipments": found}


def position(shipment: Shipment) -> Position:
    return Position(shipment.status, shipment.status_before_hold)


def origin_of(shipment: Shipment) -> Place:
    place = Place.stored(shipment, "origin")
    assert place is not None  # NOT NULL columns
    return place


async def update_shipment(shipment: Shipment, **changes: Any) -> None:
    """Writes `changes` unless the shipment was written since it was read (CONFLICT).

    Every write bumps `version`, so `WHERE status = s AND version = v` loses a race on both
    backends: on PostgreSQL the second UPDATE waits for the first to commit, then matches no row.
    """
    changes |= {"version": shipment.version + 1, "updated_at": clock.now()}
    updated = await Shipment.filter(
        id=shipment.id, status=shipment.status, version=shipment.version
    ).update(**changes)
    if not updated:
        raise conflict("the shipment changed meanwhile: load it again and retry")
    for name, value in changes.items():
        setattr(shipment, name, value)


def _effects(
    shipment: Shipment,
    moved: Position,
    event: TrackingEventType,
    classifier: EventClassifier,
    occurred_at: dt.datetime,
) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if moved != position(shipment):
        changes |= {"status": moved.status, "status_before_hold": moved.before_hold}
    if (
        classifier is EventClassifier.ACTUAL
        and event is TrackingEventType.PICKED_UP
        and shipment.picked_up_at is None
    ):
        changes["picked_up_at"] = occurred_at
    if (
        classifier is EventClassifier.ESTIMATED
        and event is TrackingEventType.ARRIVED
        and shipment.status not in TERMINAL
    ):
        changes["eta"] = occurred_at
    return changes


async def _record(
    log: Recorder,
    *,
    shipment: Shipment | None = None,
    container: Container | None = None,
    event: TrackingEventType,
    classifier: EventClassifier,
    occurred_at: dt.datetime,
    location: Place | None,
    description: str | None,
    recorded_by: int | None,
    late: bool,
    concerned: list[Shipment],
    before: dict[int, ShipmentStatus],
    topics: list[Topic],
) -> TrackingEvent:
    """The row, with the status of each shipment in `concerned` as the event left it, and its
    event in the log: for the parties of those shipments, staff and the public view."""
    # hand-written (Recorder.create): the busiest write there is, and the ORM's INSERT cost
    # more to build than to run
    return await log.create(
        TrackingEvent,
        {
            "shipment_id": shipment.id if shipment else None,
            "container_id": container.id if container else None,
            "type": event,
            "classifier": classifier,
            "occurred_at": occurred_at,
            "recorded_at": clock.now(),
            **Place.columns("location", location),
            "description": description,
            "recorded_by_id": recorded_by,
            "late": late,
            "statuses_after": {str(s.id): s.status.value for s in concerned},
        },
        kind=EventKind.TRACKING,
        topics=topics,
        audience=Audience(orgs=parties(concerned), staff=True, public=True),
        occurred_at=occurred_at,
        facts=facts(concerned, before),
    )


async def shipments_inside(container: Container) -> list[Shipment]:
    """The container's shipments, locked until commit on PostgreSQL so none moves meanwhile."""
    return await Shipment.filter(container_id=container.id).select_for_update().order_by("id")


def shipment_changes(
    shipment: Shipment,
    event: TrackingEventType,
    classifier: EventClassifier,
    occurred_at: dt.datetime,
) -> dict[str, Any]:
    """What recording `event` writes to the shipment (Refused when the table forbids it):
    nothing for most events, whose recording is then one statement (`recording`)."""
    moved = after_event(position(shipment), event, classifier)
    return _effects(shipment, moved, event, classifier, occurred_at)


async def record_on_shipment(
    log: Recorder,
    shipment: Shipment,
    *,
    event: TrackingEventType,
    classifier: EventClassifier = EventClassifier.ACTUAL,
    occurred_at: dt.datetime | None = None,
    location: Place | None = None,
    description: str | None = None,
    recorded_by: int | None = None,
    **changes: Any,
) -> TrackingEvent:
    """Records an event on one shipment and applies it (Refused when the table forbids it).

    `changes` are written with the shipment in the same conditional UPDATE. In a one-statement
    recording the event must change nothing (`shipment_changes`).
    """
    occurred_at = occurred_at or clock.now()
    before = {shipment.id: shipment.status}
    late = is_late(position(shipment), event, classifier)
    changes |= shipment_changes(shipment, event, classifier, occurred_at)
    if changes:
        if log.one_statement:
            raise RuntimeError(f"{event.value} changes the shipment: use recording()")
        await update_shipment(shipment, **changes)
    return await _record(
        log,
        shipment=shipment,
        event=event,
        classifier=classifier,
        occurred_at=occurred_at,
        location=location,
        description=description,
        recorded_by=recorded_by,
        late=late,
        concerned=[shipment],
        before=before,
        topics=[shipment_topic(shipment.id)],
    )


async def record_on_container(
    log: Recorder,
    container: Container,
    *,
    event: TrackingEventType,
    classifier: EventClassifier = EventClassifier.ACTUAL,
    occurred_at: dt.datetime | None = None,
    location: Place | None = None,
    description: str | None = None,
    recorded_by: int | None = None,
    inside: list[Shipment] | None = None,
    target: ShipmentStatus | None = None,
) -> TrackingEvent:
    """Records an event on a container: one row, in the topic of every shipment inside, each
    moved forward when the state it stands for is ahead of it (models/shipments/rules.py).

    `inside` is what `shipments_inside` returned in this transaction, when the caller has it;
    `target` the state a loading step stands for, when it says more than the event's name.
    """
    occurred_at = occurred_at or clock.now()
    if inside is None:
        inside = await shipments_inside(container)
    before = {shipment.id: shipment.status for shipment in inside}
    target = target or milestone(event, classifier)
    late = behind_all([position(shipment) for shipment in inside], target)
    for shipment in inside:
        moved = after_container_event(position(shipment), target)
        changes = _effects(shipment, moved, event, classifier, occurred_at)
        if changes:
            await update_shipment(shipment, **changes)
    return await _record(
        log,
        container=container,
        event=event,
        classifier=classifier,
        occurred_at=occurred_at,
        location=location,
        description=description,
        recorded_by=recorded_by,
        late=late,
        concerned=inside,
        before=before,
        topics=[container_topic(container.id), *(shipment_topic(s.id) for s in inside)],
    )


async def log_loading_change(
    log: Recorder, change: LoadingChange, container: Container, inside: Iterable[Shipment]
) -> LoadingChange:
    """A container's loading step, for the parties of the shipments inside and staff."""
    return await log_row(
        log,
        change,
        kind=EventKind.LOADING,
        topics=[container_topic(container.id)],
        audience=Audience(orgs=parties(inside), staff=True, public=False),
        occurred_at=change.occurred_at,
        facts=facts(inside),
    )


async def log_container_joined(log: Recorder, shipment: Shipment, container: Container) -> None:
    """A shipment joined a container: no tracking event, but every page of the shipment shows
    its container, so the log says so on both topics (CHANGED: no stream shows it)."""
    await log.append(
        kind=EventKind.CHANGED,
        subject_id=shipment.id,
        topics=[shipment_topic(shipment.id), container_topic(container.id)],
        audience=Audience(staff=False),
        occurred_at=clock.now(),
    )
