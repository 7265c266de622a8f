"""Vehicle payment requests and transfer verifications walked through the API: each step, each
refusal, the credit limit, and what each party sees."""

from __future__ import annotations

import pytest

from models.enums import Role
from models.services.tables import ServiceRequest
from tests.documents import call, done
from tests.services import (
    ADVANCE_PAYMENT,
    CANCEL,
    CREDIT,
    NODE,
    PAYMENTS,
    REPORT_TRANSFER,
    REQUEST_PAYMENT,
    SET_CREDIT,
    TRANSFERS,
    VERIFY_TRANSFER,
    codes,
    org_id,
    payment_input,
    transfer_input,
)


@pytest.fixture
async def back_office(make):
    return await make.party(Role.BACK_OFFICE)


async def test_a_payment_request_walks_to_settled_within_the_credit_limit(
    client, dealer, back_office, admin, carrier
):
    # given a dealer's request
    bad = await call(client, REQUEST_PAYMENT, dealer, input=payment_input(vin="1HGCM82633A00435I"))
    assert codes(bad) == ["INVALID_VIN"] and bad["errors"][0]["field"] == ["input", "vin"]
    zero = await call(client, REQUEST_PAYMENT, dealer, input=payment_input(amount="0"))
    assert zero["errors"][0]["field"] == ["input", "amount", "amount"]
    cents = await call(client, REQUEST_PAYMENT, dealer, input=payment_input(amount="1.005"))
    assert codes(cents) == ["INVALID_INPUT"]
    huge = await call(client, REQUEST_PAYMENT, dealer, input=payment_input(amount="1" + "0" * 13))
    assert codes(huge) == ["INVALID_INPUT"]
    assert codes(await call(client, REQUEST_PAYMENT, carrier, input=payment_input())) == [
        "FORBIDDEN"
    ]
    assert await ServiceRequest.all().count() == 0
    first = (await done(client, REQUEST_PAYMENT, dealer, input=payment_input("5000.00")))["request"]
    assert first["status"] == "REQUESTED" and first["kind"] == "VEHICLE_PAYMENT"
    assert first["serviceLevel"]["status"] in {"RUNNING", "BREACHED"}
    assert first["serviceLevel"]["firstActionAt"] is None
    second = (await done(client, REQUEST_PAYMENT, dealer, input=payment_input("4000.00")))[
        "request"
    ]

    # the dealer cannot approve its own; without a credit line back office cannot either
    own = await call(client, ADVANCE_PAYMENT, dealer, id=first["id"], status="APPROVED")
    assert codes(own) == ["FORBIDDEN"]
    none = await call(client, ADVANCE_PAYMENT, back_office, id=first["id"], status="APPROVED")
    assert codes(none) == ["LIMIT_EXCEEDED"]

    # ADMIN sets the limit; no one else may
    limit = {"amount": "8000.00", "currency": "USD"}
    refused = await call(client, SET_CREDIT, back_office, org=org_id(dealer), limit=limit)
    assert codes(refused) == ["FORBIDDEN"]
    await done(client, SET_CREDIT, admin, org=org_id(dealer), limit=limit)

    approved = await done(client, ADVANCE_PAYMENT, back_office, id=first["id"], status="APPROVED")
    assert approved["request"]["status"] == "APPROVED"
    assert approved["request"]["serviceLevel"]["firstActionAt"] is not None
    over = await call(client, ADVANCE_PAYMENT, back_office, id=second["id"], status="APPROVED")
    assert codes(over) == ["LIMIT_EXCEEDED"] and "3000" in over["errors"][0]["message"]
    line = await call(client, CREDIT, dealer, org=None)
    assert (line["inUse"]["amount"], line["available"]["amount"]) == ("5000.00", "3000.00")
    lower = {"amount": "4000.00", "currency": "USD"}
    below = await call(client, SET_CREDIT, admin, org=org_id(dealer), limit=lower)
    assert codes(below) == ["LIMIT_EXCEEDED"]

    # declined needs a reason
    bare = await call(client, ADVANCE_PAYMENT, back_office, id=second["id"], status="DECLINED")
    assert codes(bare) == ["INVALID_INPUT"] and bare["errors"][0]["field"] == ["note"]
    declined = await done(
        client, ADVANCE_PAYMENT, back_office, id=second["id"], status="DECLINED", note="over limit"
    )
    assert declined["request"]["closedAt"] is not None

    # paid needs its reference, once
    unpaid = await call(client, ADVANCE_PAYMENT, back_office, id=first["id"], status="PAID")
    assert unpaid["errors"][0]["field"] == ["paymentReference"]
    await done(client, ADVANCE_PAYMENT, back_office, id=first["id"], status="PAID", ref="W-881")
    again = await call(client, ADVANCE_PAYMENT, back_office, id=first["id"], status="PAID", ref="x")
    assert codes(again) == ["INVALID_TRANSITION"]
    back = await call(client, ADVANCE_PAYMENT, back_office, id=first["id"], status="APPROVED")
    assert codes(back) == ["INVALID_TRANSITION"]
    cancel = await call(client, CANCEL, dealer, id=first["id"])
    assert codes(cancel) == ["INVALID_TRANSITION"]

    settled = await done(client, ADVANCE_PAYMENT, back_office, id=first["id"], status="SETTLED")
    request = settled["request"]
    assert request["paymentReference"] == "W-881"
    assert [step["status"] for step in request["history"]] == [
        "REQUESTED",
        "APPROVED",
        "PAID",
        "SETTLED",
    ]
    assert [step["by"]["role"] for step in request["history"]] == [
        "DEALER",
        "BACK_OFFICE",
        "BACK_OFFICE",
        "BACK_OFFICE",
    ]
    line = await call(client, CREDIT, dealer, org=None)
    assert line["inUse"]["amount"] == "0.00"


async def test_the_dealer_cancels_before_staff_act(client, dealer, back_office):
    request = (await done(client, REQUEST_PAYMENT, dealer, input=payment_input()))["request"]
    staff = await call(client, CANCEL, back_office, id=request["id"])
    assert codes(staff) == ["FORBIDDEN"]
    cancelled = await done(client, CANCEL, dealer, id=request["id"], note="bought elsewhere")
    assert cancelled["request"]["status"] == "CANCELLED"
    late = await call(client, ADVANCE_PAYMENT, back_office, id=request["id"], status="APPROVED")
    assert codes(late) == ["INVALID_TRANSITION"]


async def test_a_transfer_is_matched_found_missing_or_short(
    client, dealer, other_dealer, back_office
):
    payment = (await done(client, REQUEST_PAYMENT, dealer, input=payment_input()))["request"]
    foreign = (await done(client, REQUEST_PAYMENT, other_dealer, input=payment_input()))["request"]
    future = transfer_input(transferDate="2999-01-01")
    assert codes(await call(client, REPORT_TRANSFER, dealer, input=future)) == ["INVALID_INPUT"]
    ids = []
    for _ in range(3):
        ids.append(
            (await done(client, REPORT_TRANSFER, dealer, input=transfer_input()))["request"]["id"]
        )
    matched, missing, short = ids

    own = await call(
        client, VERIFY_TRANSFER, dealer, id=matched, status="MATCHED", payment=payment["id"]
    )
    assert codes(own) == ["FORBIDDEN"]
    neither = await call(client, VERIFY_TRANSFER, back_office, id=matched, status="MATCHED")
    assert codes(neither) == ["INVALID_INPUT"]
    wrong = await call(
        client, VERIFY_TRANSFER, back_office, id=matched, status="MATCHED", payment=foreign["id"]
    )
    assert codes(wrong) == ["INVALID_INPUT"]
    done_match = await done(
        client, VERIFY_TRANSFER, back_office, id=matched, status="MATCHED", payment=payment["id"]
    )
    assert done_match["request"]["matchedPaymentRequest"]["id"] == payment["id"]

    silent = await call(client, VERIFY_TRANSFER, back_office, id=missing, status="NOT_FOUND")
    assert silent["errors"][0]["field"] == ["note"]
    await done(
        client, VERIFY_TRANSFER, back_office, id=missing, status="NOT_FOUND", note="no such credit"
    )

    same = {"amount": "5000.00", "currency": "USD"}
    equal = await call(
        client, VERIFY_TRANSFER, back_office, id=short, status="AMOUNT_MISMATCH", expected=same
    )
    assert equal["errors"][0]["field"] == ["expected", "amount"]
    due = {"amount": "5250.00", "currency": "USD"}
    mismatch = await done(
        client, VERIFY_TRANSFER, back_office, id=short, status="AMOUNT_MISMATCH", expected=due
    )
    assert mismatch["request"]["difference"] == {"amount": "250.00", "currency": "USD"}
    twice = await call(
        client, VERIFY_TRANSFER, back_office, id=short, status="MATCHED", payment=payment["id"]
    )
    assert codes(twice) == ["INVALID_TRANSITION"]

    listed = await call(client, TRANSFERS, dealer, status=["AMOUNT_MISMATCH", "NOT_FOUND"])
    assert listed["totalCount"] == 2


async def test_no_one_else_sees_a_dealers_requests(client, dealer, other_dealer, carrier, make):
    request = (await done(client, REQUEST_PAYMENT, dealer, input=payment_input()))["request"]
    dispatcher = await make.party(Role.DISPATCHER)
    for stranger in (other_dealer, carrier, dispatcher):
        assert await call(client, NODE, stranger, id=request["id"]) is None
        assert (await call(client, PAYMENTS, stranger))["totalCount"] == 0
        moved = await call(client, CANCEL, stranger, id=request["id"])
        assert codes(moved) in (["NOT_FOUND"], ["FORBIDDEN"])
    assert (await call(client, NODE, dealer, id=request["id"]))["status"] == "REQUESTED"
