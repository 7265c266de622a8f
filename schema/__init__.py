"""The public schema, assembled from each domain by explicit imports."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, NamedTuple

import strawberry
from strawberry.extensions import (
    AddValidationRules,
    MaxTokensLimiter,
    SchemaExtension,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from schema.accounts.blocking import BlockingMutation
from schema.accounts.types import AccountsMutation, AccountsQuery
from schema.alerts.live import AlertsSubscription
from schema.base import Node
from schema.budget import cost_limit
from schema.calculations.quotes import CalculationsMutation, CalculationsQuery
from schema.claims.live import ClaimsSubscription
from schema.claims.types import ClaimsMutation, ClaimsQuery
from schema.context import Info
from schema.disputes.cancellations import CancellationsMutation
from schema.disputes.live import DisputesSubscription
from schema.disputes.types import DisputesQuery
from schema.documents.live import DocumentsSubscription
from schema.documents.requests import DocumentsMutation
from schema.documents.types import DocumentsQuery
from schema.errors import ErrorPolicy
from schema.execution import PlainLeaves
from schema.hooks import HookRunner
from schema.inputs import compile_inputs
from schema.integrations.gate import ScopeGate
from schema.integrations.live import IntegrationsSubscription
from schema.integrations.reports import ReportsMutation, ReportsQuery
from schema.integrations.types import FeedQuery, IntegrationsMutation, IntegrationsQuery
from schema.integrations.webhooks import WebhooksMutation, WebhooksQuery
from schema.node import fetch_node
from schema.parsing import ParseOnce, validation_rules
from schema.scalars import OVERRIDES, InputGuard
from schema.services.auctions import AuctionsMutation, AuctionsQuery
from schema.services.extras import ExtrasMutation, ExtrasQuery
from schema.services.live import ServicesSubscription
from schema.services.payments import PaymentsMutation, PaymentsQuery
from schema.services.types import ServicesMutation, ServicesQuery
from schema.shipments import caching as _shipments_caching  # noqa: F401 (declarations)
from schema.shipments.amendments import AmendmentsMutation
from schema.shipments.containers import ContainersMutation, ContainersQuery
from schema.shipments.live import ShipmentsSubscription
from schema.shipments.pickups import PickupsMutation
from schema.shipments.reassignments import ReassignmentsMutation
from schema.shipments.tracking import TrackingMutation, TrackingQuery
from schema.shipments.types import ShipmentsMutation, ShipmentsQuery
from schema.support.groups import SupportGroupsMutation, SupportGroupsQuery
from schema.support.live import SupportSubscription
from schema.support.threads import SupportMutation
from schema.support.types import SupportQuery

# What one operation may return, in objects (schema/cost.py); api/settings.py says why this much.
DEFAULT_MAX_COST = 50_000


@strawberry.type
class Query(
    AccountsQuery,
    ShipmentsQuery,
    ContainersQuery,
    TrackingQuery,
    DisputesQuery,
    CalculationsQuery,
    SupportQuery,
    SupportGroupsQuery,
    DocumentsQuery,
    ClaimsQuery,
    IntegrationsQuery,
    FeedQuery,
    WebhooksQuery,
    ReportsQuery,
    ServicesQuery,
    PaymentsQuery,
    AuctionsQuery,
    ExtrasQuery,
):
    @strawberry.field
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        return await fetch_node(info, id)


@strawberry.type
class Mutation(
    AccountsMutation,
    BlockingMutation,
    ShipmentsMutation,
    AmendmentsMutation,
    TrackingMutation,
    ContainersMutation,
    PickupsMutation,
    ReassignmentsMutation,
    CancellationsMutation,
    CalculationsMutation,
    SupportMutation,
    SupportGroupsMutation,
    DocumentsMutation,
    ClaimsMutation,
    IntegrationsMutation,
    WebhooksMutation,
    ReportsMutation,
    ServicesMutation,
    PaymentsMutation,
    AuctionsMutation,
    ExtrasMutation,
):
    pass


@strawberry.type
class Subscription(
    ShipmentsSubscription,
    DisputesSubscription,
    SupportSubscription,
    AlertsSubscription,
    DocumentsSubscription,
    ClaimsSubscription,
    IntegrationsSubscription,
    ServicesSubscription,
):
    pass


class CargoliveSchema(strawberry.Schema):
    """strawberry's schema, with the extensions' hooks entered by `HookRunner` and its input
    objects built by plans made once (schema/inputs.py)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        compile_inputs(self)

    def create_extensions_runner(
        self, execution_context: ExecutionContext, extensions: list[SchemaExtension]
    ) -> HookRunner:
        return HookRunner(execution_context=execution_context, extensions=extensions)


def assemble(
    *,
    max_depth: int = 12,
    max_aliases: int = 30,
    max_tokens: int = 2000,
    introspection: bool = True,
    max_cost: int = DEFAULT_MAX_COST,
    observe_cost: Callable[[int], None] | None = None,
    suggestions: bool = True,
    tracing: type[SchemaExtension] | None = None,
) -> strawberry.Schema:
    """The schema with these limits (the settings' own in the app); `suggestions`: "Did you
    mean" in errors (development only); `tracing`, while traces are on, makes a span of each
    operation (api/tracing.py). One schema per set of limits and process: a schema is some
    50,000 objects in reference cycles, and a test session that built one per app left millions
    of them to full garbage collections that stopped the process for seconds."""
    limits = Limits(
        max_depth, max_aliases, max_tokens, introspection, max_cost, observe_cost, suggestions
    )
    return _assembled(limits) if tracing is None else _build(limits, tracing)


class Limits(NamedTuple):
    max_depth: int
    max_aliases: int
    max_tokens: int
    introspection: bool
    max_cost: int
    observe_cost: Callable[[int], None] | None
    suggestions: bool


@functools.lru_cache(maxsize=8)
def _assembled(limits: Limits) -> strawberry.Schema:
    return _build(limits, None)


def _build(limits: Limits, tracing: type[SchemaExtension] | None) -> strawberry.Schema:
    max_depth, max_aliases, max_tokens, introspection, max_cost, observe_cost, suggestions = limits
    rules = list(validation_rules(max_depth, max_aliases, introspection))
    # strawberry's ParserCache is left out on purpose: it broke the errors of queries that do not
    # parse (STACK_NOTES). ParseOnce parses and validates once per process and query text, and
    # leaves a text that does not parse to strawberry; it replaces ValidationCache, whose key
    # hashed the whole document on every request.
    extensions: list = [
        lambda: AddValidationRules(rules),
        lambda: MaxTokensLimiter(max_token_count=max_tokens),
        ParseOnce,
        ScopeGate,
        InputGuard,
        cost_limit(max_cost, observe_cost),
        lambda: ErrorPolicy(suggestions),
    ]
    if tracing is not None:
        extensions.insert(0, tracing)  # outermost: the span holds the whole operation
    return CargoliveSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=extensions,
        config=StrawberryConfig(disable_field_suggestions=not suggestions),
        scalar_overrides=OVERRIDES,
        execution_context_class=PlainLeaves,
    )


schema = assemble()
