"""The organizationEvents subscription: the feed replayed after a cursor, then live.

Like every stream it listens on a topic (the organization's, `org:<id>`) and loads each event's
roots once per process; one log row can make several feed events (a container event, once per
shipment of the organization), which go out as parts of that row, each with its own cursor.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Collection
from typing import Any

import strawberry

from models.events import Event, EventKind
from models.integrations.tables import EventType as EventTypeEnum
from resolvers.integrations import access
from resolvers.integrations import reads as feed
from resolvers.integrations.cursor import Position
from resolvers.integrations.expand import EXPANDERS
from schema.context import Context, Info
from schema.integrations.types import EventType, OrganizationEvent
from schema.streams import Stream, audience_check, iterate, scope_of, stream
from subscriptions.hub import Parts
from subscriptions.log import organization_topic

FEED_KINDS: frozenset[EventKind] = frozenset(EXPANDERS)


def _loader(organization: int, types: Collection[EventTypeEnum] | None) -> Any:
    wanted = frozenset(types) if types else None

    async def load(event: Event) -> Parts | None:
        parts = [
            (found.position.part, OrganizationEvent.from_feed(found))
            for found in await feed.expand([event], organization)
            if wanted is None or found.type in wanted
        ]
        return Parts(parts) if parts else None

    return load


@stream("organizationEvents")
async def open_organization_events(context: Context, arguments: dict[str, Any]) -> Stream:
    viewer = context.require_viewer()
    organization = access.feed_organization(viewer)
    after = arguments.get("after")
    position = Position.parse(after) if after is not None else None
    types = arguments.get("types")
    return Stream(
        topic=organization_topic(organization),
        kinds=FEED_KINDS,
        scope=scope_of(viewer),
        visible=audience_check(viewer),
        load=_loader(organization, types),
        after=position.seq if position else None,
        after_part=position.part if position else None,
        roots=f"feed:{organization}:{sorted(types or [])}",
    )


@strawberry.type
class IntegrationsSubscription:
    @strawberry.subscription(
        description="Every change that concerns the viewer's organization: the events after "
        "the cursor, then each new one as it is written, with no gap and no duplicate"
    )
    async def organization_events(
        self,
        info: Info,
        after: str | None = None,
        types: list[EventType] | None = None,  # type: ignore[valid-type]
    ) -> AsyncGenerator[OrganizationEvent, None]:
        opened = await open_organization_events(info.context, {"after": after, "types": types})
        async for event in iterate(opened):
            yield event
