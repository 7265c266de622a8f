"""Service levels through the API, in Rome with Thursday 12 June 2025 a holiday.

Each target is started just before a shift ends, over midnight and on the holiday; the desk
covers 10:00-02:00 (two shifts) on every day but the holiday, whose eve's night shift still
runs until 02:00 on it.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import httpx2
import pytest

from api.app import create_app
from models import clock
from models.calendar import SUPPORT_SHIFTS, Coverage
from tests.conftest import settings_with
from tests.shipping import payload
from tests.support import THREAD, build_desk, open_thread, post, set_status

ROME = ZoneInfo("Europe/Rome")
DESK = Coverage(SUPPORT_SHIFTS, ROME, frozenset({dt.date(2025, 6, 12)}))
MINUTE = dt.timedelta(minutes=1)


def rome(*fields: int) -> dt.datetime:
    return dt.datetime(*fields, tzinfo=ROME).astimezone(dt.UTC)


def moment(text: str | None) -> dt.datetime | None:
    return None if text is None else dt.datetime.fromisoformat(text)


def minute(text: str | None) -> dt.datetime | None:
    """The moment to the nearest minute: the clock ticks on a few milliseconds in a request."""
    value = moment(text)
    if value is None:
        return None
    return (value + dt.timedelta(seconds=30)).replace(second=0, microsecond=0)


@pytest.fixture
async def client(database):
    settings = settings_with(
        timezone="Europe/Rome", holidays="2025-06-12", sla_check_seconds=0, pickup_check_seconds=0
    )
    app = create_app(settings, manage_database=False)
    async with app.router.lifespan_context(app):
        await app.state.limits.reset()
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://test") as http:
            yield http


@pytest.fixture
async def desk(make):
    return await build_desk(make)


def timers(thread: dict) -> dict[str, dict]:
    return {timer["kind"]: timer for timer in thread["slaTimers"]}


async def opened_at(client, desk, at: dt.datetime, **overrides) -> dict:
    with clock.travel(at):
        thread = await open_thread(client, desk.dealer, **overrides)
    created = moment(thread["createdAt"])
    for timer in thread["slaTimers"]:  # dueAt is exactly the covered budget after createdAt
        assert timer["status"] == "RUNNING"
        if timer["kind"] == "FIRST_RESPONSE":
            budget = DESK.covered_between(created, moment(timer["dueAt"]))
            assert budget in {3 * MINUTE, 30 * MINUTE}
    return thread


async def reload(client, party, thread: dict) -> dict:
    return await payload(client, THREAD, {"id": thread["id"]}, party)


@pytest.mark.parametrize(
    ("opened", "due"),
    [
        ((2025, 6, 11, 1, 59), (2025, 6, 11, 10, 2)),  # a minute before the night shift ends
        ((2025, 6, 10, 17, 59), (2025, 6, 10, 18, 2)),  # the day shift ends, the night goes on
        ((2025, 6, 10, 23, 59), (2025, 6, 11, 0, 2)),  # over midnight
        ((2025, 6, 12, 1, 59), (2025, 6, 13, 10, 2)),  # the holiday's first minutes, then Friday
        ((2025, 6, 12, 12, 0), (2025, 6, 13, 10, 3)),  # on the holiday
        ((2025, 6, 11, 4, 0), (2025, 6, 11, 10, 3)),  # at night, out of hours
    ],
)
async def test_a_chat_is_answered_within_three_covered_minutes(client, desk, opened, due):
    thread = await opened_at(client, desk, rome(*opened), category="FINANCE", topic="OTHER")

    (first,) = thread["slaTimers"]
    assert first["kind"] == "FIRST_RESPONSE"
    assert minute(first["dueAt"]) == rome(*due)


@pytest.mark.parametrize("category", ["ENQUIRY", "COMPLAINT", "SERVICE_ACCIDENT"])
@pytest.mark.parametrize(
    ("opened", "due"),
    [
        ((2025, 6, 11, 1, 50), (2025, 6, 11, 10, 20)),  # ten minutes before the night shift ends
        ((2025, 6, 10, 23, 45), (2025, 6, 11, 0, 15)),  # over midnight
        ((2025, 6, 12, 1, 50), (2025, 6, 13, 10, 20)),  # into the holiday
        ((2025, 6, 12, 15, 0), (2025, 6, 13, 10, 30)),  # on the holiday
    ],
)
async def test_enquiries_and_complaints_are_answered_within_thirty_minutes(
    client, desk, category, opened, due
):
    thread = await opened_at(client, desk, rome(*opened), category=category, topic="OTHER")

    assert minute(timers(thread)["FIRST_RESPONSE"]["dueAt"]) == rome(*due)


@pytest.mark.parametrize(
    ("opened", "due"),
    [
        # Wednesday 01:59: Thursday is a holiday, so Friday and Monday are the two days.
        ((2025, 6, 11, 1, 59), (2025, 6, 16, 1, 59)),
        ((2025, 6, 13, 23, 30), (2025, 6, 17, 23, 30)),  # Friday night, over midnight
        ((2025, 6, 12, 12, 0), (2025, 6, 17, 12, 0)),  # on the holiday: counted from Friday
        # Tuesday 03:00 plus two working days is Friday 03:00 (over the holiday); the covered
        # time between runs out when Wednesday's night shift ends, on the holiday at 02:00.
        ((2025, 6, 10, 3, 0), (2025, 6, 12, 2, 0)),
    ],
)
async def test_a_service_accident_is_resolved_within_two_working_days(client, desk, opened, due):
    thread = await opened_at(
        client, desk, rome(*opened), category="SERVICE_ACCIDENT", topic="OTHER"
    )

    assert minute(timers(thread)["RESOLUTION"]["dueAt"]) == rome(*due)


async def test_the_timers_pause_while_waiting_on_the_dealer(client, desk):
    thread = await opened_at(
        client, desk, rome(2025, 6, 10, 11, 0), category="SERVICE_ACCIDENT", topic="OTHER"
    )
    with clock.travel(rome(2025, 6, 10, 11, 5)):
        await post(client, desk.agent, thread, "Sorry to hear it: which car?")
    with clock.travel(rome(2025, 6, 10, 12, 0)):
        waiting = await set_status(client, desk.agent, thread, "WAITING_ON_DEALER")
    paused = timers(waiting["thread"])
    assert paused["FIRST_RESPONSE"]["status"] == "MET"
    assert minute(paused["FIRST_RESPONSE"]["completedAt"]) == rome(2025, 6, 10, 11, 5)
    assert paused["RESOLUTION"] == {
        "kind": "RESOLUTION",
        "dueAt": None,
        "completedAt": None,
        "status": "PAUSED",
    }

    with clock.travel(rome(2025, 6, 11, 12, 0)):  # a day later the dealer answers
        await post(client, desk.dealer, thread, "The Tahoe, lot 53318820.")
        resumed = await reload(client, desk.dealer, thread)

    # 32 covered hours (Tuesday 11:00 to Friday 11:00 over the holiday), one used before the
    # pause: of the 31 left from Wednesday 12:00, 14 run that day (to 02:00), none on the
    # holiday, 16 on Friday (10:00 to 02:00), and the last one on Saturday from 10:00.
    assert resumed["status"] == "OPEN"
    resolution = timers(resumed)["RESOLUTION"]
    assert resolution["status"] == "RUNNING"
    assert minute(resolution["dueAt"]) == rome(2025, 6, 14, 11, 0)


async def test_a_first_response_pauses_too_and_is_met_by_a_public_staff_reply_only(client, desk):
    thread = await opened_at(client, desk, rome(2025, 6, 10, 11, 0))
    with clock.travel(rome(2025, 6, 10, 11, 1)):
        await set_status(client, desk.agent, thread, "WAITING_ON_DEALER")
    with clock.travel(rome(2025, 6, 10, 15, 0)):
        await post(client, desk.dealer, thread, "Still there?")
    with clock.travel(rome(2025, 6, 10, 15, 1)):
        await post(client, desk.agent, thread, "Looking into it", internal=True)
        noted = await reload(client, desk.agent, thread)
    first = timers(noted)["FIRST_RESPONSE"]
    assert (first["status"], minute(first["dueAt"])) == ("RUNNING", rome(2025, 6, 10, 15, 2))

    with clock.travel(rome(2025, 6, 10, 15, 1, 30)):
        await post(client, desk.agent, thread, "The truck is on its way.")
        answered = await reload(client, desk.dealer, thread)

    first = timers(answered)["FIRST_RESPONSE"]
    assert first["status"] == "MET"
    assert moment(first["completedAt"]).replace(microsecond=0) == rome(2025, 6, 10, 15, 1, 30)


async def test_a_late_answer_is_breached_and_back_office_time_counts(client, desk):
    thread = await opened_at(client, desk, rome(2025, 6, 10, 11, 0))
    with clock.travel(rome(2025, 6, 10, 11, 1)):
        await set_status(client, desk.agent, thread, "WAITING_ON_BACK_OFFICE")
    with clock.travel(rome(2025, 6, 10, 11, 4)):
        running = await reload(client, desk.agent, thread)
        assert timers(running)["FIRST_RESPONSE"]["status"] == "BREACHED"
        await post(client, desk.agent, thread, "Back office confirms the pickup.")
        answered = await reload(client, desk.agent, thread)

    first = timers(answered)["FIRST_RESPONSE"]
    assert first["status"] == "BREACHED"
    assert minute(first["dueAt"]) == rome(2025, 6, 10, 11, 3)


async def test_resolving_completes_every_timer_and_a_reopening_follow_up_is_owed_an_answer(
    client, desk
):
    thread = await opened_at(
        client, desk, rome(2025, 6, 10, 11, 0), category="SERVICE_ACCIDENT", topic="OTHER"
    )
    with clock.travel(rome(2025, 6, 10, 11, 20)):
        resolved = await set_status(client, desk.agent, thread, "RESOLVED")
    with clock.travel(rome(2025, 6, 10, 12, 0)):
        await post(client, desk.dealer, thread, "Not fixed")
        reopened = await reload(client, desk.dealer, thread)

    assert reopened["status"] == "OPEN"
    completed = [t for t in reopened["slaTimers"] if t["kind"] != "NEXT_RESPONSE"]
    for state in (resolved["thread"]["slaTimers"], completed):
        assert {t["kind"]: t["status"] for t in state} == {
            "FIRST_RESPONSE": "MET",
            "RESOLUTION": "MET",
        }
        assert {minute(t["completedAt"]) for t in state} == {rome(2025, 6, 10, 11, 20)}
    # The dealer's follow-up is owed an answer: a next response, with the first one's target.
    follow_up = timers(reopened)["NEXT_RESPONSE"]
    assert (follow_up["status"], minute(follow_up["dueAt"])) == (
        "RUNNING",
        rome(2025, 6, 10, 12, 30),
    )


async def test_closing_without_an_answer_stops_the_timer(client, desk):
    thread = await opened_at(client, desk, rome(2025, 6, 10, 11, 0))
    with clock.travel(rome(2025, 6, 10, 11, 10)):
        closed = await set_status(client, desk.dealer, thread, "CLOSED")

    (first,) = closed["thread"]["slaTimers"]
    assert first["status"] == "BREACHED"
    assert minute(first["completedAt"]) == rome(2025, 6, 10, 11, 10)
