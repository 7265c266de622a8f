"""Optional OpenTelemetry traces, on while OTEL_EXPORTER_OTLP_ENDPOINT is set (the standard
variable; the exporter reads it and its companions, OTEL_EXPORTER_OTLP_HEADERS and so on).

Then each HTTP request and each socket is a span (opentelemetry-instrumentation-asgi, without a
span per frame), each GraphQL operation a span inside it named after the operation ("query
TrackPage", "mutation RecordEvent"), each SQL statement a span inside that (the tortoise
instrumentation, for SQLite and PostgreSQL alike), and every log line carries the trace id.
Off, nothing of it is imported and nothing is wrapped. The packages are the `otel` extra.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from starlette.middleware import Middleware
from strawberry.extensions import SchemaExtension

from api import logs

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider

ENDPOINT = "OTEL_EXPORTER_OTLP_ENDPOINT"
_from_environment: list[TracerProvider] = []


def enabled() -> bool:
    return bool(os.environ.get(ENDPOINT))


def provider_from_environment() -> TracerProvider:
    """The process's provider, exporting over OTLP/HTTP in batches (made once)."""
    if not _from_environment:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.resources import SERVICE_NAME, Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor

        name = os.environ.get("OTEL_SERVICE_NAME", "cargolive")
        provider = TracerProvider(resource=Resource.create({SERVICE_NAME: name}))
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
        _from_environment.append(provider)
    return _from_environment[0]


def current_trace_id() -> str | None:
    from opentelemetry import trace

    context = trace.get_current_span().get_span_context()
    return format(context.trace_id, "032x") if context.is_valid else None


def operation_spans(provider: TracerProvider) -> type[SchemaExtension]:
    """The schema extension that makes one span per operation, named after it."""
    from opentelemetry.trace import SpanKind, Status, StatusCode

    tracer = provider.get_tracer("cargolive.graphql")

    class OperationSpan(SchemaExtension):
        def on_operation(self) -> Iterator[None]:
            context = self.execution_context
            with tracer.start_as_current_span("graphql", kind=SpanKind.INTERNAL) as span:
                yield
                try:
                    kind = context.operation_type.value
                except RuntimeError:  # the document did not parse
                    kind = "graphql"
                name = context.operation_name
                span.update_name(f"{kind} {name}" if name else kind)
                span.set_attribute("graphql.operation.type", kind)
                if name:
                    span.set_attribute("graphql.operation.name", name)
                result = context.result
                if result is not None and result.errors:
                    span.set_status(Status(StatusCode.ERROR, result.errors[0].message))

    return OperationSpan


def instrument_database(provider: TracerProvider) -> None:
    from opentelemetry.instrumentation.tortoiseorm import TortoiseORMInstrumentor

    instrumentor: Any = TortoiseORMInstrumentor()
    if not instrumentor.is_instrumented_by_opentelemetry:
        instrumentor.instrument(tracer_provider=provider)


def middleware(provider: TracerProvider) -> Middleware:
    """The ASGI instrumentation, outermost: a span per request and per socket (not per frame),
    whose context the request's log lines and operations inherit."""
    from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware

    logs.trace_id = current_trace_id
    return Middleware(
        OpenTelemetryMiddleware, tracer_provider=provider, exclude_spans=["receive", "send"]
    )
