"""Who a socket is signed in as, kept current: the token given at `connection_init` (or on the
upgrade request), looked up again for every operation and whenever an access decision
concerns it (api/access_watch.py); a revoked or expired token closes the socket with 4403."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from api import access_watch
from api.auth import bearer
from api.token_watch import TokenWatch, watch
from models import clock
from models.viewer import Viewer
from resolvers.accounts.users import viewer_for_token

if TYPE_CHECKING:
    from api.settings import Settings
    from api.websocket import Operation
    from schema.context import Context

TOKEN_GONE = "Forbidden: the token expired or was revoked"


class Closing(Exception):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


class SignedIn:
    """The part of a Connection that knows who is on the other end."""

    context: Context
    settings: Settings
    initialised: bool
    acknowledged: bool
    live: dict[str, Operation]
    _timers: list[asyncio.TimerHandle]
    _watched_token: int | None
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
            token = bearer(given[0])
            self.context.viewer = await viewer_for_token(token) if token else None
            if self.context.viewer is None:
                raise Closing(4403, "Forbidden: invalid, expired or revoked token")
            self.context.token = token
        elif self.context.rejected_token:
            raise Closing(4403, "Forbidden: invalid, expired or revoked token")
        if self.context.viewer is not None and self.context.viewer.token_id is not None:
            self._watch_token(self.context.viewer)
            self._watch_access(self.context.viewer)
        self.acknowledged = True
        await self.send({"type": "connection_ack"})

    def _watch_token(self, viewer: Viewer) -> None:
        """Closes the socket (4403) once its token expires or is revoked."""
        assert viewer.token_id is not None
        self._watched_token = viewer.token_id
        self._token_watch().add(viewer.token_id, self._token_dead)
        if viewer.expires_at is not None:
            left = (viewer.expires_at - clock.now()).total_seconds()
            loop = asyncio.get_running_loop()
            self._timers.append(loop.call_later(max(0.0, left), self._token_dead))

    def _token_watch(self) -> TokenWatch:
        return watch(self.settings.token_recheck_seconds)

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
        viewer = await viewer_for_token(self.context.token)
        if viewer is None:
            self._token_dead()
            return None
        self.context.viewer = viewer
        return viewer

    async def recheck(self) -> None:
        """An access decision concerns this socket: close it, or end what it may not see."""
        if await self._current_viewer() is None:
            return
        for operation in list(self.live.values()):
            await operation.recheck(self._fresh_context())
