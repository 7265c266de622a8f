"""The cancellation penalty of seed 002: pure data and pure functions, exact to the cent.

A customer's cancellation rate is a Fraction (cancelled at its own request / accepted, over its
last 100 accepted shipments), so that band edges compare exactly: 10/100 is 10%, never
0.1000000001. The seed's table leaves 10.0-10.1% and the like open; **decision** (DOMAIN.md):
each band includes its upper edge, so 10% pays nothing, 20% pays 20%, 50% pays 80%, and
anything above 50% loses the whole deposit.

**Decision on small samples** (DOMAIN.md leaves it to the project; issue 15): the seed allows
"10 cancellations out of 100", a budget a customer earns by trading, not a share of whatever
it has done so far. So the denominator is never below 10 (MIN_DENOMINATOR): a new customer's
first cancellation is at most 1 of 10 = 10%, inside the allowance, where a bare ratio would
make it 1 of 1 = 100%. A customer with fewer than 10 accepted shipments pays a penalty only
once it has more cancellations than one per ten shipments would allow:

| cancelled before, accepted (any below 10) | rate      | penalty |
|-------------------------------------------|-----------|---------|
| 0                                         | 0 of 10   | 0%      |
| 1                                         | 1 of 10   | 0%      |
| 2                                         | 2 of 10   | 20%     |
| 3                                         | 3 of 10   | 40%     |
| 4                                         | 4 of 10   | 60%     |

From 10 accepted shipments on the rate is the plain ratio over the last 100 (WINDOW).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from models.validators import round_money

WINDOW = 100  # the last 100 accepted shipments
MIN_DENOMINATOR = 10  # small samples: never a ratio over fewer than 10 shipments
# (highest rate of the band, penalty percent on the deposit), in order; above the last: 100%.
BANDS: tuple[tuple[Fraction, int], ...] = (
    (Fraction(10, 100), 0),
    (Fraction(20, 100), 20),
    (Fraction(30, 100), 40),
    (Fraction(40, 100), 60),
    (Fraction(50, 100), 80),
)
ABOVE_ALL = 100


def rate(cancelled: int, accepted: int) -> Fraction:
    """cancelled / accepted, over at least MIN_DENOMINATOR shipments (see the decision above)."""
    if not 0 <= cancelled <= accepted:
        raise ValueError(f"cancelled ({cancelled}) must lie between 0 and accepted ({accepted})")
    return Fraction(cancelled, max(accepted, MIN_DENOMINATOR))


def penalty_percent(cancellation_rate: Fraction) -> int:
    """The percent of the deposit a customer at this rate forfeits on its own cancellation."""
    for ceiling, percent in BANDS:
        if cancellation_rate <= ceiling:
            return percent
    return ABOVE_ALL


@dataclass(frozen=True, slots=True)
class Split:
    """A deposit split into what the customer forfeits and what it gets back."""

    deposit: Decimal
    currency: str
    penalty_percent: int
    penalty: Decimal
    refund: Decimal


def split(deposit: Decimal, currency: str, percent: int) -> Split:
    """The penalty, rounded half-up to the currency's minor unit, and the rest refunded.

    The refund is the deposit less the rounded penalty, so the two always add up to the deposit.
    """
    if not 0 <= percent <= 100:
        raise ValueError(f"percent must be 0 to 100, got {percent}")
    deposit = round_money(deposit, currency)
    penalty = round_money(deposit * percent / 100, currency)
    return Split(deposit, currency, percent, penalty, deposit - penalty)
