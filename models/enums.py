"""Enumerations shared by the tables and the public schema."""

from enum import Enum


class ErrorCode(str, Enum):
    INVALID_INPUT = "INVALID_INPUT"
    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    INVALID_TRANSITION = "INVALID_TRANSITION"
    CONFLICT = "CONFLICT"
    LIMIT_EXCEEDED = "LIMIT_EXCEEDED"
    ACCOUNT_BLOCKED = "ACCOUNT_BLOCKED"
    DEADLINE_PASSED = "DEADLINE_PASSED"
    INVALID_CONTAINER_NUMBER = "INVALID_CONTAINER_NUMBER"
    INVALID_VIN = "INVALID_VIN"
    # events after the cursor are no longer kept: resynchronise, then go on from restartCursor
    CURSOR_EXPIRED = "CURSOR_EXPIRED"


class OrganizationKind(str, Enum):
    DEALER = "DEALER"
    CARRIER = "CARRIER"
    PLATFORM = "PLATFORM"


class Role(str, Enum):
    DEALER = "DEALER"
    CARRIER = "CARRIER"
    SUPPORT_AGENT = "SUPPORT_AGENT"
    ACCOUNT_MANAGER = "ACCOUNT_MANAGER"
    BACK_OFFICE = "BACK_OFFICE"
    WAREHOUSE = "WAREHOUSE"
    DISPATCHER = "DISPATCHER"
    BIDDER = "BIDDER"
    DISPUTE_OFFICER = "DISPUTE_OFFICER"
    ADMIN = "ADMIN"


STAFF_ROLES = frozenset(
    {
        Role.SUPPORT_AGENT,
        Role.ACCOUNT_MANAGER,
        Role.BACK_OFFICE,
        Role.WAREHOUSE,
        Role.DISPATCHER,
        Role.BIDDER,
        Role.DISPUTE_OFFICER,
        Role.ADMIN,
    }
)

ROLES_BY_KIND: dict[OrganizationKind, frozenset[Role]] = {
    OrganizationKind.DEALER: frozenset({Role.DEALER}),
    OrganizationKind.CARRIER: frozenset({Role.CARRIER}),
    OrganizationKind.PLATFORM: STAFF_ROLES,
}
