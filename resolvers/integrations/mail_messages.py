"""The text of status report mails: the waybill, the milestone, the public tracking link and
the unsubscribe link, in plain text and HTML. Nothing internal: no names, money or notes."""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any
from zoneinfo import ZoneInfo

from models.integrations.tables import EventType, ReportCadence, WebhookEndpoint
from models.shipments.rules import STATUS_BY_EVENT
from models.shipments.tables import TrackingEventType
from resolvers.integrations.reads import FeedEvent

MILESTONES = frozenset(event.value for event in STATUS_BY_EVENT)


@dataclass(frozen=True, slots=True)
class Milestone:
    waybill: str
    status: str | None
    event: str
    occurred_at: dt.datetime
    place: str | None


def milestones(event: FeedEvent, shipment_id: str | None = None) -> list[Milestone]:
    """The milestone a feed event reports: an actual milestone's TRACKING_EVENT_RECORDED (one
    per shipment), only of shipment `shipment_id` (a global id) when given."""
    if event.type is not EventType.TRACKING_EVENT_RECORDED:
        return []
    data: dict[str, Any] = event.data
    if data["classifier"] != "ACTUAL" or data["eventType"] not in MILESTONES:
        return []
    if shipment_id is not None and data["shipmentId"] != shipment_id:
        return []
    place = data["location"]
    return [
        Milestone(
            waybill=data["waybill"],
            status=data["status"],
            event=data["eventType"],
            occurred_at=dt.datetime.fromisoformat(data["occurredAt"]),
            place=place["name"] if place else None,
        )
    ]


def _label(name: str) -> str:
    return name.replace("_", " ").capitalize()


def _when(moment: dt.datetime, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M %Z")


def _line(item: Milestone, zone: str, base: str) -> tuple[str, str]:
    where = f" at {item.place}" if item.place else ""
    what = f"{_label(TrackingEventType(item.event).value)}{where}, {_when(item.occurred_at, zone)}"
    link = f"{base}/track/{item.waybill}"
    status = f" Status: {_label(item.status)}." if item.status else ""
    text = f"Waybill {item.waybill}: {what}.{status}\n  Track it: {link}"
    markup = (
        f"<li><strong>Waybill {html.escape(item.waybill)}</strong>: {html.escape(what)}."
        f"{html.escape(status)} "
        f'<a href="{html.escape(link)}">Track it</a></li>'
    )
    return text, markup


def report(
    endpoint: WebhookEndpoint,
    items: list[Milestone],
    *,
    sender: str,
    base_url: str,
    unsubscribe_url: str,
    message_key: str,
) -> EmailMessage:
    zone = endpoint.timezone or "UTC"
    digest = endpoint.cadence is ReportCadence.DAILY_DIGEST
    if digest:
        subject = f"Daily status report: {len(items)} milestone{'s' if len(items) != 1 else ''}"
    else:
        subject = f"Waybill {items[0].waybill}: {_label(items[0].event)}"
    lines = [_line(item, zone, base_url) for item in items]
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = endpoint.email
    message["Date"] = format_datetime(dt.datetime.now(dt.UTC))
    # Stable per delivery: a mail sent again after a crash is recognisably the same mail.
    message["Message-ID"] = f"<report.{message_key}@cargolive>"
    message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    intro = "Status of your shipments" if digest else "A shipment reached a milestone"
    text = "\n\n".join([f"{intro}:", *[t for t, _ in lines]])
    text += f"\n\nUnsubscribe from these reports: {unsubscribe_url}\n"
    message.set_content(text)
    items_html = "".join(m for _, m in lines)
    message.add_alternative(
        f"<html><body><p>{html.escape(intro)}:</p><ul>{items_html}</ul>"
        f'<p><a href="{html.escape(unsubscribe_url)}">Unsubscribe from these reports</a></p>'
        "</body></html>",
        subtype="html",
    )
    return message
