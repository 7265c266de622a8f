"""The credentials of open sockets are re-checked together; each socket closes when its dies."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from api.credential_watch import CredentialWatch
from models.accounts.tables import AccessToken
from models.enums import Role
from resolvers.accounts.users import revoke_token, token_digest


async def token_id(token: str) -> int:
    return (await AccessToken.get(token_hash=token_digest(token))).id


@dataclass(eq=False)
class Socket:
    name: str
    log: list[str]
    until: list[dt.datetime | None] = field(default_factory=list)

    def credential_dead(self) -> None:
        self.log.append(self.name)

    def credential_until(self, until: dt.datetime | None) -> None:
        self.until.append(until)


async def test_one_check_calls_back_only_the_sockets_of_dead_tokens(make):
    user = await make.user(Role.DEALER)
    kept, revoked = await make.token(user), await make.token(user)
    closed: list[str] = []
    watch = CredentialWatch(interval=3600)
    alive = Socket("kept", closed)
    watch.add(("token", await token_id(kept)), alive)
    watch.add(("token", await token_id(revoked)), Socket("revoked, first socket", closed))
    watch.add(("token", await token_id(revoked)), Socket("revoked, second socket", closed))

    await revoke_token(revoked)
    await watch.check()

    assert sorted(closed) == ["revoked, first socket", "revoked, second socket"]
    assert list(watch.watched) == [("token", await token_id(kept))]
    kept_row = await AccessToken.get(id=await token_id(kept))
    assert alive.until[-1] == kept_row.expires_at


async def test_the_watch_stops_with_its_last_socket(make):
    token = await make.token(await make.user(Role.DEALER))
    watch = CredentialWatch(interval=3600)
    socket = Socket("only", [])
    watch.add(("token", await token_id(token)), socket)
    task = watch._task
    assert task is not None and not task.done()

    watch.discard(("token", await token_id(token)), socket)

    assert watch.watched == {} and task.cancelling()
