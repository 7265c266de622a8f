"""Writing a request's steps: the history row and its SERVICE_REQUEST event, in the use case's
transaction, on the staff queue's topic, the shipment's when there is one, and (by its
audience) the dealer's organization feed."""

from __future__ import annotations

import datetime as dt

from models.events import EventKind
from models.services.rules import RequestStatus
from models.services.tables import ServiceRequest, ServiceRequestChange
from resolvers.services.access import request_audience
from resolvers.shipments.events import shipment_topic
from resolvers.steps import log_step
from subscriptions.log import Recorder
from subscriptions.topics import Topic

SERVICES_TOPIC = Topic("services")  # every request's steps: the staff queues


def request_topics(request: ServiceRequest) -> list[Topic]:
    topics = [SERVICES_TOPIC]
    if request.shipment_id is not None:
        topics.append(shipment_topic(request.shipment_id))
    return topics


async def log_change(
    log: Recorder,
    request: ServiceRequest,
    *,
    previous: RequestStatus | None,
    by: int | None,
    note: str | None,
    at: dt.datetime,
) -> ServiceRequestChange:
    return await log_step(
        log,
        ServiceRequestChange,
        kind=EventKind.SERVICE_REQUEST,
        topics=request_topics(request),
        audience=request_audience(request),
        at=at,
        request_id=request.id,
        previous_status=previous,
        status=request.status,
        by_id=by,
        note=note,
    )
