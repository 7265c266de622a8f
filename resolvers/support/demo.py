"""Demo support desk: two groups with agents on both shifts, each dealer's group and account
manager, and threads in every state with public messages and internal notes.

Everything goes through the use cases at the moment it would have happened (`clock.travel`),
so the timers, the event log and the live streams hold what real traffic leaves. The newest
thread is a minute old and unanswered: its first-response warning follows shortly after
`serve` starts (inside the desk's hours), on the `staffAlerts` stream.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from models import clock
from models.accounts.tables import Organization, User
from models.calendar import Coverage
from models.shipments.tables import Shipment
from models.support.tables import SupportShift, SupportThread, ThreadCategory, ThreadStatus
from models.support.tables import ThreadTopic as Topic
from models.viewer import Viewer
from resolvers.support import desks as support_desks
from resolvers.support import groups as support_groups
from resolvers.support import messages as support_messages
from resolvers.support import threads as support_threads
from resolvers.support.sla import desk_coverage

C, S = ThreadCategory, ThreadStatus


@dataclass(frozen=True)
class Say:
    """One step of a thread's story, `minutes` after it was opened."""

    minutes: float
    who: str  # "dealer", or a staff email
    body: str = ""
    internal: bool = False
    status: ThreadStatus | None = None
    assign: str | None = None
    score: int | None = None


@dataclass(frozen=True)
class Thread:
    dealer: str  # the dealer user's email
    hours_ago: float
    category: ThreadCategory
    topic: Topic
    subject: str
    body: str
    shipment: str | None = None  # a shipment reference from resolvers/shipments/demo.py
    story: tuple[Say, ...] = ()


AGENT, NIGHT, BALTIC = "agent@cargolive.test", "agent2@cargolive.test", "agent3@cargolive.test"
MANAGER, BACK_OFFICE = "manager@cargolive.test", "backoffice@cargolive.test"
BLUE, CASPIAN = "dealer@cargolive.test", "dealer2@cargolive.test"
# name, members and their shifts
GROUPS = [
    (
        "Tbilisi desk",
        [(AGENT, SupportShift.DAY), (NIGHT, SupportShift.NIGHT), (MANAGER, SupportShift.DAY)],
    ),
    ("Baltic desk", [(BALTIC, SupportShift.DAY), (NIGHT, SupportShift.NIGHT)]),
]
DESKS = [(BLUE, "Tbilisi desk"), (CASPIAN, "Baltic desk")]
THREADS = [
    Thread(
        BLUE,
        26,
        C.DOCUMENTS,
        Topic.RELEASE_REQUEST,
        "Release for the Grand Cherokee",
        "Please send the release for BH-2214 to our broker.",
        "BH-2214",
        (
            Say(2, AGENT, "Forwarded to the back office; they will confirm today."),
            Say(3, AGENT, "BO: bill of lading waits for the carrier's signature.", True),
            Say(4, AGENT, assign=BACK_OFFICE, status=S.WAITING_ON_BACK_OFFICE),
        ),
    ),
    Thread(
        BLUE,
        3,
        C.EXTRA_SERVICES,
        Topic.PHOTO_VIDEO,
        "Photos before stuffing",
        "Could we get photos of the Elantra's left side before it is loaded?",
        "BH-2207",
        (
            Say(1.5, AGENT, "Yes: which angle matters most, and do you want video too?"),
            Say(2, AGENT, "Warehouse can shoot tomorrow at 9:00.", True),
            Say(2.5, AGENT, status=S.WAITING_ON_DEALER),
        ),
    ),
    Thread(
        BLUE,
        5,
        C.ACCOUNT,
        Topic.CREDIT_LINE,
        "Credit line for the third quarter",
        "We would like to raise our credit line to 60,000 USD.",
        None,
        (
            Say(20, MANAGER, "Noted: I will bring it to finance on Thursday."),
            Say(21, MANAGER, "Payment history is clean; propose 50k.", True),
        ),
    ),
    Thread(
        BLUE,
        1 / 60,
        C.CALCULATIONS,
        Topic.TRANSPORT_COST,
        "Transport cost to Poti",
        "What would a 2019 RAV4 from Savannah to Poti cost, consolidated?",
    ),
    Thread(
        CASPIAN,
        2,
        C.TRANSPORT,
        Topic.PICKUP_STATUS,
        "The F-150 was not picked up",
        "CA-0912 was due for pickup this morning; nobody came.",
        "CA-0912",
        (
            Say(2, BALTIC, "Sorry about that: I am calling the carrier now."),
            Say(6, BALTIC, "Baltic Haulage does not answer; dispatch informed.", True),
        ),
    ),
    Thread(
        CASPIAN,
        20,
        C.SERVICE_ACCIDENT,
        Topic.OTHER,
        "Scratched door on arrival",
        "The BMW arrived in Klaipeda with a long scratch on the driver's door.",
        "CA-0871",
        (
            Say(12, BALTIC, "We have opened a damage case; please send photos of it."),
            Say(15, BALTIC, "Stuffing photos show no scratch: claim with the carrier.", True),
            Say(90, "dealer", "Photos are attached to the case."),
        ),
    ),
    Thread(
        CASPIAN,
        72,
        C.FINANCE,
        Topic.VEHICLE_PAYMENT,
        "Payment for lot 30984417",
        "Please pay IAAI for the RAV4 from our deposit.",
        None,
        (
            Say(1, BALTIC, "Paid: the receipt is in your documents."),
            Say(30, BALTIC, status=S.RESOLVED),
            Say(60, "dealer", score=5, body="Fast, thank you"),
        ),
    ),
    Thread(
        CASPIAN,
        120,
        C.COMPLAINT,
        Topic.INVOICE_CHANGE,
        "Wrong VAT on the invoice",
        "Invoice 2291 charges VAT we are exempt from.",
        None,
        (
            Say(10, BALTIC, "You are right: a corrected invoice is on its way."),
            Say(11, BALTIC, "Finance re-issued 2291 as 2291-C.", True),
            Say(200, "dealer", status=S.CLOSED),
        ),
    ),
]


def _viewer(user: User, organization: Organization) -> Viewer:
    return Viewer(user.id, organization.id, organization.kind, user.role)


async def seed_support(
    users: dict[str, User],
    organizations: dict[str, Organization],
    *,
    zone: ZoneInfo,
    holidays: Collection[dt.date],
) -> None:
    by_id = {organization.id: organization for organization in organizations.values()}
    viewers = {email: _viewer(user, by_id[user.organization_id]) for email, user in users.items()}
    admin = viewers["admin@cargolive.test"]
    coverage = desk_coverage(zone, holidays)
    groups = {}
    with clock.travel(clock.now() - dt.timedelta(days=30)):
        for name, members in GROUPS:
            group = await support_groups.create_support_group(viewer=admin, name=name)
            groups[name] = group
            for email, shift in members:
                await support_groups.add_group_member(
                    viewer=admin,
                    group_id=group.id,
                    user_id=users[email].id,
                    shift=shift,
                )
        for dealer, group_name in DESKS:
            organization_id = users[dealer].organization_id
            await support_desks.set_dealer_group(
                viewer=admin, organization_id=organization_id, group_id=groups[group_name].id
            )
            await support_desks.set_account_manager(
                viewer=admin, organization_id=organization_id, user_id=users[MANAGER].id
            )
    for thread in THREADS:
        await _live(thread, viewers, users, coverage)
    await support_desks.request_group_move(
        viewer=viewers[CASPIAN], reason="Our new buyer speaks Lithuanian: the Tbilisi desk, please"
    )


async def _live(
    thread: Thread, viewers: dict[str, Viewer], users: dict[str, User], coverage: Coverage
) -> SupportThread:
    opened = clock.now() - dt.timedelta(hours=thread.hours_ago)
    dealer = viewers[thread.dealer]
    shipment = None
    if thread.shipment is not None:
        shipment = await Shipment.get(reference=thread.shipment)
    with clock.travel(opened):
        row = await support_threads.open_support_thread(
            viewer=dealer,
            subject=thread.subject,
            category=thread.category,
            topic=thread.topic,
            body=thread.body,
            shipment_id=shipment.id if shipment else None,
            coverage=coverage,
        )
    for say in thread.story:
        who = dealer if say.who == "dealer" else viewers[say.who]
        with clock.travel(opened + dt.timedelta(minutes=say.minutes)):
            if say.score is not None:
                await support_threads.rate_support_thread(
                    viewer=who, thread_id=row.id, score=say.score, comment=say.body
                )
                continue
            if say.body:
                await support_messages.post_support_message(
                    viewer=who,
                    thread_id=row.id,
                    body=say.body,
                    internal=say.internal,
                    coverage=coverage,
                )
            if say.assign is not None:
                await support_threads.assign_support_thread(
                    viewer=who, thread_id=row.id, assignee_id=users[say.assign].id
                )
            if say.status is not None:
                await support_threads.set_support_thread_status(
                    viewer=who, thread_id=row.id, status=say.status, coverage=coverage
                )
    return row
