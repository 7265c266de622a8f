"""The desk's services as typed requests (seed 000, issue 19): their kinds, one status enum for
all, and each kind's transitions with the role that may make each.

One shape for every kind: a request starts REQUESTED, staff of the kind's role move it along
its table below, the dealer may cancel it while nothing was done yet. **Decisions**:

- The names of the issue are kept where they are states of the same thing in every kind:
  REQUESTED replaces PENDING (amendments) and OPEN (resales), so "waiting on staff" is one
  status across the queue.
- VehiclePaymentRequest: the credit a request uses is its amount from APPROVED until SETTLED
  (the programme paid the auction at PAID; the dealer's repayment SETTLES it), so "approved
  unpaid" is APPROVED or PAID. The limit is per organization, in one currency.
- BidOrder: the dealer cancels until the auction starts (REQUESTED or PLACED); a WON order
  cancels the dealer's other open orders of lower priority that ask to be skipped then.
- ResaleRequest: the dealer may withdraw a LISTED vehicle too.
- The staff role a kind names works it (ADMIN may do everything); ACCOUNT_MANAGER and
  SUPPORT_AGENT read every request, open one for a dealer and convert a thread into one.
"""

from __future__ import annotations

from enum import Enum

from models.enums import Role


class ServiceKind(str, Enum):
    VEHICLE_PAYMENT = "VEHICLE_PAYMENT"
    TRANSFER_VERIFICATION = "TRANSFER_VERIFICATION"
    INVOICE_AMENDMENT = "INVOICE_AMENDMENT"
    BID_ORDER = "BID_ORDER"
    RESALE = "RESALE"
    EXTRA_SERVICE = "EXTRA_SERVICE"


class RequestStatus(str, Enum):
    REQUESTED = "REQUESTED"
    APPROVED = "APPROVED"
    DECLINED = "DECLINED"
    PAID = "PAID"
    SETTLED = "SETTLED"
    MATCHED = "MATCHED"
    NOT_FOUND = "NOT_FOUND"
    AMOUNT_MISMATCH = "AMOUNT_MISMATCH"
    APPLIED = "APPLIED"
    PLACED = "PLACED"
    WON = "WON"
    LOST = "LOST"
    LISTED = "LISTED"
    SOLD = "SOLD"
    WITHDRAWN = "WITHDRAWN"
    CONFIRMED = "CONFIRMED"
    FULFILLED = "FULFILLED"
    CANCELLED = "CANCELLED"


K = ServiceKind
S = RequestStatus
BO, BIDDER, WAREHOUSE, DEALER = Role.BACK_OFFICE, Role.BIDDER, Role.WAREHOUSE, Role.DEALER

# kind -> status -> the statuses it may move to, each with the roles that may move it there
# (DEALER: the request's own dealer; ADMIN may make every move).
Moves = dict[RequestStatus, dict[RequestStatus, frozenset[Role]]]
_BY_DEALER = {S.CANCELLED: frozenset({DEALER})}
NEXT: dict[ServiceKind, Moves] = {
    K.VEHICLE_PAYMENT: {
        S.REQUESTED: {S.APPROVED: frozenset({BO}), S.DECLINED: frozenset({BO}), **_BY_DEALER},
        S.APPROVED: {S.PAID: frozenset({BO})},
        S.PAID: {S.SETTLED: frozenset({BO})},
    },
    K.TRANSFER_VERIFICATION: {
        S.REQUESTED: {
            S.MATCHED: frozenset({BO}),
            S.NOT_FOUND: frozenset({BO}),
            S.AMOUNT_MISMATCH: frozenset({BO}),
            **_BY_DEALER,
        },
    },
    K.INVOICE_AMENDMENT: {
        S.REQUESTED: {S.APPLIED: frozenset({BO}), S.DECLINED: frozenset({BO}), **_BY_DEALER},
    },
    K.BID_ORDER: {
        S.REQUESTED: {S.PLACED: frozenset({BIDDER}), **_BY_DEALER},
        S.PLACED: {S.WON: frozenset({BIDDER}), S.LOST: frozenset({BIDDER}), **_BY_DEALER},
    },
    K.RESALE: {
        S.REQUESTED: {S.LISTED: frozenset({BIDDER}), **_BY_DEALER},
        S.LISTED: {S.SOLD: frozenset({BIDDER}), S.WITHDRAWN: frozenset({BIDDER, DEALER})},
    },
    K.EXTRA_SERVICE: {
        S.REQUESTED: {
            S.CONFIRMED: frozenset({WAREHOUSE}),
            S.DECLINED: frozenset({WAREHOUSE}),
            **_BY_DEALER,
        },
        S.CONFIRMED: {S.FULFILLED: frozenset({WAREHOUSE})},
    },
}
# Each kind's GraphQL type (its global ids) and its feed's EventType.
TYPE_NAMES: dict[ServiceKind, str] = {
    K.VEHICLE_PAYMENT: "VehiclePaymentRequest",
    K.TRANSFER_VERIFICATION: "TransferVerification",
    K.INVOICE_AMENDMENT: "InvoiceAmendment",
    K.BID_ORDER: "BidOrder",
    K.RESALE: "ResaleRequest",
    K.EXTRA_SERVICE: "ExtraServiceOrder",
}
REQUEST_TYPES = tuple(TYPE_NAMES[kind] for kind in ServiceKind)
EVENT_TYPES: dict[ServiceKind, str] = {
    K.VEHICLE_PAYMENT: "VEHICLE_PAYMENT_REQUEST_UPDATED",
    K.TRANSFER_VERIFICATION: "TRANSFER_VERIFICATION_UPDATED",
    K.INVOICE_AMENDMENT: "INVOICE_AMENDMENT_UPDATED",
    K.BID_ORDER: "BID_ORDER_UPDATED",
    K.RESALE: "RESALE_REQUEST_UPDATED",
    K.EXTRA_SERVICE: "EXTRA_SERVICE_ORDER_UPDATED",
}
# The staff role that works each kind (its queue).
WORKER: dict[ServiceKind, Role] = {
    K.VEHICLE_PAYMENT: BO,
    K.TRANSFER_VERIFICATION: BO,
    K.INVOICE_AMENDMENT: BO,
    K.BID_ORDER: BIDDER,
    K.RESALE: BIDDER,
    K.EXTRA_SERVICE: WAREHOUSE,
}
# Staff who read every request and open one for a dealer (besides the workers and ADMIN).
DESK = frozenset({Role.ACCOUNT_MANAGER, Role.SUPPORT_AGENT})
READERS = DESK | frozenset(WORKER.values()) | {Role.ADMIN}
# A VehiclePaymentRequest uses credit in these statuses.
USES_CREDIT = frozenset({S.APPROVED, S.PAID})


def statuses_of(kind: ServiceKind) -> frozenset[RequestStatus]:
    found = {S.REQUESTED}
    for moves in NEXT[kind].values():
        found |= set(moves)
    return frozenset(found)


def movers(kind: ServiceKind, current: RequestStatus, wanted: RequestStatus) -> frozenset[Role]:
    """The roles that may move a `current` request of `kind` to `wanted`; empty: no such move."""
    return NEXT[kind].get(current, {}).get(wanted, frozenset())


def is_open(kind: ServiceKind, status: RequestStatus) -> bool:
    return bool(NEXT[kind].get(status))
