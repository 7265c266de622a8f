"""Who sees staff alerts: platform staff, and nobody else."""

from __future__ import annotations

from models.viewer import Viewer
from resolvers.errors import forbidden


def require_staff(viewer: Viewer) -> Viewer:
    """FORBIDDEN for anyone but platform staff."""
    if not viewer.is_staff:
        raise forbidden("staff alerts are for platform staff only")
    return viewer
