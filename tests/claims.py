"""GraphQL documents and helpers of the insurance claim tests."""

from __future__ import annotations

from typing import Any

from models.shipments.tables import Shipment
from tests.shipping import gid

CLAIM_FIELDS = """
fragment ClaimFields on InsuranceClaim {
  id status description insurerReference reportedAt closedAt
  claimed { amount currency } approved { amount currency }
  shipment { id } damageEvent { id type } reportedBy { role }
  documents { totalCount edges { node { id kind status } } }
  history { previousStatus status note by { role } occurredAt }
}
"""
OPEN_CLAIM = (
    """
mutation ($input: OpenInsuranceClaimInput!) {
  openInsuranceClaim(input: $input) { claim { ...ClaimFields } errors { field message code } }
}
"""
    + CLAIM_FIELDS
)
ADVANCE = (
    """
mutation ($id: ID!, $status: ClaimStatus!, $note: String, $approved: MoneyInput,
          $insurerReference: String) {
  advanceInsuranceClaim(claimId: $id, status: $status, note: $note, approved: $approved,
                        insurerReference: $insurerReference) {
    claim { ...ClaimFields } errors { field message code }
  }
}
"""
    + CLAIM_FIELDS
)
CLAIM = "query ($id: ID!) { insuranceClaim(id: $id) { ...ClaimFields } }" + CLAIM_FIELDS
SHIPMENT_CLAIMS = "query ($id: ID!) { shipment(id: $id) { insuranceClaims { id status } } }"


def claim_input(
    shipment: Shipment, amount: str = "1200.50", currency: str = "EUR", **fields: Any
) -> dict[str, Any]:
    return {
        "shipmentId": gid("Shipment", shipment.id),
        "description": "Rear bumper dented, noticed at delivery",
        "claimed": {"amount": amount, "currency": currency},
    } | fields
