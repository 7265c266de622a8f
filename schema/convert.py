"""Between the shared GraphQL shapes (Location, Money) and the columns and values of resolvers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from models.validators import round_money
from resolvers.checks import Amount, Place
from schema.base import Location, LocationInput, Money, MoneyInput


def location(row: Any, prefix: str) -> Location | None:
    """The place stored in `<prefix>_name`, `<prefix>_unlocode` and `<prefix>_country`."""
    name, country = getattr(row, f"{prefix}_name"), getattr(row, f"{prefix}_country")
    if name is None or country is None:
        return None
    return Location(name=name, unlocode=getattr(row, f"{prefix}_unlocode"), country=country)


def money(amount: Decimal | None, currency: str | None) -> Money | None:
    """Stored with three decimals; shown at the currency's minor unit (10.000 EUR is 10.00)."""
    if amount is None or currency is None:
        return None
    return Money(amount=round_money(amount, currency), currency=currency)


def place(value: LocationInput) -> Place:
    return Place(name=value.name, country=value.country, unlocode=value.unlocode)


def optional_place(value: LocationInput | None) -> Place | None:
    return None if value is None else place(value)


def amount(value: MoneyInput | None) -> Amount | None:
    return None if value is None else Amount(amount=value.amount, currency=value.currency)
