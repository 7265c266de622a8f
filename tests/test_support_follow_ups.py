"""Support gaps of issue 15: a follow-up is owed an answer; a met timer raises no warning."""

from __future__ import annotations

import pytest

from models import clock
from models.alerts.tables import StaffAlert, StaffAlertKind
from resolvers.support.sla import raise_sla_alerts
from tests.shipping import payload
from tests.support import THREAD, build_desk, open_thread, post
from tests.test_support_alerts import OPENED, B, W, after


@pytest.fixture
async def desk(make):
    return await build_desk(make)


async def _timers(client, party, thread) -> dict[str, str]:
    shown = await payload(client, THREAD, {"id": thread["id"]}, party)
    return {t["kind"]: t["status"] for t in shown["slaTimers"]}


async def _alerts() -> list[tuple[StaffAlertKind, str]]:
    return [(a.kind, a.message) for a in await StaffAlert.all().order_by("seq")]


async def test_a_met_first_response_raises_no_warning_afterwards(client, desk):
    with clock.travel(OPENED):
        thread = await open_thread(client, desk.dealer)
    with clock.travel(after(minutes=2, seconds=50)):  # past 80%, before any check ran
        await post(client, desk.agent, thread, "On it")

    assert await raise_sla_alerts(after(minutes=2, seconds=55)) == 0
    assert await raise_sla_alerts(after(minutes=10)) == 0
    assert await _alerts() == []


async def test_a_dealers_follow_up_is_owed_a_next_response(client, desk):
    with clock.travel(OPENED):
        thread = await open_thread(client, desk.dealer)
    with clock.travel(after(minutes=1)):
        await post(client, desk.agent, thread, "The truck is booked for tomorrow")
    with clock.travel(after(minutes=30)):
        await post(client, desk.dealer, thread, "Which time tomorrow?")
        await post(client, desk.dealer, thread, "Morning would suit us")  # no second round
        owed = await _timers(client, desk.dealer, thread)

    assert owed == {"FIRST_RESPONSE": "MET", "NEXT_RESPONSE": "RUNNING"}
    # 80% of its 3 minutes, then 100%: each once, named as the next response.
    assert await raise_sla_alerts(after(minutes=32, seconds=25)) == 1
    assert await raise_sla_alerts(after(minutes=33, seconds=1)) == 1
    assert [(kind, "next response" in text) for kind, text in await _alerts()] == [
        (W, True),
        (B, True),
    ]
    with clock.travel(after(minutes=40)):
        await post(client, desk.agent, thread, "Nine o'clock")
        answered = await _timers(client, desk.agent, thread)
    assert answered == {"FIRST_RESPONSE": "MET", "NEXT_RESPONSE": "BREACHED"}

    # The next follow-up starts a new round, answered in time this time.
    with clock.travel(after(minutes=50)):
        await post(client, desk.dealer, thread, "Thanks, and the documents?")
    with clock.travel(after(minutes=51)):
        await post(client, desk.agent, thread, "Sent by mail")
        again = await _timers(client, desk.agent, thread)
    assert again == {"FIRST_RESPONSE": "MET", "NEXT_RESPONSE": "MET"}
    assert await raise_sla_alerts(after(minutes=60)) == 0


async def test_account_threads_owe_no_next_response(client, desk):
    with clock.travel(OPENED):
        thread = await open_thread(client, desk.dealer, category="ACCOUNT", topic="CREDIT_LINE")
    with clock.travel(after(minutes=5)):
        await post(client, desk.manager, thread, "Let us talk on Friday")
        await post(client, desk.dealer, thread, "Fine")
        timers = await _timers(client, desk.dealer, thread)

    assert timers == {}
