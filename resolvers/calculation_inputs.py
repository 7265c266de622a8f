"""The plain inputs of the calculator and their checks, shared by quotes and rate-table edits."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from resolvers.errors import invalid

Field = list[str | int]
UNLOCODE = re.compile(r"^[A-Z]{2}[A-Z2-9]{3}$")
COUNTRY = re.compile(r"^[A-Z]{2}$")
CURRENCY = re.compile(r"^[A-Z]{3}$")
MAX_AMOUNT = Decimal(10) ** 12  # the tables hold 16 digits, 4 of them after the point
# ISO 4217 minor units that are not 2 (USD, EUR, GEL, RON and most others have 2).
MINOR_UNITS = {"BHD": 3, "JOD": 3, "KWD": 3, "OMR": 3, "TND": 3, "ISK": 0, "JPY": 0, "KRW": 0}


@dataclass(frozen=True)
class Place:
    unlocode: str | None
    country: str


@dataclass(frozen=True)
class Amount:
    amount: Decimal
    currency: str


def minor_unit(currency: str) -> int:
    return MINOR_UNITS.get(currency, 2)


def plain(number: Decimal) -> str:
    """A Decimal without trailing zeros or exponent: 10.0000 -> '10', 1.5000 -> '1.5'."""
    return format(number.normalize(), "f")


def check_code(value: str | None, pattern: re.Pattern[str], field: Field, what: str) -> str:
    code = (value or "").strip().upper()
    if not pattern.match(code):
        raise invalid(field, f"must be {what}")
    return code


def check_unlocode(value: str | None, field: Field) -> str:
    return check_code(value, UNLOCODE, field, "a UN/LOCODE: 2 letters and 3 more, e.g. USNYC")


def check_country(value: str | None, field: Field) -> str:
    return check_code(value, COUNTRY, field, "an ISO 3166-1 alpha-2 country code, e.g. GE")


def check_currency(value: str | None, field: Field) -> str:
    return check_code(value, CURRENCY, field, "an ISO 4217 currency code, e.g. USD")


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
