"""What an API key may run, in one place: every query and subscription needs READ, every
mutation WRITE, and the fields named here the scope they name. A person's viewer has no scopes
and passes; what its role allows is checked by each use case, for persons and keys alike."""

from __future__ import annotations

from collections.abc import Iterable

from models.integrations.tables import ApiScope
from models.viewer import Viewer

# Root fields that need a scope other than their operation's (webhook endpoints, next issue).
FIELD_SCOPES: dict[str, ApiScope] = {
    "webhookEndpoints": ApiScope.WEBHOOKS,
    "createWebhookEndpoint": ApiScope.WEBHOOKS,
    "updateWebhookEndpoint": ApiScope.WEBHOOKS,
    "deleteWebhookEndpoint": ApiScope.WEBHOOKS,
    "rotateWebhookSecret": ApiScope.WEBHOOKS,
    "replayWebhookEvents": ApiScope.WEBHOOKS,
}
OPERATION_SCOPES = {
    "query": ApiScope.READ,
    "subscription": ApiScope.READ,
    "mutation": ApiScope.WRITE,
}
ALWAYS_ALLOWED = frozenset({"__typename", "__schema", "__type"})


def refusal(viewer: Viewer | None, operation: str, fields: Iterable[str]) -> str | None:
    """Why `viewer` may not run these root `fields` of an `operation`, or None when it may."""
    if viewer is None or viewer.scopes is None:
        return None
    for name in fields:
        if name in ALWAYS_ALLOWED:
            continue
        needed = FIELD_SCOPES.get(name, OPERATION_SCOPES[operation])
        if not viewer.may(needed):
            held = ", ".join(sorted(scope.value for scope in viewer.scopes)) or "none"
            return f"{name} needs an API key with scope {needed.value} (this key has: {held})"
    return None
