"""Who sees which document: one queryset for every read, write and stream (models/documents/
rules.py says why). A document outside it answers exactly like a missing one."""

from __future__ import annotations

from tortoise.queryset import QuerySet

from models.documents.rules import (
    ALL_KINDS,
    CARRIER_KINDS,
    STAFF_KINDS,
    carrier_sees,
    staff_kinds,
)
from models.documents.tables import Document
from models.enums import Role
from models.shipments.tables import Shipment
from models.viewer import Viewer
from resolvers.checks import Path
from resolvers.errors import not_found
from resolvers.shipments.access import carried_shipment_ids, customer_shipment_ids
from resolvers.shipments.events import shipment_topic
from subscriptions.log import Audience
from subscriptions.topics import Topic


def visible_documents(viewer: Viewer) -> QuerySet[Document]:
    """Staff: the kinds of their role. Customer: all of its shipments'. Carrier: the B/L and
    release order of the shipments it carries, outside claims."""
    if viewer.is_staff:
        kinds = staff_kinds(viewer.role)
        return Document.all() if kinds == ALL_KINDS else Document.filter(kind__in=list(kinds))
    if viewer.is_carrier:
        return Document.filter(
            shipment_id__in=carried_shipment_ids(viewer.organization_id),
            kind__in=list(CARRIER_KINDS),
            claim_id__isnull=True,
        )
    if viewer.is_dealer:
        return Document.filter(shipment_id__in=customer_shipment_ids(viewer.organization_id))
    return Document.filter(id__in=[])


async def find_document(viewer: Viewer, key: int, field: Path) -> Document:
    row = await visible_documents(viewer).get_or_none(id=key)
    if row is None:
        raise not_found(field, "document")
    return row


def document_audience(document: Document, shipment: Shipment) -> Audience:
    """The customer, the carrier where the kind is its business, and staff; never the public.
    Staff roles are narrowed further by the streams (the audience knows no roles)."""
    orgs = {shipment.customer_id}
    in_claim = document.claim_id is not None
    if shipment.carrier_id is not None and carrier_sees(document.kind, in_claim=in_claim):
        orgs.add(shipment.carrier_id)
    return Audience(orgs=frozenset(orgs), staff=True, public=False)


def document_topics(document: Document, shipment_id: int) -> list[Topic]:
    """The shipment's topic, and one per staff role that sees only some kinds and sees this
    one: the event log's audience knows no roles, so those roles follow a topic of their own."""
    narrow = [role for role in STAFF_KINDS if document.kind in STAFF_KINDS[role]]
    return [shipment_topic(shipment_id), *(role_topic(shipment_id, role) for role in narrow)]


def role_topic(shipment_id: int, role: Role) -> Topic:
    return shipment_topic(shipment_id).narrowed(role.value.lower())


def stream_topic(viewer: Viewer, shipment_id: int) -> Topic:
    """The topic whose document events this viewer may all see."""
    if viewer.is_staff and viewer.role in STAFF_KINDS:
        return role_topic(shipment_id, viewer.role)
    return shipment_topic(shipment_id)
