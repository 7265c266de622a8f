"""Bearer credentials of every kind: who a login token or an API key stands for, which of the
credentials of open sockets still live, and when keys were last used (written in batches)."""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections import OrderedDict
from collections.abc import Collection

from tortoise.expressions import Q

from models import clock, sql
from models.events import ACCESS_TOPIC
from models.integrations.tables import ApiKey, ApiScope
from models.viewer import Viewer
from resolvers.accounts.events import CREDENTIALS_TOPIC
from resolvers.accounts.users import live_sessions, token_refusal, viewer_for_token, viewer_of_row
from resolvers.errors import Unauthenticated
from resolvers.integrations import key_secrets

Credential = tuple[str, int]  # ("token", access_token.id) or ("key", api_key.id)

_used: dict[int, dt.datetime] = {}  # key id -> last use not yet written


class Remembered:
    """The viewers of credentials accepted lately, so that a client's next request skips the
    look-up (a round trip, and a wait of the request's: bench/RESULTS.md, 2026-12-06).

    What a viewer is read from changes only with an event on one of `TOPICS`: a token or key
    revoked (`record_revocation`), an organization blocked or unblocked, who serves whom
    (`access_changed`); expiry is a time the viewer carries. Whoever hears of such an event
    calls `forget` (api/result_cache.py: this process's commits at once, the other processes'
    from the bus, and those the bus lost from the log within a second), and a look-up that
    began before it is not kept (`generation`). A viewer is remembered `max_age` seconds at
    most: a change written to the database by hand, with no event, counts after that, as it
    does for open sockets (`token_recheck_seconds`). Held by digest, not by the secret itself.
    """

    TOPICS = frozenset({CREDENTIALS_TOPIC.name, ACCESS_TOPIC})
    LIMIT = 10_000  # viewers remembered at most (the oldest go first)

    def __init__(self, limit: int = LIMIT, max_age: float = 15.0) -> None:
        self.limit = limit  # 0: remembers nothing
        self.max_age = max_age
        self.generation = 0
        self._viewers: OrderedDict[bytes, tuple[Viewer, float]] = OrderedDict()

    @staticmethod
    def _key(secret: str) -> bytes:
        return hashlib.blake2b(secret.encode(), digest_size=16).digest()

    def get(self, secret: str) -> Viewer | None:
        key = self._key(secret)
        found = self._viewers.get(key)
        if found is None:
            return None
        viewer, until = found
        if until <= time.monotonic() or (
            viewer.expires_at is not None and viewer.expires_at <= clock.now()
        ):
            del self._viewers[key]  # the look-up says why it is refused
            return None
        return viewer

    def keep(self, secret: str, viewer: Viewer, generation: int) -> None:
        """Remembers `viewer`, read by a look-up that began at `generation`."""
        if generation != self.generation or not self.limit:
            return
        self._viewers[self._key(secret)] = (viewer, time.monotonic() + self.max_age)
        while len(self._viewers) > self.limit:
            self._viewers.popitem(last=False)

    def forget(self) -> None:
        self.generation += 1
        self._viewers.clear()

    def __len__(self) -> int:
        return len(self._viewers)


async def viewer_for_bearer(
    secret: str, *, pepper: str, remembered: Remembered | None = None
) -> Viewer | None:
    """The viewer of a login token or an API key; None when unknown, expired or revoked.
    `remembered`: viewers accepted before, asked first and told of this one."""
    viewer = remembered.get(secret) if remembered is not None else None
    if viewer is None:
        generation = remembered.generation if remembered is not None else 0
        if key_secrets.is_key(secret):
            viewer = await viewer_for_api_key(secret, pepper=pepper)
        else:
            viewer = await viewer_for_token(secret)
        if viewer is None:
            return None
        if remembered is not None:
            remembered.keep(secret, viewer, generation)
    if viewer.api_key_id is not None:
        note_use(viewer.api_key_id)
    return viewer


async def refusal(secret: str, *, pepper: str) -> Unauthenticated:
    """Why `secret`, which `viewer_for_bearer` did not accept, is refused: the error a client
    is told, with its reason (expired, revoked, invalid or malformed)."""
    if not secret.startswith((key_secrets.LIVE_PREFIX, key_secrets.TEST_PREFIX)):
        return await token_refusal(secret)
    if not key_secrets.is_key(secret):  # the checksum: a typo or a truncated copy
        return Unauthenticated("the API key is mistyped or cut short", "malformed")
    key = await ApiKey.get_or_none(secret_hash=key_secrets.secret_hash(secret, pepper))
    if key is None:
        return Unauthenticated("the API key is not one this service gave out", "invalid")
    if key.revoked_at is not None:
        return Unauthenticated("the API key was revoked", "revoked")
    if key.expires_at is not None and key.expires_at <= clock.now():
        return Unauthenticated(f"the API key expired at {key.expires_at.isoformat()}", "expired")
    return Unauthenticated("the API key was refused", "invalid")


async def viewer_for_api_key(secret: str, *, pepper: str) -> Viewer | None:
    """One hand-written statement, like the token's: every request of a system asks it."""
    connection, p = sql.default()
    now = sql.db_value(ApiKey, "expires_at", clock.now())
    rows = await connection.execute_query_dict(
        f"""SELECT k.id, k.scopes, k.expires_at, u.id AS user_id, u.role,
                   o.id AS organization_id, o.kind, o.blocked
            FROM api_key k
            JOIN user_account u ON u.id = k.user_id
            JOIN organization o ON o.id = k.organization_id
            WHERE k.secret_hash = {p(key_secrets.secret_hash(secret, pepper))}
              AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > {p(now)})
            LIMIT 1""",
        p.values,
    )
    if not rows:
        return None
    row = rows[0]
    scopes = frozenset(ApiScope(s) for s in sql.python_value(ApiKey, "scopes", row["scopes"]))
    return viewer_of_row(row, ApiKey, api_key_id=row["id"], scopes=scopes)


async def live_credentials(
    credentials: Collection[Credential],
) -> dict[Credential, dt.datetime | None]:
    """Which of `credentials` still live, and until when (None: no expiry). A token lives on
    through its refreshes: its sign-in's newest token counts."""
    tokens = [number for kind, number in credentials if kind == "token"]
    keys = [number for kind, number in credentials if kind == "key"]
    live: dict[Credential, dt.datetime | None] = {}
    for token_id, until in (await live_sessions(tokens)).items():
        live[("token", token_id)] = until
    unexpired = Q(expires_at=None) | Q(expires_at__gt=clock.now())
    for start in range(0, len(keys), 1000):
        rows = await ApiKey.filter(
            unexpired, id__in=keys[start : start + 1000], revoked_at=None
        ).values_list("id", "expires_at")
        live.update({("key", key_id): until for key_id, until in rows})
    return live


def note_use(key_id: int) -> None:
    _used[key_id] = clock.now()


async def flush_use() -> int:
    """Writes the last use of every key served since the last flush: one UPDATE per key and
    flush, never one per request. Returns how many keys were written."""
    pending = dict(_used)
    _used.clear()
    for key_id, at in pending.items():
        later = Q(last_used_at=None) | Q(last_used_at__lt=at)  # processes flush in any order
        await ApiKey.filter(later, id=key_id).update(last_used_at=at)
    return len(pending)
