"""DEMO RATES for the calculator: plausible sample figures, every row flagged `demo`.

They price the demo routes, US auction yards to Poti, Constanța, Klaipėda and Rotterdam, and
those countries' customs. None of them is a tariff or a price to sell at: an ADMIN replaces
them through the rate-table mutations (an edited row is no longer demo unless marked so).
Transport is in USD; customs in the currency each country assesses in.
"""

from __future__ import annotations

from decimal import Decimal

from tortoise.transactions import in_transaction

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

USD = "USD"
# Yard towns by UN/LOCODE (Copart and IAAI yards near them) -> inland region, port of loading.
ORIGINS = [
    ("USNYC", "New York area yards", "US-NORTHEAST", "USNYC"),
    ("USEWR", "Newark yards", "US-NORTHEAST", "USNYC"),
    ("USPHL", "Philadelphia yards", "US-NORTHEAST", "USNYC"),
    ("USSAV", "Savannah yards", "US-SOUTHEAST", "USSAV"),
    ("USATL", "Atlanta yards", "US-SOUTHEAST", "USSAV"),
    ("USHOU", "Houston yards", "US-SOUTH", "USHOU"),
    ("USDAL", "Dallas yards", "US-SOUTH", "USHOU"),
    ("USLAX", "Los Angeles yards", "US-WEST", "USLAX"),
    ("USLGB", "Long Beach yards", "US-WEST", "USLAX"),
]
# Inland transport per vehicle, USD: SEDAN, SUV, PICKUP, VAN, MOTORCYCLE.
INLAND = {
    "US-NORTHEAST": ("350", "425", "475", "500", "225"),
    "US-SOUTHEAST": ("375", "450", "500", "525", "240"),
    "US-SOUTH": ("395", "470", "525", "550", "250"),
    "US-WEST": ("425", "500", "560", "590", "275"),
}
# Ocean freight, USD: consolidated per vehicle, exclusive per 40' container.
OCEAN = {
    ("USNYC", "GEPTI"): ("1350", "3900"),
    ("USNYC", "ROCND"): ("1250", "3600"),
    ("USNYC", "LTKLJ"): ("1150", "3300"),
    ("USNYC", "NLRTM"): ("950", "2700"),
    ("USSAV", "GEPTI"): ("1450", "4150"),
    ("USSAV", "ROCND"): ("1350", "3850"),
    ("USSAV", "LTKLJ"): ("1250", "3550"),
    ("USSAV", "NLRTM"): ("1050", "2950"),
    ("USHOU", "GEPTI"): ("1600", "4500"),
    ("USHOU", "ROCND"): ("1500", "4200"),
    ("USHOU", "LTKLJ"): ("1400", "3900"),
    ("USHOU", "NLRTM"): ("1200", "3300"),
    ("USLAX", "GEPTI"): ("2000", "5600"),
    ("USLAX", "ROCND"): ("1900", "5300"),
    ("USLAX", "LTKLJ"): ("1800", "5000"),
    ("USLAX", "NLRTM"): ("1600", "4400"),
}
PORT_FEES = {"GEPTI": "285", "ROCND": "350", "LTKLJ": "320", "NLRTM": "395"}
INSURANCE = ("1.5", "75")  # percent of the vehicle value, minimum in USD
EXTRAS = {
    ExtraService.EXTRA_PACKING: "120",
    ExtraService.PHOTO_VIDEO: "25",
    ExtraService.AUTO_PARTS: "150",
}
# country: currency, duty %, VAT %. EU members: 10% duty on cars, the member's VAT.
CUSTOMS = {
    "GE": ("GEL", "0", "18"),
    "RO": ("RON", "10", "21"),
    "LT": ("EUR", "10", "21"),
    "NL": ("EUR", "10", "21"),
}
# GE excise per cc by age in whole years (min, max or None, GEL per cc).
GE_EXCISE = [(0, 2, "1.40"), (3, 5, "1.00"), (6, 9, "1.50"), (10, 13, "2.00"), (14, None, "2.50")]


async def seed_rates() -> None:
    """Adds the demo rate tables (the caller checks the database is empty)."""
    async with in_transaction():
        for unlocode, name, region, port in ORIGINS:
            await OriginPlace.create(
                unlocode=unlocode, name=name, region=region, port_of_loading=port, demo=True
            )
        for region, amounts in INLAND.items():
            for vehicle_class, amount in zip(VehicleClass, amounts, strict=True):
                await InlandRate.create(
                    region=region,
                    vehicle_class=vehicle_class,
                    amount=Decimal(amount),
                    currency=USD,
                    demo=True,
                )
        for (loading, discharge), fares in OCEAN.items():
            for mode, amount in zip(ContainerMode, fares, strict=True):
                await OceanFreightRate.create(
                    port_of_loading=loading,
                    port_of_discharge=discharge,
                    mode=mode,
                    amount=Decimal(amount),
                    currency=USD,
                    demo=True,
                )
        for port, amount in PORT_FEES.items():
            await PortFee.create(port=port, amount=Decimal(amount), currency=USD, demo=True)
        percent, minimum = INSURANCE
        await InsuranceRate.create(
            percent=Decimal(percent), minimum=Decimal(minimum), currency=USD, demo=True
        )
        for service, amount in EXTRAS.items():
            await ExtraServicePrice.create(
                service=service, amount=Decimal(amount), currency=USD, demo=True
            )
        for country, (currency, duty, vat) in CUSTOMS.items():
            await CustomsRule.create(
                country=country,
                currency=currency,
                duty_percent=Decimal(duty),
                vat_percent=Decimal(vat),
                demo=True,
            )
        for low, high, per_cc in GE_EXCISE:
            await ExciseBand.create(
                country="GE",
                min_age_years=low,
                max_age_years=high,
                per_cc=Decimal(per_cc),
                currency="GEL",
                demo=True,
            )
