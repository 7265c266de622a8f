"""Inputs and payloads of the ADMIN rate-table edits (the mutations: schema.calculations.quotes)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any, TypeVar

import strawberry

from models.calculations.tables import RateTable
from resolvers.calculations.inputs import Amount
from resolvers.calculations.rate_tables import Edit
from resolvers.errors import invalid
from schema.base import MoneyInput, UserError, run_payload
from schema.calculations.types import (
    RATE_TYPES,
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
    RateChange,
    VehicleClass,
)
from schema.ids import parse_global_id

P = TypeVar("P")


def _demo() -> Any:
    return strawberry.field(default=False, description="Mark the row as a demo figure")


def amount(value: MoneyInput) -> Amount:
    return Amount(amount=value.amount, currency=value.currency)


@strawberry.input(description="Keyed by unlocode")
class OriginPlaceInput:
    unlocode: str
    name: str
    region: str
    port_of_loading: str
    demo: bool = _demo()


@strawberry.input(description="Keyed by region and vehicle class")
class InlandRateInput:
    region: str
    vehicle_class: VehicleClass
    amount: MoneyInput
    demo: bool = _demo()


@strawberry.input(description="Keyed by port pair and mode")
class OceanFreightRateInput:
    port_of_loading: str
    port_of_discharge: str
    mode: ContainerMode
    amount: MoneyInput
    demo: bool = _demo()


@strawberry.input(description="Keyed by port")
class PortFeeInput:
    port: str
    amount: MoneyInput
    demo: bool = _demo()


@strawberry.input(description="Keyed by the minimum's currency")
class InsuranceRateInput:
    percent: Decimal
    minimum: MoneyInput
    demo: bool = _demo()


@strawberry.input(description="Keyed by service and currency; INSURANCE is an InsuranceRate")
class ExtraServicePriceInput:
    service: ExtraService
    amount: MoneyInput
    demo: bool = _demo()


@strawberry.input(description="Keyed by country")
class CustomsRuleInput:
    country: str
    currency: str
    duty_percent: Decimal
    vat_percent: Decimal
    demo: bool = _demo()


@strawberry.input(description="Keyed by country and minimum age; bands of a country never overlap")
class ExciseBandInput:
    country: str
    min_age_years: int
    max_age_years: int | None = None
    per_cc: MoneyInput
    demo: bool = _demo()


@strawberry.type
class OriginPlacePayload:
    origin_place: OriginPlace | None = None
    change: RateChange | None = None
    errors: list[UserError]


@strawberry.type
class InlandRatePayload:
    inland_rate: InlandRate | None = None
    change: RateChange | None = None
    errors: list[UserError]


@strawberry.type
class OceanFreightRatePayload:
    ocean_freight_rate: OceanFreightRate | None = None
    change: RateChange | None = None
    errors: list[UserError]


@strawberry.type
class PortFeePayload:
    port_fee: PortFee | None = None
    change: RateChange | None = None
    errors: list[UserError]


@strawberry.type
class InsuranceRatePayload:
    insurance_rate: InsuranceRate | None = None
    change: RateChange | None = None
    errors: list[UserError]


@strawberry.type
class ExtraServicePricePayload:
    extra_service_price: ExtraServicePrice | None = None
    change: RateChange | None = None
    errors: list[UserError]


@strawberry.type
class CustomsRulePayload:
    customs_rule: CustomsRule | None = None
    change: RateChange | None = None
    errors: list[UserError]


@strawberry.type
class ExciseBandPayload:
    excise_band: ExciseBand | None = None
    change: RateChange | None = None
    errors: list[UserError]


@strawberry.type
class DeleteCalculationRatePayload:
    deleted_id: strawberry.ID | None = None
    change: RateChange | None = None
    errors: list[UserError]


async def edited(
    payload: type[P], name: str, kind: Any, edit: Callable[[], Awaitable[Edit[Any]]]
) -> P:
    """Run an upsert: the row as `name` and its audit row, or the UserError that refused it."""

    async def action() -> dict[str, object]:
        done = await edit()
        return {name: kind.from_model(done.row), "change": RateChange.from_model(done.change)}

    return await run_payload(payload, action)


def rate_key(global_id: str) -> tuple[RateTable, int]:
    """The table and key of a rate-table row's global id; INVALID_INPUT naming `id` otherwise."""
    parsed = parse_global_id(global_id)
    tables = {kind.__name__: table for table, kind in RATE_TYPES.items()}
    if parsed is None or parsed[0] not in tables:
        raise invalid(["id"], "is not the id of a rate-table row")
    return tables[parsed[0]], parsed[1]
