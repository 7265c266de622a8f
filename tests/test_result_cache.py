"""The result cache (api/result_cache.py, schema/caching.py): kept answers are the answers,
after any write of any domain, for every viewer, and never cross viewers or tenants."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.app import create_app
from api.result_cache import ResultCache
from bench.workload import TRACKING_PAGE
from models.enums import Role
from models.shipments.containers import LoadingStatus
from models.shipments.tables import ShipmentStatus
from schema import schema as served
from schema.caching import ROOTS, TYPES, Cacheable, unrecorded
from schema.parsing import types_of
from tests.claims import OPEN_CLAIM
from tests.conftest import settings_with
from tests.disputing import REQUEST_CANCELLATION
from tests.factories import Factory, Party
from tests.graphql import gql
from tests.keys import CREATE_API_KEY
from tests.shipping import (
    ACCEPT_SHIPMENT,
    ASSIGN,
    DECIDE_DESTINATION_CHANGE,
    RECORD_EVENT,
    REQUEST_DESTINATION_CHANGE,
    ROTTERDAM,
    TRACK,
    UPDATE_LOADING,
    gid,
)
from tests.support import OPEN_THREAD, enquiry

PUBLIC = TRACK.replace("events {", "loading { loadingStatus loadedVehicles } events {")


def test_every_declaration_names_a_served_type_and_its_fields():
    types = types_of(served).type_map
    for name, declared in TYPES.items():
        assert name in types, name
        assert declared.fields <= set(types[name].fields), name  # type: ignore[attr-defined]
    query = types_of(served).query_type
    assert query is not None and set(ROOTS) <= set(query.fields)


def test_a_type_declared_with_topics_must_record_them(monkeypatch):
    assert unrecorded(served) == []
    monkeypatch.setitem(TYPES, "Vehicle", Cacheable(TYPES["Vehicle"].fields, lambda _: ()))
    assert unrecorded(served) == ["Vehicle"]  # its objects would be read without their topics
    with pytest.raises(RuntimeError, match="declared with topics but not recorded: Vehicle"):
        ResultCache(served, settings_with())


async def _serving(settings: Any) -> AsyncIterator[tuple[Any, httpx2.AsyncClient]]:
    app = create_app(settings, manage_database=False)
    async with app.router.lifespan_context(app):
        await app.state.limits.reset()
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url="http://test") as http:
            yield app, http


@pytest.fixture
async def pair(database) -> AsyncIterator[tuple[Any, httpx2.AsyncClient, httpx2.AsyncClient]]:
    """The API with its result cache, and the same API without one: what every answer of the
    first must equal. Waybill look-ups are not limited here (the two count apart)."""
    lenient = {"waybill_lookups_per_minute": 100_000}
    async for cached_app, cached in _serving(database.model_copy(update=lenient)):
        off = lenient | {"result_cache": False}
        async for _, uncached in _serving(database.model_copy(update=off)):
            yield cached_app, cached, uncached


def page(shipment_id: int) -> dict[str, Any]:
    return {"id": gid("Shipment", shipment_id)}


async def test_a_page_is_kept_until_an_event_on_its_shipment(app, client, make, dispatcher):
    dealer = await make.party(Role.DEALER)
    shipment = await make.shipment(
        customer=dealer.organization_id, status=ShipmentStatus.IN_TRANSIT
    )
    cache = app.state.results
    first = await gql(client, TRACKING_PAGE, page(shipment.id), token=dealer.token)
    again = await gql(client, TRACKING_PAGE, page(shipment.id), token=dealer.token)
    assert again == first and cache.hits == 1

    event = {"shipmentId": gid("Shipment", shipment.id), "type": "DELAYED", "description": "x"}
    recorded = await gql(client, RECORD_EVENT, {"input": event}, token=dispatcher.token)
    assert recorded["data"]["recordTrackingEvent"]["errors"] == []
    after = await gql(client, TRACKING_PAGE, page(shipment.id), token=dealer.token)

    assert after["data"]["shipment"]["events"]["totalCount"] == 1
    assert cache.hits == 1  # answered anew, at once: the writer's own process forgot it


async def test_joining_a_container_shows_on_a_kept_page(app, client, make, warehouse):
    dealer, carrier = await make.party(Role.DEALER), await make.party(Role.CARRIER)
    shipment = await make.shipment(
        customer=dealer.organization_id,
        carrier=carrier.organization_id,
        status=ShipmentStatus.ACCEPTED,
    )
    container = await make.container()
    before = await gql(client, TRACKING_PAGE, page(shipment.id), token=dealer.token)
    assert before["data"]["shipment"]["container"] is None

    variables = {
        "shipmentId": gid("Shipment", shipment.id),
        "containerId": gid("Container", container.id),
    }
    joined = await gql(client, ASSIGN, variables, token=warehouse.token)
    assert joined["data"]["assignToContainer"]["errors"] == []
    after = await gql(client, TRACKING_PAGE, page(shipment.id), token=dealer.token)

    assert after["data"]["shipment"]["container"]["number"] == container.number


async def test_kept_answers_never_cross_tenants_or_viewers(app, client, make):
    dealer, stranger = await make.party(Role.DEALER), await make.party(Role.DEALER)
    carrier, other_carrier = await make.party(Role.CARRIER), await make.party(Role.CARRIER)
    shipment = await make.shipment(
        customer=dealer.organization_id,
        carrier=carrier.organization_id,
        status=ShipmentStatus.IN_TRANSIT,
    )
    seen = await gql(client, TRACKING_PAGE, page(shipment.id), token=dealer.token)
    assert seen["data"]["shipment"] is not None
    for party in (stranger, other_carrier):
        hidden = await gql(client, TRACKING_PAGE, page(shipment.id), token=party.token)
        assert hidden == {"data": {"shipment": None}}
    anonymous = await gql(client, TRACKING_PAGE, page(shipment.id))
    assert anonymous["data"]["shipment"] is None and anonymous["errors"]
    carried = await gql(client, TRACKING_PAGE, page(shipment.id), token=carrier.token)
    assert carried == seen  # same answer, its own entry
    assert len(app.state.results.entries) == 4  # dealer, stranger, other carrier, carrier


async def test_anonymous_viewers_share_the_public_view_and_revalidate_it(app, client, make):
    dealer = await make.party(Role.DEALER)
    shipment = await make.shipment(
        customer=dealer.organization_id, status=ShipmentStatus.IN_TRANSIT
    )
    variables = json.dumps({"waybill": shipment.waybill})
    first = await client.get("/graphql", params={"query": PUBLIC, "variables": variables})
    etag = first.headers["etag"]
    assert first.json()["data"]["trackWaybill"]["waybill"] == shipment.waybill
    assert first.headers["cache-control"] == "public, no-cache"

    same = await client.get(
        "/graphql",
        params={"query": PUBLIC, "variables": variables},
        headers={"If-None-Match": etag},
    )
    assert same.status_code == 304 and same.content == b"" and same.headers["etag"] == etag
    assert app.state.results.hits == 1 and len(app.state.results.entries) == 1

    event = {"shipmentId": gid("Shipment", shipment.id), "type": "DELAYED"}
    dispatcher = await make.party(Role.DISPATCHER)
    await gql(client, RECORD_EVENT, {"input": event}, token=dispatcher.token)
    changed = await client.get(
        "/graphql",
        params={"query": PUBLIC, "variables": variables},
        headers={"If-None-Match": etag},
    )
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    assert len(changed.json()["data"]["trackWaybill"]["events"]) == 1


async def test_an_unknown_waybill_is_not_kept(app, client):
    missing = await gql(client, TRACK, {"waybill": "CLGZ9RH8G83D3RP"})
    assert missing == {"data": {"trackWaybill": None}}
    assert not app.state.results.entries


async def test_an_answer_read_while_news_arrived_is_not_kept(app, client, make, monkeypatch):
    dealer = await make.party(Role.DEALER)
    shipment = await make.shipment(customer=dealer.organization_id)
    cache = app.state.results
    from resolvers.shipments import reads

    real = reads.events_page

    async def meanwhile(*args: Any, **kwargs: Any) -> Any:
        found = await real(*args, **kwargs)
        cache.touch({f"shipment:{shipment.id}": 10**9})  # an event committed in between
        return found

    monkeypatch.setattr(reads, "events_page", meanwhile)
    await gql(client, TRACKING_PAGE, page(shipment.id), token=dealer.token)
    assert not cache.entries


async def test_the_relay_forgets_answers_whose_notice_was_lost(app, client, make, dispatcher):
    dealer = await make.party(Role.DEALER)
    shipment = await make.shipment(
        customer=dealer.organization_id, status=ShipmentStatus.IN_TRANSIT
    )
    cache = app.state.results
    await gql(client, TRACKING_PAGE, page(shipment.id), token=dealer.token)
    assert cache.entries
    # As if every notice of the next commit were lost: only the relay reads the log.
    cache._unlisten()
    cache._unlisten = None
    cache._tasks[0].cancel()
    event = {"shipmentId": gid("Shipment", shipment.id), "type": "DELAYED"}
    await gql(client, RECORD_EVENT, {"input": event}, token=dispatcher.token)
    for _ in range(200):
        if not cache.entries:
            break
        await asyncio.sleep(0.05)
    assert not cache.entries
    after = await gql(client, TRACKING_PAGE, page(shipment.id), token=dealer.token)
    assert after["data"]["shipment"]["events"]["totalCount"] == 1


# -- the property: random writes of every domain, then every kept answer is the answer --------


@dataclass
class World:
    client: httpx2.AsyncClient
    uncached: httpx2.AsyncClient
    dealer: Party
    stranger: Party
    carrier: Party
    other_carrier: Party
    dispatcher: Party
    warehouse: Party
    admin: Party
    shipments: list[Any]
    containers: list[Any]


async def build(make: Factory, client: Any, uncached: Any) -> World:
    dealer, stranger = await make.party(Role.DEALER), await make.party(Role.DEALER)
    carrier, other_carrier = await make.party(Role.CARRIER), await make.party(Role.CARRIER)
    world = World(
        client,
        uncached,
        dealer,
        stranger,
        carrier,
        other_carrier,
        await make.party(Role.DISPATCHER),
        await make.party(Role.WAREHOUSE),
        await make.party(Role.ADMIN),
        [],
        [],
    )
    for status, carried in (
        (ShipmentStatus.BOOKED, None),
        (ShipmentStatus.ACCEPTED, carrier),
        (ShipmentStatus.IN_TRANSIT, carrier),
    ):
        world.shipments.append(
            await make.shipment(
                customer=dealer.organization_id,
                carrier=carried.organization_id if carried else None,
                status=status,
            )
        )
    world.containers = [await make.container(), await make.container(status=LoadingStatus.EMPTY)]
    return world


def _sid(world: World, index: int) -> str:
    return gid("Shipment", world.shipments[index % len(world.shipments)].id)


def _cid(world: World, index: int) -> str:
    return gid("Container", world.containers[index % len(world.containers)].id)


# (domain, who, document, variables): a write each; it may fail, as writes do.
ACTIONS: list[tuple[str, str, str, Any]] = [
    (
        "shipments",
        "dispatcher",
        RECORD_EVENT,
        lambda w, i: {"input": {"shipmentId": _sid(w, i), "type": "DELAYED"}},
    ),
    (
        "shipments",
        "dispatcher",
        RECORD_EVENT,
        lambda w, i: {
            "input": {"shipmentId": _sid(w, i), "type": "DEPARTED", "location": ROTTERDAM}
        },
    ),
    (
        "shipments",
        "dispatcher",
        RECORD_EVENT,
        lambda w, i: {
            "input": {"containerId": _cid(w, i), "type": "ARRIVED", "classifier": "ESTIMATED"}
        },
    ),
    ("shipments", "carrier", ACCEPT_SHIPMENT, lambda w, i: {"id": _sid(w, i)}),
    (
        "shipments",
        "warehouse",
        ASSIGN,
        lambda w, i: {"shipmentId": _sid(w, i), "containerId": _cid(w, i // 3)},
    ),
    (
        "shipments",
        "warehouse",
        UPDATE_LOADING,
        lambda w, i: {"containerId": _cid(w, i), "status": "PLANNED"},
    ),
    (
        "shipments",
        "dealer",
        REQUEST_DESTINATION_CHANGE,
        lambda w, i: {"shipmentId": _sid(w, i), "destination": ROTTERDAM, "reason": "moved"},
    ),
    (
        "shipments",
        "dispatcher",
        DECIDE_DESTINATION_CHANGE,
        lambda w, i: {"shipmentId": _sid(w, i), "approve": i % 2 == 0},
    ),
    (
        "disputes",
        "dealer",
        REQUEST_CANCELLATION,
        lambda w, i: {
            "shipmentId": _sid(w, i),
            "reason": "CUSTOMER_CHANGED_PLANS",
            "explanation": "plans",
        },
    ),
    ("support", "dealer", OPEN_THREAD, lambda w, i: {"input": enquiry()}),
    (
        "claims",
        "dealer",
        OPEN_CLAIM,
        lambda w, i: {
            "input": {
                "shipmentId": _sid(w, i),
                "description": "dent",
                "claimed": {"amount": "10", "currency": "EUR"},
            }
        },
    ),
    (
        "integrations",
        "dealer",
        CREATE_API_KEY,
        lambda w, i: {"input": {"name": f"k{i}", "scopes": ["READ"]}},
    ),
    (
        "documents",
        "admin",
        "mutation ($input: RequestDocumentInput!) "
        "{ requestDocument(input: $input) { errors { code } } }",
        lambda w, i: {
            "input": {"shipmentId": _sid(w, i), "kind": "INVOICE", "dueAt": "2031-01-01T00:00:00Z"}
        },
    ),
    (
        "shipments",
        "admin",
        "mutation ($id: ID!) { proposeCarrierReassignment("
        'shipmentId: $id, reason: "x") { errors { code } } }',
        lambda w, i: {"id": _sid(w, i)},
    ),
    (
        "accounts",
        "admin",
        "mutation ($input: CreateUserInput!) { createUser(input: $input) { errors { code } } }",
        lambda w, i: {
            "input": {
                "email": f"u{i}@example.com",
                "name": "New",
                "password": "long enough password",
                "role": "DEALER",
                "organizationId": gid("Organization", w.dealer.organization_id),
            }
        },
    ),
    (
        "calculations",
        "admin",
        "mutation ($input: InsuranceRateInput!) "
        "{ upsertInsuranceRate(input: $input) { errors { code } } }",
        lambda w, i: {"input": {"percent": "1.5", "minimum": {"amount": "50", "currency": "EUR"}}},
    ),
]
VIEWERS = ("dealer", "stranger", "carrier", "other_carrier", "dispatcher", None)


async def answers(world: World, http: httpx2.AsyncClient) -> list[Any]:
    found = []
    for index in range(len(world.shipments)):
        for who in VIEWERS:
            token = getattr(world, who).token if who else None
            found.append(await gql(http, TRACKING_PAGE, {"id": _sid(world, index)}, token=token))
        waybill = world.shipments[index].waybill
        found.append(await gql(http, PUBLIC, {"waybill": waybill}))
        found.append(await gql(http, PUBLIC, {"waybill": waybill}, token=world.dealer.token))
    return found


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(st.tuples(st.integers(0, len(ACTIONS) - 1), st.integers(0, 8)), max_size=8))
async def test_kept_answers_equal_fresh_ones_after_random_writes_of_every_domain(pair, make, steps):
    app, client, uncached = pair
    world = await build(make, client, uncached)
    await answers(world, client)  # everything that may be kept is
    assert await answers(world, client) == await answers(world, uncached)
    for action, index in steps:
        _, who, document, variables = ACTIONS[action]
        await gql(client, document, variables(world, index), token=getattr(world, who).token)
        kept = await answers(world, client)
        fresh = await answers(world, uncached)
        assert kept == fresh, (ACTIONS[action][:2], index)
    assert app.state.results.hits > 0
