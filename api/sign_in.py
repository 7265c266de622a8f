"""Who a socket is signed in as, kept current: the token given at `connection_init` (or on the
upgrade request), looked up again for every operation and whenever an access decision
concerns it (api/access_watch.py); a revoked or expired token closes the socket with 4403."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import TYPE_CHECKING, Any

from api import access_watch
from api.auth import credential
from api.credential_watch import CredentialWatch, watch
from models import clock
from models.viewer import Viewer
from resolvers.accounts.users import live_sessions
from resolvers.errors import Unauthenticated
from resolvers.integrations.credentials import refusal, viewer_for_bearer

if TYPE_CHECKING:
    from api.settings import Settings
    from api.websocket import Operation
    from schema.context import Context

TOKEN_GONE = "Forbidden: the token or API key expired or was revoked"
EXPIRY_MARGIN = 0.05  # seconds after an expiry before asking: the database agrees it passed


class Closing(Exception):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def refused_closing(refused: Unauthenticated) -> Closing:
    """4403 with the reason first: a close reason is cut at 123 bytes."""
    reason = f"Forbidden: {refused.reason or 'invalid'}: {refused.message}"
    return Closing(4403, reason.encode()[:123].decode(errors="ignore"))


class SignedIn:
    """The part of a Connection that knows who is on the other end."""

    context: Context
    settings: Settings
    initialised: bool
    acknowledged: bool
    live: dict[str, Operation]
    _timers: list[asyncio.TimerHandle]
    _watched: tuple[str, int] | None
    _expiry: asyncio.TimerHandle | None
    # who the socket signed in as: api/access_watch.py finds it by these
    user_id = organization_id = 0
    staff = False

    async def send(self, message: dict[str, Any]) -> None:
        raise NotImplementedError

    def close(self, code: int, reason: str) -> None:
        raise NotImplementedError

    def _fresh_context(self) -> Context:
        raise NotImplementedError

    async def _connection_init(self, message: dict[str, Any]) -> None:
        if self.initialised:
            raise Closing(4429, "Too many initialisation requests")
        self.initialised = True
        payload = message.get("payload")
        if payload is not None and not isinstance(payload, dict):
            raise Closing(4400, "Invalid message: connection_init payload must be an object")
        # Header names are case-insensitive, and so is this key: AUTHORIZATION is not anonymous.
        given = [value for key, value in (payload or {}).items() if key.lower() == "authorization"]
        if len(given) > 1:
            raise Closing(4400, "Invalid message: authorization given more than once")
        if given:
            try:
                self.context.token = credential(given[0])
                self.context.viewer = await self._sign_in(self.context.token)
            except Unauthenticated as refused:
                raise refused_closing(refused) from None
        elif self.context.refused is not None:
            raise refused_closing(self.context.refused)
        viewer = self.context.viewer
        if viewer is not None and viewer.api_key_id is not None:
            allow = self.context.allow
            if allow is not None and not await allow("apikey", str(viewer.api_key_id)):
                raise Closing(4429, "Too many requests: this API key is over its rate limit")
        if viewer is not None and viewer.credential is not None:
            self._watch_credential(viewer)
            self._watch_access(viewer)
        self.acknowledged = True
        await self.send({"type": "connection_ack"})

    async def _sign_in(self, token: str | None) -> Viewer | None:
        if token is None:
            return None
        viewer = await self._look_up(token)
        if viewer is None:
            raise await refusal(token, pepper=self.settings.api_key_pepper)
        return viewer

    async def _look_up(self, token: str) -> Viewer | None:
        return await viewer_for_bearer(token, pepper=self.settings.api_key_pepper)

    def _watch_credential(self, viewer: Viewer) -> None:
        """Closes the socket (4403) once its token or key expires or is revoked."""
        self._watched = viewer.credential
        assert self._watched is not None
        self._credential_watch().add(self._watched, self)
        self.credential_until(viewer.expires_at)

    def _credential_watch(self) -> CredentialWatch:
        return watch(self.settings.token_recheck_seconds)

    def credential_dead(self) -> None:
        self._token_dead()

    def credential_until(self, until: dt.datetime | None) -> None:
        """(Re)sets the expiry timer: at `until` the watch asks whether a refresh moved it."""
        if self._expiry is not None:
            self._expiry.cancel()
            self._expiry = None
        if until is not None:
            left = (until - clock.now()).total_seconds() + EXPIRY_MARGIN
            loop = asyncio.get_running_loop()
            self._expiry = loop.call_later(max(0.0, left), self._credential_watch().wake)

    def _token_dead(self) -> None:
        for operation in self.live.values():
            operation.ended = True
        self.close(4403, TOKEN_GONE)

    # -- the viewer as it is now: every operation, and every access decision (access_watch)

    def _watch_access(self, viewer: Viewer) -> None:
        self.user_id, self.organization_id = viewer.user_id, viewer.organization_id
        self.staff = viewer.is_staff
        if (watch := access_watch.current()) is not None:
            watch.sockets.add(self)

    async def _current_viewer(self) -> Viewer | None:
        """The viewer looked up again by its token: a block or a revocation counts at once."""
        if self.context.token is None:
            return self.context.viewer
        viewer = await self._look_up(self.context.token)
        if viewer is None and await self._refreshed():
            return self.context.viewer  # its token was refreshed: the sign-in lives on
        if viewer is None:
            self._token_dead()
            return None
        self.context.viewer = viewer
        return viewer

    async def _refreshed(self) -> bool:
        """True when the socket's token was refreshed and its sign-in has a live token."""
        watched = self._watched
        if watched is None or watched[0] != "token":
            return False
        return watched[1] in await live_sessions([watched[1]])

    async def recheck(self) -> None:
        """An access decision concerns this socket: close it, or end what it may not see."""
        if await self._current_viewer() is None:
            return
        for operation in list(self.live.values()):
            await operation.recheck(self._fresh_context())
