"""The conventions every domain of the schema shares: Node, pages, money, places, payloads."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any, Protocol, TypeVar

import strawberry

from models.enums import ErrorCode as ErrorCodeEnum
from resolvers.errors import DomainError
from resolvers.pagination import Page

ErrorCode = ErrorCodeEnum
strawberry.enum(ErrorCode, name="ErrorCode")


@strawberry.interface
class Node:
    id: strawberry.ID


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class UserError:
    field: list[str] | None = strawberry.field(
        description='Path to the input field at fault, e.g. ["input", "vehicles", "0", "vin"]'
    )
    message: str
    code: ErrorCode

    @classmethod
    def of(cls, error: DomainError) -> UserError:
        return cls(field=error.field, message=error.message, code=error.code)


@strawberry.type
class Money:
    amount: Decimal
    currency: str


@strawberry.input
class MoneyInput:
    amount: Decimal
    currency: str


@strawberry.type
class Location:
    name: str
    unlocode: str | None = strawberry.field(
        description="UN/LOCODE of a port or place, e.g. USNYC, GEPTI, NLRTM"
    )
    country: str = strawberry.field(description="ISO 3166-1 alpha-2")


@strawberry.input
class LocationInput:
    name: str
    unlocode: str | None = None
    country: str


class _Payload(Protocol):
    def __init__(self, *, errors: list[UserError], **values: Any) -> None: ...


P = TypeVar("P", bound=_Payload)
T = TypeVar("T")
N = TypeVar("N")


async def run_payload(payload: type[P], action: Callable[[], Awaitable[dict[str, Any]]]) -> P:
    """Run a mutation's use case: its values on success, its UserError when a rule refuses it."""
    try:
        values = await action()
    except DomainError as error:
        return payload(errors=[UserError.of(error)])
    return payload(errors=[], **values)


def page_info(page: Page[Any]) -> PageInfo:
    cursors = [page.cursor(item) for item in page.items]
    return PageInfo(
        has_next_page=page.has_next,
        has_previous_page=page.has_previous,
        start_cursor=cursors[0] if cursors else None,
        end_cursor=cursors[-1] if cursors else None,
    )


def edges(page: Page[Any], edge: Callable[..., T], convert: Callable[[Any], N]) -> list[T]:
    return [edge(node=convert(item), cursor=page.cursor(item)) for item in page.items]
