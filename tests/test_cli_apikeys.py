"""`cargolive apikey create|list|revoke`, run as an operator runs it, on the tests' database."""

from __future__ import annotations

import asyncio

from models.enums import OrganizationKind
from tests.graphql import gql, refused
from tests.keys import VIEWER
from tests.test_cli import cargolive
from tests.test_webhook_delivery import until


async def run(*args: str):
    return await asyncio.to_thread(cargolive, "apikey", *args)


async def test_an_operator_creates_lists_and_revokes_a_key(client, make):
    dealer = await make.organization(OrganizationKind.DEALER, name="Tbilisi Motors")

    created = await run(
        "create", "--organization", "Tbilisi Motors", "--name", "ERP", "--scopes", "read,write"
    )

    assert created.returncode == 0, created.stderr
    secret = created.stdout.strip().splitlines()[-1]
    assert secret.startswith("clk_test_")
    viewer = (await gql(client, VIEWER, token=secret))["data"]["viewer"]
    assert viewer["role"] == "DEALER" and viewer["organization"]["id"]
    listed = await run("list", "--organization", str(dealer.id))
    assert listed.returncode == 0
    (line,) = listed.stdout.splitlines()[1:]
    key_id, prefix, state, scopes = line.split()[:4]
    assert secret.startswith(prefix) and state == "live" and scopes == "READ,WRITE"
    assert secret not in listed.stdout

    revoked = await run("revoke", key_id)

    assert revoked.returncode == 0, revoked.stderr
    # another process's revocation: the server forgets the key's viewer when it hears of the
    # event, from the bus or, as here (the CLI has none to share), from the log within a second

    async def revoked_here() -> bool:
        return await refused(client, secret) == "revoked"

    await until(revoked_here, seconds=5.0)
    again = await run("revoke", key_id)
    assert again.returncode == 2 and "revoked already" in again.stderr


async def test_bad_arguments_are_named(make):
    await make.organization(OrganizationKind.PLATFORM, name="Ops")
    for args, says in (
        (
            ("create", "--organization", "Nobody", "--name", "x", "--scopes", "READ"),
            "--organization",
        ),
        (
            ("create", "--organization", "Ops", "--name", "x", "--scopes", "READ,ADMIN"),
            "scopes are",
        ),
        (
            ("create", "--organization", "Ops", "--name", "x", "--scopes", "READ"),
            "DEALER and CARRIER",
        ),
        (("revoke", "424242"), "no API key with id 424242"),
    ):
        done = await run(*args)
        assert done.returncode == 2, args
        assert says in done.stderr, done.stderr
