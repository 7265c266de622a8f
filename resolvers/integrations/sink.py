"""What an endpoint's kind must do for the delivery worker (resolvers/integrations/deliveries.py):
webhook_sink.py POSTs each event, mail_sink.py mails a milestone or a digest."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from models.integrations.tables import WebhookEndpoint
from resolvers.integrations.delivery_log import Outcome
from resolvers.integrations.reads import FeedEvent


class Sink(Protocol):
    """How one kind of endpoint takes events: a webhook POST, a mail."""

    def wants(self, endpoint: WebhookEndpoint, event: FeedEvent) -> bool: ...

    def digest_due(self, endpoint: WebhookEndpoint) -> dt.datetime | None:
        """For a digest endpoint, when the one after this one is due; None: one per event."""

    async def send(self, endpoint: WebhookEndpoint, events: list[FeedEvent]) -> Outcome: ...
