"""The transition tables, as pure functions: every pair of state and event, allowed or refused.

The expectations are written out here by hand from DOMAIN.md, not derived from the module.
"""

from __future__ import annotations

import pytest

from models.shipments.containers import LoadingStatus
from models.shipments.rules import (
    EVENT_BY_LOADING,
    STATUS_BY_LOADING,
    Position,
    Refused,
    after_container_event,
    after_event,
    amendable,
    assignable,
    is_late,
    loading_step,
    milestone,
    needs_seal,
)
from models.shipments.tables import EventClassifier, ShipmentStatus, TrackingEventType

S = ShipmentStatus
E = TrackingEventType
ACTUAL = EventClassifier.ACTUAL
CHAIN = [
    S.BOOKED,
    S.ACCEPTED,
    S.PICKUP_SCHEDULED,
    S.PICKED_UP,
    S.AT_WAREHOUSE,
    S.LOADED,
    S.IN_TRANSIT,
    S.ARRIVED,
    S.RELEASED,
    S.DELIVERED,
]
DRIVING = {
    E.PICKED_UP: S.PICKED_UP,
    E.GATED_IN: S.AT_WAREHOUSE,
    E.STUFFED: S.LOADED,
    E.DEPARTED: S.IN_TRANSIT,
    E.ARRIVED: S.ARRIVED,
    E.DISCHARGED: S.ARRIVED,
    E.RELEASED: S.RELEASED,
    E.AVAILABLE_FOR_PICKUP: S.RELEASED,
    E.DELIVERED: S.DELIVERED,
}
STATES = [*CHAIN, S.CANCELLED]


def _expected_move(status: ShipmentStatus, event: TrackingEventType) -> ShipmentStatus | None:
    """The status an ACTUAL `event` leads to from `status`; None when refused. Milestones are
    facts: forward, skipping steps; behind or level, no change (late); never on a booking no
    carrier took, nor on a cancelled shipment."""
    if status in (S.BOOKED, S.CANCELLED):
        return None
    target = DRIVING[event]
    return target if CHAIN.index(target) > CHAIN.index(status) else status


def _outcome(move, *args) -> Position | str:
    try:
        return move(*args)
    except Refused:
        return "refused"


@pytest.mark.parametrize("status", STATES)
def test_an_actual_event_moves_forward_skipping_steps_or_stays(status):
    wrong = []
    for event in DRIVING:
        expected = _expected_move(status, event)
        wanted = "refused" if expected is None else Position(expected)
        if (got := _outcome(after_event, Position(status), event, ACTUAL)) != wanted:
            wrong.append((event, got, wanted))
    assert wrong == []


@pytest.mark.parametrize("status", STATES)
def test_other_events_never_move_a_shipment_that_is_not_held(status):
    wrong = []
    for event in set(E) - set(DRIVING) - {E.ON_HOLD}:
        wanted = "refused" if event is E.HOLD_RELEASED else Position(status)
        if (got := _outcome(after_event, Position(status), event, ACTUAL)) != wanted:
            wrong.append((event, got, wanted))
    assert wrong == []


@pytest.mark.parametrize("classifier", [EventClassifier.PLANNED, EventClassifier.ESTIMATED])
def test_planned_and_estimated_events_never_move_anything(classifier):
    for status in [*STATES, S.ON_HOLD]:
        for event in E:
            position = Position(status, S.PICKED_UP if status is S.ON_HOLD else None)
            assert after_event(position, event, classifier) == position


@pytest.mark.parametrize("status", STATES)
def test_on_hold_interrupts_every_state_but_the_terminal_ones(status):
    if status in {S.DELIVERED, S.CANCELLED}:
        with pytest.raises(Refused):
            after_event(Position(status), E.ON_HOLD, ACTUAL)
    else:
        held = after_event(Position(status), E.ON_HOLD, ACTUAL)
        assert held == Position(S.ON_HOLD, status)
        assert after_event(held, E.HOLD_RELEASED, ACTUAL) == Position(status)


def test_a_held_shipment_only_leaves_the_hold_by_its_release():
    held = Position(S.ON_HOLD, S.AT_WAREHOUSE)
    with pytest.raises(Refused):
        after_event(held, E.ON_HOLD, ACTUAL)
    for event, target in DRIVING.items():
        if CHAIN.index(target) > CHAIN.index(S.AT_WAREHOUSE):
            with pytest.raises(Refused):
                after_event(held, event, ACTUAL)
        else:  # a late fact is recorded on a held shipment too, without a change
            assert after_event(held, event, ACTUAL) == held
            assert is_late(held, event, ACTUAL) is (target is not S.AT_WAREHOUSE)
    assert after_event(held, E.DAMAGED, ACTUAL) == held


@pytest.mark.parametrize("status", STATES)
def test_a_milestone_behind_the_state_is_late(status):
    for event, target in DRIVING.items():
        behind = status not in (S.BOOKED, S.CANCELLED) and CHAIN.index(target) < CHAIN.index(status)
        assert is_late(Position(status), event, ACTUAL) is behind, event
        assert is_late(Position(status), event, EventClassifier.ESTIMATED) is False


@pytest.mark.parametrize("status", STATES)
def test_a_container_event_moves_each_shipment_forward_only(status):
    for target in set(DRIVING.values()):
        moved = after_container_event(Position(status), target)
        if status in (S.BOOKED, S.CANCELLED) or CHAIN.index(target) <= CHAIN.index(status):
            assert moved == Position(status), target
        else:
            assert moved == Position(target), target


def test_a_container_event_moves_a_held_shipments_return_state_and_keeps_the_hold():
    held = Position(S.ON_HOLD, S.AT_WAREHOUSE)
    assert after_container_event(held, S.IN_TRANSIT) == Position(S.ON_HOLD, S.IN_TRANSIT)
    assert after_container_event(held, S.AT_WAREHOUSE) == held
    assert after_container_event(held, milestone(E.DEPARTED, EventClassifier.PLANNED)) == held


def test_every_loading_step_from_stuffed_on_loads_the_cargo_at_least():
    stuffed = LOADING.index(LoadingStatus.STUFFED)
    assert set(STATUS_BY_LOADING) == set(LOADING[stuffed:])
    ranks = [CHAIN.index(STATUS_BY_LOADING[step]) for step in LOADING[stuffed:]]
    assert ranks == sorted(ranks) and ranks[0] == CHAIN.index(S.LOADED)
    assert STATUS_BY_LOADING[LoadingStatus.SEALED] is S.LOADED
    assert STATUS_BY_LOADING[LoadingStatus.DEPARTED] is S.IN_TRANSIT


@pytest.mark.parametrize(
    ("position", "expected"),
    [
        (Position(S.BOOKED), True),
        (Position(S.IN_TRANSIT), True),
        (Position(S.ARRIVED), False),
        (Position(S.RELEASED), False),
        (Position(S.DELIVERED), False),
        (Position(S.CANCELLED), False),
        (Position(S.ON_HOLD, S.LOADED), True),
        (Position(S.ON_HOLD, S.ARRIVED), False),
    ],
)
def test_a_destination_changes_only_before_arrival(position, expected):
    assert amendable(position) is expected


@pytest.mark.parametrize(
    ("position", "expected"),
    [
        (Position(S.BOOKED), False),
        (Position(S.ON_HOLD, S.BOOKED), False),
        (Position(S.ACCEPTED), True),
        (Position(S.AT_WAREHOUSE), True),
        (Position(S.LOADED), False),
        (Position(S.DELIVERED), False),
        (Position(S.CANCELLED), False),
        (Position(S.ON_HOLD, S.PICKED_UP), True),
    ],
)
def test_a_shipment_joins_a_container_once_accepted_until_it_is_loaded(position, expected):
    assert assignable(position) is expected


LOADING = list(LoadingStatus)


@pytest.mark.parametrize("current", LOADING)
def test_loading_moves_forward_only(current):
    for target in LOADING:
        if LOADING.index(target) > LOADING.index(current):
            loading_step(current, target)
        else:
            with pytest.raises(Refused):
                loading_step(current, target)


def test_every_step_from_sealed_on_needs_a_seal():
    sealed = LOADING.index(LoadingStatus.SEALED)
    assert [s for s in LOADING if needs_seal(s)] == LOADING[sealed:]


def test_loading_steps_with_a_tracking_event_of_the_same_name():
    assert set(EVENT_BY_LOADING) == set(LOADING) - {
        LoadingStatus.EMPTY,
        LoadingStatus.PLANNED,
        LoadingStatus.STUFFING,
    }
    assert all(event.value == status.value for status, event in EVENT_BY_LOADING.items())
