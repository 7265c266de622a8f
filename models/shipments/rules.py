"""Transition tables of shipments and containers: pure data and pure functions.

Decisions taken here (DOMAIN.md leaves them open; issue 15 for the milestones):

- Milestones are facts: drivers, yards and terminals report late, out of order and with gaps
  (DCSA). An ACTUAL milestone moves a shipment *forward* to its mapped state, skipping steps
  (PICKED_UP on an ACCEPTED shipment whose pickup was never scheduled here, ARRIVED after a
  missed DEPARTED scan). One that maps to the state the shipment is in changes nothing (ARRIVED,
  then DISCHARGED); one that maps behind it is recorded as it is, `late`, without a status
  change. Nothing ever moves backwards.
- No milestone on a booking no carrier took (BOOKED, held or not): refused (INVALID_TRANSITION),
  since nobody is carrying it; such a booking is cancelled at once
  (resolvers/disputes/cancellations.py) and may not join a container either. A CANCELLED
  shipment refuses every milestone; a DELIVERED one only records late facts. A held shipment
  records late facts and refuses anything ahead of the state it returns to: release it first.
- An event recorded on a container applies to every shipment in it and moves each one forward
  to the mapped state when that is ahead of it, never back: a shared container's milestones are
  facts for all its cargo. A loading step stands for the state of the cargo inside
  (STATUS_BY_LOADING: from STUFFED to LOADED on the vessel it is LOADED, DEPARTED is IN_TRANSIT,
  ...), so a container going STUFFING -> SEALED loads its shipments as STUFFED would. A
  shipment already past that state, or terminal, or never accepted, stays where it is; the
  container's event is `late` when it is behind every live shipment inside. A held shipment
  stays ON_HOLD and the state it returns to moves forward instead, so that its release puts it
  where its container is.
- Timelines (`Shipment.timeline`, `trackWaybill.events`, the tracking page) show events in
  `occurredAt` order, ties in log order; every event keeps its log position as `cursor`, and
  `events` connections page the log itself, so a stream resumes where it left off.
- ON_HOLD and HOLD_RELEASED change the status as ACTUAL events only, and on a shipment only
  (the use case refuses them on a container: a hold is a decision about one shipment). From
  ON_HOLD the only move is HOLD_RELEASED (or a cancellation, which is not a tracking event).
- PLANNED and ESTIMATED events never change the status; an ESTIMATED ARRIVED sets the ETA.
- A destination change is refused from ARRIVED on ("not after ARRIVED": the cargo is at its
  destination port by then), and on a terminal shipment.
- A shipment joins a container once a carrier has accepted it and until it is AT_WAREHOUSE.
- A container's loading status moves forward along LOADING_ORDER and may skip steps (a late
  scan); the same or an earlier step is refused. Every step from SEALED on needs a seal number.
"""

from __future__ import annotations

from collections.abc import Iterable
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
# The last state in which a shipment may join a container.
LOADED_BEFORE = ShipmentStatus.AT_WAREHOUSE
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


def milestone(event: TrackingEventType, classifier: EventClassifier) -> ShipmentStatus | None:
    """The state an event stands for: ACTUAL milestones only (PLANNED and ESTIMATED are plans)."""
    if classifier is not EventClassifier.ACTUAL:
        return None
    return STATUS_BY_EVENT.get(event)


def unaccepted(position: Position) -> bool:
    """A booking no carrier has taken yet (on hold or not): cancelled at once, no milestones."""
    return position.effective is ShipmentStatus.BOOKED


def is_late(position: Position, event: TrackingEventType, classifier: EventClassifier) -> bool:
    """A milestone behind where the shipment is already: recorded, marked late, no change."""
    target = milestone(event, classifier)
    if target is None or unaccepted(position) or position.status is ShipmentStatus.CANCELLED:
        return False
    return rank(target) < rank(position.effective)


def behind_all(positions: Iterable[Position], target: ShipmentStatus | None) -> bool:
    """A container's milestone is late when every live shipment inside is past it already."""
    live = [p for p in positions if p.status not in TERMINAL and not unaccepted(p)]
    return target is not None and bool(live) and all(rank(target) < rank(p.effective) for p in live)


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
    target = milestone(event, classifier)
    if target is None:
        return position
    if status is ShipmentStatus.CANCELLED:
        raise Refused(f"the shipment is CANCELLED: {event.value} cannot be recorded on it")
    if unaccepted(position):
        raise Refused(f"no carrier has accepted the shipment: {event.value} cannot happen yet")
    if rank(target) <= rank(position.effective):
        return position  # the state it is in, or a late fact (is_late): no move backwards
    if status is ShipmentStatus.ON_HOLD:
        raise Refused(f"the shipment is ON_HOLD: release it before {event.value}")
    return Position(target)


def after_container_event(position: Position, target: ShipmentStatus | None) -> Position:
    """Where a milestone of the shipment's container (`target`: the state it stands for) takes
    it: forward, skipping steps, or nowhere."""
    if target is None or position.status in TERMINAL or unaccepted(position):
        return position
    if rank(target) <= rank(position.effective):
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
    """Whether the shipment may join a container: a carrier took it, and it is not loaded yet."""
    if position.status in TERMINAL:
        return False
    return rank(ShipmentStatus.ACCEPTED) <= rank(position.effective) <= rank(LOADED_BEFORE)


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

# The state a container's loading step puts its cargo in: from STUFFED on every car inside is
# loaded, whichever step the scan reports first (a container going STUFFING -> SEALED loads it).
L = LoadingStatus
STATUS_BY_LOADING: dict[LoadingStatus, ShipmentStatus] = {
    **dict.fromkeys((L.STUFFED, L.SEALED, L.GATED_IN, L.LOADED), ShipmentStatus.LOADED),
    L.DEPARTED: ShipmentStatus.IN_TRANSIT,
    **dict.fromkeys((L.ARRIVED, L.DISCHARGED), ShipmentStatus.ARRIVED),
    **dict.fromkeys((L.AVAILABLE_FOR_PICKUP, L.GATED_OUT, L.STRIPPED), ShipmentStatus.RELEASED),
}
