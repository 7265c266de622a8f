"""Rate tables of the calculator and the audit of every edit to them.

Every priced row carries its own ISO 4217 currency and a `demo` flag: demo rows are sample
figures seeded for the demo routes, never prices to sell at. Amounts are Decimal with four
places, so a per-cc excise or a rate can be finer than a cent; quotes round each line to the
currency's minor unit.

How an origin is priced (**decision**): an origin is named by its UN/LOCODE, the code of the
auction yard's town (Copart and IAAI yards have none of their own). `OriginPlace` maps that
code to an inland region and the port of loading the region trucks to; inland transport is
priced per region and vehicle class, ocean freight per port pair and container mode, and port
and handling fees at the port of discharge.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from models.accounts.tables import User


class VehicleClass(StrEnum):
    SEDAN = "SEDAN"
    SUV = "SUV"
    PICKUP = "PICKUP"
    VAN = "VAN"
    MOTORCYCLE = "MOTORCYCLE"


class ExtraService(StrEnum):
    EXTRA_PACKING = "EXTRA_PACKING"
    PHOTO_VIDEO = "PHOTO_VIDEO"
    AUTO_PARTS = "AUTO_PARTS"
    INSURANCE = "INSURANCE"


class ContainerMode(StrEnum):
    CONSOLIDATED = "CONSOLIDATED"
    EXCLUSIVE = "EXCLUSIVE"


class RateTable(StrEnum):
    ORIGIN_PLACE = "ORIGIN_PLACE"
    INLAND = "INLAND"
    OCEAN_FREIGHT = "OCEAN_FREIGHT"
    PORT_FEE = "PORT_FEE"
    INSURANCE = "INSURANCE"
    EXTRA_SERVICE = "EXTRA_SERVICE"
    CUSTOMS_RULE = "CUSTOMS_RULE"
    EXCISE_BAND = "EXCISE_BAND"


class RateChangeAction(StrEnum):
    CREATED = "CREATED"
    UPDATED = "UPDATED"
    DELETED = "DELETED"


# No semicolon in a table's docstring: it becomes a SQL comment, and tortoise's SQLite migration
# runner splits its script at every ";" (the rest of the comment then fails as SQL).


class OriginPlace(Model):
    """Where a vehicle is picked up (a UN/LOCODE), its inland region and port of loading."""

    id = fields.IntField(primary_key=True)
    unlocode = fields.CharField(max_length=5, unique=True)
    name = fields.CharField(max_length=200)
    region = fields.CharField(max_length=40)
    port_of_loading = fields.CharField(max_length=5)
    demo = fields.BooleanField(default=False)

    class Meta:
        table = "calc_origin_place"


class InlandRate(Model):
    """Trucking from any origin of a region to its port of loading, per vehicle."""

    id = fields.IntField(primary_key=True)
    region = fields.CharField(max_length=40)
    vehicle_class = fields.CharEnumField(VehicleClass, max_length=16)
    amount = fields.DecimalField(max_digits=16, decimal_places=4)
    currency = fields.CharField(max_length=3)
    demo = fields.BooleanField(default=False)

    class Meta:
        table = "calc_inland_rate"
        unique_together = (("region", "vehicle_class"),)


class OceanFreightRate(Model):
    """Per vehicle in a consolidated (shared) container, per container when exclusive."""

    id = fields.IntField(primary_key=True)
    port_of_loading = fields.CharField(max_length=5)
    port_of_discharge = fields.CharField(max_length=5)
    mode = fields.CharEnumField(ContainerMode, max_length=16)
    amount = fields.DecimalField(max_digits=16, decimal_places=4)
    currency = fields.CharField(max_length=3)
    demo = fields.BooleanField(default=False)

    class Meta:
        table = "calc_ocean_freight_rate"
        unique_together = (("port_of_loading", "port_of_discharge", "mode"),)


class PortFee(Model):
    """Port and handling fees per vehicle at a port of discharge."""

    id = fields.IntField(primary_key=True)
    port = fields.CharField(max_length=5, unique=True)
    amount = fields.DecimalField(max_digits=16, decimal_places=4)
    currency = fields.CharField(max_length=3)
    demo = fields.BooleanField(default=False)

    class Meta:
        table = "calc_port_fee"


class InsuranceRate(Model):
    """Insurance: `percent` of the vehicle value, at least `minimum`, one row per currency."""

    id = fields.IntField(primary_key=True)
    percent = fields.DecimalField(max_digits=7, decimal_places=4)
    minimum = fields.DecimalField(max_digits=16, decimal_places=4)
    currency = fields.CharField(max_length=3, unique=True)
    demo = fields.BooleanField(default=False)

    class Meta:
        table = "calc_insurance_rate"


class ExtraServicePrice(Model):
    """A flat price per vehicle for an extra service (INSURANCE is priced by InsuranceRate)."""

    id = fields.IntField(primary_key=True)
    service = fields.CharEnumField(ExtraService, max_length=16)
    amount = fields.DecimalField(max_digits=16, decimal_places=4)
    currency = fields.CharField(max_length=3)
    demo = fields.BooleanField(default=False)

    class Meta:
        table = "calc_extra_service_price"
        unique_together = (("service", "currency"),)


class CustomsRule(Model):
    """Import duty and VAT of a country, in the currency its customs assess in."""

    id = fields.IntField(primary_key=True)
    country = fields.CharField(max_length=2, unique=True)
    currency = fields.CharField(max_length=3)
    duty_percent = fields.DecimalField(max_digits=7, decimal_places=4)
    vat_percent = fields.DecimalField(max_digits=7, decimal_places=4)
    demo = fields.BooleanField(default=False)

    class Meta:
        table = "calc_customs_rule"


class ExciseBand(Model):
    """Excise per cc of engine volume for vehicles aged min..max whole years (max None: open)."""

    id = fields.IntField(primary_key=True)
    country = fields.CharField(max_length=2)
    min_age_years = fields.IntField()
    max_age_years = fields.IntField(null=True)
    per_cc = fields.DecimalField(max_digits=16, decimal_places=4)
    currency = fields.CharField(max_length=3)
    demo = fields.BooleanField(default=False)

    class Meta:
        table = "calc_excise_band"
        unique_together = (("country", "min_age_years"),)


class RateChange(Model):
    """The audit of one ADMIN edit: who, when, which row, and its values before and after (JSON)."""

    id = fields.IntField(primary_key=True)
    editor: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="rate_changes", on_delete=fields.RESTRICT
    )
    at = fields.DatetimeField()
    rate_table = fields.CharEnumField(RateTable, max_length=16)
    row_id = fields.IntField()
    action = fields.CharEnumField(RateChangeAction, max_length=8)
    old_value = fields.TextField(null=True)
    new_value = fields.TextField(null=True)

    editor_id: int

    class Meta:
        table = "calc_rate_change"
        indexes = (("rate_table", "id"), ("editor_id",))


# The model of each rate table.
TABLES: dict[RateTable, type[Model]] = {
    RateTable.ORIGIN_PLACE: OriginPlace,
    RateTable.INLAND: InlandRate,
    RateTable.OCEAN_FREIGHT: OceanFreightRate,
    RateTable.PORT_FEE: PortFee,
    RateTable.INSURANCE: InsuranceRate,
    RateTable.EXTRA_SERVICE: ExtraServicePrice,
    RateTable.CUSTOMS_RULE: CustomsRule,
    RateTable.EXCISE_BAND: ExciseBand,
}
