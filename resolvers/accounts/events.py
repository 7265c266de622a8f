"""The events of accounts: revocations of credentials (login tokens and API keys).

They are seen by no one: every process's sockets signed in with a credential wake up on the
`credentials` topic and close at once if theirs died (api/credential_watch.py)."""

from __future__ import annotations

import datetime as dt

from models.events import EventKind
from subscriptions.log import Audience, Recorder
from subscriptions.topics import Topic

CREDENTIALS_TOPIC = Topic("credentials")


async def record_revocation(
    log: Recorder, *, kind: EventKind, subject_id: int, at: dt.datetime
) -> None:
    await log.append(
        kind=kind,
        subject_id=subject_id,
        topics=[CREDENTIALS_TOPIC],
        audience=Audience(staff=False),
        occurred_at=at,
    )
