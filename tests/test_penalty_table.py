"""The penalty table of seed 002: every band at both edges, exact money, the seed's example."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from models.disputes import rules as penalties

# (cancelled of 100 accepted, penalty %): each band's lower and upper edge, on a 1% grid.
EDGES = [
    (0, 0),
    (10, 0),
    (11, 20),
    (20, 20),
    (21, 40),
    (30, 40),
    (31, 60),
    (40, 60),
    (41, 80),
    (50, 80),
    (51, 100),
    (100, 100),
]


@pytest.mark.parametrize(("cancelled", "percent"), EDGES)
def test_each_band_closes_at_its_upper_edge(cancelled, percent):
    assert penalties.penalty_percent(Fraction(cancelled, 100)) == percent


@pytest.mark.parametrize("edge", [10, 20, 30, 40, 50])
def test_a_hair_above_an_edge_is_the_next_band(edge):
    at, above = Fraction(edge, 100), Fraction(edge, 100) + Fraction(1, 10**9)
    assert penalties.penalty_percent(above) == penalties.penalty_percent(at) + 20


def test_the_seeds_example_ten_euros_at_twenty_percent():
    split = penalties.split(Decimal("10.00"), "EUR", 20)
    assert (split.penalty, split.refund) == (Decimal("2.00"), Decimal("8.00"))


@pytest.mark.parametrize(
    ("deposit", "currency", "percent", "penalty", "refund"),
    [
        ("0.05", "EUR", 20, "0.01", "0.04"),  # 0.010 exactly
        ("0.03", "EUR", 20, "0.01", "0.02"),  # 0.006 rounds half-up to 0.01
        ("0.025", "KWD", 20, "0.005", "0.020"),  # three decimals
        ("0.10", "EUR", 80, "0.08", "0.02"),
        ("13", "JPY", 20, "3", "10"),  # 2.6 yen: no minor unit
        ("12.5", "JPY", 20, "3", "10"),  # the deposit itself at the minor unit first: 13
        ("99.99", "USD", 100, "99.99", "0.00"),
    ],
)
def test_money_is_decimal_rounded_half_up_to_the_minor_unit(
    deposit, currency, percent, penalty, refund
):
    split = penalties.split(Decimal(deposit), currency, percent)
    assert (split.penalty, split.refund) == (Decimal(penalty), Decimal(refund))
    assert split.penalty + split.refund == split.deposit


def test_the_rate_is_exact_and_zero_without_history():
    assert penalties.rate(0, 0) == 0
    assert penalties.rate(3, 30) == Fraction(1, 10)
    assert penalties.rate(11, 100) == Fraction(11, 100)


@pytest.mark.parametrize(
    ("cancelled", "accepted", "expected"),
    [
        (1, 1, Fraction(1, 10)),
        (1, 3, Fraction(1, 10)),
        (9, 9, Fraction(9, 10)),
        (5, 10, Fraction(1, 2)),
    ],
)
def test_small_samples_count_over_at_least_ten_shipments(cancelled, accepted, expected):
    assert penalties.rate(cancelled, accepted) == expected


def test_a_bad_count_is_refused():
    with pytest.raises(ValueError, match="between 0 and accepted"):
        penalties.rate(4, 3)
