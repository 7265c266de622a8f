"""`cargolive apikey create|list|revoke`: API keys for operators, without signing in."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from api.cli import CliError, find_organization, with_database
from api.settings import Settings
from models.integrations.tables import ApiScope


def _scopes(value: str) -> list[ApiScope]:
    names = [name.strip().upper() for name in value.split(",") if name.strip()]
    try:
        return [ApiScope(name) for name in names]
    except ValueError:
        choices = ", ".join(scope.value for scope in ApiScope)
        message = f"scopes are a comma-separated list of {choices}"
        raise argparse.ArgumentTypeError(message) from None


def _expiry(args: argparse.Namespace) -> dt.datetime | None:
    from models import clock

    if args.expires_in_days is None:
        return None
    if args.expires_in_days < 1:
        raise CliError("--expires-in-days: must be 1 or more")
    return clock.now() + dt.timedelta(days=args.expires_in_days)


def cmd_create(settings: Settings, args: argparse.Namespace) -> None:
    from resolvers.errors import DomainError
    from resolvers.integrations.apikeys import register_api_key

    async def work() -> None:
        org = await find_organization(args.organization)
        try:
            key, secret = await register_api_key(
                organization_id=org.id,
                name=args.name,
                scopes=args.scopes,
                expires_at=_expiry(args),
                created_by_id=None,
                live=settings.production,
                pepper=settings.api_key_pepper,
            )
        except DomainError as error:
            field = (error.field or ["?"])[-1]
            raise CliError(f"--{field}: {error.message}") from None
        print(f"created key {key.id} ({key.prefix}...) for {org.name}: {', '.join(key.scopes)}")
        print("The secret, shown this once only (store it now):")
        print(secret)

    with_database(settings, work)


def _when(value: dt.datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "-"


def _row(key: Any) -> str:
    state = "revoked" if key.revoked_at else "live"
    return (
        f"{key.id:>6}  {key.prefix:<16} {state:<8} {','.join(key.scopes):<22} "
        f"{_when(key.created_at):<17} {_when(key.last_used_at):<17} {_when(key.expires_at):<17}"
        f"{key.name}"
    )


def cmd_list(settings: Settings, args: argparse.Namespace) -> None:
    from models.integrations.tables import ApiKey

    async def work() -> None:
        org = await find_organization(args.organization)
        keys = await ApiKey.filter(organization_id=org.id).order_by("-created_at", "-id")
        print(
            f"{'ID':>6}  {'PREFIX':<16} {'STATE':<8} {'SCOPES':<22} {'CREATED':<17} "
            f"{'LAST USED':<17} {'EXPIRES':<17}NAME"
        )
        for key in keys:
            print(_row(key))

    with_database(settings, work)


def cmd_revoke(settings: Settings, args: argparse.Namespace) -> None:
    from models.integrations.tables import ApiKey
    from resolvers.integrations.apikeys import revoke_key

    async def work() -> None:
        key = await ApiKey.get_or_none(id=args.id)
        if key is None:
            raise CliError(f"no API key with id {args.id}: see `cargolive apikey list`")
        if key.revoked_at is not None:
            raise CliError(f"key {key.id} was revoked already, at {_when(key.revoked_at)}")
        await revoke_key(key)
        print(f"revoked key {key.id} ({key.prefix}...): its sockets close at once")

    with_database(settings, work)


def add_commands(commands: Any) -> None:
    apikey = commands.add_parser("apikey", help="manage API keys").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    create = apikey.add_parser("create", help="create a key; its secret is printed once")
    create.add_argument("--organization", required=True, help="organization name or numeric id")
    create.add_argument("--name", required=True, help="what the key is for, e.g. 'ERP sync'")
    create.add_argument(
        "--scopes", required=True, type=_scopes, help="comma-separated: READ, WRITE, WEBHOOKS"
    )
    create.add_argument("--expires-in-days", type=int, help="no expiry when left out")
    create.set_defaults(run=cmd_create)

    listing = apikey.add_parser("list", help="list an organization's keys")
    listing.add_argument("--organization", required=True, help="organization name or numeric id")
    listing.set_defaults(run=cmd_list)

    revoke = apikey.add_parser("revoke", help="revoke a key at once, sockets included")
    revoke.add_argument("id", type=int, help="the key's id, as `apikey list` shows it")
    revoke.set_defaults(run=cmd_revoke)
