"""Demo disputes, through the use cases at the moment each step happened (`clock.travel`).

Caspian negotiates over its ACCEPTED shipment's overdue pickup (a message and a proposal
waiting for its answer); Blue Harbor escalated the carrier's decision to cancel without
refund (the centre's review is due); Caspian reported fraud against Atlas Freight before
its pickup, and support has sent one reminder.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from models import clock
from models.accounts.tables import Organization, User
from models.disputes.tables import CancellationReason
from models.shipments.tables import Shipment, ShipmentStatus
from models.viewer import Viewer
from resolvers.checks import Amount
from resolvers.disputes import agreements, decisions, fraud
from resolvers.disputes import cancellations as disputes
from resolvers.shipments.demo import Cast, Story, live

S = ShipmentStatus
R = CancellationReason
ESCALATED = Story(0, 1, "USSAV", "GEPTI", ["civic"], S.ACCEPTED, 4, "BH-2240")
# Booked 0.9 days ago for a pickup 1 day after booking: not late yet when the demo starts.
FRAUD = Story(1, 0, "USHOU", "ROCND", ["outback"], S.PICKUP_SCHEDULED, 0.9, "CA-0921")


def _ago(days: float = 0, hours: float = 0) -> dt.datetime:
    return clock.now() - dt.timedelta(days=days, hours=hours)


async def _staff(email: str) -> Viewer:
    user = await User.get(email=email)
    organization = await Organization.get(id=user.organization_id)
    return Viewer(user.id, organization.id, organization.kind, user.role)


async def seed_disputes(cast: Cast, *, zone: ZoneInfo, holidays: Collection[dt.date]) -> None:
    calendar: dict[str, Any] = {"holidays": frozenset(holidays), "zone": zone}
    blue_harbor, caspian = cast.dealers
    baltic = cast.carriers[1]

    late = await Shipment.get(reference="CA-0912")
    with clock.travel(_ago(hours=20)):
        opened = await disputes.request_cancellation(
            viewer=caspian,
            shipment_id=late.id,
            reason=R.PICKUP_DELAYED,
            explanation="The pickup was due yesterday and nobody came to the Houston yard",
            **calendar,
        )
    assert opened.dispute is not None
    negotiating = opened.dispute.id
    with clock.travel(_ago(hours=18)):
        await disputes.post_message(
            viewer=baltic,
            dispute_id=negotiating,
            body="Our truck broke down in Baytown. We can come tomorrow morning.",
        )
    with clock.travel(_ago(hours=17)):
        await agreements.propose_agreement(
            viewer=baltic,
            dispute_id=negotiating,
            terms="Pickup tomorrow at 09:00, and 100 USD off the price for the delay",
            pickup_scheduled_at=(clock.now() + dt.timedelta(days=1)).replace(
                hour=9, minute=0, second=0, microsecond=0
            ),
            price=Amount(Decimal("1300.00"), "USD"),
        )

    changed = await live(cast, ESCALATED)
    with clock.travel(_ago(3)):
        asked = await disputes.request_cancellation(
            viewer=blue_harbor,
            shipment_id=changed.id,
            reason=R.PRICE_DISAGREEMENT,
            explanation="The carrier wants 300 USD more than agreed for the Savannah run",
            **calendar,
        )
    assert asked.dispute is not None
    with clock.travel(_ago(2, hours=20)):
        await decisions.decide_cancellation(
            viewer=baltic, dispute_id=asked.dispute.id, refund=False
        )
    with clock.travel(_ago(2)):
        await decisions.escalate_dispute(
            viewer=blue_harbor,
            dispute_id=asked.dispute.id,
            reason="The price was raised after acceptance: keeping the deposit is unfair",
            **calendar,
        )

    suspicious = await live(cast, FRAUD)
    with clock.travel(_ago(hours=12)):
        reported = await disputes.request_cancellation(
            viewer=caspian,
            shipment_id=suspicious.id,
            reason=R.FRAUD,
            explanation="The driver asked for the price in cash before loading, off the platform",
            **calendar,
        )
    assert reported.dispute is not None
    with clock.travel(_ago(hours=6)):
        await fraud.remind_carrier(
            viewer=await _staff("agent@cargolive.test"), dispute_id=reported.dispute.id, **calendar
        )
