"""GraphQL documents, sample files and helpers shared by the document and claim tests."""

from __future__ import annotations

import os
from typing import Any

import httpx2

from models.shipments.tables import Shipment, ShipmentStatus
from tests.factories import Party
from tests.graphql import gql
from tests.shipping import gid

DOCUMENT_FIELDS = """
fragment DocumentFields on Document {
  id kind status fileName contentType sizeBytes sha256 uploadedAt downloadUrl
  dueAt overdue holder heldSince provider note requestedBy { role }
  shipment { id }
  history { previousStatus status note by { id role } occurredAt }
}
"""
ATTACH = (
    """
mutation ($input: AttachDocumentInput!) {
  attachDocument(input: $input) {
    document { ...DocumentFields } uploadUrl errors { field message code }
  }
}
"""
    + DOCUMENT_FIELDS
)
REQUEST = (
    """
mutation ($input: RequestDocumentInput!) {
  requestDocument(input: $input) { document { ...DocumentFields } errors { field message code } }
}
"""
    + DOCUMENT_FIELDS
)
SET_STATUS = (
    """
mutation ($id: ID!, $status: DocumentStatus!, $note: String) {
  setDocumentStatus(documentId: $id, status: $status, note: $note) {
    document { ...DocumentFields } errors { field message code }
  }
}
"""
    + DOCUMENT_FIELDS
)
DOCUMENT = "query ($id: ID!) { document(id: $id) { ...DocumentFields } }" + DOCUMENT_FIELDS
NODE = "query ($id: ID!) { node(id: $id) { id ... on Document { kind } } }"
SHIPMENT_DOCUMENTS = """
query ($id: ID!, $first: Int, $after: String) {
  shipment(id: $id) {
    documents(first: $first, after: $after) {
      totalCount edges { cursor node { id kind status } } pageInfo { hasNextPage endCursor }
    }
  }
}
"""

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(17)
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"


def sample(head: bytes, size: int) -> bytes:
    """A file of `size` bytes that starts like its type."""
    return head + os.urandom(size - len(head))


async def call(
    client: httpx2.AsyncClient, query: str, party: Party | None, **variables: Any
) -> dict[str, Any]:
    """The one root field's answer (the payload of a mutation)."""
    body = await gql(client, query, variables, token=party.token if party else None)
    assert "errors" not in body, body
    (answer,) = body["data"].values()
    return answer


async def done(client: httpx2.AsyncClient, query: str, party: Party, **variables: Any) -> dict:
    """A mutation that must succeed: its payload."""
    payload = await call(client, query, party, **variables)
    assert payload["errors"] == [], payload
    return payload


def attach_input(
    shipment: Shipment, kind: str = "INVOICE", content: bytes = PDF, **fields: Any
) -> dict[str, Any]:
    content_type = {PDF[:4]: "application/pdf", PNG[:4]: "image/png"}.get(content[:4], "video/mp4")
    return {
        "shipmentId": gid("Shipment", shipment.id),
        "kind": kind,
        "fileName": f"{kind.lower()}.bin",
        "contentType": content_type,
        "sizeBytes": len(content),
    } | fields


async def put(
    client: httpx2.AsyncClient, url: str, content: bytes, content_type: str | None = None
) -> httpx2.Response:
    headers = {"content-type": content_type} if content_type else {}
    return await client.put(url, content=content, headers=headers)


async def uploaded(
    client: httpx2.AsyncClient, party: Party, shipment: Shipment, kind: str, content: bytes
) -> dict[str, Any]:
    """A document attached and its bytes uploaded: the document as the party sees it then."""
    fields = attach_input(shipment, kind, content)
    payload = await done(client, ATTACH, party, input=fields)
    response = await put(client, payload["uploadUrl"], content, fields["contentType"])
    assert response.status_code == 201, response.text
    return await call(client, DOCUMENT, party, id=payload["document"]["id"])


async def carried(
    make: Any, dealer: Party, carrier: Party, status: ShipmentStatus = ShipmentStatus.ARRIVED
) -> Shipment:
    """The dealer's shipment that the carrier carries, in `status`."""
    return await make.shipment(
        customer=dealer.organization_id, carrier=carrier.organization_id, status=status
    )
