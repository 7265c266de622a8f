"""Per-request DataLoaders: every relation is loaded in batches, never row by row."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader
from tortoise.models import Model

M = TypeVar("M", bound=Model)
BatchFn = Callable[[Sequence[Any]], Awaitable[Sequence[Any]]]


def group_rows(keys: Sequence[Hashable], rows: Sequence[M], attr: str) -> list[list[M]]:
    """Rows grouped by `attr` in the order of `keys` (a list for each key, empty when none)."""
    groups: dict[Hashable, list[M]] = {key: [] for key in keys}
    for row in rows:
        groups.setdefault(getattr(row, attr), []).append(row)
    return [groups[key] for key in keys]


class Loaders:
    """Created per request (and per event in a subscription): a cache never outlives it."""

    def __init__(self) -> None:
        self._loaders: dict[Hashable, DataLoader[Any, Any]] = {}

    def get(self, name: Hashable, batch: BatchFn) -> DataLoader[Any, Any]:
        loader = self._loaders.get(name)
        if loader is None:
            loader = self._loaders[name] = DataLoader(load_fn=batch)
        return loader

    def by_id(self, model: type[M]) -> DataLoader[int, M | None]:
        async def batch(ids: Sequence[int]) -> list[M | None]:
            rows = {row.pk: row for row in await model.filter(pk__in=list(ids))}
            return [rows.get(key) for key in ids]

        return self.get(("by_id", model), batch)

    async def load(self, model: type[M], key: int | None) -> M | None:
        return None if key is None else await self.by_id(model).load(key)

    def prime(self, *rows: Model) -> None:
        for row in rows:
            self.by_id(type(row)).prime(row.pk, row)
