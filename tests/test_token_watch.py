"""The tokens of open sockets are re-checked together, and each socket closes when its dies."""

from __future__ import annotations

from api.token_watch import TokenWatch
from models.accounts.tables import AccessToken
from models.enums import Role
from resolvers.accounts.users import revoke_token, token_digest


async def token_id(token: str) -> int:
    return (await AccessToken.get(token_hash=token_digest(token))).id


async def test_one_check_calls_back_only_the_sockets_of_dead_tokens(make):
    user = await make.user(Role.DEALER)
    kept, revoked = await make.token(user), await make.token(user)
    closed: list[str] = []
    watch = TokenWatch(interval=3600)
    watch.add(await token_id(kept), lambda: closed.append("kept"))
    watch.add(await token_id(revoked), lambda: closed.append("revoked, first socket"))
    watch.add(await token_id(revoked), lambda: closed.append("revoked, second socket"))

    await revoke_token(revoked)
    await watch.check()

    assert sorted(closed) == ["revoked, first socket", "revoked, second socket"]
    assert list(watch.watched) == [await token_id(kept)]


async def test_the_watch_stops_with_its_last_socket(make):
    token = await make.token(await make.user(Role.DEALER))
    watch = TokenWatch(interval=3600)
    on_dead = lambda: None  # noqa: E731
    watch.add(await token_id(token), on_dead)
    task = watch._task
    assert task is not None and not task.done()

    watch.discard(await token_id(token), on_dead)

    assert watch.watched == {} and task.cancelling()
