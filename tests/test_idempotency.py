"""Idempotency-Key on mutations over real HTTP: one outcome per (organization, key), replayed
byte for byte; racing copies book once; another request under the same key is refused."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from api.app import create_app
from models import clock
from models.integrations.tables import IdempotentRequest
from models.shipments.tables import Shipment
from resolvers.integrations.idempotency import prune
from tests.conftest import settings_with
from tests.factories import Party
from tests.keys import VIEWER, key_party, real_http
from tests.servers import running
from tests.shipping import booking

CREATE = """
mutation ($input: CreateShipmentInput!) {
  createShipment(input: $input) { shipment { id waybill } errors { field code } }
}
"""


@pytest.fixture
async def http(server):
    async with real_http(server) as client:
        yield client


async def post(http, party, key: str | None, **input_):
    headers = {"Authorization": f"Bearer {party.token}"}
    if key is not None:
        headers["Idempotency-Key"] = key
    body = {"query": CREATE, "variables": {"input": booking(**input_)}}
    return await http.post("/graphql", json=body, headers=headers)


async def test_a_retry_gets_the_first_answer_and_books_nothing_more(http, dealer):
    first = await post(http, dealer, "order-4711")
    retry = await post(http, dealer, "order-4711")

    assert first.status_code == retry.status_code == 200
    assert retry.content == first.content
    assert retry.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert first.json()["data"]["createShipment"]["errors"] == []
    assert await Shipment.all().count() == 1


async def test_ten_racing_copies_book_once(http, dealer):
    answers = await asyncio.gather(*(post(http, dealer, "race-1") for _ in range(10)))

    assert await Shipment.all().count() == 1
    assert {answer.status_code for answer in answers} == {200}
    assert len({answer.content for answer in answers}) == 1
    fresh = [a for a in answers if "idempotent-replayed" not in a.headers]
    assert len(fresh) == 1


async def test_a_write_key_retrying_books_once(http, dealer):
    system = await key_party(http, dealer, "WRITE")
    await asyncio.gather(*(post(http, system, "erp-77") for _ in range(3)))
    assert await Shipment.filter(customer_id=dealer.organization_id).count() == 1


async def test_the_same_key_with_another_request_is_422(http, dealer):
    await post(http, dealer, "order-1", reference="PO-1")

    other = await post(http, dealer, "order-1", reference="PO-2")

    assert other.status_code == 422
    assert other.json()["errors"][0]["extensions"]["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert await Shipment.all().count() == 1


async def test_keys_belong_to_an_organization_and_answers_to_one_user(
    http, make, dealer, other_dealer
):
    colleague = await make.party(dealer.user.role, await dealer.user.organization)
    await post(http, dealer, "shared")

    theirs = await post(http, other_dealer, "shared")
    mine_again = await post(http, colleague, "shared")

    assert theirs.status_code == 200 and "idempotent-replayed" not in theirs.headers
    assert mine_again.status_code == 422  # never another user's answer
    assert await Shipment.all().count() == 2


async def test_a_refused_booking_is_the_outcome_too(http, dealer):
    bad = {"vehicles": [{"vin": "NOT-A-VIN", "make": "Fiat", "model": "500", "year": 2019}]}
    first = await post(http, dealer, "bad-1", **bad)
    retry = await post(http, dealer, "bad-1", **bad)
    assert first.json()["data"]["createShipment"]["errors"][0]["code"] == "INVALID_VIN"
    assert retry.content == first.content and retry.headers["idempotent-replayed"] == "true"


@pytest.mark.parametrize("key", ["", "x" * 256, "tab\there"])
async def test_a_malformed_key_is_400(http, dealer, key):
    response = await post(http, dealer, key)
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "INVALID_IDEMPOTENCY_KEY"
    assert await Shipment.all().count() == 0


async def test_the_quoted_form_of_the_draft_is_the_same_key(http, dealer):
    await post(http, dealer, "abc-1")
    retry = await post(http, dealer, '"abc-1"')
    assert retry.headers["idempotent-replayed"] == "true"


async def test_queries_and_anonymous_requests_ignore_the_header(http, dealer):
    headers = {"Authorization": f"Bearer {dealer.token}", "Idempotency-Key": "q-1"}
    await http.post("/graphql", json={"query": VIEWER}, headers=headers)
    anonymous = await http.post(
        "/graphql",
        json={"query": CREATE, "variables": {"input": booking()}},
        headers={"Idempotency-Key": "q-2"},
    )
    assert anonymous.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert await IdempotentRequest.all().count() == 0


async def test_after_the_window_the_key_is_free_and_pruned(http, make, dealer):
    dealer = Party(user=dealer.user, token=await make.token(dealer.user, dt.timedelta(days=3)))
    await post(http, dealer, "daily")
    with clock.travel(clock.now() + dt.timedelta(hours=24, minutes=1)):
        again = await post(http, dealer, "daily")
        assert "idempotent-replayed" not in again.headers
        assert await Shipment.all().count() == 2
    with clock.travel(clock.now() + dt.timedelta(hours=49)):
        assert await prune(dt.timedelta(hours=24)) == 1
    assert await IdempotentRequest.all().count() == 0


@pytest.fixture
async def impatient(database):
    app = create_app(settings_with(idempotency_wait_seconds=0), manage_database=False)
    async with app.router.lifespan_context(app):
        async with running(app) as address, real_http(address) as client:
            yield client


async def test_a_key_whose_first_request_is_running_or_cut_off_is_409(impatient, dealer):
    first = await post(impatient, dealer, "slow")
    row = await IdempotentRequest.get(key="slow")
    await IdempotentRequest.filter(id=row.id).update(status=None, body=None)  # as if running

    busy = await post(impatient, dealer, "slow")
    assert busy.status_code == 409 and busy.headers["retry-after"] == "1"
    assert busy.json()["errors"][0]["extensions"]["code"] == "IDEMPOTENCY_KEY_IN_USE"

    await IdempotentRequest.filter(id=row.id).update(created_at=clock.now() - dt.timedelta(hours=1))
    cut_off = await post(impatient, dealer, "slow")
    assert cut_off.json()["errors"][0]["extensions"]["code"] == "IDEMPOTENCY_KEY_INTERRUPTED"
    assert first.status_code == 200 and await Shipment.all().count() == 1
