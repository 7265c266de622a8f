"""The credit limit under racing approvals: 20 back-office approvals at once, each checked
against the same free credit, never approve more than the limit (PostgreSQL: the credit
line's row lock; SQLite: serialised writes)."""

from __future__ import annotations

import asyncio
from decimal import Decimal

from models.enums import Role
from models.services.rules import RequestStatus
from models.services.tables import ServiceRequest
from resolvers.services import requests
from tests.documents import call, done
from tests.services import (
    ADVANCE_PAYMENT,
    REQUEST_PAYMENT,
    SET_CREDIT,
    codes,
    org_id,
    payment_input,
)
from tests.shipping import read_together

RACERS = 20


async def test_twenty_racing_approvals_never_pass_the_limit(
    client, make, monkeypatch, dealer, admin
):
    staff = [await make.party(Role.BACK_OFFICE) for _ in range(RACERS)]
    limit = {"amount": "1000.00", "currency": "USD"}
    await done(client, SET_CREDIT, admin, org=org_id(dealer), limit=limit)
    ids = [
        (await done(client, REQUEST_PAYMENT, dealer, input=payment_input("100.00")))["request"][
            "id"
        ]
        for _ in range(RACERS)
    ]
    # Every approval has read its request and checked its move before any writes.
    read_together(monkeypatch, requests, "find_request", parties=RACERS)

    results = await asyncio.gather(
        *(
            call(client, ADVANCE_PAYMENT, party, id=key, status="APPROVED")
            for party, key in zip(staff, ids, strict=True)
        )
    )

    outcomes = sorted(tuple(codes(result)) for result in results)
    assert outcomes == [()] * 10 + [("LIMIT_EXCEEDED",)] * 10
    approved = await ServiceRequest.filter(status=RequestStatus.APPROVED)
    assert sum((Decimal(row.amount) for row in approved), Decimal(0)) == Decimal("1000.00")
