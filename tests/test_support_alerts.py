"""SLA_WARNING at 80% and SLA_BREACHED at 100%: each once per timer, however often and however
many processes check, and only for time that counts (UTC desk, 10:00-02:00, no holidays)."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from api.app import create_app
from models import clock
from models.alerts.tables import StaffAlert, StaffAlertKind
from models.events import Event, EventTopic
from models.support.sla import SlaTimer
from resolvers.support.sla import raise_sla_alerts
from tests.conftest import settings_with
from tests.support import build_desk, open_thread, post, set_status

W, B = StaffAlertKind.SLA_WARNING, StaffAlertKind.SLA_BREACHED
OPENED = dt.datetime(2025, 6, 10, 11, 0, tzinfo=dt.UTC)  # a Tuesday, inside the day shift


def after(**delta: float) -> dt.datetime:
    return OPENED + dt.timedelta(**delta)


@pytest.fixture
async def desk(make):
    return await build_desk(make)


@pytest.fixture
async def chat(client, desk) -> dict:
    """A chat thread opened at OPENED: first response due 3 minutes later (warning at 2:24)."""
    with clock.travel(OPENED):
        return await open_thread(client, desk.dealer)


async def kinds() -> list[StaffAlertKind]:
    return [alert.kind for alert in await StaffAlert.all().order_by("seq")]


async def test_nothing_before_eighty_percent(chat):
    assert await raise_sla_alerts(after(minutes=2, seconds=20)) == 0
    assert await StaffAlert.all().count() == 0


async def test_a_warning_at_eighty_percent_then_a_breach_each_raised_once(chat):
    assert await raise_sla_alerts(after(minutes=2, seconds=25)) == 1
    assert await raise_sla_alerts(after(minutes=2, seconds=30)) == 0
    assert await raise_sla_alerts(after(minutes=3, seconds=1)) == 1
    assert await raise_sla_alerts(after(minutes=10)) == 0

    warning, breach = await StaffAlert.all().order_by("seq")
    assert (warning.kind, breach.kind) == (W, B)
    for alert in (warning, breach):
        assert alert.thread_id is not None and alert.shipment_id is None
        assert "first response" in alert.message and "Where is my Camry?" in alert.message
        # In the log for staff only, on the staff topic.
        logged = await Event.get(seq=alert.seq)
        assert (logged.audience_orgs, logged.staff, logged.public) == ([], True, False)
        assert [t.topic for t in await EventTopic.filter(seq=alert.seq)] == ["staff"]
    assert "used 80%" in warning.message and "overdue" in breach.message


async def test_a_check_that_comes_late_raises_both_in_order(chat):
    assert await raise_sla_alerts(after(hours=1)) == 2
    assert await kinds() == [W, B]


async def test_checkers_racing_raise_each_alert_once(client, desk, chat):
    with clock.travel(OPENED):
        for _ in range(3):
            await open_thread(client, desk.other_dealer)

    counts = await asyncio.gather(*(raise_sla_alerts(after(minutes=5)) for _ in range(5)))

    assert sum(counts) == 8  # four timers, a warning and a breach each
    assert sorted(await kinds()) == sorted([W] * 4 + [B] * 4)
    timers = await SlaTimer.all()
    assert all(t.warned_at is not None and t.breached_at is not None for t in timers)


async def test_an_answer_in_time_raises_nothing(client, desk, chat):
    with clock.travel(after(minutes=2)):
        await post(client, desk.agent, chat, "On it.")

    assert await raise_sla_alerts(after(hours=5)) == 0


async def test_an_answer_after_the_warning_stops_the_breach(client, desk, chat):
    assert await raise_sla_alerts(after(minutes=2, seconds=30)) == 1
    with clock.travel(after(minutes=2, seconds=40)):
        await post(client, desk.agent, chat, "On it.")

    assert await raise_sla_alerts(after(hours=5)) == 0
    assert await kinds() == [W]


async def test_a_late_answer_still_raises_the_breach_it_crossed(client, desk, chat):
    with clock.travel(after(minutes=4)):
        await post(client, desk.agent, chat, "Sorry for the wait.")

    assert await raise_sla_alerts(after(minutes=5)) == 2
    assert await kinds() == [W, B]


async def test_no_alert_while_waiting_on_the_dealer(client, desk, chat):
    with clock.travel(after(minutes=1)):
        await set_status(client, desk.agent, chat, "WAITING_ON_DEALER")
    assert await raise_sla_alerts(after(hours=3)) == 0

    with clock.travel(after(hours=3)):  # the dealer answers: 2 minutes left from now
        await post(client, desk.dealer, chat, "Here you go.")
    assert await raise_sla_alerts(after(hours=3, minutes=1)) == 0
    assert await raise_sla_alerts(after(hours=3, minutes=1, seconds=30)) == 1
    assert await raise_sla_alerts(after(hours=3, minutes=3)) == 1


async def test_out_of_hours_time_does_not_count(client, desk):
    with clock.travel(dt.datetime(2025, 6, 10, 1, 59, tzinfo=dt.UTC)):  # a minute before 02:00
        await open_thread(client, desk.dealer)

    assert await raise_sla_alerts(dt.datetime(2025, 6, 10, 9, 59, tzinfo=dt.UTC)) == 0
    assert await raise_sla_alerts(dt.datetime(2025, 6, 10, 10, 1, 30, tzinfo=dt.UTC)) == 1
    assert await raise_sla_alerts(dt.datetime(2025, 6, 10, 10, 2, 1, tzinfo=dt.UTC)) == 1


async def test_the_app_checks_in_the_background_and_stops_at_shutdown(database, client, desk):
    with clock.travel(clock.now() - dt.timedelta(days=2)):
        await open_thread(client, desk.dealer)
    app = create_app(settings_with(sla_check_seconds=0.05), manage_database=False)
    running = {t for t in asyncio.all_tasks() if t.get_name() == "sla-alerts"}  # the client's

    async with app.router.lifespan_context(app):
        for _ in range(100):
            if await StaffAlert.all().count() == 2:
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.2)  # a few more rounds: still the same two
        checker = [
            t for t in asyncio.all_tasks() if t.get_name() == "sla-alerts" and t not in running
        ]
        assert len(checker) == 1

    assert await kinds() == [W, B]
    assert checker[0].done()
