"""ADMIN upserts of each rate table: check the fields, then write through `rate_tables.upsert`.

An upsert finds its row by the table's natural key (region and class, port pair and mode, ...)
and creates it or updates it.
"""

from __future__ import annotations

from decimal import Decimal

from tortoise.models import Model

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
    RateTable,
    VehicleClass,
)
from models.enums import ErrorCode, Role
from models.viewer import Viewer
from resolvers.access import writer
from resolvers.calculations.inputs import (
    Amount,
    Field,
    check_amount,
    check_country,
    check_currency,
    check_unlocode,
)
from resolvers.calculations.rate_tables import Edit, upsert
from resolvers.errors import DomainError, invalid

RATE_PLACES = 4  # digits after the point that the tables keep
MAX_AGE = 150


def _money(value: Amount, field: Field) -> tuple[Decimal, str]:
    currency = check_currency(value.currency, [*field, "currency"])
    return check_amount(value.amount, [*field, "amount"], places=RATE_PLACES), currency


def _percent(value: Decimal, field: Field) -> Decimal:
    value = check_amount(value, field, places=RATE_PLACES)
    if value > 100:
        raise invalid(field, "must be a percentage from 0 to 100")
    return value


def _label(value: str, field: Field, *, longest: int) -> str:
    value = value.strip()
    if not value or len(value) > longest:
        raise invalid(field, f"must be 1 to {longest} characters")
    return value


def _region(value: str) -> str:
    region = _label(value, ["input", "region"], longest=40).upper()
    if not all(char.isascii() and (char.isalnum() or char == "-") for char in region):
        raise invalid(
            ["input", "region"], "may hold only letters, digits and '-', e.g. US-NORTHEAST"
        )
    return region


async def upsert_origin_place(
    *,
    viewer: Viewer | None,
    unlocode: str,
    name: str,
    region: str,
    port_of_loading: str,
    demo: bool,
) -> Edit[OriginPlace]:
    viewer = writer(viewer, Role.ADMIN)
    values = {
        "name": _label(name, ["input", "name"], longest=200),
        "region": _region(region),
        "port_of_loading": check_unlocode(port_of_loading, ["input", "portOfLoading"]),
        "demo": demo,
    }
    key = {"unlocode": check_unlocode(unlocode, ["input", "unlocode"])}
    return await upsert(viewer, RateTable.ORIGIN_PLACE, key, values)


async def upsert_inland_rate(
    *, viewer: Viewer | None, region: str, vehicle_class: VehicleClass, amount: Amount, demo: bool
) -> Edit[InlandRate]:
    viewer = writer(viewer, Role.ADMIN)
    price, currency = _money(amount, ["input", "amount"])
    key = {"region": _region(region), "vehicle_class": vehicle_class}
    values = {"amount": price, "currency": currency, "demo": demo}
    return await upsert(viewer, RateTable.INLAND, key, values)


async def upsert_ocean_freight_rate(
    *,
    viewer: Viewer | None,
    port_of_loading: str,
    port_of_discharge: str,
    mode: ContainerMode,
    amount: Amount,
    demo: bool,
) -> Edit[OceanFreightRate]:
    viewer = writer(viewer, Role.ADMIN)
    price, currency = _money(amount, ["input", "amount"])
    key = {
        "port_of_loading": check_unlocode(port_of_loading, ["input", "portOfLoading"]),
        "port_of_discharge": check_unlocode(port_of_discharge, ["input", "portOfDischarge"]),
        "mode": mode,
    }
    values = {"amount": price, "currency": currency, "demo": demo}
    return await upsert(viewer, RateTable.OCEAN_FREIGHT, key, values)


async def upsert_port_fee(
    *, viewer: Viewer | None, port: str, amount: Amount, demo: bool
) -> Edit[PortFee]:
    viewer = writer(viewer, Role.ADMIN)
    price, currency = _money(amount, ["input", "amount"])
    key = {"port": check_unlocode(port, ["input", "port"])}
    return await upsert(
        viewer, RateTable.PORT_FEE, key, {"amount": price, "currency": currency, "demo": demo}
    )


async def upsert_insurance_rate(
    *, viewer: Viewer | None, percent: Decimal, minimum: Amount, demo: bool
) -> Edit[InsuranceRate]:
    viewer = writer(viewer, Role.ADMIN)
    least, currency = _money(minimum, ["input", "minimum"])
    values = {"percent": _percent(percent, ["input", "percent"]), "minimum": least, "demo": demo}
    return await upsert(viewer, RateTable.INSURANCE, {"currency": currency}, values)


async def upsert_extra_service_price(
    *, viewer: Viewer | None, service: ExtraService, amount: Amount, demo: bool
) -> Edit[ExtraServicePrice]:
    viewer = writer(viewer, Role.ADMIN)
    if service is ExtraService.INSURANCE:
        raise invalid(["input", "service"], "INSURANCE is priced by the insurance rate")
    price, currency = _money(amount, ["input", "amount"])
    key = {"service": service, "currency": currency}
    return await upsert(viewer, RateTable.EXTRA_SERVICE, key, {"amount": price, "demo": demo})


async def upsert_customs_rule(
    *,
    viewer: Viewer | None,
    country: str,
    currency: str,
    duty_percent: Decimal,
    vat_percent: Decimal,
    demo: bool,
) -> Edit[CustomsRule]:
    viewer = writer(viewer, Role.ADMIN)
    code = check_country(country, ["input", "country"])
    values = {
        "currency": check_currency(currency, ["input", "currency"]),
        "duty_percent": _percent(duty_percent, ["input", "dutyPercent"]),
        "vat_percent": _percent(vat_percent, ["input", "vatPercent"]),
        "demo": demo,
    }

    async def bands_agree(_: Model | None) -> None:
        other = await ExciseBand.filter(country=code).exclude(currency=values["currency"]).first()
        if other is not None:
            raise DomainError(
                ErrorCode.CONFLICT,
                f"the excise bands of {code} are in {other.currency}: change them first",
                ["input", "currency"],
            )

    return await upsert(viewer, RateTable.CUSTOMS_RULE, {"country": code}, values, bands_agree)


async def upsert_excise_band(
    *,
    viewer: Viewer | None,
    country: str,
    min_age_years: int,
    max_age_years: int | None,
    per_cc: Amount,
    demo: bool,
) -> Edit[ExciseBand]:
    viewer = writer(viewer, Role.ADMIN)
    code = check_country(country, ["input", "country"])
    if not 0 <= min_age_years <= MAX_AGE:
        raise invalid(["input", "minAgeYears"], f"must be between 0 and {MAX_AGE}")
    if max_age_years is not None and not min_age_years <= max_age_years <= MAX_AGE:
        raise invalid(["input", "maxAgeYears"], f"must be between minAgeYears and {MAX_AGE}")
    price, currency = _money(per_cc, ["input", "perCc"])
    key = {"country": code, "min_age_years": min_age_years}
    values = {"max_age_years": max_age_years, "per_cc": price, "currency": currency, "demo": demo}

    async def fits(row: Model | None) -> None:
        # Locking the country's rule makes edits of its bands take turns, so two of them cannot
        # both pass the overlap check.
        rule = await CustomsRule.filter(country=code).select_for_update().first()
        if rule is None:
            raise invalid(["input", "country"], f"{code} has no customs rule: add it first")
        if rule.currency != currency:
            raise invalid(
                ["input", "perCc", "currency"], f"customs in {code} assess in {rule.currency}"
            )
        others = ExciseBand.filter(country=code)
        if row is not None:
            others = others.exclude(pk=row.pk)
        for band in await others:
            if _overlap(band, min_age_years, max_age_years):
                top = "" if band.max_age_years is None else band.max_age_years
                ages = f"{band.min_age_years}–{top}"
                raise DomainError(
                    ErrorCode.CONFLICT,
                    f"overlaps the band of {ages} years: each age has one band",
                    ["input", "minAgeYears"],
                )

    return await upsert(viewer, RateTable.EXCISE_BAND, key, values, fits)


def _overlap(band: ExciseBand, low: int, high: int | None) -> bool:
    band_high = band.max_age_years if band.max_age_years is not None else MAX_AGE
    return band.min_age_years <= (high if high is not None else MAX_AGE) and low <= band_high
