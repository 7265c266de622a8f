"""The event-log rows of access decisions: open sockets apply them at once (api/access_watch.py).

A row goes into the decision's own transaction, so a socket learns of exactly what committed,
in commit order with every other event.
"""

from __future__ import annotations

from models import clock
from models.events import ACCESS_TOPIC, EventKind
from subscriptions.log import Audience, Recorder
from subscriptions.topics import Topic

NOBODY = Audience(orgs=frozenset(), staff=False)  # no stream shows these rows


async def access_changed(log: Recorder, kind: EventKind, subject_id: int = 0) -> None:
    await log.append(
        kind=kind,
        subject_id=subject_id,
        topics=[Topic(ACCESS_TOPIC)],
        audience=NOBODY,
        occurred_at=clock.now(),
    )


async def user_access_changed(log: Recorder, user_id: int) -> None:
    """A token of the user revoked, or its groups changed: its sockets check again."""
    await access_changed(log, EventKind.ACCESS_USER, user_id)


async def organization_access_changed(log: Recorder, organization_id: int) -> None:
    """The organization blocked or unblocked."""
    await access_changed(log, EventKind.ACCESS_ORG, organization_id)


async def staff_access_changed(log: Recorder) -> None:
    """Who serves whom changed (an account manager, a group): every staff socket checks."""
    await access_changed(log, EventKind.ACCESS_STAFF)
