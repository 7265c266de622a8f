"""The insurance claim's lifecycle (seed 001, point 4) and who drives it.

Decisions: back office (and admins) drive a claim; the insurer may refuse at any step before its
decision, so REJECTED is reachable from every open status but REPORTED; REJECTED and PAID end
the claim, after which the shipment may have a new one. A claim may be opened once the cargo
is in the platform's care (picked up) and until `CARGOLIVE_CLAIM_WINDOW_DAYS` after delivery.
The claimed amount is in the shipment's currency (its deposit's or price's) when it has one,
else in any active ISO 4217 currency.
"""

from __future__ import annotations

from enum import Enum

from models.enums import Role
from models.shipments.tables import ShipmentStatus


class ClaimStatus(str, Enum):
    REPORTED = "REPORTED"
    INSURER_NOTIFIED = "INSURER_NOTIFIED"
    DOCUMENTS_REQUESTED = "DOCUMENTS_REQUESTED"
    UNDER_ASSESSMENT = "UNDER_ASSESSMENT"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    PAID = "PAID"


C = ClaimStatus
NEXT: dict[ClaimStatus, frozenset[ClaimStatus]] = {
    C.REPORTED: frozenset({C.INSURER_NOTIFIED}),
    C.INSURER_NOTIFIED: frozenset({C.DOCUMENTS_REQUESTED, C.UNDER_ASSESSMENT, C.REJECTED}),
    C.DOCUMENTS_REQUESTED: frozenset({C.UNDER_ASSESSMENT, C.REJECTED}),
    C.UNDER_ASSESSMENT: frozenset({C.DOCUMENTS_REQUESTED, C.APPROVED, C.REJECTED}),
    C.APPROVED: frozenset({C.PAID}),
    C.REJECTED: frozenset(),
    C.PAID: frozenset(),
}
CLOSED = frozenset({C.REJECTED, C.PAID})
DRIVERS = (Role.BACK_OFFICE,)
# Staff who may open a claim for a customer (besides the drivers and admins).
OPENERS = (Role.BACK_OFFICE, Role.SUPPORT_AGENT, Role.ACCOUNT_MANAGER)
# Staff who may read claims.
READERS = frozenset(
    {
        Role.BACK_OFFICE,
        Role.SUPPORT_AGENT,
        Role.ACCOUNT_MANAGER,
        Role.DISPUTE_OFFICER,
        Role.ADMIN,
    }
)
# Before pickup nothing is in the platform's care; a cancelled shipment has nothing to claim.
NOT_CLAIMABLE = frozenset(
    {
        ShipmentStatus.BOOKED,
        ShipmentStatus.ACCEPTED,
        ShipmentStatus.PICKUP_SCHEDULED,
        ShipmentStatus.CANCELLED,
    }
)


def may_move(current: ClaimStatus, wanted: ClaimStatus) -> bool:
    return wanted in NEXT[current]
