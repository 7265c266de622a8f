"""The public schema, assembled from each domain by explicit imports."""

from __future__ import annotations

import strawberry
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import AddValidationRules, MaxTokensLimiter, ValidationCache
from strawberry.extensions.max_aliases import create_validator as alias_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_rule
from strawberry.schema.config import StrawberryConfig

from schema.accounts.types import AccountsMutation, AccountsQuery
from schema.alerts.live import AlertsSubscription
from schema.base import Node
from schema.calculations.quotes import CalculationsMutation, CalculationsQuery
from schema.claims.live import ClaimsSubscription
from schema.claims.types import ClaimsMutation, ClaimsQuery
from schema.context import Info
from schema.disputes.cancellations import CancellationsMutation
from schema.disputes.live import DisputesSubscription
from schema.disputes.types import DisputesQuery
from schema.documents.live import DocumentsSubscription
from schema.documents.types import DocumentsMutation, DocumentsQuery
from schema.errors import ErrorPolicy
from schema.integrations.live import IntegrationsSubscription
from schema.integrations.types import FeedQuery
from schema.node import fetch_node
from schema.parsing import ParseOnce
from schema.shipments.amendments import AmendmentsMutation
from schema.shipments.containers import ContainersMutation, ContainersQuery
from schema.shipments.live import ShipmentsSubscription
from schema.shipments.tracking import TrackingMutation, TrackingQuery
from schema.shipments.types import ShipmentsMutation, ShipmentsQuery
from schema.support.groups import SupportGroupsMutation, SupportGroupsQuery
from schema.support.live import SupportSubscription
from schema.support.types import SupportMutation, SupportQuery


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
    FeedQuery,
):
    @strawberry.field
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        return await fetch_node(info, id)


@strawberry.type
class Mutation(
    AccountsMutation,
    ShipmentsMutation,
    AmendmentsMutation,
    TrackingMutation,
    ContainersMutation,
    CancellationsMutation,
    CalculationsMutation,
    SupportMutation,
    SupportGroupsMutation,
    DocumentsMutation,
    ClaimsMutation,
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
):
    pass


def build_schema(
    *,
    max_depth: int = 12,
    max_aliases: int = 30,
    max_tokens: int = 2000,
    introspection: bool = True,
) -> strawberry.Schema:
    # The rules are made once: QueryDepthLimiter and MaxAliasesLimiter make a new rule class for
    # every request, and ValidationCache, whose key holds the rules, then never hits.
    rules = [depth_rule(max_depth, None, None), alias_rule(max_aliases)]
    if not introspection:
        rules.append(NoSchemaIntrospectionCustomRule)
    # strawberry's ParserCache is left out on purpose: it broke the errors of queries that do not
    # parse (STACK_NOTES). ParseOnce parses once per process and leaves those to strawberry.
    extensions: list = [
        lambda: AddValidationRules(rules),
        lambda: MaxTokensLimiter(max_token_count=max_tokens),
        ParseOnce,
        ValidationCache,
        ErrorPolicy,
    ]
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=extensions,
        config=StrawberryConfig(disable_field_suggestions=True),
    )


schema = build_schema()
