"""Who reads the rate tables and the audit of their edits."""

from __future__ import annotations

from tortoise.models import Model
from tortoise.queryset import QuerySet

from models.calculations.tables import TABLES, RateChange, RateTable
from models.viewer import Viewer


def visible_rates(viewer: Viewer, table: RateTable) -> QuerySet[Model]:
    """Platform staff read the tables; anyone else sees none (quotes show only results)."""
    model = TABLES[table]
    return model.all() if viewer.is_staff else model.filter(pk__in=[])


def visible_rate_changes(viewer: Viewer) -> QuerySet[RateChange]:
    return RateChange.all() if viewer.is_admin else RateChange.filter(pk__in=[])
