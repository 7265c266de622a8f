"""Checks shared by every write: who is signed in and whether their organization may write."""

from __future__ import annotations

from models.enums import ErrorCode, Role
from models.viewer import Viewer
from resolvers.errors import DomainError, Unauthenticated, forbidden


def signed_in(viewer: Viewer | None) -> Viewer:
    if viewer is None:
        raise Unauthenticated("sign in first: send Authorization: Bearer <token>")
    return viewer


def writer(viewer: Viewer | None, *roles: Role) -> Viewer:
    """The viewer of a mutation: signed in, not blocked, and (when given) holding one of `roles`."""
    viewer = signed_in(viewer)
    if viewer.blocked:
        raise DomainError(
            ErrorCode.ACCOUNT_BLOCKED, "your organization is blocked: it may read but not write"
        )
    if roles and not viewer.has_role(*roles):
        names = ", ".join(sorted(role.value for role in {*roles, Role.ADMIN}))
        raise forbidden(f"only {names} may do this")
    return viewer
