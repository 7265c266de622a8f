"""Status report mails on the durable delivery: through SMTP (aiosmtplib), or, on the embedded
default, as .eml files in a folder whose paths are logged, so no mail server is needed."""

from __future__ import annotations

import datetime as dt
import logging
import time
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Protocol

import aiosmtplib

from models import clock
from models.ids import to_global_id
from models.integrations.tables import ReportCadence, WebhookEndpoint
from resolvers.integrations.delivery_log import Outcome
from resolvers.integrations.mail_messages import milestones, report
from resolvers.integrations.reads import FeedEvent
from resolvers.integrations.reports import next_digest, unsubscribe_signature

log = logging.getLogger("cargolive.mail")


class MailTransport(Protocol):
    async def send(self, message: EmailMessage, key: str) -> None: ...


class SmtpTransport:
    def __init__(self, settings: Any) -> None:
        self.settings = settings

    async def send(self, message: EmailMessage, key: str) -> None:
        s = self.settings
        await aiosmtplib.send(
            message,
            hostname=s.smtp_host,
            port=s.smtp_port,
            username=s.smtp_user,
            password=s.smtp_password,
            use_tls=s.smtp_tls == "tls",
            start_tls=s.smtp_tls == "starttls",
            timeout=s.webhook_timeout_seconds,
        )


class FolderTransport:
    def __init__(self, folder: str) -> None:
        self.folder = Path(folder)

    async def send(self, message: EmailMessage, key: str) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{key}.eml"
        path.write_bytes(bytes(message))
        log.info("status report mail written to %s", path.resolve())


def transport_for(settings: Any) -> MailTransport:
    if settings.smtp_host:
        return SmtpTransport(settings)
    return FolderTransport(settings.mail_folder)


class MailSink:
    def __init__(self, transport: MailTransport, *, sender: str, base_url: str) -> None:
        self.transport = transport
        self.sender = sender
        self.base_url = base_url

    def _shipment(self, endpoint: WebhookEndpoint) -> str | None:
        return (
            None if endpoint.shipment_id is None else to_global_id("Shipment", endpoint.shipment_id)
        )

    def wants(self, endpoint: WebhookEndpoint, event: FeedEvent) -> bool:
        return bool(milestones(event, self._shipment(endpoint)))

    def digest_due(self, endpoint: WebhookEndpoint) -> dt.datetime | None:
        if endpoint.cadence is not ReportCadence.DAILY_DIGEST:
            return None
        assert endpoint.digest_hour is not None  # set with the cadence
        return next_digest(endpoint.digest_hour, endpoint.timezone or "UTC", clock.now())

    def unsubscribe_url(self, endpoint: WebhookEndpoint) -> str:
        signature = unsubscribe_signature(endpoint)
        return f"{self.base_url}/reports/unsubscribe?s={endpoint.id}&sig={signature}"

    async def send(self, endpoint: WebhookEndpoint, events: list[FeedEvent]) -> Outcome:
        shipment = self._shipment(endpoint)
        items = [item for event in events for item in milestones(event, shipment)]
        head = events[-1].position
        key = f"{endpoint.id}.{head.seq}.{head.part}"
        message = report(
            endpoint,
            items,
            sender=self.sender,
            base_url=self.base_url,
            unsubscribe_url=self.unsubscribe_url(endpoint),
            message_key=key,
        )
        started = time.perf_counter()
        try:
            await self.transport.send(message, key)
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
            took = round((time.perf_counter() - started) * 1000)
            return Outcome(False, took, error=f"{type(error).__name__}: {error}"[:1024])
        return Outcome(True, round((time.perf_counter() - started) * 1000))
