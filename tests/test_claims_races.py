"""Races on one claim: whatever reaches it together, it is paid once and opened once."""

from __future__ import annotations

import asyncio

import pytest

from models.claims.rules import ClaimStatus
from models.claims.tables import ClaimChange, ClaimPayment, InsuranceClaim
from models.enums import OrganizationKind, Role
from models.viewer import Viewer
from resolvers.claims import writes
from resolvers.errors import DomainError
from tests.claims import ADVANCE, OPEN_CLAIM, claim_input
from tests.documents import call, done
from tests.shipping import read_together
from tests.test_claims import delivered


def _codes(results: list[dict]) -> list[list[str]]:
    return sorted([error["code"] for error in result["errors"]] for result in results)


async def _approved(client, make, dealer, carrier, back_office) -> str:
    shipment = await delivered(make, dealer, carrier)
    claim = (await done(client, OPEN_CLAIM, dealer, input=claim_input(shipment, "800")))["claim"]
    steps = [
        {"status": "INSURER_NOTIFIED", "insurerReference": "R-9"},
        {"status": "UNDER_ASSESSMENT"},
        {"status": "APPROVED", "approved": {"amount": "750", "currency": "EUR"}},
    ]
    for step in steps:
        await done(client, ADVANCE, back_office, id=claim["id"], **step)
    return claim["id"]


async def test_two_paid_at_once_pay_once(client, make, monkeypatch, dealer, carrier):
    back_office = await make.party(Role.BACK_OFFICE)
    colleague = await make.party(Role.BACK_OFFICE)
    claim_id = await _approved(client, make, dealer, carrier, back_office)
    # Both read the APPROVED claim before either writes: the race at its tightest.
    read_together(monkeypatch, writes, "find_claim")

    results = await asyncio.gather(
        call(client, ADVANCE, back_office, id=claim_id, status="PAID"),
        call(client, ADVANCE, colleague, id=claim_id, status="PAID"),
    )

    assert _codes(results) == [[], ["CONFLICT"]]
    assert await ClaimPayment.all().count() == 1
    assert await ClaimChange.filter(status=ClaimStatus.PAID).count() == 1
    assert (await InsuranceClaim.get()).status is ClaimStatus.PAID


async def test_the_ledger_refuses_a_second_payment_of_a_claim(client, make, dealer, carrier):
    back_office = await make.party(Role.BACK_OFFICE)
    await _approved(client, make, dealer, carrier, back_office)
    claim = await InsuranceClaim.get()
    viewer = Viewer(
        user_id=back_office.user.id,
        organization_id=back_office.organization_id,
        organization_kind=OrganizationKind.PLATFORM,
        role=Role.BACK_OFFICE,
    )
    await writes.pay_claim(claim, viewer, claim.updated_at)

    with pytest.raises(DomainError) as refused:
        await writes.pay_claim(claim, viewer, claim.updated_at)

    assert refused.value.code.value == "CONFLICT"
    assert await ClaimPayment.all().count() == 1


async def test_two_claims_opened_at_once_open_one(client, make, monkeypatch, dealer, carrier):
    back_office = await make.party(Role.BACK_OFFICE)
    shipment = await delivered(make, dealer, carrier)
    read_together(monkeypatch, writes, "find_shipment")

    results = await asyncio.gather(
        call(client, OPEN_CLAIM, dealer, input=claim_input(shipment)),
        call(client, OPEN_CLAIM, back_office, input=claim_input(shipment)),
    )

    assert _codes(results) == [[], ["CONFLICT"]]
    assert await InsuranceClaim.all().count() == 1
    assert await ClaimChange.all().count() == 1
