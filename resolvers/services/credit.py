"""The financial support programme's credit: one limit per dealer, set by ADMIN, never exceeded
by the payment requests that use credit (APPROVED or PAID, until SETTLED).

Every write that depends on the credit in use (an approval, a new limit) first locks the
dealer's credit line (SELECT … FOR UPDATE on PostgreSQL; SQLite serialises writes), then sums,
then writes, in one transaction: of racing approvals each sees the ones committed before it,
so the sum never passes the limit.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tortoise.functions import Sum
from tortoise.transactions import in_transaction

from models import clock
from models.accounts.tables import Organization
from models.enums import ErrorCode, OrganizationKind
from models.services.rules import USES_CREDIT, ServiceKind
from models.services.tables import CreditLine, ServiceRequest
from models.viewer import Viewer
from resolvers.access import writer
from resolvers.checks import Amount, money
from resolvers.errors import DomainError, forbidden, not_found


async def in_use(dealer_id: int) -> dict[str, Decimal]:
    """The credit the dealer's payment requests use, per currency."""
    rows = (
        await ServiceRequest.filter(
            dealer_id=dealer_id, kind=ServiceKind.VEHICLE_PAYMENT, status__in=list(USES_CREDIT)
        )
        .group_by("currency")
        .annotate(total=Sum("amount"))
        .values("currency", "total")
    )
    return {row["currency"]: Decimal(row["total"] or 0) for row in rows}


async def locked_line(dealer_id: int) -> CreditLine | None:
    return await CreditLine.filter(organization_id=dealer_id).select_for_update().first()


def _exceeded(message: str, field: list[str]) -> DomainError:
    return DomainError(ErrorCode.LIMIT_EXCEEDED, message, field)


async def reserve(request: ServiceRequest) -> None:
    """Inside an approval's transaction: refuses it unless the dealer's credit line covers
    the credit in use plus this request."""
    assert request.amount is not None and request.currency is not None
    line = await locked_line(request.dealer_id)
    if line is None:
        raise _exceeded("the dealer has no credit line: ADMIN sets one first", ["requestId"])
    if line.currency != request.currency:
        raise _exceeded(
            f"the dealer's credit line is in {line.currency}, the request in {request.currency}",
            ["requestId"],
        )
    used = (await in_use(request.dealer_id)).get(line.currency, Decimal(0))
    if used + request.amount > line.limit_amount:
        left = max(line.limit_amount - used, Decimal(0))
        raise _exceeded(
            f"{request.amount:f} {request.currency} is more than the {left:f} left of the "
            f"dealer's {line.limit_amount:f} credit limit",
            ["requestId"],
        )


async def set_credit_limit(
    *, viewer: Viewer | None, organization_id: int, limit: Amount
) -> CreditLine:
    """ADMIN sets a dealer's limit; never below the credit in use, and a new currency only
    while none is in use."""
    viewer = writer(viewer)
    if not viewer.is_admin:
        raise forbidden("only ADMIN sets credit limits")
    amount = money(limit, ["limit"])
    assert amount is not None
    if not await Organization.exists(id=organization_id, kind=OrganizationKind.DEALER):
        raise not_found(["organizationId"], "dealer")
    async with in_transaction():
        line = await locked_line(organization_id)
        used = await in_use(organization_id)
        for currency, total in used.items():
            if total and currency != amount.currency:
                raise _exceeded(
                    f"{total:f} {currency} of credit is in use: the limit stays in {currency}",
                    ["limit", "currency"],
                )
        taken = used.get(amount.currency, Decimal(0))
        if amount.amount < taken:
            raise _exceeded(
                f"{taken:f} {amount.currency} of credit is in use: the limit cannot be less",
                ["limit", "amount"],
            )
        columns: dict[str, Any] = {
            "limit_amount": amount.amount,
            "currency": amount.currency,
            "updated_by_id": viewer.user_id,
            "updated_at": clock.now(),
        }
        if line is None:
            line = await CreditLine.create(organization_id=organization_id, **columns)
        else:
            await CreditLine.filter(id=line.id).update(**columns)
            line.update_from_dict(columns)
    return line


async def credit_line(dealer_id: int) -> CreditLine | None:
    return await CreditLine.get_or_none(organization_id=dealer_id)
