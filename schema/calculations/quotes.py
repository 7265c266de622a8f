"""Calculations: transport quotes, customs estimates, and the ADMIN edits of their rate tables."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry

from resolvers.calculations import quotes as calculations
from resolvers.calculations import rate_edits, rate_tables, reads
from resolvers.calculations.inputs import Place
from resolvers.calculations.quotes import Quote
from schema.base import LocationInput, Money, MoneyInput, run_payload
from schema.calculations import rate_edits as edits
from schema.calculations.types import (
    CalculationRateConnection,
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
    RateChangeConnection,
    RateTable,
    VehicleClass,
)
from schema.context import Info

ONE_CURRENCY = (
    "Computed from the rate tables when asked and never stored: a rate edits.edited later changes "
    "the next answer, not this one. Each line is rounded half-up to the currency's minor unit "
    "and the total is the sum of the lines."
)


@strawberry.input
class TransportQuoteInput:
    origin: LocationInput = strawberry.field(
        description="The auction yard's town by UN/LOCODE (required): it maps to an inland "
        "region and a port of loading"
    )
    destination: LocationInput = strawberry.field(description="Port of discharge, by UN/LOCODE")
    vehicle_class: VehicleClass
    consolidated: bool = strawberry.field(
        default=True, description="Shared (consolidated) container rather than an exclusive one"
    )
    vehicle_value: MoneyInput | None = strawberry.field(
        default=None,
        description="In the quote's currency; needed for INSURANCE",
    )
    extras: list[ExtraService] | None = None


@strawberry.type
class QuoteLine:
    label: str = strawberry.field(description='Ends in "(DEMO RATE)" when priced from demo rates')
    amount: Money


@strawberry.type(
    description="Inland transport, ocean freight, port and handling fees, then each extra. One "
    "currency: the route's ocean-freight currency (USD on the demo routes); every other rate of "
    "the quote must be in it. " + ONE_CURRENCY
)
class TransportQuote:
    lines: list[QuoteLine]
    total: Money
    demo: bool = strawberry.field(description="Some line was priced from a demo rate")
    quoted_at: dt.datetime

    @classmethod
    def of(cls, quote: Quote) -> TransportQuote:
        return cls(**_figures(quote))


@strawberry.input
class CustomsEstimateInput:
    country: str = strawberry.field(description="ISO 3166-1 alpha-2 country of import")
    vehicle_value: MoneyInput = strawberry.field(
        description="The customs value (add freight and insurance for a CIF value), in the "
        "currency of the country's customs"
    )
    year: int = strawberry.field(description="Model year, 1886 to next year: sets the age")
    engine_volume_cc: int | None = strawberry.field(
        default=None, description="Needed where the country levies excise per cc"
    )


@strawberry.type(
    description="Import duty, excise where the country has one, and VAT on value + duty + "
    "excise, in the currency the country's customs assess in (GE: GEL, RO: RON, LT and NL: EUR "
    "in the demo). " + ONE_CURRENCY
)
class CustomsEstimate:
    lines: list[QuoteLine]
    total: Money
    demo: bool = strawberry.field(description="Some line was priced from a demo rate")
    quoted_at: dt.datetime

    @classmethod
    def of(cls, quote: Quote) -> CustomsEstimate:
        return cls(**_figures(quote))


def _figures(quote: Quote) -> dict[str, Any]:
    return {
        "lines": [
            QuoteLine(label=line.label, amount=Money(amount=line.amount, currency=quote.currency))
            for line in quote.lines
        ],
        "total": Money(amount=quote.total, currency=quote.currency),
        "demo": quote.demo,
        "quoted_at": quote.quoted_at,
    }


def _place(location: LocationInput) -> Place:
    return Place(unlocode=location.unlocode, country=location.country)


@strawberry.type
class CalculationsQuery:
    @strawberry.field(description="Any signed-in user")
    async def transport_quote(self, info: Info, input: TransportQuoteInput) -> TransportQuote:
        quote = await calculations.transport_quote(
            viewer=info.context.require_viewer(),
            origin=_place(input.origin),
            destination=_place(input.destination),
            vehicle_class=input.vehicle_class,
            consolidated=input.consolidated,
            vehicle_value=edits.amount(input.vehicle_value) if input.vehicle_value else None,
            extras=input.extras or [],
        )
        return TransportQuote.of(quote)

    @strawberry.field(description="Any signed-in user")
    async def customs_estimate(self, info: Info, input: CustomsEstimateInput) -> CustomsEstimate:
        quote = await calculations.customs_estimate(
            viewer=info.context.require_viewer(),
            country=input.country,
            vehicle_value=edits.amount(input.vehicle_value),
            year=input.year,
            engine_volume_cc=input.engine_volume_cc,
        )
        return CustomsEstimate.of(quote)

    @strawberry.field(description="Platform staff: the rows of one rate table, oldest first")
    async def calculation_rates(
        self, info: Info, table: RateTable, first: int | None = None, after: str | None = None
    ) -> CalculationRateConnection:
        page = await reads.rate_page(
            viewer=info.context.viewer, table=table, first=first, after=after
        )
        return CalculationRateConnection.of(page)

    @strawberry.field(description="ADMIN: the audit of rate-table edits, newest first")
    async def rate_changes(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        table: RateTable | None = None,
    ) -> RateChangeConnection:
        page = await reads.rate_change_page(
            viewer=info.context.viewer, table=table, first=first, after=after
        )
        return RateChangeConnection.of(page)


@strawberry.type
class CalculationsMutation:
    @strawberry.mutation(description="ADMIN: map an origin UN/LOCODE to a region and port")
    async def upsert_origin_place(
        self, info: Info, input: edits.OriginPlaceInput
    ) -> edits.OriginPlacePayload:
        return await edits.edited(
            edits.OriginPlacePayload,
            "origin_place",
            OriginPlace,
            lambda: rate_edits.upsert_origin_place(
                viewer=info.context.viewer,
                unlocode=input.unlocode,
                name=input.name,
                region=input.region,
                port_of_loading=input.port_of_loading,
                demo=input.demo,
            ),
        )

    @strawberry.mutation(description="ADMIN: set an inland rate")
    async def upsert_inland_rate(
        self, info: Info, input: edits.InlandRateInput
    ) -> edits.InlandRatePayload:
        return await edits.edited(
            edits.InlandRatePayload,
            "inland_rate",
            InlandRate,
            lambda: rate_edits.upsert_inland_rate(
                viewer=info.context.viewer,
                region=input.region,
                vehicle_class=input.vehicle_class,
                amount=edits.amount(input.amount),
                demo=input.demo,
            ),
        )

    @strawberry.mutation(description="ADMIN: set an ocean freight rate")
    async def upsert_ocean_freight_rate(
        self, info: Info, input: edits.OceanFreightRateInput
    ) -> edits.OceanFreightRatePayload:
        return await edits.edited(
            edits.OceanFreightRatePayload,
            "ocean_freight_rate",
            OceanFreightRate,
            lambda: rate_edits.upsert_ocean_freight_rate(
                viewer=info.context.viewer,
                port_of_loading=input.port_of_loading,
                port_of_discharge=input.port_of_discharge,
                mode=input.mode,
                amount=edits.amount(input.amount),
                demo=input.demo,
            ),
        )

    @strawberry.mutation(description="ADMIN: set the port and handling fees of a port")
    async def upsert_port_fee(self, info: Info, input: edits.PortFeeInput) -> edits.PortFeePayload:
        return await edits.edited(
            edits.PortFeePayload,
            "port_fee",
            PortFee,
            lambda: rate_edits.upsert_port_fee(
                viewer=info.context.viewer,
                port=input.port,
                amount=edits.amount(input.amount),
                demo=input.demo,
            ),
        )

    @strawberry.mutation(description="ADMIN: set the insurance rate of a currency")
    async def upsert_insurance_rate(
        self, info: Info, input: edits.InsuranceRateInput
    ) -> edits.InsuranceRatePayload:
        return await edits.edited(
            edits.InsuranceRatePayload,
            "insurance_rate",
            InsuranceRate,
            lambda: rate_edits.upsert_insurance_rate(
                viewer=info.context.viewer,
                percent=input.percent,
                minimum=edits.amount(input.minimum),
                demo=input.demo,
            ),
        )

    @strawberry.mutation(description="ADMIN: set the price of an extra service")
    async def upsert_extra_service_price(
        self, info: Info, input: edits.ExtraServicePriceInput
    ) -> edits.ExtraServicePricePayload:
        return await edits.edited(
            edits.ExtraServicePricePayload,
            "extra_service_price",
            ExtraServicePrice,
            lambda: rate_edits.upsert_extra_service_price(
                viewer=info.context.viewer,
                service=input.service,
                amount=edits.amount(input.amount),
                demo=input.demo,
            ),
        )

    @strawberry.mutation(description="ADMIN: set a country's duty, VAT and currency")
    async def upsert_customs_rule(
        self, info: Info, input: edits.CustomsRuleInput
    ) -> edits.CustomsRulePayload:
        return await edits.edited(
            edits.CustomsRulePayload,
            "customs_rule",
            CustomsRule,
            lambda: rate_edits.upsert_customs_rule(
                viewer=info.context.viewer,
                country=input.country,
                currency=input.currency,
                duty_percent=input.duty_percent,
                vat_percent=input.vat_percent,
                demo=input.demo,
            ),
        )

    @strawberry.mutation(description="ADMIN: set an excise band of a country")
    async def upsert_excise_band(
        self, info: Info, input: edits.ExciseBandInput
    ) -> edits.ExciseBandPayload:
        return await edits.edited(
            edits.ExciseBandPayload,
            "excise_band",
            ExciseBand,
            lambda: rate_edits.upsert_excise_band(
                viewer=info.context.viewer,
                country=input.country,
                min_age_years=input.min_age_years,
                max_age_years=input.max_age_years,
                per_cc=edits.amount(input.per_cc),
                demo=input.demo,
            ),
        )

    @strawberry.mutation(description="ADMIN: delete any rate-table row by its id")
    async def delete_calculation_rate(
        self, info: Info, id: strawberry.ID
    ) -> edits.DeleteCalculationRatePayload:
        async def action() -> dict[str, object]:
            table, key = edits.rate_key(id)
            done = await rate_tables.delete_rate(viewer=info.context.viewer, table=table, key=key)
            return {"deleted_id": id, "change": RateChange.from_model(done.change)}

        return await run_payload(edits.DeleteCalculationRatePayload, action)
