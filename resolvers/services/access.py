"""Who sees which service request: its dealer, and the staff who work or read requests
(models/services/rules.READERS). A carrier never does. A request outside this queryset answers
exactly like a missing one, also when the id names another kind."""

from __future__ import annotations

from tortoise.queryset import QuerySet

from models.services.rules import READERS, TYPE_NAMES, ServiceKind
from models.services.tables import ServiceRequest
from models.viewer import Viewer
from resolvers.checks import Path
from resolvers.errors import not_found
from subscriptions.log import Audience


def visible_requests(viewer: Viewer) -> QuerySet[ServiceRequest]:
    if viewer.is_staff:
        everything = ServiceRequest.all()
        return everything if viewer.role in READERS else ServiceRequest.filter(id__in=[])
    if viewer.is_dealer:
        return ServiceRequest.filter(dealer_id=viewer.organization_id)
    return ServiceRequest.filter(id__in=[])


async def find_request(
    viewer: Viewer, key: int, field: Path, kind: ServiceKind | None = None
) -> ServiceRequest:
    found = visible_requests(viewer)
    if kind is not None:
        found = found.filter(kind=kind)
    row = await found.get_or_none(id=key)
    if row is None:
        raise not_found(field, TYPE_NAMES[kind] if kind else "service request")
    return row


def request_audience(request: ServiceRequest) -> Audience:
    """The dealer and staff (narrowed to READERS by the streams); never a carrier or public."""
    return Audience(orgs=frozenset({request.dealer_id}), staff=True, public=False)


def staff_reads(viewer: Viewer) -> bool:
    return not viewer.is_staff or viewer.role in READERS
