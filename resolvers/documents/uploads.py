"""Receiving and serving a document's bytes through its signed URLs.

An upload is checked before a byte is read (signature, expiry, one use, declared type and
length), claimed so that two PUTs of one URL cannot both write, streamed to storage while its
SHA-256 and size are counted, sniffed from its first bytes, and completed in one transaction
with the document's UPLOADED (or RECOVERED) change. Any failure deletes what was written and
frees the URL for another try until it expires.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

import filetype

from models import clock
from models.documents.rules import UPLOAD_TO
from models.documents.tables import Document, DocumentUpload
from models.shipments.tables import Shipment
from resolvers.documents import links, storage
from resolvers.documents.events import log_change, moved_to, update_document
from resolvers.documents.files import media_type
from resolvers.errors import DomainError
from subscriptions.log import recording

SNIFF_BYTES = 4096


class Refused(Exception):
    """An upload or download refused: an HTTP status and a message naming the rule."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _unknown() -> Refused:
    # A bad signature, a missing document and a hidden one answer alike.
    return Refused(404, "no file at this URL")


def _checked(token: str, purpose: links.Purpose) -> links.Token:
    parsed = links.parse(token)
    if parsed is None or parsed.purpose is not purpose:
        raise _unknown()
    return parsed


def _signed(parsed: links.Token, row: Document | DocumentUpload | None) -> None:
    if row is None or not links.valid(parsed, row.link_secret):
        raise _unknown()
    if links.expired(parsed, clock.now()):
        raise Refused(410, "this URL has expired: ask for a new one")


async def claim_upload(
    token: str, *, content_type: str | None, content_length: str | None
) -> DocumentUpload:
    """The upload this URL allows, claimed for this request; Refused with the rule broken."""
    parsed = _checked(token, links.Purpose.UPLOAD)
    upload = await DocumentUpload.get_or_none(id=parsed.subject)
    _signed(parsed, upload)
    assert upload is not None
    document = await Document.get(id=upload.document_id)
    if upload.completed_at is not None:
        raise Refused(410, "this upload URL was used already: ask for a new one")
    if document.status not in UPLOAD_TO:
        raise Refused(409, f"the document is {document.status.value}: it takes no new file")
    if content_type is None or media_type(content_type) != upload.content_type:
        raise Refused(415, f"Content-Type must be {upload.content_type}, as declared")
    if content_length is None or not content_length.isdigit():
        raise Refused(411, f"send Content-Length: {upload.size_bytes}, as declared")
    if int(content_length) != upload.size_bytes:
        status = 413 if int(content_length) > upload.size_bytes else 400
        raise Refused(status, f"Content-Length must be {upload.size_bytes}, as declared")
    claimed = await DocumentUpload.filter(
        id=upload.id, claimed_at__isnull=True, completed_at__isnull=True
    ).update(claimed_at=clock.now())
    if not claimed:
        raise Refused(409, "this upload URL is in use by another request")
    return upload


def _sniffed(head: bytes) -> str | None:
    kind = filetype.guess(head)
    return None if kind is None else kind.mime


@dataclass(frozen=True, slots=True)
class Received:
    sha256: str
    size: int


async def _write(upload: DocumentUpload, body: AsyncIterator[bytes]) -> Received:
    digest = hashlib.sha256()
    size = 0
    head = b""
    writer = storage.current().writer(upload.storage_key)
    try:
        async for chunk in body:
            if not chunk:
                continue
            size += len(chunk)
            if size > upload.size_bytes:
                raise Refused(413, f"the body is longer than the declared {upload.size_bytes}")
            if len(head) < SNIFF_BYTES:
                head += chunk[: SNIFF_BYTES - len(head)]
                if len(head) >= SNIFF_BYTES or size == upload.size_bytes:
                    _check_type(upload, head)
            digest.update(chunk)
            await writer.write(chunk)
    finally:
        await writer.close()
    if size != upload.size_bytes:
        raise Refused(400, f"the body has {size} bytes, not the declared {upload.size_bytes}")
    return Received(digest.hexdigest(), size)


def _check_type(upload: DocumentUpload, head: bytes) -> None:
    found = _sniffed(head)
    if found != upload.content_type:
        what = found or "of no known type"
        raise Refused(415, f"the file is {what}, not the declared {upload.content_type}")


async def receive(upload: DocumentUpload, body: AsyncIterator[bytes]) -> Document:
    """Streams the body to storage and completes the upload; on any failure nothing is kept."""
    try:
        received = await _write(upload, body)
        return await _complete(upload, received)
    except BaseException:
        await storage.current().delete(upload.storage_key)
        await DocumentUpload.filter(id=upload.id, completed_at__isnull=True).update(claimed_at=None)
        raise


async def document_of(upload: DocumentUpload) -> Document:
    return await Document.get(id=upload.document_id)


async def _complete(upload: DocumentUpload, received: Received) -> Document:
    """The document UPLOADED (or RECOVERED) with this file; of two uploads completing at once
    the second loses on the document's version (409) and its object is deleted."""
    document = await document_of(upload)
    if document.status not in UPLOAD_TO:
        raise Refused(409, f"the document is {document.status.value}: it takes no new file")
    shipment = await Shipment.get(id=document.shipment_id)
    previous, stale = document.status, document.storage_key
    try:
        async with recording() as log:
            now = clock.now()
            done = await DocumentUpload.filter(id=upload.id, completed_at__isnull=True).update(
                completed_at=now
            )
            if not done:
                raise Refused(409, "this upload URL was used already")
            await update_document(
                document,
                file_name=upload.file_name,
                content_type=upload.content_type,
                size_bytes=received.size,
                sha256=received.sha256,
                storage_key=upload.storage_key,
                uploaded_at=now,
                uploaded_by_id=upload.created_by_id,
                link_secret=links.new_secret(),  # the old file's URLs die with it
                **moved_to(document, UPLOAD_TO[previous], now),
            )
            await log_change(
                log,
                document,
                shipment,
                previous=previous,
                by=upload.created_by_id,
                note=None,
                at=now,
            )
    except DomainError as error:  # CONFLICT: another upload completed the document first
        raise Refused(409, error.message) from None
    if stale is not None and stale != upload.storage_key:
        await storage.current().delete(stale)
    return document


def download_url(document: Document, seconds: int) -> str | None:
    """A signed URL to the stored bytes for `seconds`; None while there are none."""
    if document.storage_key is None:
        return None
    expires_at = clock.now() + dt.timedelta(seconds=seconds)
    return links.url(document.link_secret, links.Purpose.DOWNLOAD, document.id, expires_at)


async def open_download(token: str) -> tuple[Document, AsyncIterator[bytes]]:
    parsed = _checked(token, links.Purpose.DOWNLOAD)
    document = await Document.get_or_none(id=parsed.subject)
    _signed(parsed, document)
    assert document is not None
    if document.storage_key is None:
        raise _unknown()
    try:
        return document, await storage.current().reader(document.storage_key)
    except FileNotFoundError:
        # the row says stored, the store disagrees: answer as for no file, not a broken stream
        raise _unknown() from None
