"""The plain inputs of the calculator and their checks, shared by quotes and rate-table edits."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from models import validators
from resolvers.errors import invalid

Field = list[str | int]
MAX_AMOUNT = Decimal(10) ** 12  # the tables hold 16 digits, 4 of them after the point


@dataclass(frozen=True)
class Place:
    unlocode: str | None
    country: str


@dataclass(frozen=True)
class Amount:
    amount: Decimal
    currency: str


def minor_unit(currency: str) -> int:
    return validators.minor_units(currency)


def plain(number: Decimal) -> str:
    """A Decimal without trailing zeros or exponent: 10.0000 -> '10', 1.5000 -> '1.5'."""
    return format(number.normalize(), "f")


def check_code(value: str | None, validate: Callable[[str], str], field: Field) -> str:
    """A code checked by the shared validators (models/validators.py), INVALID_INPUT on `field`."""
    try:
        return validate(value or "")
    except ValueError as error:
        raise invalid(field, str(error)) from None


def check_unlocode(value: str | None, field: Field) -> str:
    return check_code(value, validators.unlocode, field)


def check_country(value: str | None, field: Field) -> str:
    return check_code(value, validators.country, field)


def check_currency(value: str | None, field: Field) -> str:
    return check_code(value, validators.currency, field)


def check_amount(value: Decimal, field: Field, *, places: int) -> Decimal:
    """A finite, non-negative amount with at most `places` digits after the point."""
    if not value.is_finite() or value < 0:
        raise invalid(field, "must be a number of 0 or more")
    if value >= MAX_AMOUNT:
        raise invalid(field, f"must be less than {MAX_AMOUNT:,}")
    if value != value.quantize(Decimal(1).scaleb(-places)):
        raise invalid(field, f"may have at most {places} digits after the point")
    return value


def check_money(value: Amount, field: Field) -> Amount:
    """A value in a quote: a currency code and an amount to the currency's minor unit."""
    currency = check_currency(value.currency, [*field, "currency"])
    amount = check_amount(value.amount, [*field, "amount"], places=minor_unit(currency))
    return Amount(amount=amount, currency=currency)
