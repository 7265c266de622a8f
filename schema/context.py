"""What every resolver receives in `info.context`, over HTTP and WebSocket alike."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from strawberry.types import Info as StrawberryInfo

from models.viewer import Viewer
from resolvers.access import signed_in
from resolvers.loaders import Loaders


@dataclass
class Context:
    viewer: Viewer | None
    settings: Any
    request: Any = None
    response: Any = None
    loaders: Loaders = field(default_factory=Loaders)
    # Asks the client's rate limit for one more `action`; False when the client is over it.
    allow: Callable[[str], Awaitable[bool]] | None = None
    connection_params: dict[str, Any] | None = None
    rejected_token: bool = False
    # The bearer token the viewer came from: a socket looks its viewer up again with it.
    token: str | None = None

    def require_viewer(self) -> Viewer:
        return signed_in(self.viewer)


Info = StrawberryInfo[Context, None]
