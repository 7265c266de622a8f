"""What every resolver receives in `info.context`, over HTTP and WebSocket alike."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from strawberry.types import Info as StrawberryInfo

from models.viewer import Viewer
from resolvers.access import signed_in
from resolvers.errors import Unauthenticated
from resolvers.loaders import Loaders


@dataclass
class Context:
    viewer: Viewer | None
    settings: Any
    request: Any = None
    response: Any = None
    loaders: Loaders = field(default_factory=Loaders)
    # Asks the rate limit for one more `action` of this client's address (or of the `who` given,
    # such as an API key's id); False when it is over the limit.
    allow: Callable[..., Awaitable[bool]] | None = None
    connection_params: dict[str, Any] | None = None
    # A credential sent on the socket's upgrade request but refused: told at connection_init.
    refused: Unauthenticated | None = None
    # The bearer token the viewer came from: a socket looks its viewer up again with it.
    token: str | None = None
    # The topics of the declared objects this execution completed, while the result cache
    # records them (schema/caching.py); None otherwise.
    reads: set[str] | None = None
    # A socket group's roots (subscriptions.streams.Feed): the Subscription field yields them.
    feed: Any = None

    def require_viewer(self) -> Viewer:
        return signed_in(self.viewer)


Info = StrawberryInfo[Context, None]
