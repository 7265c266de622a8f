"""Who sees which claim: the shipment's customer and the staff roles that handle claims. A
carrier never does. A claim outside this queryset answers exactly like a missing one."""

from __future__ import annotations

from tortoise.queryset import QuerySet

from models.claims.rules import READERS
from models.claims.tables import InsuranceClaim
from models.shipments.tables import Shipment
from models.viewer import Viewer
from resolvers.checks import Path
from resolvers.errors import not_found
from resolvers.shipments.access import customer_shipment_ids
from subscriptions.log import Audience


def visible_claims(viewer: Viewer) -> QuerySet[InsuranceClaim]:
    if viewer.is_staff:
        return InsuranceClaim.all() if viewer.role in READERS else InsuranceClaim.filter(id__in=[])
    if viewer.is_dealer:
        owned = customer_shipment_ids(viewer.organization_id)
        return InsuranceClaim.filter(shipment_id__in=owned)
    return InsuranceClaim.filter(id__in=[])


async def find_claim(viewer: Viewer, key: int, field: Path) -> InsuranceClaim:
    row = await visible_claims(viewer).get_or_none(id=key)
    if row is None:
        raise not_found(field, "insurance claim")
    return row


def claim_audience(shipment: Shipment) -> Audience:
    """The customer and staff (narrowed to READERS by the streams); never carrier or public."""
    return Audience(orgs=frozenset({shipment.customer_id}), staff=True, public=False)


def staff_reads(viewer: Viewer) -> bool:
    return not viewer.is_staff or viewer.role in READERS
