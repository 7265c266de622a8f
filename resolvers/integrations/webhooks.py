"""Webhook endpoints of an organization: create, change, rotate, replay, delete, list.

An organization's users manage its endpoints (an API key needs the WEBHOOKS scope); any other
organization's endpoint answers NOT_FOUND, exactly like one that does not exist.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from tortoise.transactions import in_transaction

from models import clock
from models.accounts.tables import Organization
from models.enums import ErrorCode
from models.integrations.tables import (
    DeliveryStatus,
    EndpointKind,
    WebhookDelivery,
    WebhookEndpoint,
)
from models.viewer import Viewer
from resolvers.access import writer
from resolvers.errors import DomainError, invalid
from resolvers.integrations.access import own_endpoint
from resolvers.integrations.addresses import check_host, check_url
from resolvers.integrations.cursor import Position
from resolvers.integrations.signing import new_secret
from subscriptions.reader import latest_seq

MAX_ENDPOINTS = 10
MAX_EVENT_TYPES = 100
ROTATION_OVERLAP = dt.timedelta(hours=24)
URL_FIELD = ["input", "url"]


def _event_types(types: Sequence[str] | None) -> list[str]:
    if types is None:
        return []
    if len(types) > MAX_EVENT_TYPES:
        raise invalid(["input", "eventTypes"], f"must list at most {MAX_EVENT_TYPES} types")
    return sorted(set(types))


async def create_endpoint(
    *, viewer: Viewer | None, url: str, event_types: Sequence[str] | None, production: bool
) -> tuple[WebhookEndpoint, str]:
    """The new endpoint and its secret (shown this once). It receives the events committed
    from now on; `replayWebhookEvents` brings earlier ones."""
    viewer = writer(viewer)
    url = check_url(url, production=production, field=URL_FIELD)
    types = _event_types(event_types)
    await check_host(url, production=production, field=URL_FIELD)
    secret = new_secret()
    now = clock.now()
    async with in_transaction() as connection:
        # The organization's row is the lock that makes "at most 10" hold when two race.
        await (
            Organization.filter(id=viewer.organization_id)
            .select_for_update()
            .using_db(connection)
            .first()
        )
        count = (
            await WebhookEndpoint.filter(
                organization_id=viewer.organization_id, kind=EndpointKind.WEBHOOK
            )
            .using_db(connection)
            .count()
        )
        if count >= MAX_ENDPOINTS:
            raise DomainError(
                ErrorCode.LIMIT_EXCEEDED,
                f"an organization has at most {MAX_ENDPOINTS} webhook endpoints",
                ["input"],
            )
        endpoint = await WebhookEndpoint.create(
            organization_id=viewer.organization_id,
            kind=EndpointKind.WEBHOOK,
            url=url,
            event_types=types,
            secret=secret,
            cursor=await latest_seq(),
            created_by_id=viewer.user_id,
            created_at=now,
            updated_at=now,
            using_db=connection,
        )
    return endpoint, secret


async def update_endpoint(
    *,
    viewer: Viewer | None,
    endpoint_id: int,
    url: str | None,
    event_types: Sequence[str] | None,
    enabled: bool | None,
    production: bool,
) -> WebhookEndpoint:
    viewer = writer(viewer)
    endpoint = await own_endpoint(viewer, endpoint_id)
    changes: dict[str, object] = {}
    if url is not None:
        changes["url"] = check_url(url, production=production, field=URL_FIELD)
        await check_host(changes["url"], production=production, field=URL_FIELD)  # type: ignore[arg-type]
    if event_types is not None:
        changes["event_types"] = _event_types(event_types)
    if enabled is True and not endpoint.enabled:
        # Resumes where it stopped: the event that failed last is the first one sent again.
        changes |= {"enabled": True, "disabled_reason": None, "failing_since": None}
        changes |= {"next_attempt_at": None}
    elif enabled is False:
        changes |= {"enabled": False, "disabled_reason": None}
    if changes:
        changes["updated_at"] = clock.now()
        await WebhookEndpoint.filter(id=endpoint.id).update(**changes)
        await endpoint.refresh_from_db()
    return endpoint


async def delete_endpoint(*, viewer: Viewer | None, endpoint_id: int) -> WebhookEndpoint:
    viewer = writer(viewer)
    endpoint = await own_endpoint(viewer, endpoint_id)
    await WebhookEndpoint.filter(id=endpoint.id).delete()
    return endpoint


async def rotate_secret(*, viewer: Viewer | None, endpoint_id: int) -> tuple[WebhookEndpoint, str]:
    """A new secret; the one it replaces stays valid, and signs too, for 24 hours."""
    viewer = writer(viewer)
    endpoint = await own_endpoint(viewer, endpoint_id)
    secret = new_secret()
    now = clock.now()
    await WebhookEndpoint.filter(id=endpoint.id).update(
        secret=secret,
        previous_secret=endpoint.secret,
        previous_secret_until=now + ROTATION_OVERLAP,
        updated_at=now,
    )
    await endpoint.refresh_from_db()
    return endpoint, secret


async def replay(*, viewer: Viewer | None, endpoint_id: int, after: str) -> WebhookEndpoint:
    """Delivers again, in order, every event after the feed cursor `after` (with the
    webhook-ids they had: a receiver that kept them can tell a replayed event from a new one)."""
    viewer = writer(viewer)
    endpoint = await own_endpoint(viewer, endpoint_id, "endpointId")
    position = Position.parse(after)
    if position.seq > await latest_seq():
        raise invalid(["after"], "is past the newest event: nothing to replay")
    now = clock.now()
    async with in_transaction() as connection:
        # Taking the lease away stops a process delivering it now at its next write.
        await (
            WebhookEndpoint.filter(id=endpoint.id)
            .using_db(connection)
            .update(
                cursor=position.seq,
                cursor_part=position.part,
                failing_since=None,
                next_attempt_at=None,
                lease_owner=None,
                lease_until=None,
                updated_at=now,
            )
        )
        await (
            WebhookDelivery.filter(endpoint_id=endpoint.id, status=DeliveryStatus.PENDING)
            .using_db(connection)
            .update(
                status=DeliveryStatus.FAILED, next_attempt_at=None, error="replaced by a replay"
            )
        )
    await endpoint.refresh_from_db()
    return endpoint
