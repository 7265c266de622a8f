"""`node(id)`: each domain registers how to fetch its types; visibility is the domain's rule."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from resolvers.errors import invalid
from schema.context import Info
from schema.ids import parse_global_id

NodeFetcher = Callable[[Info, int], Awaitable[Any]]
_fetchers: dict[str, NodeFetcher] = {}


def node_fetcher(type_name: str) -> Callable[[NodeFetcher], NodeFetcher]:
    def register(fetch: NodeFetcher) -> NodeFetcher:
        _fetchers[type_name] = fetch
        return fetch

    return register


async def fetch_node(info: Info, global_id: str) -> Any:
    parsed = parse_global_id(global_id)
    if parsed is None or parsed[0] not in _fetchers:
        raise invalid(["id"], "is not an id this API gave out")
    type_name, key = parsed
    return await _fetchers[type_name](info, key)
