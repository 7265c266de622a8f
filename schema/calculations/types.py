"""The calculator's enums, its rate-table rows as nodes, and the audit of their edits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

import strawberry

from models.accounts import tables as accounts
from models.calculations import tables
from resolvers.calculations import reads
from resolvers.calculations.inputs import minor_unit
from resolvers.pagination import Page
from schema.accounts.types import User
from schema.base import Money, Node, PageInfo, edges, page_info
from schema.context import Info
from schema.ids import to_global_id
from schema.node import node_fetcher

VehicleClass = tables.VehicleClass
strawberry.enum(VehicleClass, name="VehicleClass")
ExtraService = tables.ExtraService
strawberry.enum(ExtraService, name="ExtraService")
ContainerMode = tables.ContainerMode
strawberry.enum(
    ContainerMode,
    name="ContainerMode",
    description="CONSOLIDATED: a shared container, priced per vehicle; EXCLUSIVE: a whole "
    "container, priced per container",
)
RateTable = tables.RateTable
strawberry.enum(RateTable, name="RateTable")
RateChangeAction = tables.RateChangeAction
strawberry.enum(RateChangeAction, name="RateChangeAction")

DEMO = "Sample figure seeded for the demo routes: not a price to sell at"


def money(amount: Decimal, currency: str) -> Money:
    """At least the currency's minor unit of places, more when the rate is finer (0.0125)."""
    places = max(minor_unit(currency), -int(amount.normalize().as_tuple().exponent))
    return Money(amount=amount.quantize(Decimal(1).scaleb(-places)), currency=currency)


def _id(kind: type, row: Any) -> strawberry.ID:
    return strawberry.ID(to_global_id(kind.__name__, row.pk))


@strawberry.type(description="An origin (the auction yard's town) mapped to its inland region")
class OriginPlace(Node):
    unlocode: str
    name: str
    region: str
    port_of_loading: str = strawberry.field(description="UN/LOCODE the region trucks to")
    demo: bool = strawberry.field(description=DEMO)

    @classmethod
    def from_model(cls, row: tables.OriginPlace) -> OriginPlace:
        return cls(
            id=_id(cls, row),
            unlocode=row.unlocode,
            name=row.name,
            region=row.region,
            port_of_loading=row.port_of_loading,
            demo=row.demo,
        )


@strawberry.type(description="Trucking from an inland region to its port of loading, per vehicle")
class InlandRate(Node):
    region: str
    vehicle_class: VehicleClass
    amount: Money
    demo: bool = strawberry.field(description=DEMO)

    @classmethod
    def from_model(cls, row: tables.InlandRate) -> InlandRate:
        return cls(
            id=_id(cls, row),
            region=row.region,
            vehicle_class=row.vehicle_class,
            amount=money(row.amount, row.currency),
            demo=row.demo,
        )


@strawberry.type(description="Ocean freight between two ports; its currency is the quote's")
class OceanFreightRate(Node):
    port_of_loading: str
    port_of_discharge: str
    mode: ContainerMode
    amount: Money
    demo: bool = strawberry.field(description=DEMO)

    @classmethod
    def from_model(cls, row: tables.OceanFreightRate) -> OceanFreightRate:
        return cls(
            id=_id(cls, row),
            port_of_loading=row.port_of_loading,
            port_of_discharge=row.port_of_discharge,
            mode=row.mode,
            amount=money(row.amount, row.currency),
            demo=row.demo,
        )


@strawberry.type(description="Port and handling fees per vehicle at a port of discharge")
class PortFee(Node):
    port: str
    amount: Money
    demo: bool = strawberry.field(description=DEMO)

    @classmethod
    def from_model(cls, row: tables.PortFee) -> PortFee:
        return cls(
            id=_id(cls, row), port=row.port, amount=money(row.amount, row.currency), demo=row.demo
        )


@strawberry.type(description="INSURANCE: percent of the vehicle value, at least the minimum")
class InsuranceRate(Node):
    percent: Decimal
    minimum: Money
    demo: bool = strawberry.field(description=DEMO)

    @classmethod
    def from_model(cls, row: tables.InsuranceRate) -> InsuranceRate:
        return cls(
            id=_id(cls, row),
            percent=row.percent.normalize(),
            minimum=money(row.minimum, row.currency),
            demo=row.demo,
        )


@strawberry.type(description="Flat price per vehicle of an extra service (not INSURANCE)")
class ExtraServicePrice(Node):
    service: ExtraService
    amount: Money
    demo: bool = strawberry.field(description=DEMO)

    @classmethod
    def from_model(cls, row: tables.ExtraServicePrice) -> ExtraServicePrice:
        return cls(
            id=_id(cls, row),
            service=row.service,
            amount=money(row.amount, row.currency),
            demo=row.demo,
        )


@strawberry.type(description="Import duty and VAT of a country; estimates are in its currency")
class CustomsRule(Node):
    country: str
    currency: str
    duty_percent: Decimal
    vat_percent: Decimal = strawberry.field(description="On the value plus duty plus excise")
    demo: bool = strawberry.field(description=DEMO)

    @classmethod
    def from_model(cls, row: tables.CustomsRule) -> CustomsRule:
        return cls(
            id=_id(cls, row),
            country=row.country,
            currency=row.currency,
            duty_percent=row.duty_percent.normalize(),
            vat_percent=row.vat_percent.normalize(),
            demo=row.demo,
        )


@strawberry.type(
    description="Excise per cc of engine volume for vehicles of an age band (this year minus "
    "the model year, both ends included; no maximum: open-ended)"
)
class ExciseBand(Node):
    country: str
    min_age_years: int
    max_age_years: int | None
    per_cc: Money
    demo: bool = strawberry.field(description=DEMO)

    @classmethod
    def from_model(cls, row: tables.ExciseBand) -> ExciseBand:
        return cls(
            id=_id(cls, row),
            country=row.country,
            min_age_years=row.min_age_years,
            max_age_years=row.max_age_years,
            per_cc=money(row.per_cc, row.currency),
            demo=row.demo,
        )


CalculationRate = Annotated[
    OriginPlace
    | InlandRate
    | OceanFreightRate
    | PortFee
    | InsuranceRate
    | ExtraServicePrice
    | CustomsRule
    | ExciseBand,
    strawberry.union("CalculationRate"),
]
RATE_TYPES: dict[tables.RateTable, Any] = {
    tables.RateTable.ORIGIN_PLACE: OriginPlace,
    tables.RateTable.INLAND: InlandRate,
    tables.RateTable.OCEAN_FREIGHT: OceanFreightRate,
    tables.RateTable.PORT_FEE: PortFee,
    tables.RateTable.INSURANCE: InsuranceRate,
    tables.RateTable.EXTRA_SERVICE: ExtraServicePrice,
    tables.RateTable.CUSTOMS_RULE: CustomsRule,
    tables.RateTable.EXCISE_BAND: ExciseBand,
}
TYPE_OF_MODEL = {tables.TABLES[table]: kind for table, kind in RATE_TYPES.items()}


def rate_from_model(row: Any) -> Any:
    return TYPE_OF_MODEL[type(row)].from_model(row)


@strawberry.type(description="The audit of one ADMIN edit of a rate table")
class RateChange(Node):
    table: RateTable
    row_id: strawberry.ID = strawberry.field(
        description="Global id of the row edited (the row may be deleted since)"
    )
    action: RateChangeAction
    at: dt.datetime
    old_value: str | None = strawberry.field(description="The row before, as JSON; null if new")
    new_value: str | None = strawberry.field(description="The row after, as JSON; null if deleted")
    _row: strawberry.Private[tables.RateChange]

    @classmethod
    def from_model(cls, row: tables.RateChange) -> RateChange:
        kind = RATE_TYPES[row.rate_table].__name__
        return cls(
            id=strawberry.ID(to_global_id("RateChange", row.pk)),
            table=row.rate_table,
            row_id=strawberry.ID(to_global_id(kind, row.row_id)),
            action=row.action,
            at=row.at,
            old_value=row.old_value,
            new_value=row.new_value,
            _row=row,
        )

    @strawberry.field(description="Who edited")
    async def editor(self, info: Info) -> User:
        row = await info.context.loaders.load(accounts.User, self._row.editor_id)
        assert row is not None  # an editor is RESTRICT on delete
        return User.from_model(row)


@strawberry.type
class CalculationRateEdge:
    node: CalculationRate
    cursor: str


@strawberry.type
class CalculationRateConnection:
    edges: list[CalculationRateEdge]
    page_info: PageInfo
    total_count: int

    @classmethod
    def of(cls, page: Page[Any]) -> CalculationRateConnection:
        return cls(
            edges=edges(page, CalculationRateEdge, rate_from_model),
            page_info=page_info(page),
            total_count=page.total,
        )


@strawberry.type
class RateChangeEdge:
    node: RateChange
    cursor: str


@strawberry.type
class RateChangeConnection:
    edges: list[RateChangeEdge]
    page_info: PageInfo
    total_count: int

    @classmethod
    def of(cls, page: Page[tables.RateChange]) -> RateChangeConnection:
        return cls(
            edges=edges(page, RateChangeEdge, RateChange.from_model),
            page_info=page_info(page),
            total_count=page.total,
        )


def _rate_fetcher(table: tables.RateTable) -> None:
    @node_fetcher(RATE_TYPES[table].__name__)
    async def fetch(info: Info, key: int) -> Any:
        viewer = info.context.require_viewer()
        row = await reads.rate(viewer, table, key)
        return rate_from_model(row) if row else None


for _table in RATE_TYPES:
    _rate_fetcher(_table)


@node_fetcher("RateChange")
async def _rate_change_node(info: Info, key: int) -> RateChange | None:
    viewer = info.context.require_viewer()
    row = await reads.rate_change(viewer, key)
    return RateChange.from_model(row) if row else None
