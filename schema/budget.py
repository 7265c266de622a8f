"""The cost limit: every operation is costed before it runs, refused above the limit, and its
cost logged and counted, over HTTP and over the socket alike."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from schema.cost import Costs
from schema.parsing import types_of

log = logging.getLogger("cargolive.requests")
QUERY_TOO_COSTLY = "QUERY_TOO_COSTLY"
# (name, cost) of each operation an HTTP request ran: its one log line carries them
# (api/middleware.py). Where no request collects them (the socket), each operation logs its own.
Operations = list[tuple[str | None, str | None, int | None]]  # name, type, cost
operations: ContextVar[Operations | None] = ContextVar("operations", default=None)


def too_costly(cost: int, limit: int) -> GraphQLError:
    return GraphQLError(
        f"This query may return up to {cost} objects; the limit is {limit}. Ask for smaller "
        "pages (first), fewer nested lists or fewer aliases.",
        extensions={"code": QUERY_TOO_COSTLY, "cost": cost, "limit": limit},
    )


def too_many_operations(limit: int) -> GraphQLError:
    """A socket's operation past its connection's limit (api/websocket.py)."""
    return GraphQLError(
        f"too many operations on this connection (the limit is {limit}): complete one first",
        extensions={"code": "TOO_MANY_OPERATIONS", "limit": limit},
    )


def response_too_large(size: int) -> dict[str, Any]:
    """The error that replaces an answer over the size ceiling, the cost limit's backstop."""
    return {
        "message": f"the response ({size} bytes) is over this server's limit: ask for less",
        "extensions": {"code": "RESPONSE_TOO_LARGE", "size": size},
    }


def cost_limit(limit: int, observe: Callable[[int], None] | None = None) -> type[SchemaExtension]:
    """The extension class for one limit (classes, not instances: STACK_NOTES)."""

    class CostLimit(SchemaExtension):
        cost: int | None = None

        def on_operation(self) -> Iterator[None]:
            started = time.perf_counter()
            yield
            context = self.execution_context
            collected = operations.get()
            if collected is not None:
                collected.append((context.operation_name, _operation_type(context), self.cost))
                return
            if self.cost is None or not log.isEnabledFor(logging.INFO):
                return
            result = context.result
            log.info(
                f"graphql operation {context.operation_name or '(anonymous)'} cost {self.cost}",
                extra={
                    "operation": context.operation_name,
                    "operation_type": _operation_type(context),
                    "cost": self.cost,
                    "errors": len(result.errors or []) if result is not None else 0,
                    "seconds": round(time.perf_counter() - started, 6),
                },
            )

        def on_execute(self) -> Iterator[None]:
            context = self.execution_context
            document = context.graphql_document
            if document is not None and context.result is None:
                cost = costs_for(context.schema).of(
                    context.query, document, context.operation_name, context.variables
                )
                self.cost = cost
                if observe is not None:
                    observe(cost)
                if cost > limit:
                    context.result = GraphQLExecutionResult(
                        data=None, errors=[too_costly(cost, limit)]
                    )
            yield

    return CostLimit


def costs_for(schema: Any) -> Costs:
    """The schema's remembered costs (HTTP and socket operations share them)."""
    costs = getattr(schema, "_cargolive_costs", None)
    if costs is None:
        costs = Costs(types_of(schema))
        schema._cargolive_costs = costs
    return costs


def _operation_type(context: Any) -> str | None:
    try:
        return context.operation_type.value
    except RuntimeError:
        return None
