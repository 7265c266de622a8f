"""The `cargolive` command line: serve, migrate, seed, schema, user, token and apikey."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
import tempfile
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, NoReturn
from urllib.parse import urlsplit, urlunsplit

from api import db
from api.ports import DEFAULT_HOST, DEFAULT_PORT, port_problem
from api.settings import Settings, SettingsError, load_settings
from models.enums import Role
from resolvers import demo

if TYPE_CHECKING:
    from models.accounts.tables import Organization


class CliError(Exception):
    pass


def fail(message: str, code: int = 2) -> NoReturn:
    print(f"cargolive: {message}", file=sys.stderr)
    raise SystemExit(code)


def redacted(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def with_database(settings: Settings, work: Callable[[], Awaitable[None]]) -> None:
    async def run() -> None:
        try:
            await db.init(settings)
            await db.check(settings)
        except CliError:
            raise
        except Exception as error:
            reason = str(error) or type(error).__name__
            raise CliError(
                f"cannot reach the database at {redacted(settings.database_url)}: {reason}"
            ) from None
        try:
            await work()
        finally:
            await db.close()

    try:
        asyncio.run(run())
    except CliError as error:
        fail(str(error))


# What every start shows: the demo logins and the demo waybills (resolvers/demo.py, welcome).
Welcome = tuple[list[tuple[str, Role]], list[tuple[str, str, str]]]


async def _migrate_and_seed(settings: Settings) -> Welcome:
    await db.migrate(settings)
    if not settings.demo_data:
        return [], []
    if await demo.database_is_empty():
        await demo.seed(
            zone=settings.zone,
            holidays=settings.holidays,
            files_url=settings.files_url,
            claim_window_days=settings.claim_window_days,
        )
    return await demo.welcome()


def print_welcome(settings: Settings, base: str, welcome: Welcome) -> None:
    logins, waybills = welcome
    print(f"GraphQL at {base}/graphql (WebSocket: graphql-transport-ws)")
    if not settings.production:
        print(f"GraphiQL at {base}/graphql in a browser")
    print(f"Tracking page at {base}/track/")
    if logins:
        print(f"Demo logins (password '{demo.DEMO_PASSWORD}'):")
        for email, role in logins:
            print(f"  {email:<28} {role.value}")
    if waybills:
        print("Demo waybills to track:")
        for waybill, reference, description in waybills:
            print(f"  {waybill} ({reference}, {description}): {base}/track/{waybill}")


def cmd_serve(settings: Settings, args: argparse.Namespace) -> None:
    import uvicorn

    problem = port_problem(args.host, args.port)
    if problem is not None:
        fail(problem)
    welcome: list[Welcome] = []

    async def prepare() -> None:
        welcome.append(await _migrate_and_seed(settings))

    with_database(settings, prepare)
    host = "localhost" if args.host in {"127.0.0.1", "0.0.0.0", "::", "::1"} else args.host
    print_welcome(settings, f"http://{host}:{args.port}", welcome[0])
    sys.stdout.flush()
    if args.workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # every worker writes its metrics there; /metrics adds them up
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="cargolive-metrics-")
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        ws_ping_interval=20,
        ws_ping_timeout=20,
        # uvicorn would buffer 16 MiB messages: it closes larger ones itself (1009)
        ws_max_size=settings.socket_max_message_bytes,
        proxy_headers=True,
        log_config=None,
        access_log=False,
    )


def cmd_migrate(settings: Settings, _: argparse.Namespace) -> None:
    with_database(settings, lambda: db.migrate(settings))
    print("database is at the newest migration")


def cmd_seed(settings: Settings, _: argparse.Namespace) -> None:
    async def work() -> None:
        await db.migrate(settings)
        if not await demo.database_is_empty():
            raise CliError("the database holds data already: seed only an empty database")
        logins = await demo.seed(
            zone=settings.zone,
            holidays=settings.holidays,
            files_url=settings.files_url,
            claim_window_days=settings.claim_window_days,
        )
        print(f"Seeded demo data; logins (password '{demo.DEMO_PASSWORD}'):")
        for email, role in logins:
            print(f"  {email:<28} {role.value}")

    with_database(settings, work)


def cmd_sdl(_: Settings, __: argparse.Namespace) -> None:
    from schema import schema

    print(schema.as_str())


async def find_organization(name_or_id: str) -> Organization:
    from models.accounts.tables import Organization

    org = await Organization.filter(name=name_or_id).first()
    if org is None and name_or_id.isdigit():
        org = await Organization.get_or_none(id=int(name_or_id))
    if org is None:
        raise CliError(f"--organization: no organization named {name_or_id!r}")
    return org


def cmd_user_create(settings: Settings, args: argparse.Namespace) -> None:
    from resolvers.accounts.users import register_user
    from resolvers.errors import DomainError

    password = os.environ.get("CARGOLIVE_PASSWORD") or getpass.getpass("Password: ")

    async def work() -> None:
        org = await find_organization(args.organization)
        try:
            user = await register_user(
                email=args.email,
                name=args.name,
                password=password,
                role=Role(args.role),
                organization_id=org.id,
            )
        except DomainError as error:
            field = (error.field or ["?"])[-1]
            raise CliError(f"--{field}: {error.message}") from None
        print(f"created {user.email} ({user.role.value}) in {org.name}")

    with_database(settings, work)


def cmd_token_revoke(settings: Settings, args: argparse.Namespace) -> None:
    from resolvers.accounts.users import revoke_token, revoke_user_tokens
    from resolvers.errors import DomainError

    async def work() -> None:
        if args.user:
            try:
                count = await revoke_user_tokens(args.user)
            except DomainError:
                raise CliError(f"--user: no user with email {args.user!r}") from None
            print(f"revoked {count} token(s) of {args.user}")
        elif await revoke_token(args.token):
            print("token revoked")
        else:
            raise CliError("no live token matches: it is unknown, expired or revoked already")

    with_database(settings, work)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="cargolive", description=__doc__)
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser(
        "serve",
        help="migrate, seed an empty database, and serve",
        description="Applies the migrations, adds the demo data to an empty database, prints "
        "the URLs, the demo logins and two demo waybills, and serves HTTP and the WebSocket. "
        "Settings come from the environment (README, 'Production').",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    serve.add_argument(
        "--host", default=DEFAULT_HOST, help="address to listen on (0.0.0.0: every interface)"
    )
    serve.add_argument("--port", type=int, default=DEFAULT_PORT, help="TCP port to listen on")
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="processes to serve with (more than 1 needs BROADCAST_URL=redis://...)",
    )
    serve.set_defaults(run=cmd_serve)

    commands.add_parser("migrate", help="apply the migrations").set_defaults(run=cmd_migrate)
    commands.add_parser("seed", help="add demo data to an empty database").set_defaults(
        run=cmd_seed
    )
    commands.add_parser("schema", help="print the GraphQL SDL").set_defaults(run=cmd_sdl)

    user = commands.add_parser("user", help="manage users").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    create = user.add_parser(
        "create", help="create a user (password from CARGOLIVE_PASSWORD or a prompt)"
    )
    create.add_argument("--email", required=True)
    create.add_argument("--name", required=True)
    create.add_argument("--role", required=True, choices=[role.value for role in Role])
    create.add_argument("--organization", required=True, help="organization name or numeric id")
    create.set_defaults(run=cmd_user_create)

    token = commands.add_parser("token", help="manage bearer tokens").add_subparsers(
        dest="action", required=True, metavar="ACTION"
    )
    revoke = token.add_parser("revoke", help="revoke one token, or every token of a user")
    which = revoke.add_mutually_exclusive_group(required=True)
    which.add_argument("token", nargs="?", help="the bearer token")
    which.add_argument("--user", metavar="EMAIL", help="revoke every token of this user")
    revoke.set_defaults(run=cmd_token_revoke)

    from api.cli_apikeys import add_commands

    add_commands(commands)
    return top


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    if getattr(args, "port", 1) is not None and not 0 < getattr(args, "port", 1) < 65536:
        fail("--port must be between 1 and 65535")
    if getattr(args, "workers", 1) < 1:
        fail("--workers must be 1 or more")
    try:
        settings = load_settings()
    except SettingsError as error:
        fail(str(error))
    args.run(settings, args)


if __name__ == "__main__":
    main()
