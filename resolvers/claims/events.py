"""Writing a claim's steps: the history row and its INSURANCE_CLAIM event on the shipment's
topic, in the use case's transaction."""

from __future__ import annotations

import datetime as dt

from models.claims.rules import ClaimStatus
from models.claims.tables import ClaimChange, InsuranceClaim
from models.events import EventKind
from models.shipments.tables import Shipment
from resolvers.claims.access import claim_audience
from resolvers.shipments.events import shipment_topic
from resolvers.steps import log_step
from subscriptions.log import Recorder


async def log_change(
    log: Recorder,
    claim: InsuranceClaim,
    shipment: Shipment,
    *,
    previous: ClaimStatus | None,
    by: int,
    note: str | None,
    at: dt.datetime,
) -> ClaimChange:
    return await log_step(
        log,
        ClaimChange,
        kind=EventKind.INSURANCE_CLAIM,
        topics=[shipment_topic(shipment.id)],
        audience=claim_audience(shipment),
        at=at,
        claim_id=claim.id,
        previous_status=previous,
        status=claim.status,
        by_id=by,
        note=note,
    )
