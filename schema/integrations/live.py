"""The organizationEvents subscription: the feed replayed after a cursor, then live.

Like every stream it listens on a topic (the organization's, `org:<id>`) through
subscriptions/streams.py. Its roots depend on the organization (which of a container event's
shipments are its own) and on the types asked for, so each subscriber's `Opened` brings their
load; one log row can make several feed events, passed on as parts of the row, each with its
own cursor.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Collection, Mapping
from typing import Any

import strawberry

from models.events import Event
from resolvers.integrations import access
from resolvers.integrations import reads as feed
from resolvers.integrations.cursor import Position
from resolvers.integrations.expand import EXPANDERS
from schema.context import Info
from schema.integrations.types import EventType, OrganizationEvent
from subscriptions.log import organization_topic
from subscriptions.streams import Caller, Opened, Parts, Stream, register, subscribe


def _loader(organization: int, wanted: frozenset[EventType] | None) -> Any:
    async def load(event: Event) -> Parts | None:
        parts = [
            (found.position.part, OrganizationEvent.from_feed(found))
            for found in await feed.expand([event], organization)
            if wanted is None or found.type in wanted
        ]
        return Parts(parts) if parts else None

    return load


async def _open(caller: Caller, arguments: Mapping[str, Any]) -> Opened:
    viewer = caller.require_viewer()
    organization = access.feed_organization(viewer)
    after = arguments.get("after")
    position = Position.parse(after) if after is not None else None
    types: Collection[EventType] | None = arguments.get("types")
    wanted = frozenset(types) if types else None
    opened = Opened.of(
        viewer, organization_topic(organization), after=position.seq if position else None
    )
    return Opened(
        topic=opened.topic,
        scope=opened.scope,
        visible=opened.visible,
        after=opened.after,
        after_part=position.part if position else None,
        load=_loader(organization, wanted),
        load_key=(organization, wanted),
    )


async def _each_subscriber_loads_its_own(event: Event) -> None:
    raise AssertionError("the feed's roots come from each subscriber's Opened.load")


ORGANIZATION_EVENTS = register(
    Stream(
        name="organizationEvents",
        kinds=frozenset(EXPANDERS),
        open=_open,
        load=_each_subscriber_loads_its_own,
    )
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
        types: list[EventType] | None = None,
    ) -> AsyncGenerator[OrganizationEvent, None]:
        arguments = {"after": after, "types": types}
        async for event in subscribe(ORGANIZATION_EVENTS, info.context, arguments):
            yield event
