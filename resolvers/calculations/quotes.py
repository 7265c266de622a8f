"""Calculations: transport quotes and customs estimates, computed from the rate tables.

A quote is computed on every request and never stored: editing a rate changes the next quote
and nothing already handed out. Each line is rounded half-up to the currency's minor unit and
the total is the sum of the rounded lines, so the lines always add up to the total.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import cast

from models import clock, validators
from models.calculations.tables import (
    ContainerMode,
    CustomsRule,
    ExciseBand,
    ExtraService,
    ExtraServicePrice,
    InlandRate,
    InsuranceRate,
    OceanFreightRate,
    OriginPlace,
    PortFee,
    VehicleClass,
)
from models.enums import ErrorCode
from models.viewer import Viewer
from resolvers import checks
from resolvers.access import signed_in
from resolvers.calculations.inputs import (
    Amount,
    Field,
    Place,
    check_country,
    check_money,
    check_unlocode,
    plain,
)
from resolvers.errors import DomainError, invalid

DEMO = " (DEMO RATE)"
EXTRA_LABELS = {
    ExtraService.EXTRA_PACKING: "Extra packing and protection",
    ExtraService.PHOTO_VIDEO: "Additional photos and video",
    ExtraService.AUTO_PARTS: "Auto parts loaded with the vehicle",
}


@dataclass(frozen=True)
class Line:
    label: str
    amount: Decimal
    demo: bool


@dataclass(frozen=True)
class Quote:
    """Lines in one currency; `demo` when any line was priced from a demo rate."""

    lines: list[Line]
    currency: str
    quoted_at: dt.datetime

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))

    @property
    def demo(self) -> bool:
        return any(line.demo for line in self.lines)


def _round(amount: Decimal, currency: str) -> Decimal:
    return validators.round_money(amount, currency)


def _same_currency(rate: str, what: str, currency: str, field: Field) -> None:
    # Rates are never converted: a quote in two currencies would be a wrong total.
    if rate != currency:
        raise DomainError(
            ErrorCode.CONFLICT,
            f"the rate tables disagree: {what} is in {rate} but this quote is in {currency}; "
            "an ADMIN must price it in one currency",
            field,
        )


def _line(label: str, amount: Decimal, currency: str, demo: bool) -> Line:
    return Line(label=label + (DEMO if demo else ""), amount=_round(amount, currency), demo=demo)


async def transport_quote(
    *,
    viewer: Viewer | None,
    origin: Place,
    destination: Place,
    vehicle_class: VehicleClass,
    consolidated: bool,
    vehicle_value: Amount | None,
    extras: Sequence[ExtraService],
) -> Quote:
    """Inland transport, ocean freight, port fees, then each extra, in the freight's currency."""
    signed_in(viewer)
    start = _place(origin, ["input", "origin"])
    end = _place(destination, ["input", "destination"])
    value = (
        check_money(vehicle_value, ["input", "vehicleValue"]) if vehicle_value is not None else None
    )
    chosen = _distinct(extras)

    place = await OriginPlace.get_or_none(unlocode=start)
    if place is None:
        raise invalid(["input", "origin", "unlocode"], f"{start} is not an origin with rates")
    inland = await InlandRate.get_or_none(region=place.region, vehicle_class=vehicle_class)
    if inland is None:
        raise invalid(
            ["input", "vehicleClass"],
            f"no inland rate for a {vehicle_class.value} from region {place.region}",
        )
    mode = ContainerMode.CONSOLIDATED if consolidated else ContainerMode.EXCLUSIVE
    ocean = await _ocean_rate(place.port_of_loading, end, mode)
    fee = await PortFee.get_or_none(port=end)
    if fee is None:
        raise invalid(["input", "destination", "unlocode"], f"no port fees are set for {end}")

    currency = ocean.currency
    _same_currency(inland.currency, f"inland rate {place.region}", currency, ["input", "origin"])
    _same_currency(fee.currency, f"port fee {end}", currency, ["input", "destination"])
    if value is not None and value.currency != currency:
        raise invalid(
            ["input", "vehicleValue", "currency"],
            f"this route is quoted in {currency}: give the vehicle value in {currency}",
        )
    container = "consolidated container, per vehicle" if consolidated else "exclusive container"
    lines = [
        _line(
            f"Inland transport {place.name} ({start}) to {place.port_of_loading}, "
            f"{vehicle_class.value}",
            inland.amount,
            currency,
            inland.demo,
        ),
        _line(
            f"Ocean freight {place.port_of_loading} to {end}, {container}",
            ocean.amount,
            currency,
            ocean.demo,
        ),
        _line(f"Port and handling fees at {end}", fee.amount, currency, fee.demo),
    ]
    for index, service in chosen:
        field: Field = ["input", "extras", index]
        if service is ExtraService.INSURANCE:
            lines.append(await _insurance(value, currency, field))
        else:
            lines.append(await _extra(service, currency, field))
    return Quote(lines=lines, currency=currency, quoted_at=clock.now())


def _place(place: Place, field: Field) -> str:
    if place.unlocode is None:
        raise invalid([*field, "unlocode"], "is needed: rates are set per UN/LOCODE")
    code = check_unlocode(place.unlocode, [*field, "unlocode"])
    country = check_country(place.country, [*field, "country"])
    if code[:2] != country:
        raise invalid([*field, "country"], f"{code} is in {code[:2]}, not in {country}")
    return code


def _distinct(extras: Sequence[ExtraService]) -> list[tuple[int, ExtraService]]:
    seen: set[ExtraService] = set()
    for index, service in enumerate(extras):
        if service in seen:
            raise invalid(["input", "extras", index], f"{service.value} is listed twice")
        seen.add(service)
    return list(enumerate(extras))


async def _ocean_rate(port_of_loading: str, end: str, mode: ContainerMode) -> OceanFreightRate:
    rates = {
        rate.mode: rate
        for rate in await OceanFreightRate.filter(
            port_of_loading=port_of_loading, port_of_discharge=end
        )
    }
    if mode in rates:
        return rates[mode]
    if rates:
        raise invalid(
            ["input", "consolidated"],
            f"{port_of_loading} to {end} is priced only in a {next(iter(rates)).value.lower()} "
            "container",
        )
    raise invalid(
        ["input", "destination", "unlocode"], f"no ocean freight from {port_of_loading} to {end}"
    )


async def _insurance(value: Amount | None, currency: str, field: Field) -> Line:
    if value is None:
        raise invalid(["input", "vehicleValue"], "is needed to price INSURANCE")
    rate = await InsuranceRate.get_or_none(currency=currency)
    if rate is None:
        raise invalid(field, f"INSURANCE has no rate in {currency}")
    premium = _round(value.amount * rate.percent / 100, currency)
    minimum = _round(rate.minimum, currency)
    label = (
        f"Insurance {plain(rate.percent)}% of {value.amount} {currency} "
        f"(minimum {minimum} {currency})"
    )
    return _line(label, max(premium, minimum), currency, rate.demo)


async def _extra(service: ExtraService, currency: str, field: Field) -> Line:
    price = await ExtraServicePrice.get_or_none(service=service, currency=currency)
    if price is None:
        raise invalid(field, f"{service.value} has no price in {currency}")
    return _line(EXTRA_LABELS[service], price.amount, currency, price.demo)


async def customs_estimate(
    *,
    viewer: Viewer | None,
    country: str,
    vehicle_value: Amount,
    year: int,
    engine_volume_cc: int | None,
) -> Quote:
    """Duty on the value; excise by engine volume and age; VAT on value + duty + excise."""
    signed_in(viewer)
    code = check_country(country, ["input", "country"])
    value = check_money(vehicle_value, ["input", "vehicleValue"])
    year = checks.model_year(year, ["input", "year"])
    this_year = clock.now().year
    if engine_volume_cc is not None and engine_volume_cc <= 0:
        raise invalid(["input", "engineVolumeCc"], "must be more than 0")

    rule = await CustomsRule.get_or_none(country=code)
    if rule is None:
        known = ", ".join(
            cast(
                "list[str]",
                await CustomsRule.all().order_by("country").values_list("country", flat=True),
            )
        )
        raise invalid(
            ["input", "country"], f"no customs rules for {code}; known: {known or 'none'}"
        )
    currency = rule.currency
    if value.currency != currency:
        raise invalid(
            ["input", "vehicleValue", "currency"],
            f"customs in {code} assess in {currency}: give the vehicle value in {currency}",
        )
    duty = _line(
        f"Import duty {plain(rule.duty_percent)}% of {value.amount} {currency}",
        value.amount * rule.duty_percent / 100,
        currency,
        rule.demo,
    )
    lines = [duty]
    # Next year's model is new: age 0.
    excise = await _excise(code, currency, max(this_year - year, 0), engine_volume_cc)
    if excise is not None:
        lines.append(excise)
    base = value.amount + sum((line.amount for line in lines), Decimal(0))
    parts = "value, duty and excise" if excise is not None else "value and duty"
    lines.append(
        _line(
            f"VAT {plain(rule.vat_percent)}% of {base} {currency} ({parts})",
            base * rule.vat_percent / 100,
            currency,
            rule.demo,
        )
    )
    return Quote(lines=lines, currency=currency, quoted_at=clock.now())


async def _excise(code: str, currency: str, age: int, engine_volume_cc: int | None) -> Line | None:
    """None where the country has no excise table; age is this year minus the model year."""
    bands = await ExciseBand.filter(country=code).order_by("min_age_years")
    if not bands:
        return None
    if engine_volume_cc is None:
        raise invalid(["input", "engineVolumeCc"], f"is needed: {code} levies excise per cc")
    band = next(
        (
            b
            for b in bands
            if b.min_age_years <= age and (b.max_age_years is None or age <= b.max_age_years)
        ),
        None,
    )
    if band is None:
        raise invalid(["input", "year"], f"{code} has no excise band for a vehicle {age} years old")
    _same_currency(
        band.currency, f"excise band {code} {band.min_age_years}+", currency, ["input", "country"]
    )
    ages = (
        f"{band.min_age_years}+"
        if band.max_age_years is None
        else f"{band.min_age_years}–{band.max_age_years}"
    )
    label = (
        f"Excise {engine_volume_cc} cc × {plain(band.per_cc)} {currency}/cc "
        f"(vehicle {age} years old, band {ages} years)"
    )
    return _line(label, band.per_cc * engine_volume_cc, currency, band.demo)
