"""The Query and Mutation parts of insurance claims, and the node they answer as."""

from __future__ import annotations

import strawberry

from models.claims.tables import InsuranceClaim as ClaimRow
from resolvers.claims import reads, writes
from schema.base import MoneyInput, UserError, run_payload
from schema.claims.types import ClaimStatus, InsuranceClaim
from schema.context import Info
from schema.convert import amount
from schema.ids import decode_id
from schema.node import node_fetcher


@strawberry.input
class OpenInsuranceClaimInput:
    shipment_id: strawberry.ID
    description: str
    claimed: MoneyInput


@strawberry.type
class InsuranceClaimPayload:
    claim: InsuranceClaim | None = None
    errors: list[UserError]


@node_fetcher("InsuranceClaim")
async def _claim_node(info: Info, key: int) -> InsuranceClaim | None:
    row = await reads.claim(info.context.require_viewer(), key)
    return InsuranceClaim.from_model(row) if row else None


@strawberry.type
class ClaimsQuery:
    @strawberry.field
    async def insurance_claim(self, info: Info, id: strawberry.ID) -> InsuranceClaim | None:
        return await _claim_node(info, decode_id(id, "InsuranceClaim", ["id"]))


def _claim(row: ClaimRow) -> dict[str, object]:
    return {"claim": InsuranceClaim.from_model(row)}


@strawberry.type
class ClaimsMutation:
    @strawberry.mutation(
        description="The customer (or staff for it) reports damage or loss, also up to "
        "CARGOLIVE_CLAIM_WINDOW_DAYS after delivery; one open claim per shipment"
    )
    async def open_insurance_claim(
        self, info: Info, input: OpenInsuranceClaimInput
    ) -> InsuranceClaimPayload:
        async def action() -> dict[str, object]:
            claimed = amount(input.claimed)
            assert claimed is not None
            row = await writes.open_claim(
                viewer=info.context.viewer,
                shipment_id=decode_id(input.shipment_id, "Shipment", ["input", "shipmentId"]),
                description=input.description,
                claimed=claimed,
                window_days=info.context.settings.claim_window_days,
            )
            return _claim(row)

        return await run_payload(InsuranceClaimPayload, action)

    @strawberry.mutation(
        description="Back office: REPORTED → INSURER_NOTIFIED (insurerReference) → "
        "DOCUMENTS_REQUESTED ⇄ UNDER_ASSESSMENT → APPROVED (approved ≤ claimed) or REJECTED "
        "(note) → PAID (once)"
    )
    async def advance_insurance_claim(
        self,
        info: Info,
        claim_id: strawberry.ID,
        status: ClaimStatus,
        note: str | None = None,
        approved: MoneyInput | None = None,
        insurer_reference: str | None = None,
    ) -> InsuranceClaimPayload:
        async def action() -> dict[str, object]:
            row = await writes.advance_claim(
                viewer=info.context.viewer,
                claim_id=decode_id(claim_id, "InsuranceClaim", ["claimId"]),
                status=status,
                note=note,
                approved=amount(approved),
                insurer_reference=insurer_reference,
            )
            return _claim(row)

        return await run_payload(InsuranceClaimPayload, action)
