"""Domain errors: raised by use cases, turned into UserErrors by the schema in one place."""

from __future__ import annotations

from collections.abc import Sequence

from models.enums import ErrorCode


class DomainError(Exception):
    def __init__(
        self,
        code: ErrorCode,
        message: str,
        field: Sequence[str | int] | None = None,
        extensions: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = [str(part) for part in field] if field is not None else None
        self.extensions = extensions or {}  # what a client needs to act on it, beyond the code


def invalid(field: Sequence[str | int], message: str) -> DomainError:
    return DomainError(ErrorCode.INVALID_INPUT, message, field)


def not_found(field: Sequence[str | int], what: str) -> DomainError:
    return DomainError(ErrorCode.NOT_FOUND, f"{what} not found", field)


def forbidden(message: str) -> DomainError:
    return DomainError(ErrorCode.FORBIDDEN, message)


def invalid_transition(message: str, field: Sequence[str | int] | None = None) -> DomainError:
    return DomainError(ErrorCode.INVALID_TRANSITION, message, field)


def conflict(message: str, field: Sequence[str | int] | None = None) -> DomainError:
    return DomainError(ErrorCode.CONFLICT, message, field)


class Unauthenticated(Exception):
    """No valid token where one is needed: a top-level error, not a UserError. `reason` says
    why a credential that was sent is refused: expired, revoked, invalid (not one of ours) or
    malformed (not `Bearer <token>`, or not shaped like a token or a key)."""

    def __init__(self, message: str, reason: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason
