"""The rate tables: the one write path of their edits, with the audit (reads are in reads.py).

An edit (an upsert by the table's natural key, or a delete) and its audit row are written in
one transaction. The audit row keeps who, when, which table and row, and the row's values
before and after as JSON text, so a deleted rate can still be read back.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any, Generic, TypeVar

from tortoise.exceptions import IntegrityError
from tortoise.models import Model
from tortoise.transactions import in_transaction

from models import clock
from models.calculations.tables import (
    TABLES,
    CustomsRule,
    ExciseBand,
    RateChange,
    RateChangeAction,
    RateTable,
)
from models.enums import ErrorCode, Role
from models.viewer import Viewer
from resolvers.access import writer
from resolvers.errors import DomainError, not_found

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Edit(Generic[M]):
    """The row as written (None once deleted) and the audit row of the edit."""

    row: M | None
    change: RateChange


def _json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, Enum):
        return value.value
    return value


def snapshot(row: Model) -> str:
    names = [name for name in row._meta.db_fields if name != row._meta.pk_attr]
    return json.dumps({name: _json(getattr(row, name)) for name in names}, sort_keys=True)


async def _record(
    viewer: Viewer, table: RateTable, row: Model, action: RateChangeAction, old: str | None
) -> RateChange:
    return await RateChange.create(
        editor_id=viewer.user_id,
        at=clock.now(),
        rate_table=table,
        row_id=row.pk,
        action=action,
        old_value=old,
        new_value=None if action is RateChangeAction.DELETED else snapshot(row),
    )


Check = Callable[[Model | None], Awaitable[None]]


async def upsert(
    viewer: Viewer,
    table: RateTable,
    key: dict[str, Any],
    values: dict[str, Any],
    check: Check | None = None,
) -> Edit[Any]:
    model = TABLES[table]
    try:
        async with in_transaction():
            row = await model.filter(**key).select_for_update().first()
            if check is not None:
                await check(row)
            if row is None:
                row = await model.create(**key, **values)
                change = await _record(viewer, table, row, RateChangeAction.CREATED, None)
            else:
                old = snapshot(row)
                await row.update_from_dict(values).save()
                change = await _record(viewer, table, row, RateChangeAction.UPDATED, old)
    except IntegrityError:
        # Two ADMINs created the same row at once: the later one is told, nothing is lost.
        raise DomainError(
            ErrorCode.CONFLICT, "this rate was created meanwhile by another edit: try again"
        ) from None
    return Edit(row=row, change=change)


async def delete_rate(*, viewer: Viewer | None, table: RateTable, key: int) -> Edit[Any]:
    viewer = writer(viewer, Role.ADMIN)
    async with in_transaction():
        row = await TABLES[table].filter(pk=key).select_for_update().first()
        if row is None:
            raise not_found(["id"], "rate")
        if isinstance(row, CustomsRule) and await ExciseBand.filter(country=row.country).exists():
            raise DomainError(
                ErrorCode.CONFLICT, f"delete the excise bands of {row.country} first", ["id"]
            )
        old = snapshot(row)
        await row.delete()
        change = await _record(viewer, table, row, RateChangeAction.DELETED, old)
    return Edit(row=None, change=change)
