"""Plain input values of the use cases and the checks that turn them into clean ones.

Each check raises a DomainError naming the input field at fault, so that a client can point at
it; the pure rules themselves live in models.validators.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from models import clock, validators
from models.enums import ErrorCode
from resolvers.errors import DomainError, invalid

Path = Sequence[str | int]


@dataclass(frozen=True, slots=True)
class Place:
    name: str
    country: str
    unlocode: str | None = None

    @classmethod
    def stored(cls, row: Any, prefix: str) -> Place | None:
        """The place in a row's `<prefix>_name`, `<prefix>_country`, `<prefix>_unlocode`."""
        name, country = getattr(row, f"{prefix}_name"), getattr(row, f"{prefix}_country")
        if name is None or country is None:
            return None
        return cls(name, country, getattr(row, f"{prefix}_unlocode"))

    @staticmethod
    def columns(prefix: str, place: Place | None) -> dict[str, Any]:
        """Those columns' values for `place` (all None for no place)."""
        return {
            f"{prefix}_name": place.name if place else None,
            f"{prefix}_country": place.country if place else None,
            f"{prefix}_unlocode": place.unlocode if place else None,
        }


@dataclass(frozen=True, slots=True)
class Amount:
    amount: Decimal
    currency: str


def text(value: str, field: Path, *, limit: int) -> str:
    """A required text: stripped, 1 to `limit` characters, something visible among them."""
    value = value.strip()
    if not value or len(value) > limit:
        raise invalid(field, f"must be 1 to {limit} characters")
    if validators.blank(value):
        raise invalid(field, "must not be made only of invisible characters")
    if (character := validators.control_character(value)) is not None:
        raise invalid(field, f"must not contain the control character {character}")
    return value


def optional_text(value: str | None, field: Path, *, limit: int) -> str | None:
    """An optional text: stripped, None when blank (invisible characters only), at most `limit`
    characters."""
    if value is None or validators.blank(value):
        return None
    return text(value, field, limit=limit)


def place(value: Place, field: Path) -> Place:
    """A named place with an ISO country and, when given, a UN/LOCODE in that country."""
    name = text(value.name, [*field, "name"], limit=200)
    try:
        country = validators.country(value.country)
    except ValueError as error:
        raise invalid([*field, "country"], str(error)) from None
    code = None
    if value.unlocode is not None and value.unlocode.strip():
        try:
            code = validators.unlocode(value.unlocode)
        except ValueError as error:
            raise invalid([*field, "unlocode"], str(error)) from None
        if code[:2] != country:
            raise invalid([*field, "unlocode"], f"{code} is not in {country}")
    return Place(name=name, country=country, unlocode=code)


def optional_place(value: Place | None, field: Path) -> Place | None:
    return None if value is None else place(value, field)


def money(value: Amount | None, field: Path) -> Amount | None:
    """A non-negative amount at its currency's minor unit, in an active ISO 4217 currency."""
    if value is None:
        return None
    try:
        currency = validators.currency(value.currency)
    except ValueError as error:
        raise invalid([*field, "currency"], str(error)) from None
    try:
        amount, _ = validators.money(value.amount, currency)
    except ValueError as error:
        raise invalid([*field, "amount"], str(error)) from None
    return Amount(amount=amount, currency=currency)


EARLIEST = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
PLANNING_YEARS = 5


def moment(value: dt.datetime, field: Path) -> dt.datetime:
    """A point in time: an offset is required, since a bare wall time is ambiguous; from 1900
    to 5 years ahead (a pickup, an ETA or an event further out is a typo)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise invalid(field, "must include a UTC offset, like 2026-05-01T09:00:00Z")
    try:
        value = value.astimezone(dt.UTC)
    except OverflowError:
        raise invalid(field, "is out of range") from None
    latest = clock.now() + dt.timedelta(days=365 * PLANNING_YEARS + 1)
    if not EARLIEST <= value <= latest:
        raise invalid(field, f"must be between 1900 and {PLANNING_YEARS} years from now")
    return value


def not_past(value: dt.datetime, field: Path) -> dt.datetime:
    value = moment(value, field)
    if value < clock.now():
        raise invalid(field, "must not be in the past")
    return value


def not_future(value: dt.datetime, field: Path) -> dt.datetime:
    value = moment(value, field)
    if value > clock.now():
        raise invalid(field, "must not be in the future for an ACTUAL event")
    return value


def vin(value: str, field: Path, year: int | None = None) -> str:
    try:
        return validators.vin(value, year)
    except ValueError as error:
        raise DomainError(ErrorCode.INVALID_VIN, f"VIN {error}", field) from None


def model_year(year: int, field: Path) -> int:
    try:
        return validators.model_year(year, clock.now().year)
    except ValueError as error:
        raise invalid(field, str(error)) from None


def container_number(value: str, field: Path) -> str:
    try:
        return validators.container_number(value)
    except ValueError as error:
        raise DomainError(
            ErrorCode.INVALID_CONTAINER_NUMBER, f"container number {error}", field
        ) from None
