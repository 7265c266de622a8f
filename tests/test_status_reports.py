"""E-mail status reports through a real SMTP server in-process (aiosmtpd): a milestone mail and
a daily digest arrive once each, with the waybill, the tracking link and a working unsubscribe
link, and nothing internal."""

from __future__ import annotations

import asyncio
import datetime as dt
import email
import re
from email.message import EmailMessage
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller

from models import clock
from models.integrations.tables import ReportCadence, WebhookEndpoint
from models.shipments.tables import EventClassifier, ShipmentStatus, TrackingEventType
from resolvers.accounts.users import viewer_for_token
from resolvers.integrations import reports
from resolvers.integrations.worker import delivering
from resolvers.shipments.tracking import record_tracking_event
from tests.conftest import settings_with
from tests.graphql import gql
from tests.processes import free_port
from tests.shipping import gid

SUBSCRIBE = """
mutation ($input: SubscribeStatusReportsInput!) {
  subscribeStatusReports(input: $input) {
    subscription { id email cadence digestHour timezone shipment { waybill } }
    errors { field message code }
  }
}
"""
INTERNAL = "internal: call the carrier's boss"


class Inbox:
    def __init__(self) -> None:
        self.mails: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        self.mails.append(email.message_from_bytes(envelope.content, policy=default_policy))
        return "250 Message accepted for delivery"


@pytest.fixture
def inbox():
    box = Inbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    box.port = controller.port  # type: ignore[attr-defined]
    yield box
    controller.stop()


def mail_settings(inbox: Inbox):
    return settings_with(
        delivery_poll_seconds=0.05,
        smtp_host="127.0.0.1",
        smtp_port=inbox.port,  # type: ignore[attr-defined]
        smtp_tls="none",
        public_url="https://cargolive.example.com",
    )


async def until(check, seconds: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    for _ in range(int(seconds / 0.05)):
        if check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"not reached within {seconds} s")


async def milestone(dispatcher, shipment_id: int, event: TrackingEventType) -> None:  # type: ignore[no-untyped-def]
    await record_tracking_event(
        viewer=await viewer_for_token(dispatcher.token),
        event=event,
        classifier=EventClassifier.ACTUAL,
        shipment_id=shipment_id,
        description=INTERNAL,
    )


def parts(mail: EmailMessage) -> tuple[str, str]:
    text = mail.get_body(("plain",))
    markup = mail.get_body(("html",))
    assert text is not None and markup is not None
    return text.get_content(), markup.get_content()


def unsubscribe_path(text: str) -> str:
    (link,) = re.findall(r"https://cargolive\.example\.com(/reports/unsubscribe\?\S+)", text)
    return link


async def test_a_milestone_mail_arrives_once_and_its_link_unsubscribes(
    client, make, dealer, dispatcher, inbox
):
    watched = await make.shipment(
        customer=dealer.organization_id, status=ShipmentStatus.PICKUP_SCHEDULED
    )
    other = await make.shipment(
        customer=dealer.organization_id, status=ShipmentStatus.PICKUP_SCHEDULED
    )
    subscribed = await gql(
        client,
        SUBSCRIBE,
        {
            "input": {
                "email": "ops@dealer.example",
                "cadence": "MILESTONE",
                "shipmentId": gid("Shipment", watched.id),
            }
        },
        token=dealer.token,
    )
    assert subscribed["data"]["subscribeStatusReports"]["errors"] == []
    async with delivering(mail_settings(inbox)) as deliverer:
        await record_tracking_event(  # an estimate is no milestone
            viewer=await viewer_for_token(dispatcher.token),
            event=TrackingEventType.ARRIVED,
            classifier=EventClassifier.ESTIMATED,
            shipment_id=watched.id,
        )
        await milestone(dispatcher, other.id, TrackingEventType.PICKED_UP)  # not this one
        await milestone(dispatcher, watched.id, TrackingEventType.PICKED_UP)
        await until(lambda: inbox.mails)
        assert deliverer is not None
        await asyncio.sleep(0.3)
        await deliverer.idle()
    (mail,) = inbox.mails
    assert mail["To"] == "ops@dealer.example"
    assert watched.waybill in mail["Subject"]
    text, markup = parts(mail)
    for body in (text, markup):
        assert watched.waybill in body
        assert f"https://cargolive.example.com/track/{watched.waybill}" in body
        assert other.waybill not in body
        assert INTERNAL not in body and "Picked up" in body
    path = unsubscribe_path(text)
    assert mail["List-Unsubscribe"] == f"<https://cargolive.example.com{path}>"
    page = await client.get(path)
    assert page.status_code == 200 and "<form" in page.text
    assert await WebhookEndpoint.filter(email="ops@dealer.example").exists()  # GET alone: no
    done = await client.post(path)
    assert done.status_code == 200 and "Unsubscribed" in done.text
    assert not await WebhookEndpoint.filter(email="ops@dealer.example").exists()
    assert (await client.post(path)).status_code == 404
    forged = path[:-4] + ("0000" if not path.endswith("0000") else "1111")
    assert (await client.post(forged)).status_code == 404


async def test_a_daily_digest_arrives_once_at_its_local_hour_also_after_a_restart(
    make, dealer, dispatcher, inbox
):
    shipments = [
        await make.shipment(customer=dealer.organization_id, status=ShipmentStatus.PICKUP_SCHEDULED)
        for _ in range(2)
    ]
    subscription = await reports.subscribe(
        viewer=await viewer_for_token(dealer.token),
        email="digest@dealer.example",
        cadence=ReportCadence.DAILY_DIGEST,
        digest_hour=7,
        timezone="Europe/Rome",
    )
    due = subscription.next_attempt_at
    assert due is not None and due.astimezone(dt.UTC).hour in {5, 6}  # 07:00 in Rome
    settings = mail_settings(inbox)
    async with delivering(settings):
        for shipment in shipments:
            await milestone(dispatcher, shipment.id, TrackingEventType.PICKED_UP)
        await asyncio.sleep(0.5)
        assert inbox.mails == []  # not before its hour
        with clock.travel(due + dt.timedelta(minutes=1)):
            await until(lambda: inbox.mails)
            await asyncio.sleep(0.5)
    with clock.travel(due + dt.timedelta(minutes=2)):
        async with delivering(settings):  # a restart sends nothing again
            await asyncio.sleep(0.5)
    (mail,) = inbox.mails
    assert mail["Subject"] == "Daily status report: 2 milestones"
    text, markup = parts(mail)
    for shipment in shipments:
        assert shipment.waybill in text and shipment.waybill in markup
    assert INTERNAL not in text
    row = await WebhookEndpoint.get(id=subscription.id)
    assert row.next_attempt_at == due + dt.timedelta(days=1)
    assert unsubscribe_path(text).startswith(f"/reports/unsubscribe?s={subscription.id}&sig=")


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"email": "not-an-address", "cadence": "MILESTONE"}, ["input", "email"]),
        ({"email": "a@b.example", "cadence": "DAILY_DIGEST"}, ["input", "digestHour"]),
        (
            {"email": "a@b.example", "cadence": "DAILY_DIGEST", "digestHour": 24},
            ["input", "digestHour"],
        ),
        (
            {
                "email": "a@b.example",
                "cadence": "DAILY_DIGEST",
                "digestHour": 7,
                "timezone": "Mars/Base",
            },
            ["input", "timezone"],
        ),
    ],
)
async def test_bad_subscriptions_are_refused_naming_the_field(client, dealer, values, field):
    result = await gql(client, SUBSCRIBE, {"input": values}, token=dealer.token)
    (error,) = result["data"]["subscribeStatusReports"]["errors"]
    assert error["field"] == field and error["code"] == "INVALID_INPUT"
    assert await WebhookEndpoint.all().count() == 0


async def test_another_organizations_shipment_is_not_found(client, make, dealer, other_dealer):
    theirs = await make.shipment(customer=other_dealer.organization_id)
    values = {
        "email": "a@b.example",
        "cadence": "MILESTONE",
        "shipmentId": gid("Shipment", theirs.id),
    }
    result = await gql(client, SUBSCRIBE, {"input": values}, token=dealer.token)
    (error,) = result["data"]["subscribeStatusReports"]["errors"]
    assert error["code"] == "NOT_FOUND" and error["field"] == ["input", "shipmentId"]
