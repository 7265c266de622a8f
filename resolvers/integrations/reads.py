"""Reading an organization's API keys."""

from __future__ import annotations

from models.integrations.tables import ApiKey
from models.viewer import Viewer
from resolvers.integrations.access import key_manager, organization_of


async def api_keys(*, viewer: Viewer | None, organization_id: int | None) -> list[ApiKey]:
    """The organization's keys, newest first, revoked and expired ones included."""
    viewer = key_manager(viewer)
    organization = await organization_of(viewer, organization_id, ["organizationId"])
    return await ApiKey.filter(organization_id=organization).order_by("-created_at", "-id")
