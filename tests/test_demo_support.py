"""The demo support desk: groups on both shifts, dealers' desks, threads in every state."""

from __future__ import annotations

import datetime as dt

from api.settings import get_settings
from models import clock
from models.accounts.tables import User
from models.alerts.tables import StaffAlert, StaffAlertKind
from models.support.tables import (
    DealerDesk,
    GroupMove,
    MoveStatus,
    SupportGroup,
    SupportGroupMember,
    SupportMessage,
    SupportShift,
    SupportThread,
    ThreadRating,
    ThreadStatus,
)
from resolvers import demo
from resolvers.support.sla import raise_sla_alerts
from tests.factories import Party
from tests.shipping import payload
from tests.support import THREADS


async def _party(make, email: str) -> Party:
    user = await User.get(email=email)
    return Party(user=user, token=await make.token(user))


async def test_the_demo_desk_has_groups_on_both_shifts_and_threads_in_every_state(client, make):
    await seed_demo()

    groups = await SupportGroup.all()
    assert len(groups) == 2
    for group in groups:
        shifts = set(await SupportGroupMember.filter(group=group).values_list("shift", flat=True))
        assert shifts == {SupportShift.DAY, SupportShift.NIGHT}
    desks = await DealerDesk.all()
    assert len(desks) == 2
    assert all(d.group_id is not None and d.account_manager_id is not None for d in desks)
    assert {t.status for t in await SupportThread.all()} == set(ThreadStatus)
    assert await SupportMessage.filter(internal=True).count() >= 5
    assert await ThreadRating.all().count() == 1
    assert await GroupMove.filter(status=MoveStatus.PENDING).count() == 1

    # Each dealer sees its own threads, without a single note.
    for email in ("dealer@cargolive.test", "dealer2@cargolive.test"):
        seen = await payload(client, THREADS, {}, await _party(make, email))
        assert seen["totalCount"] == 4
        for edge in seen["edges"]:
            assert all(not m["node"]["internal"] for m in edge["node"]["messages"]["edges"])


async def test_the_unanswered_demo_thread_warns_the_desk(make):
    await seed_demo()

    assert await raise_sla_alerts(clock.now() + dt.timedelta(days=1)) >= 2
    newest = await SupportThread.get(subject="Transport cost to Poti")  # a minute old
    kinds = await StaffAlert.filter(thread_id=newest.id).values_list("kind", flat=True)
    assert sorted(kinds) == [StaffAlertKind.SLA_BREACHED, StaffAlertKind.SLA_WARNING]


async def seed_demo() -> None:
    settings = get_settings()
    await demo.seed(zone=settings.zone, holidays=settings.holidays, files_url=settings.files_url)
