"""Demo documents: one in every status, on the demo shipments, through the use cases and the
upload path itself (the bytes go to the configured storage like any client's)."""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import AsyncIterator

from models import clock
from models.accounts.tables import Organization, User
from models.documents.rules import DocumentKind, DocumentStatus
from models.documents.tables import Document, DocumentUpload
from models.shipments.tables import Shipment
from models.viewer import Viewer
from resolvers.documents import links, storage, uploads, writes
from resolvers.documents.files import FileSpec, Limits

K = DocumentKind
LIMITS = Limits(document_max_bytes=25 * 2**20, video_max_bytes=200 * 2**20, upload_url_seconds=900)


def demo_pdf(title: str) -> bytes:
    """A one-page PDF that says `title` (enough for any viewer to open)."""
    text = f"BT /F1 18 Tf 72 720 Td ({title}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    body, offsets = b"%PDF-1.4\n", []
    for number, content in enumerate(objects, 1):
        offsets.append(len(body))
        body += b"%d 0 obj\n%s\nendobj\n" % (number, content)
    table = b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    trailer = b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
    return (
        body
        + b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        + table
        + trailer % (len(objects) + 1, len(body))
    )


def demo_png() -> bytes:
    """A 1×1 grey PNG: a stand-in for the warehouse's photo."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data).to_bytes(4, "big")
        return len(data).to_bytes(4, "big") + kind + data + crc

    header = (1).to_bytes(4, "big") * 2 + bytes([8, 0, 0, 0, 0])
    pixels = zlib.compress(b"\x00\x80")
    signature = b"\x89PNG\r\n\x1a\n"
    return signature + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


async def viewer_of(email: str) -> Viewer:
    user = await User.get(email=email)
    organization = await Organization.get(id=user.organization_id)
    return Viewer(user.id, organization.id, organization.kind, user.role)


async def _once(content: bytes) -> AsyncIterator[bytes]:
    yield content


async def upload(
    viewer: Viewer,
    shipment: Shipment,
    kind: DocumentKind,
    name: str,
    content: bytes,
    content_type: str,
    *,
    document_id: int | None = None,
    claim_id: int | None = None,
) -> Document:
    """Attach (or fulfil) and upload, as a client would through its URL."""
    attached = await writes.attach_document(
        viewer=viewer,
        shipment_id=shipment.id,
        kind=kind,
        file=FileSpec(name, content_type, len(content)),
        limits=LIMITS,
        document_id=document_id,
        linked=writes.Links(claim_id=claim_id),
    )
    token = links.parse(attached.upload_url.removeprefix(links.PREFIX))
    assert token is not None
    slot = await DocumentUpload.get(id=token.subject)
    await DocumentUpload.filter(id=slot.id).update(claimed_at=clock.now())
    return await uploads.receive(slot, _once(content))


def _ago(days: float) -> dt.datetime:
    return clock.now() - dt.timedelta(days=days)


async def seed_documents(files_url: str) -> None:
    """On Blue Harbor's released shipment BH-2160 and Caspian's arrived CA-0871: a B/L and an
    invoice VERIFIED, a title REJECTED, a release order REQUESTED (due in two days), photos
    UPLOADED by the warehouse, a title LOST and one RECOVERED."""
    if not storage.installed():
        storage.install(storage.Storage(files_url))
    blue_harbor = await viewer_of("dealer@cargolive.test")
    caspian = await viewer_of("dealer2@cargolive.test")
    office = await viewer_of("backoffice@cargolive.test")
    warehouse = await viewer_of("warehouse@cargolive.test")
    released = await Shipment.get(reference="BH-2160")
    arrived = await Shipment.get(reference="CA-0871")
    pdf = "application/pdf"

    with clock.travel(_ago(6)):
        bill = await upload(
            office,
            released,
            K.BILL_OF_LADING,
            "BL-ATL-88213.pdf",
            demo_pdf("Bill of Lading ATL-88213"),
            pdf,
        )
        invoice = await upload(
            blue_harbor,
            released,
            K.INVOICE,
            "copart-41736529.pdf",
            demo_pdf("Copart invoice 41736529"),
            pdf,
        )
    with clock.travel(_ago(5)):
        for document in (bill, invoice):
            await writes.set_document_status(
                viewer=office, document_id=document.id, status=DocumentStatus.VERIFIED, note=None
            )
        title = await upload(
            blue_harbor, released, K.TITLE, "title-front.pdf", demo_pdf("Title (front only)"), pdf
        )
    with clock.travel(_ago(4)):
        await writes.set_document_status(
            viewer=office,
            document_id=title.id,
            status=DocumentStatus.REJECTED,
            note="Only the front of the title: please scan both sides",
        )
    await writes.request_document(
        viewer=blue_harbor,
        shipment_id=released.id,
        kind=K.RELEASE_ORDER,
        due_at=clock.now() + dt.timedelta(days=2),
        note="The consignee's broker needs it before Friday",
    )

    with clock.travel(_ago(3)):
        photos = await writes.request_document(
            viewer=caspian,
            shipment_id=arrived.id,
            kind=K.PHOTO,
            due_at=clock.now() + dt.timedelta(days=1),
            note="Photos of the driver's side, please",
        )
    with clock.travel(_ago(2.5)):
        await upload(
            warehouse,
            arrived,
            K.PHOTO,
            "bmw-driver-side.png",
            demo_png(),
            "image/png",
            document_id=photos.id,
        )
    with clock.travel(_ago(10)):
        lost = await upload(
            caspian, arrived, K.TITLE, "title-bmw.pdf", demo_pdf("Title WBA8E9G50GN152243"), pdf
        )
        found = await upload(
            caspian,
            arrived,
            K.CUSTOMS_DECLARATION,
            "export-declaration.pdf",
            demo_pdf("Export declaration"),
            pdf,
        )
    with clock.travel(_ago(2)):
        for document in (lost, found):
            await writes.set_document_status(
                viewer=office,
                document_id=document.id,
                status=DocumentStatus.LOST,
                note="The original did not arrive with the courier",
            )
    with clock.travel(_ago(1)):
        await writes.set_document_status(
            viewer=office,
            document_id=found.id,
            status=DocumentStatus.RECOVERED,
            note="Found at the Klaipėda agent's office",
        )
