"""Cancelling a shipment: the customer's cancellation rate, the refund ledger, penalty points.

Decisions (DOMAIN.md leaves them open; see also resolvers/disputes/cancellations.py):

- The rate counts the customer's last 100 shipments by `acceptedAt`: those with
  `cancelledBy = CUSTOMER` over all of them. The shipment at hand is one of them, not yet
  cancelled, so the rate is the one "taken before the cancellation at hand". BOOKED shipments
  (never accepted) are outside it, as are carrier, fraud and platform cancellations.
- A BOOKED shipment's cancellation gives its deposit back whole (a CUSTOMER_CANCELLED row at
  0%): no carrier took it, so no penalty applies.
- A refund is written only where there is a deposit. A decision with refund of a shipment
  without deposit refunds nothing and writes no row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from tortoise import Tortoise
from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from models import clock
from models.accounts.tables import Organization
from models.disputes import rules as penalties
from models.disputes.rules import Split
from models.disputes.tables import Dispute, Refund, RefundKind
from models.shipments.rules import TERMINAL, unaccepted
from models.shipments.tables import CancelledBy, Shipment, ShipmentStatus, TrackingEventType
from models.viewer import Viewer
from resolvers.errors import conflict, invalid_transition
from resolvers.shipments.access import find_shipment
from resolvers.shipments.events import position, record_on_shipment
from subscriptions.log import Recorder


async def cancellation_rates(customer_ids: Sequence[int]) -> dict[int, Fraction]:
    """Each customer's rate over its last 100 accepted shipments, in one query for all."""
    ids = sorted(set(customer_ids))
    if not ids:
        return {}
    connection = Tortoise.get_connection("default")
    numbered = connection.capabilities.dialect == "postgres"
    marks = ", ".join(f"${n}" if numbered else "?" for n in range(1, len(ids) + 1))
    # The enum value and the window are constants of ours, written into the SQL as literals.
    sql = f"""
        SELECT customer_id, COUNT(*) AS accepted,
            SUM(CASE WHEN cancelled_by = '{CancelledBy.CUSTOMER.value}' THEN 1 ELSE 0 END)
                AS cancelled
        FROM (
            SELECT customer_id, cancelled_by,
                ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY accepted_at DESC, id DESC)
                    AS recent
            FROM shipment
            WHERE accepted_at IS NOT NULL AND customer_id IN ({marks})
        ) window_rows
        WHERE recent <= {int(penalties.WINDOW)}
        GROUP BY customer_id
    """
    rows = await connection.execute_query_dict(sql, ids)
    rates = {key: Fraction(0) for key in ids}
    for row in rows:
        rates[row["customer_id"]] = penalties.rate(int(row["cancelled"]), int(row["accepted"]))
    return rates


async def cancellation_rate(customer_id: int) -> Fraction:
    return (await cancellation_rates([customer_id]))[customer_id]


def deposit_of(shipment: Shipment) -> tuple[Decimal, str] | None:
    if shipment.deposit_amount is None or shipment.deposit_currency is None:
        return None
    return shipment.deposit_amount, shipment.deposit_currency


def whole(shipment: Shipment) -> Split | None:
    """The whole deposit back: carrier cancellations, fraud, bookings no carrier took."""
    deposit = deposit_of(shipment)
    return penalties.split(*deposit, 0) if deposit else None


@dataclass(frozen=True, slots=True)
class Quote:
    cancellation_rate: Fraction
    penalty_percent: int
    split: Split | None  # None without a deposit


async def customer_quote(shipment: Shipment) -> Quote:
    """The customer's rate now, and its deposit split by the penalty of that rate."""
    rate = await cancellation_rate(shipment.customer_id)
    # A booking no carrier took is cancelled at once, with no penalty.
    percent = 0 if unaccepted(position(shipment)) else penalties.penalty_percent(rate)
    deposit = deposit_of(shipment)
    return Quote(rate, percent, penalties.split(*deposit, percent) if deposit else None)


async def refunded_so_far(shipment_id: int) -> Decimal:
    # Summed here, not in SQL: SQLite would add the amounts up as binary floats.
    amounts = await Refund.filter(shipment_id=shipment_id).values_list("amount", flat=True)
    return sum((Decimal(amount) for amount in amounts), Decimal(0))


async def write_refund(
    shipment: Shipment, split: Split | None, kind: RefundKind, dispute: Dispute | None = None
) -> Refund | None:
    """The ledger row, in the caller's transaction; a second refund of one kind is CONFLICT."""
    if split is None:
        return None
    try:
        return await Refund.create(
            shipment_id=shipment.id,
            dispute_id=dispute.id if dispute else None,
            kind=kind,
            deposit_amount=split.deposit,
            currency=split.currency,
            penalty_percent=split.penalty_percent,
            penalty_amount=split.penalty,
            amount=split.refund,
            created_at=clock.now(),
        )
    except IntegrityError:
        raise conflict("this cancellation was refunded already") from None


async def add_points(organization_ids: Iterable[int]) -> None:
    """One penalty point to each organization (seed 002: to both parties of a cancellation)."""
    for organization_id in sorted(set(organization_ids)):
        await Organization.filter(id=organization_id).update(penalty_points=F("penalty_points") + 1)


async def cancel_shipment(
    log: Recorder,
    shipment: Shipment,
    *,
    by: CancelledBy,
    points: Iterable[int],
    description: str,
    recorded_by: int | None,
) -> None:
    """CANCELLED, put down to `by`, with CANCELLATION_CONFIRMED for the shipment's subscribers."""
    now = clock.now()
    await record_on_shipment(
        log,
        shipment,
        event=TrackingEventType.CANCELLATION_CONFIRMED,
        occurred_at=now,
        description=description,
        recorded_by=recorded_by,
        status=ShipmentStatus.CANCELLED,
        status_before_hold=None,
        cancelled_at=now,
        cancelled_by=by,
    )
    await add_points(points)


async def cancellation_quote(*, viewer: Viewer, shipment_id: int) -> Quote:
    """What the customer's cancellation of this shipment would refund now; nothing is written."""
    shipment = await find_shipment(viewer, shipment_id, ["shipmentId"])
    if shipment.status in TERMINAL:
        raise invalid_transition(f"the shipment is {shipment.status.value}: nothing to cancel")
    return await customer_quote(shipment)
