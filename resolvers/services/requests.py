"""What every kind of service request shares: opening one, and moving it one step.

Check, then do, then tell: `open_request` and `move_request` check access, role and state
first (a hidden request is NOT_FOUND, a move its table does not have INVALID_TRANSITION, a
role it does not name FORBIDDEN); each kind's module checks its own inputs and hands over the
columns to write and, when the step does more (lock the credit line, price a shipment, open
another request), its hooks, which run in the same transaction. Every step is guarded by the
request's version: of two racing moves the second is CONFLICT and writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from models import clock
from models.accounts.tables import Organization
from models.calendar import Coverage
from models.documents.rules import DocumentKind
from models.enums import ErrorCode, OrganizationKind, Role
from models.services.rules import (
    DESK,
    TYPE_NAMES,
    WORKER,
    RequestStatus,
    ServiceKind,
    is_open,
    movers,
)
from models.services.tables import ServiceRequest
from models.shipments.tables import Shipment
from models.viewer import Viewer
from resolvers.access import writer
from resolvers.checks import Amount, Path, money, optional_text
from resolvers.documents.access import find_document
from resolvers.errors import DomainError, forbidden, invalid, invalid_transition, not_found
from resolvers.services.access import find_request
from resolvers.services.events import log_change
from resolvers.services.levels import schedule
from resolvers.shipments.access import find_shipment
from resolvers.steps import write_version
from resolvers.support.access import find_thread
from subscriptions.log import Recorder, recording

Hook = Callable[[ServiceRequest, Recorder], Awaitable[None]]


@dataclass
class Opening:
    """A new request as its kind checked it: whose, about what, and its kind's columns."""

    kind: ServiceKind
    dealer_id: int
    columns: dict[str, Any] = field(default_factory=dict)
    shipment_id: int | None = None
    thread_id: int | None = None
    note: str | None = None


async def requester(
    viewer: Viewer | None, kind: ServiceKind, dealer_id: int | None, field: Path
) -> tuple[Viewer, int]:
    """Who opens a request, and for which dealer: a dealer's user or key for its own
    organization; the desk or the kind's worker (or ADMIN) for a dealer it names."""
    viewer = writer(viewer)
    if viewer.is_dealer:
        if dealer_id is not None and dealer_id != viewer.organization_id:
            raise not_found(field, "dealer")
        return viewer, viewer.organization_id
    if not viewer.is_staff or not viewer.has_role(*DESK, WORKER[kind]):
        raise forbidden(
            f"a {TYPE_NAMES[kind]} is opened by the dealer, its account manager, support "
            f"or {WORKER[kind].value}"
        )
    if dealer_id is None:
        raise invalid(field, "name the dealer the request is for")
    if not await Organization.exists(id=dealer_id, kind=OrganizationKind.DEALER):
        raise not_found(field, "dealer")
    return viewer, dealer_id


async def dealer_shipment(viewer: Viewer, dealer_id: int, key: int, field: Path) -> int:
    """A shipment of the dealer's, seen by the viewer; NOT_FOUND otherwise."""
    shipment = await find_shipment(viewer, key, field)
    if shipment.customer_id != dealer_id:
        raise not_found(field, "shipment")
    return shipment.id


async def dealer_thread(viewer: Viewer, dealer_id: int, key: int | None, field: Path) -> int | None:
    """The support thread a request comes from ("convert to request"): the dealer's own."""
    if key is None:
        return None
    thread = await find_thread(viewer, key, field)
    if thread.dealer_id != dealer_id:
        raise invalid(field, "is a thread of another dealer")
    return thread.id


async def open_request(
    viewer: Viewer, opening: Opening, *, coverage: Coverage, after: Hook | None = None
) -> ServiceRequest:
    now = clock.now()
    due_at, warn_at = await schedule(opening.kind, now, coverage)
    async with recording() as log:
        request = await ServiceRequest.create(
            kind=opening.kind,
            status=RequestStatus.REQUESTED,
            dealer_id=opening.dealer_id,
            shipment_id=opening.shipment_id,
            thread_id=opening.thread_id,
            note=opening.note,
            created_by_id=viewer.user_id,
            created_at=now,
            updated_at=now,
            due_at=due_at,
            warn_at=warn_at,
            **opening.columns,
        )
        if after is not None:
            await after(request, log)
        await log_change(log, request, previous=None, by=viewer.user_id, note=opening.note, at=now)
    return request


def check_mover(viewer: Viewer, request: ServiceRequest, wanted: RequestStatus) -> None:
    """INVALID_TRANSITION when the kind has no such move, FORBIDDEN when the viewer's role
    may not make it."""
    roles = movers(request.kind, request.status, wanted)
    if not roles:
        raise invalid_transition(
            f"a {request.status.value} {TYPE_NAMES[request.kind]} cannot become {wanted.value}",
            ["status"],
        )
    if viewer.is_dealer:
        if Role.DEALER not in roles:
            raise forbidden(f"{wanted.value} is for {_names(roles)}")
    elif not viewer.has_role(*(roles - {Role.DEALER})):
        raise forbidden(f"{wanted.value} is for {_names(roles)}")


def _names(roles: frozenset[Role]) -> str:
    return " or ".join(sorted("the dealer" if r is Role.DEALER else r.value for r in roles))


@dataclass
class Step:
    """One move as its kind checked it: the columns it sets, its note, and its hooks."""

    columns: dict[str, Any] = field(default_factory=dict)
    note: str | None = None
    before: Hook | None = None  # in the transaction, before the request is written
    after: Hook | None = None  # in the transaction, after it


async def load_for_move(
    viewer: Viewer | None, key: int, kind: ServiceKind, wanted: RequestStatus
) -> tuple[Viewer, ServiceRequest]:
    viewer = writer(viewer)
    request = await find_request(viewer, key, ["requestId"], kind)
    check_mover(viewer, request, wanted)
    return viewer, request


def note_of(note: str | None) -> str | None:
    return optional_text(note, ["note"], limit=2000)


async def move_request(
    viewer: Viewer, request: ServiceRequest, wanted: RequestStatus, step: Step
) -> ServiceRequest:
    now = clock.now()
    previous = request.status
    columns = {"status": wanted, **step.columns}
    if step.note is not None:
        columns["note"] = step.note
    if not is_open(request.kind, wanted):
        columns["closed_at"] = now
    if request.first_action_at is None:
        columns["first_action_at"] = now  # the service level's first action, or its end
    async with recording() as log:
        if step.before is not None:
            await step.before(request, log)
        await write_version(request, "request", **columns)
        if step.after is not None:
            await step.after(request, log)
        await log_change(log, request, previous=previous, by=viewer.user_id, note=step.note, at=now)
    return request


async def log_system_move(
    log: Recorder, request: ServiceRequest, wanted: RequestStatus, note: str, at: dt.datetime
) -> None:
    """A move the platform makes inside another step's transaction (a skipped bid order)."""
    previous = request.status
    columns: dict[str, Any] = {"status": wanted, "note": note}
    if not is_open(request.kind, wanted):
        columns["closed_at"] = at
    if request.first_action_at is None:
        columns["first_action_at"] = at
    await write_version(request, "request", **columns)
    await log_change(log, request, previous=previous, by=None, note=note, at=at)


async def dealer_invoice(
    viewer: Viewer, dealer_id: int, key: int | None, field: Path
) -> int | None:
    """An INVOICE document of one of the dealer's shipments, seen by the viewer."""
    if key is None:
        return None
    document = await find_document(viewer, key, field)
    shipment = await Shipment.get(id=document.shipment_id)
    if shipment.customer_id != dealer_id:
        raise not_found(field, "document")
    if document.kind is not DocumentKind.INVOICE:
        raise invalid(field, f"must be an INVOICE document, not {document.kind.value}")
    return document.id


def positive(amount: Amount | None, field: Path) -> Amount:
    """A required amount above zero (at its currency's minor unit, at most the one maximum)."""
    checked = money(amount, field)
    if checked is None:
        raise invalid(field, "give the amount")
    if checked.amount <= 0:
        raise invalid([*field, "amount"], "must be more than zero")
    return checked


async def cancel_request(
    *, viewer: Viewer | None, request_id: int, kind: ServiceKind, note: str | None
) -> ServiceRequest:
    """The dealer withdraws a request before staff acted on it; a bid order also once placed,
    until its auction starts."""
    viewer, request = await load_for_move(viewer, request_id, kind, RequestStatus.CANCELLED)
    starts = request.auction_starts_at
    if starts is not None and clock.now() >= starts:
        raise DomainError(
            ErrorCode.DEADLINE_PASSED,
            f"the auction started at {starts.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC: "
            "the order stands",
            ["requestId"],
        )
    return await move_request(viewer, request, RequestStatus.CANCELLED, Step(note=note_of(note)))
