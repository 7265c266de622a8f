"""E-mail status reports (seed 001 F): subscribe an address to one shipment or all of an
organization's, per milestone or as a daily digest at a local hour; unsubscribe by the API or
by the signed link in every mail (no login needed).

A subscription is an endpoint of kind EMAIL on the same durable delivery as webhooks: its
cursor, retries and attempts are rows, so a restart never sends a digest twice nor misses a
milestone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from models import clock
from models.enums import Role
from models.integrations.tables import EndpointKind, ReportCadence, WebhookEndpoint
from models.shipments.tables import Shipment
from models.support.tables import DealerDesk
from models.viewer import Viewer
from resolvers.access import writer
from resolvers.errors import invalid, not_found
from resolvers.integrations.access import visible_subscriptions
from resolvers.integrations.signing import new_secret
from subscriptions.reader import latest_seq

MAX_SUBSCRIPTIONS = 50
EMAIL_FIELD = ["input", "email"]


def unsubscribe_signature(endpoint: WebhookEndpoint) -> str:
    """Signs the subscription's id with its own secret: the link works without a login, and
    only for the address it was sent to."""
    message = f"unsubscribe:{endpoint.id}".encode()
    return hmac.new(endpoint.secret.encode(), message, hashlib.sha256).hexdigest()


def next_digest(hour: int, zone: str, after: dt.datetime) -> dt.datetime:
    """The next `hour`:00 local time strictly after `after`, in UTC."""
    local = after.astimezone(ZoneInfo(zone))
    due = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    if due <= local:
        due = (local + dt.timedelta(days=1)).replace(hour=hour, minute=0, second=0, microsecond=0)
    return due.astimezone(dt.UTC)


def _email(address: str) -> str:
    address = address.strip()
    local, at, domain = address.rpartition("@")
    if not at or not local or "." not in domain or len(address) > 254 or " " in address:
        raise invalid(EMAIL_FIELD, "is not an e-mail address such as ops@dealer.example")
    if any(c in address for c in "\r\n<>,;"):
        raise invalid(EMAIL_FIELD, "must be one plain address")
    return address


def _zone(name: str | None) -> str:
    if name is None:
        return "UTC"
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise invalid(["input", "timezone"], f"{name!r} is not an IANA time zone") from None
    return name


async def _organization_of(viewer: Viewer, organization_id: int | None) -> int:
    """Whose shipments: the viewer's own organization, or one whose account manager it is."""
    if organization_id is None or organization_id == viewer.organization_id:
        if not viewer.is_dealer:
            raise invalid(["input", "organizationId"], "name the dealer organization to report on")
        return viewer.organization_id
    if viewer.is_admin:
        return organization_id
    managed = await DealerDesk.exists(
        organization_id=organization_id, account_manager_id=viewer.user_id
    )
    if viewer.role is not Role.ACCOUNT_MANAGER or not managed:
        raise not_found(["input", "organizationId"], "organization")
    return organization_id


async def subscribe(
    *,
    viewer: Viewer | None,
    email: str,
    cadence: ReportCadence,
    organization_id: int | None = None,
    shipment_id: int | None = None,
    digest_hour: int | None = None,
    timezone: str | None = None,
) -> WebhookEndpoint:
    viewer = writer(viewer)
    address = _email(email)
    organization = await _organization_of(viewer, organization_id)
    if shipment_id is not None and not await Shipment.exists(
        id=shipment_id, customer_id=organization
    ):
        raise not_found(["input", "shipmentId"], "shipment")
    zone = _zone(timezone)
    now = clock.now()
    due = None
    if cadence is ReportCadence.DAILY_DIGEST:
        if digest_hour is None or not 0 <= digest_hour <= 23:
            raise invalid(["input", "digestHour"], "a daily digest needs an hour from 0 to 23")
        due = next_digest(digest_hour, zone, now)
    elif digest_hour is not None:
        raise invalid(["input", "digestHour"], "is for daily digests only")
    count = await WebhookEndpoint.filter(
        organization_id=organization, kind=EndpointKind.EMAIL
    ).count()
    if count >= MAX_SUBSCRIPTIONS:
        raise invalid(
            ["input"], f"an organization has at most {MAX_SUBSCRIPTIONS} report subscriptions"
        )
    return await WebhookEndpoint.create(
        organization_id=organization,
        kind=EndpointKind.EMAIL,
        email=address,
        shipment_id=shipment_id,
        cadence=cadence,
        digest_hour=digest_hour,
        timezone=zone,
        secret=new_secret(),
        cursor=await latest_seq(),
        next_attempt_at=due,
        created_by_id=viewer.user_id,
        created_at=now,
        updated_at=now,
    )


async def unsubscribe(*, viewer: Viewer | None, subscription_id: int) -> WebhookEndpoint:
    viewer = writer(viewer)
    row = await visible_subscriptions(viewer).filter(id=subscription_id).first()
    if row is None:
        raise not_found(["id"], "report subscription")
    await WebhookEndpoint.filter(id=row.id).delete()
    return row


async def unsubscribe_by_link(subscription_id: int, signature: str) -> WebhookEndpoint | None:
    """The subscription the signed link ended, or None when the link is not a valid one
    (already unsubscribed answers the same: the link keeps working)."""
    row = await WebhookEndpoint.get_or_none(id=subscription_id, kind=EndpointKind.EMAIL)
    if row is None or not hmac.compare_digest(unsubscribe_signature(row), signature):
        return None
    await WebhookEndpoint.filter(id=row.id).delete()
    return row
