"""Use cases of documents: attach (and get an upload URL), request a paper, change a status.

Each checks access (a hidden document or shipment is NOT_FOUND), role, input and state, then
writes in one transaction with its DOCUMENT event.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from models import clock
from models.claims.rules import CLOSED
from models.disputes.tables import Dispute
from models.documents.rules import (
    CLERKS,
    PROVIDERS,
    REQUESTERS,
    SET_FROM,
    UPLOAD_TO,
    VERIFIERS,
    DocumentKind,
    DocumentStatus,
    carrier_sees,
    staff_kinds,
)
from models.documents.tables import Document, DocumentUpload
from models.enums import Role
from models.shipments.tables import Shipment
from models.support.tables import SupportThread
from models.viewer import Viewer
from resolvers.access import writer
from resolvers.checks import Path, not_past, optional_text
from resolvers.claims.access import find_claim
from resolvers.documents import links
from resolvers.documents.access import find_document
from resolvers.documents.events import log_change, moved_to, update_document
from resolvers.documents.files import FileSpec, Limits, check_file
from resolvers.errors import forbidden, invalid, invalid_transition, not_found
from resolvers.shipments.access import find_shipment
from subscriptions.log import Recorder, recording


@dataclass(frozen=True, slots=True)
class Links:
    """What else a new document belongs to (ids already decoded)."""

    claim_id: int | None = None
    dispute_id: int | None = None
    thread_id: int | None = None


@dataclass(frozen=True, slots=True)
class Attached:
    document: Document
    upload_url: str


def _own_role(viewer: Viewer) -> Role:
    """The side a viewer supplies papers for: the customer, the carrier, or its staff role."""
    return Role.DEALER if viewer.is_dealer else viewer.role


def _may_attach(viewer: Viewer, shipment: Shipment, kind: DocumentKind, in_claim: bool) -> bool:
    if viewer.is_staff:
        return kind in staff_kinds(viewer.role)
    if viewer.is_carrier:
        return shipment.carrier_id == viewer.organization_id and carrier_sees(
            kind, in_claim=in_claim
        )
    return shipment.customer_id == viewer.organization_id


def _may_supply(viewer: Viewer, document: Document, shipment: Shipment) -> bool:
    """The provider uploads: the customer's users for DEALER papers (or clerks for them)."""
    if document.provider is Role.DEALER:
        return shipment.customer_id == viewer.organization_id or viewer.has_role(*CLERKS)
    if document.provider is Role.CARRIER:
        return shipment.carrier_id == viewer.organization_id or viewer.has_role(*CLERKS)
    return viewer.has_role(document.provider)


async def _check_links(viewer: Viewer, shipment: Shipment, linked: Links) -> None:
    field: Path
    if linked.claim_id is not None:
        field = ["input", "claimId"]
        claim = await find_claim(viewer, linked.claim_id, field)
        if claim.shipment_id != shipment.id:
            raise invalid(field, "is a claim on another shipment")
        if claim.status in CLOSED:
            raise invalid_transition(f"the claim is {claim.status.value}", field)
    if linked.dispute_id is not None:
        field = ["input", "disputeId"]
        dispute = await Dispute.get_or_none(id=linked.dispute_id, shipment_id=shipment.id)
        if dispute is None:
            raise not_found(field, "dispute of this shipment")
    if linked.thread_id is not None:
        field = ["input", "threadId"]
        thread = await SupportThread.get_or_none(id=linked.thread_id, shipment_id=shipment.id)
        if thread is None:
            raise not_found(field, "support thread of this shipment")


async def _new_document(
    log: Recorder,
    viewer: Viewer,
    shipment: Shipment,
    kind: DocumentKind,
    *,
    provider: Role,
    note: str | None = None,
    linked: Links = Links(),
    requested: bool = False,
    due_at: dt.datetime | None = None,
) -> Document:
    now = clock.now()
    document = await Document.create(
        shipment_id=shipment.id,
        kind=kind,
        status=DocumentStatus.REQUESTED,
        claim_id=linked.claim_id,
        dispute_id=linked.dispute_id,
        thread_id=linked.thread_id,
        requested_by_id=viewer.user_id if requested else None,
        due_at=due_at,
        provider=provider,
        holder=provider,
        held_since=now,
        note=note,
        link_secret=links.new_secret(),
        created_by_id=viewer.user_id,
        created_at=now,
        updated_at=now,
    )
    await log_change(log, document, shipment, previous=None, by=viewer.user_id, note=note, at=now)
    return document


async def _upload_slot(viewer: Viewer, document: Document, spec: FileSpec, limits: Limits) -> str:
    now = clock.now()
    expires_at = now + dt.timedelta(seconds=limits.upload_url_seconds)
    key = f"documents/{document.shipment_id}/{document.id}/{secrets.token_hex(16)}"
    secret = links.new_secret()
    upload = await DocumentUpload.create(
        document_id=document.id,
        link_secret=secret,
        file_name=spec.file_name,
        content_type=spec.content_type,
        size_bytes=spec.size_bytes,
        storage_key=key,
        expires_at=expires_at,
        created_by_id=viewer.user_id,
        created_at=now,
    )
    return links.url(secret, links.Purpose.UPLOAD, upload.id, expires_at)


async def attach_document(
    *,
    viewer: Viewer | None,
    shipment_id: int,
    kind: DocumentKind,
    file: FileSpec,
    limits: Limits,
    document_id: int | None = None,
    linked: Links = Links(),
) -> Attached:
    """A new document (or, with `document_id`, the paper a request or rejection waits for),
    and the one-time URL its bytes go to."""
    viewer = writer(viewer)
    shipment = await find_shipment(viewer, shipment_id, ["input", "shipmentId"])
    spec = check_file(file, kind, limits, ["input"])
    async with recording() as log:
        if document_id is None:
            if not _may_attach(viewer, shipment, kind, linked.claim_id is not None):
                raise forbidden(f"you may not attach a {kind.value} to this shipment")
            await _check_links(viewer, shipment, linked)
            document = await _new_document(
                log, viewer, shipment, kind, provider=_own_role(viewer), linked=linked
            )
        else:
            document = await find_document(viewer, document_id, ["input", "documentId"])
            if document.shipment_id != shipment.id:
                raise invalid(["input", "documentId"], "is a document of another shipment")
            if document.kind is not kind:
                raise invalid(["input", "kind"], f"the document is a {document.kind.value}")
            if document.status not in UPLOAD_TO:
                raise invalid_transition(
                    f"the document is {document.status.value}: it takes no new file",
                    ["input", "documentId"],
                )
            if not _may_supply(viewer, document, shipment):
                raise forbidden(f"this paper is for {document.provider.value} to supply")
        url = await _upload_slot(viewer, document, spec, limits)
    return Attached(document, url)


async def request_document(
    *,
    viewer: Viewer | None,
    shipment_id: int,
    kind: DocumentKind,
    due_at: dt.datetime,
    note: str | None = None,
    linked: Links = Links(),
) -> Document:
    """A paper asked for by a date: the customer asks the platform (B/L, release order, photos),
    staff ask anyone. It is held by its provider until it is uploaded."""
    viewer = writer(viewer)
    shipment = await find_shipment(viewer, shipment_id, ["input", "shipmentId"])
    provider = PROVIDERS[kind]
    if viewer.is_dealer:
        if provider is Role.DEALER:
            raise forbidden(f"a {kind.value} is yours to supply: attach it instead")
    elif not viewer.has_role(*REQUESTERS):
        raise forbidden("only the customer and back office or support staff request papers")
    due = not_past(due_at, ["input", "dueAt"])
    text = optional_text(note, ["input", "note"], limit=2000)
    async with recording() as log:
        await _check_links(viewer, shipment, linked)
        return await _new_document(
            log,
            viewer,
            shipment,
            kind,
            provider=provider,
            note=text,
            linked=linked,
            requested=True,
            due_at=due,
        )


def _may_set(viewer: Viewer, shipment: Shipment, status: DocumentStatus) -> bool:
    if status is DocumentStatus.LOST:
        return shipment.customer_id == viewer.organization_id or viewer.has_role(*CLERKS)
    return viewer.has_role(*VERIFIERS)


async def set_document_status(
    *, viewer: Viewer | None, document_id: int, status: DocumentStatus, note: str | None
) -> Document:
    """Back office verifies or rejects (with a reason) a file, and recovers a lost paper; the
    customer or a clerk reports one lost. UPLOADED comes with an upload, REQUESTED with a
    request."""
    viewer = writer(viewer)
    document = await find_document(viewer, document_id, ["documentId"])
    if status not in SET_FROM:
        raise invalid(["status"], f"{status.value} is set by an upload or a request, not here")
    text = optional_text(note, ["note"], limit=2000)
    if status is DocumentStatus.REJECTED and text is None:
        raise invalid(["note"], "say why the document is rejected")
    shipment = await Shipment.get(id=document.shipment_id)
    if not _may_set(viewer, shipment, status):
        raise forbidden(f"you may not set a document {status.value}")
    if document.status not in SET_FROM[status]:
        raise invalid_transition(
            f"a {document.status.value} document cannot become {status.value}", ["status"]
        )
    previous = document.status
    async with recording() as log:
        now = clock.now()
        await update_document(document, note=text, **moved_to(document, status, now))
        await log_change(
            log, document, shipment, previous=previous, by=viewer.user_id, note=text, at=now
        )
    return document
