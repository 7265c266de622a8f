"""Optional traces: with a tracer provider (OTEL_EXPORTER_OTLP_ENDPOINT in production) each
request is a span, each GraphQL operation a span inside it named after the operation, each SQL
statement a span inside that, and every log line carries the trace id. Off, nothing is traced."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import AsyncIterator

import httpx2
import pytest
from opentelemetry.instrumentation.tortoiseorm import TortoiseORMInstrumentor
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from api import logs, tracing
from api.app import create_app
from api.logs import configure_logging
from models.enums import Role
from tests.graphql import gql

SHIPMENTS = "query MyShipments { shipments(first: 5) { edges { node { id } } } }"


@pytest.fixture
async def traced(database) -> AsyncIterator[tuple[httpx2.AsyncClient, InMemorySpanExporter]]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    app = create_app(database, manage_database=False, tracer_provider=provider)
    try:
        async with app.router.lifespan_context(app):
            transport = httpx2.ASGITransport(app=app)
            async with httpx2.AsyncClient(transport=transport, base_url="http://test") as client:
                yield client, exporter
    finally:
        TortoiseORMInstrumentor().uninstrument()
        logs.trace_id = lambda: None
        configure_logging("WARNING")


def named(spans: tuple[ReadableSpan, ...], name: str) -> ReadableSpan:
    (span,) = [span for span in spans if span.name == name]
    return span


async def test_an_operation_is_a_span_named_after_it_with_its_sql_inside(traced, make):
    client, exporter = traced
    dealer = await make.party(Role.DEALER)
    await make.shipment(customer=dealer.organization_id)
    exporter.clear()

    result = await gql(client, SHIPMENTS, token=dealer.token)

    assert len(result["data"]["shipments"]["edges"]) == 1
    spans = exporter.get_finished_spans()
    operation = named(spans, "query MyShipments")
    request = named(spans, "POST /graphql")
    assert operation.parent is not None and operation.parent.span_id == request.context.span_id
    assert operation.context.trace_id == request.context.trace_id
    assert operation.attributes["graphql.operation.name"] == "MyShipments"
    assert operation.attributes["graphql.operation.type"] == "query"
    inside = [s for s in spans if s.parent and s.parent.span_id == operation.context.span_id]
    assert inside
    assert all({"db.system", "db.system.name"} & set(span.attributes or {}) for span in inside)
    # one operation span per operation
    assert len([span for span in spans if span.name.startswith(("query", "mutation"))]) == 1


async def test_a_mutation_and_an_anonymous_query_are_named_by_their_type(traced):
    client, exporter = traced
    await gql(client, 'mutation SignIn { login(email: "x@y.z", password: "p") { token } }')
    await gql(client, "{ viewer { email } }")

    names = [span.name for span in exporter.get_finished_spans()]
    assert "mutation SignIn" in names and "query" in names


async def test_every_log_line_carries_the_trace_id(traced, make):
    client, exporter = traced
    stream = io.StringIO()
    configure_logging("INFO", production=True, stream=stream)
    logging.getLogger("httpx2").setLevel(logging.WARNING)  # the tests' client, outside the trace

    await gql(client, SHIPMENTS, token=(await make.party(Role.DEALER)).token)

    operation = named(exporter.get_finished_spans(), "query MyShipments")
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    request_lines = [line for line in lines if line["logger"] == "cargolive.requests"]
    assert request_lines
    for line in lines:
        assert line["trace_id"] == format(operation.context.trace_id, "032x"), line


async def test_traces_are_off_unless_the_endpoint_is_set(app, monkeypatch):
    monkeypatch.delenv(tracing.ENDPOINT, raising=False)
    assert not tracing.enabled()
    assert not [m for m in app.user_middleware if "OpenTelemetry" in m.cls.__name__]
    assert logs.trace_id() is None
    monkeypatch.setenv(tracing.ENDPOINT, "http://collector:4318")
    assert tracing.enabled()


async def test_a_socket_is_a_span_and_its_operations_spans_inside(database, make):
    from tests import ws
    from tests.servers import running

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    app = create_app(database, manage_database=False, tracer_provider=provider)
    dealer = await make.party(Role.DEALER)
    try:
        async with app.router.lifespan_context(app), running(app) as address:
            socket = await ws.connect(address)
            assert (await ws.init(socket, dealer.token))["type"] == "connection_ack"
            await ws.send(
                socket,
                {
                    "id": "1",
                    "type": "subscribe",
                    "payload": {"query": "query Mine { viewer { email } }"},
                },
            )
            assert (await ws.receive(socket))["type"] == "next"
            await socket.close()
            for _ in range(200):  # the socket's span ends once the server has seen the close
                if [s for s in exporter.get_finished_spans() if s.kind.name == "SERVER"]:
                    break
                await asyncio.sleep(0.05)
    finally:
        TortoiseORMInstrumentor().uninstrument()
        logs.trace_id = lambda: None
        configure_logging("WARNING")

    spans = exporter.get_finished_spans()
    (connection,) = [span for span in spans if span.kind.name == "SERVER"]
    operation = named(spans, "query Mine")
    assert operation.context.trace_id == connection.context.trace_id
    # no span per frame
    assert not [span for span in spans if "send" in span.name or "receive" in span.name]
