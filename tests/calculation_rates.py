"""Small, round rate tables for the calculator's tests (not the demo rates)."""

from __future__ import annotations

from decimal import Decimal

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


async def write_test_rates() -> None:
    """Newark yards truck to New York and ship to Poti (both modes) or Rotterdam (shared only)."""
    money = {"currency": "USD"}
    await OriginPlace.create(
        unlocode="USEWR", name="Newark yards", region="US-NE", port_of_loading="USNYC"
    )
    await InlandRate.create(region="US-NE", vehicle_class=VehicleClass.SEDAN, amount=350, **money)
    await InlandRate.create(region="US-NE", vehicle_class=VehicleClass.SUV, amount=425, **money)
    for port, mode, amount in [
        ("GEPTI", ContainerMode.CONSOLIDATED, 1350),
        ("GEPTI", ContainerMode.EXCLUSIVE, 3900),
        ("NLRTM", ContainerMode.CONSOLIDATED, 950),
    ]:
        await OceanFreightRate.create(
            port_of_loading="USNYC", port_of_discharge=port, mode=mode, amount=amount, **money
        )
    await PortFee.create(port="GEPTI", amount=285, **money)
    await PortFee.create(port="NLRTM", amount=395, **money)
    await InsuranceRate.create(percent=Decimal("2.5"), minimum=75, **money)
    for service, amount in [
        (ExtraService.EXTRA_PACKING, 120),
        (ExtraService.PHOTO_VIDEO, 25),
        (ExtraService.AUTO_PARTS, 150),
    ]:
        await ExtraServicePrice.create(service=service, amount=amount, **money)
    await CustomsRule.create(country="NL", currency="EUR", duty_percent=10, vat_percent=21)
    await CustomsRule.create(country="GE", currency="GEL", duty_percent=0, vat_percent=18)
    for low, high, per_cc in [(0, 2, "1.40"), (3, 5, "1.00"), (6, None, "2.50")]:
        await ExciseBand.create(
            country="GE",
            min_age_years=low,
            max_age_years=high,
            per_cc=Decimal(per_cc),
            currency="GEL",
        )
