"""Kinds, statuses, who sees which kind, who holds a paper, and what may be uploaded.

Decisions (DOMAIN.md leaves them open):

- A carrier sees the documents of the shipments it carries whose kind is its business: the
  Bill of Lading and the release order. Never a claim's documents, never the invoice.
- Staff see by role: back office, support, account managers, dispute officers and admins see
  every kind; the warehouse its papers and pictures; dispatch the B/L and release order;
  bidding the title and invoice.
- `holder` is who must act next: the provider while a paper is REQUESTED or REJECTED, back
  office while it waits for verification or is LOST, nobody once VERIFIED or RECOVERED.
- Uploads are PDF and the common image and video formats; the bytes must be what the client
  declared (sniffed from the first bytes), and videos may be larger than other files.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum

from models.enums import STAFF_ROLES, Role


class DocumentKind(str, Enum):
    BILL_OF_LADING = "BILL_OF_LADING"
    RELEASE_ORDER = "RELEASE_ORDER"
    TITLE = "TITLE"
    INVOICE = "INVOICE"
    CUSTOMS_DECLARATION = "CUSTOMS_DECLARATION"
    INSURANCE_CERTIFICATE = "INSURANCE_CERTIFICATE"
    DAMAGE_REPORT = "DAMAGE_REPORT"
    PHOTO = "PHOTO"
    VIDEO = "VIDEO"
    OTHER = "OTHER"


class DocumentStatus(str, Enum):
    REQUESTED = "REQUESTED"
    UPLOADED = "UPLOADED"
    VERIFIED = "VERIFIED"
    REJECTED = "REJECTED"
    LOST = "LOST"
    RECOVERED = "RECOVERED"


K = DocumentKind
S = DocumentStatus
ALL_KINDS = frozenset(DocumentKind)
CARRIER_KINDS = frozenset({K.BILL_OF_LADING, K.RELEASE_ORDER})
STAFF_KINDS: dict[Role, frozenset[DocumentKind]] = {
    Role.WAREHOUSE: frozenset(
        {K.BILL_OF_LADING, K.RELEASE_ORDER, K.PHOTO, K.VIDEO, K.DAMAGE_REPORT}
    ),
    Role.DISPATCHER: CARRIER_KINDS,
    Role.BIDDER: frozenset({K.TITLE, K.INVOICE}),
}


def staff_kinds(role: Role) -> frozenset[DocumentKind]:
    assert role in STAFF_ROLES
    return STAFF_KINDS.get(role, ALL_KINDS)


def carrier_sees(kind: DocumentKind, *, in_claim: bool) -> bool:
    return kind in CARRIER_KINDS and not in_claim


# Who supplies a requested paper: the platform's offices, or the customer (Role.DEALER).
PROVIDERS: dict[DocumentKind, Role] = {
    K.BILL_OF_LADING: Role.BACK_OFFICE,
    K.RELEASE_ORDER: Role.BACK_OFFICE,
    K.CUSTOMS_DECLARATION: Role.BACK_OFFICE,
    K.INSURANCE_CERTIFICATE: Role.BACK_OFFICE,
    K.PHOTO: Role.WAREHOUSE,
    K.VIDEO: Role.WAREHOUSE,
    K.TITLE: Role.DEALER,
    K.INVOICE: Role.DEALER,
    K.DAMAGE_REPORT: Role.DEALER,
    K.OTHER: Role.DEALER,
}
# Staff who may ask for any paper; a customer may ask only for what the platform supplies.
REQUESTERS = frozenset(
    {Role.BACK_OFFICE, Role.SUPPORT_AGENT, Role.ACCOUNT_MANAGER, Role.DISPUTE_OFFICER}
)
VERIFIERS = (Role.BACK_OFFICE,)
# Staff who may report a paper lost, or upload on the customer's behalf.
CLERKS = (Role.BACK_OFFICE, Role.SUPPORT_AGENT)

# setDocumentStatus: the statuses each one may be set from (UPLOADED comes with an upload).
SET_FROM: dict[DocumentStatus, frozenset[DocumentStatus]] = {
    S.VERIFIED: frozenset({S.UPLOADED, S.RECOVERED}),
    S.REJECTED: frozenset({S.UPLOADED, S.RECOVERED}),
    S.LOST: frozenset({S.REQUESTED, S.UPLOADED, S.VERIFIED, S.RECOVERED}),
    S.RECOVERED: frozenset({S.LOST}),
}
# An upload completes these: a requested or rejected paper becomes UPLOADED, a lost one found.
UPLOAD_TO: dict[DocumentStatus, DocumentStatus] = {
    S.REQUESTED: S.UPLOADED,
    S.REJECTED: S.UPLOADED,
    S.LOST: S.RECOVERED,
}


def holder_after(status: DocumentStatus, provider: Role) -> Role | None:
    if status in {S.REQUESTED, S.REJECTED}:
        return provider
    if status in {S.UPLOADED, S.LOST}:
        return Role.BACK_OFFICE
    return None


AWAITED = frozenset({S.REQUESTED, S.REJECTED})  # a file is still to come


def overdue(status: DocumentStatus, due_at: dt.datetime | None, now: dt.datetime) -> bool:
    """A requested (or rejected) paper still missing after its due date."""
    return due_at is not None and due_at < now and status in AWAITED


PDF = "application/pdf"
IMAGES = frozenset({"image/jpeg", "image/png", "image/webp", "image/heic", "image/tiff"})
VIDEOS = frozenset({"video/mp4", "video/quicktime", "video/webm"})


def content_types(kind: DocumentKind) -> frozenset[str]:
    """The media types a document of this kind may hold."""
    if kind is K.PHOTO:
        return IMAGES
    if kind is K.VIDEO:
        return VIDEOS
    if kind is K.DAMAGE_REPORT:
        return frozenset({PDF}) | IMAGES | VIDEOS
    return frozenset({PDF}) | IMAGES


def is_video(content_type: str) -> bool:
    return content_type in VIDEOS
