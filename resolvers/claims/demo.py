"""A demo claim in progress: Caspian's Ford Fusion (CA-0850), delivered with a dented door,
under the insurer's assessment with its photo and survey report attached."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from models import clock
from models.claims.rules import ClaimStatus
from models.documents.rules import DocumentKind
from models.shipments.tables import Shipment
from resolvers.checks import Amount
from resolvers.claims import writes
from resolvers.documents.demo import demo_pdf, demo_png, upload, viewer_of


def _ago(days: float) -> dt.datetime:
    return clock.now() - dt.timedelta(days=days)


async def seed_claims(window_days: int) -> None:
    caspian = await viewer_of("dealer2@cargolive.test")
    office = await viewer_of("backoffice@cargolive.test")
    shipment = await Shipment.get(reference="CA-0850")
    with clock.travel(_ago(3)):
        claim = await writes.open_claim(
            viewer=caspian,
            shipment_id=shipment.id,
            description="Driver's door dented and mirror broken, noted on the delivery receipt",
            claimed=Amount(Decimal("1850.00"), "USD"),
            window_days=window_days,
        )
        await upload(
            caspian,
            shipment,
            DocumentKind.PHOTO,
            "fusion-door.png",
            demo_png(),
            "image/png",
            claim_id=claim.id,
        )
    with clock.travel(_ago(2)):
        await writes.advance_claim(
            viewer=office,
            claim_id=claim.id,
            status=ClaimStatus.INSURER_NOTIFIED,
            insurer_reference="MAR-2026-004417",
        )
        await writes.advance_claim(
            viewer=office,
            claim_id=claim.id,
            status=ClaimStatus.DOCUMENTS_REQUESTED,
            note="The insurer asks for the surveyor's report",
        )
    with clock.travel(_ago(1)):
        await upload(
            caspian,
            shipment,
            DocumentKind.DAMAGE_REPORT,
            "survey-report.pdf",
            demo_pdf("Survey report: door panel and mirror"),
            "application/pdf",
            claim_id=claim.id,
        )
        await writes.advance_claim(
            viewer=office, claim_id=claim.id, status=ClaimStatus.UNDER_ASSESSMENT
        )
