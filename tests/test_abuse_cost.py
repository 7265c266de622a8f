"""Attack class 1: one legal query that asks for a million objects. The cost limit refuses it
before anything runs, counts aliases, reads `first` from variables, and reports every cost."""

from __future__ import annotations

import logging

import orjson

from models.enums import Role
from schema import schema
from schema.cost import query_cost
from schema.ids import to_global_id
from schema.parsing import parsed
from tests import ws
from tests.abuse import served
from tests.graphql import gql
from tests.shipping import SHIPMENT_EVENTS, SHIPMENTS, TRACK

# Issue 14, item 1: three nested pages of 100 under the depth limit (176 MB, 54 s).
NESTED = """
query ($first: Int) {
  shipments(first: $first) { edges { node {
    events(first: 100) { edges { node {
      shipment { events(first: 100) { edges { node { id description } } } }
    } } }
  } } }
}
"""
FIELDS = """id waybill reference status createdAt updatedAt
  origin { name unlocode country } destination { name unlocode country }"""
TWO_LEVELS = """
{ shipments(first: 100) { edges { node { id events(first: 100) { edges { node { id } } } } } } }
"""


def aliased(count: int, first: int) -> str:
    fields = " ".join(
        f"a{i}: shipments(first: {first}) {{ edges {{ node {{ id }} }} }}" for i in range(count)
    )
    return "{ " + fields + " }"


async def test_the_nested_query_of_the_report_is_refused_before_it_runs(http, make, database):
    dealer = await make.party(Role.DEALER)
    await make.shipment(customer=dealer.organization_id)

    result = await gql(http, NESTED, {"first": 100}, token=dealer.token)

    assert result["data"] is None
    (error,) = result["errors"]
    limit = database.max_query_cost
    # 100 shipments, 100 events each, their shipment, and 100 events of each of those
    # the connection and its 100 shipments; 100 event connections of 100 events, each
    # event's shipment; 10,000 event connections of 100 events
    cost = (1 + 100) + 100 * (1 + 100) + 100 * 100 + 100 * 100 * (1 + 100)
    assert error["extensions"] == {"code": "QUERY_TOO_COSTLY", "cost": cost, "limit": limit}
    assert "first" in error["message"]


async def test_the_first_of_a_variable_is_what_is_costed(http, make):
    dealer = await make.party(Role.DEALER)
    small = await gql(http, NESTED, {"first": 1}, token=dealer.token)
    assert "errors" not in small
    assert small["data"] == {"shipments": {"edges": []}}


async def test_each_alias_counts(make):
    dealer = await make.party(Role.DEALER)
    async with served(max_query_cost=1000) as client:
        within = await gql(client, aliased(10, 99), token=dealer.token)
        over = await gql(client, aliased(11, 99), token=dealer.token)
    assert "errors" not in within
    # each alias: its connection and 99 nodes
    assert over["errors"][0]["extensions"] == {
        "code": "QUERY_TOO_COSTLY",
        "cost": 11 * 100,
        "limit": 1000,
    }


async def test_the_limit_is_a_setting(make):
    dealer = await make.party(Role.DEALER)
    async with served(max_query_cost=10_000) as client:
        result = await gql(client, TWO_LEVELS, token=dealer.token)
    assert result["errors"][0]["extensions"]["limit"] == 10_000
    assert result["errors"][0]["extensions"]["cost"] == 1 + 100 + 100 * (1 + 100)


async def test_the_queries_people_send_stay_far_below_the_limit(database):
    documents = {
        "tracking page": (TRACK, {"waybill": "CL0000000000000"}),
        "shipment list": (SHIPMENTS, {"first": 100}),
        "a shipment's events": (SHIPMENT_EVENTS, {"id": to_global_id("Shipment", 1), "first": 100}),
    }
    for name, (document, variables) in documents.items():
        cost = query_cost(schema._schema, parsed(document, None), None, variables)
        assert cost <= database.max_query_cost // 100, name


async def test_every_cost_is_logged_and_counted(http, make, caplog):
    dealer = await make.party(Role.DEALER)
    with caplog.at_level(logging.INFO, logger="cargolive.requests"):
        await gql(http, SHIPMENTS, {"first": 7}, token=dealer.token)
    (line,) = [r for r in caplog.records if r.name == "cargolive.requests"]
    assert line.cost == 1 + 7 + 1  # the connection, 7 nodes, pageInfo
    assert line.operation_type == "query"
    metrics = (await http.get("/metrics")).text
    counts = [m for m in metrics.splitlines() if m.startswith("cargolive_graphql_query_cost_count")]
    assert counts and float(counts[0].split()[-1]) >= 1


async def test_a_response_over_the_size_ceiling_is_replaced_by_an_error(make):
    dealer = await make.party(Role.DEALER)
    for _ in range(60):
        await make.shipment(customer=dealer.organization_id)
    page = "shipments(first: 100) { edges { node { " + FIELDS + " } } }"
    async with served(max_response_bytes=65_536) as client:
        one = await gql(client, "{ " + page + " }", token=dealer.token)
        five = await gql(
            client, "{ " + " ".join(f"a{i}: {page}" for i in range(5)) + " }", token=dealer.token
        )
    assert "errors" not in one
    assert len(orjson.dumps(one)) * 5 > 65_536
    assert five["data"] is None
    (error,) = five["errors"]
    assert error["extensions"]["code"] == "RESPONSE_TOO_LARGE"
    assert error["extensions"]["size"] > 65_536


COSTLY_STREAM = """
subscription ($id: ID!) {
  shipmentTracking(shipmentId: $id) { shipment {
    events(first: 100) { edges { node { shipment {
      events(first: 100) { edges { node { ...Five } } }
    } } } }
  } }
}
fragment Five on TrackingEvent {
  a: shipment { id } b: shipment { id } c: shipment { id } d: shipment { id } e: shipment { id }
}
"""


async def test_a_subscription_is_costed_before_it_starts(server, make, dealer):
    shipment = await make.shipment(customer=dealer.organization_id)
    async with await ws.connect(server) as socket:
        await ws.init(socket, dealer.token)
        operation = await ws.subscribe(
            socket, COSTLY_STREAM, {"id": to_global_id("Shipment", shipment.id)}
        )
        answer = await ws.receive(socket)
    assert answer["id"] == operation
    assert answer["type"] == "error"
    assert answer["payload"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"
