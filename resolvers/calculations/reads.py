"""Reads of the rate tables and their audit, always through their visibility."""

from __future__ import annotations

from typing import TypeVar

from tortoise.expressions import F
from tortoise.models import Model
from tortoise.queryset import QuerySet

from models.calculations.tables import RateChange, RateTable
from models.viewer import Viewer
from resolvers.access import signed_in
from resolvers.calculations.access import visible_rate_changes, visible_rates
from resolvers.pagination import Page, keyset_page

M = TypeVar("M", bound=Model)


def _keyed(rows: QuerySet[M]) -> QuerySet[M]:
    # keyset_page orders by "pk", which tortoise 1.1 refuses ("Unknown field pk") unless `pk` is
    # an annotation. Naming the key so is harmless, and can go once keyset_page orders by the
    # model's pk attribute.
    return rows.annotate(pk=F(rows.model._meta.pk_attr))


async def rate_page(
    *, viewer: Viewer | None, table: RateTable, first: int | None, after: str | None
) -> Page[Model]:
    rows = visible_rates(signed_in(viewer), table)
    return await keyset_page(_keyed(rows), first=first, after=after, newest_first=False)


async def rate_change_page(
    *, viewer: Viewer | None, table: RateTable | None, first: int | None, after: str | None
) -> Page[RateChange]:
    rows = visible_rate_changes(signed_in(viewer))
    if table is not None:
        rows = rows.filter(rate_table=table)
    return await keyset_page(_keyed(rows), first=first, after=after)


async def rate(viewer: Viewer, table: RateTable, key: int) -> Model | None:
    return await visible_rates(viewer, table).get_or_none(pk=key)


async def rate_change(viewer: Viewer, key: int) -> RateChange | None:
    return await visible_rate_changes(viewer).get_or_none(pk=key)
