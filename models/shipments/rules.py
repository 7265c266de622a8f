"""Transition tables of shipments and containers: pure data and pure functions.

Decisions taken here (DOMAIN.md leaves them open):

- On one shipment, an ACTUAL event may move it only to the next state of the chain, or leave
  it where it is when the event maps to the state it is in already (ARRIVED, then DISCHARGED);
  a jump or a step back is refused (INVALID_TRANSITION).
- An event recorded on a container applies to every shipment in it and moves each one forward
  to the mapped state when that is ahead of it, never back: a shared container's milestones are
  facts for all its cargo. A shipment already past that state, or terminal, stays where it is.
  A held shipment stays ON_HOLD and the state it returns to moves forward instead, so that its
  release puts it where its container is.
- ON_HOLD and HOLD_RELEASED change the status as ACTUAL events only, and on a shipment only
  (the use case refuses them on a container: a hold is a decision about one shipment). From
  ON_HOLD the only move is HOLD_RELEASED (or a cancellation, which is not a tracking event).
- PLANNED and ESTIMATED events never change the status; an ESTIMATED ARRIVED sets the ETA.
- A destination change is refused from ARRIVED on ("not after ARRIVED": the cargo is at its
  destination port by then), and on a terminal shipment.
- A container's loading status moves forward along LOADING_ORDER and may skip steps (a late
  scan); the same or an earlier step is refused. Every step from SEALED on needs a seal number.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from models.shipments.containers import LOADING_ORDER, LoadingStatus
from models.shipments.tables import EventClassifier, ShipmentStatus, TrackingEventType


class Refused(ValueError):
    """A move the tables do not allow; the message says why."""


LIFECYCLE: tuple[ShipmentStatus, ...] = (
    ShipmentStatus.BOOKED,
    ShipmentStatus.ACCEPTED,
    ShipmentStatus.PICKUP_SCHEDULED,
    ShipmentStatus.PICKED_UP,
    ShipmentStatus.AT_WAREHOUSE,
    ShipmentStatus.LOADED,
    ShipmentStatus.IN_TRANSIT,
    ShipmentStatus.ARRIVED,
    ShipmentStatus.RELEASED,
    ShipmentStatus.DELIVERED,
)
TERMINAL = frozenset({ShipmentStatus.CANCELLED, ShipmentStatus.DELIVERED})
NEXT: dict[ShipmentStatus, ShipmentStatus] = dict(pairwise(LIFECYCLE))

# ACTUAL events that drive the status (DOMAIN.md); every other type is recorded without a change.
STATUS_BY_EVENT: dict[TrackingEventType, ShipmentStatus] = {
    TrackingEventType.PICKED_UP: ShipmentStatus.PICKED_UP,
    TrackingEventType.GATED_IN: ShipmentStatus.AT_WAREHOUSE,
    TrackingEventType.STUFFED: ShipmentStatus.LOADED,
    TrackingEventType.DEPARTED: ShipmentStatus.IN_TRANSIT,
    TrackingEventType.ARRIVED: ShipmentStatus.ARRIVED,
    TrackingEventType.DISCHARGED: ShipmentStatus.ARRIVED,
    TrackingEventType.RELEASED: ShipmentStatus.RELEASED,
    TrackingEventType.AVAILABLE_FOR_PICKUP: ShipmentStatus.RELEASED,
    TrackingEventType.DELIVERED: ShipmentStatus.DELIVERED,
}
HOLD_EVENTS = frozenset({TrackingEventType.ON_HOLD, TrackingEventType.HOLD_RELEASED})


@dataclass(frozen=True, slots=True)
class Position:
    """Where a shipment is: its status, and the status a hold returns it to."""

    status: ShipmentStatus
    before_hold: ShipmentStatus | None = None

    @property
    def effective(self) -> ShipmentStatus:
        """The lifecycle state, seen through a hold."""
        if self.status is ShipmentStatus.ON_HOLD and self.before_hold is not None:
            return self.before_hold
        return self.status


def rank(status: ShipmentStatus) -> int:
    """Place in the lifecycle chain; ON_HOLD and CANCELLED are outside it (-1)."""
    return LIFECYCLE.index(status) if status in LIFECYCLE else -1


def after_event(
    position: Position, event: TrackingEventType, classifier: EventClassifier
) -> Position:
    """Where an event recorded on the shipment itself takes it; Refused when it may not."""
    status = position.status
    if classifier is not EventClassifier.ACTUAL:
        return position
    if event is TrackingEventType.ON_HOLD:
        if status in TERMINAL or status is ShipmentStatus.ON_HOLD:
            raise Refused(f"a {status.value} shipment cannot be put on hold")
        return Position(ShipmentStatus.ON_HOLD, status)
    if event is TrackingEventType.HOLD_RELEASED:
        if status is not ShipmentStatus.ON_HOLD or position.before_hold is None:
            raise Refused(f"the shipment is {status.value}, not ON_HOLD")
        return Position(position.before_hold)
    target = STATUS_BY_EVENT.get(event)
    if target is None or target is status:
        return position
    if status is ShipmentStatus.ON_HOLD:
        raise Refused(f"the shipment is ON_HOLD: release it before {event.value}")
    if NEXT.get(status) is not target:
        raise Refused(f"a {status.value} shipment cannot move to {target.value}")
    return Position(target)


def after_container_event(
    position: Position, event: TrackingEventType, classifier: EventClassifier
) -> Position:
    """Where an event recorded on the shipment's container takes it: forward, or nowhere."""
    target = STATUS_BY_EVENT.get(event)
    if classifier is not EventClassifier.ACTUAL or target is None:
        return position
    if position.status in TERMINAL or rank(target) <= rank(position.effective):
        return position
    if position.status is ShipmentStatus.ON_HOLD:
        return Position(ShipmentStatus.ON_HOLD, target)
    return Position(target)


def amendable(position: Position) -> bool:
    """Whether the destination may still change: not terminal, not ARRIVED or later."""
    if position.status in TERMINAL:
        return False
    return rank(position.effective) < rank(ShipmentStatus.ARRIVED)


def assignable(position: Position) -> bool:
    """Whether the shipment may still join a container: not terminal, not loaded or later."""
    if position.status in TERMINAL:
        return False
    return rank(position.effective) <= rank(ShipmentStatus.AT_WAREHOUSE)


# Containers.

JOINABLE = frozenset(LOADING_ORDER[: LOADING_ORDER.index(LoadingStatus.STUFFED)])


def loading_step(current: LoadingStatus, target: LoadingStatus) -> None:
    """Refused unless `target` lies ahead of `current`."""
    if LOADING_ORDER.index(target) <= LOADING_ORDER.index(current):
        raise Refused(f"loading moves forward only: {current.value} cannot go to {target.value}")


def needs_seal(status: LoadingStatus) -> bool:
    return LOADING_ORDER.index(status) >= LOADING_ORDER.index(LoadingStatus.SEALED)


def reaches_stuffed(status: LoadingStatus) -> bool:
    return LOADING_ORDER.index(status) >= LOADING_ORDER.index(LoadingStatus.STUFFED)


# The tracking event a loading status stands for, where TrackingEventType has the same name.
EVENT_BY_LOADING: dict[LoadingStatus, TrackingEventType] = {
    status: TrackingEventType(status.value)
    for status in LoadingStatus
    if status.value in TrackingEventType.__members__
}
