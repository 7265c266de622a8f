"""The public schema, assembled from each domain by explicit imports."""

from __future__ import annotations

import strawberry
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig

from schema.accounts import AccountsMutation, AccountsQuery
from schema.alerts import AlertsSubscription
from schema.amendments import AmendmentsMutation
from schema.base import Node
from schema.calculations import CalculationsMutation, CalculationsQuery
from schema.containers import ContainersMutation, ContainersQuery
from schema.context import Info
from schema.errors import ErrorPolicy
from schema.live import Subscription as TrackingSubscription
from schema.node import fetch_node
from schema.shipments import ShipmentsMutation, ShipmentsQuery
from schema.support import SupportMutation, SupportQuery
from schema.support_groups import SupportGroupsMutation, SupportGroupsQuery
from schema.support_live import SupportSubscription
from schema.tracking import TrackingMutation, TrackingQuery


@strawberry.type
class Query(
    AccountsQuery,
    ShipmentsQuery,
    ContainersQuery,
    TrackingQuery,
    CalculationsQuery,
    SupportQuery,
    SupportGroupsQuery,
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
    CalculationsMutation,
    SupportMutation,
    SupportGroupsMutation,
):
    pass


@strawberry.type
class Subscription(TrackingSubscription, SupportSubscription, AlertsSubscription):
    pass


def build_schema(
    *,
    max_depth: int = 12,
    max_aliases: int = 30,
    max_tokens: int = 2000,
    introspection: bool = True,
) -> strawberry.Schema:
    # ParserCache is left out on purpose: it breaks the errors of subscriptions (STACK_NOTES).
    extensions: list = [
        lambda: QueryDepthLimiter(max_depth=max_depth),
        lambda: MaxAliasesLimiter(max_alias_count=max_aliases),
        lambda: MaxTokensLimiter(max_token_count=max_tokens),
        ValidationCache,
        ErrorPolicy,
    ]
    if not introspection:
        extensions.append(lambda: AddValidationRules([NoSchemaIntrospectionCustomRule]))
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=extensions,
        config=StrawberryConfig(disable_field_suggestions=True),
    )


schema = build_schema()
