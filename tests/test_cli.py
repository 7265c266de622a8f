"""The command line, run as a user runs it: in a subprocess, against its own database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import TMP


def cargolive(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = os.environ | env
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        input="",
    )


@pytest.fixture
def own_database(request) -> str:
    path = TMP / f"cli-{request.node.name}.sqlite3"
    path.unlink(missing_ok=True)
    return f"sqlite://{path}"


def test_migrate_seed_and_create_a_user(own_database):
    assert cargolive("migrate", DATABASE_URL=own_database).returncode == 0
    seeded = cargolive("seed", DATABASE_URL=own_database)
    assert seeded.returncode == 0, seeded.stderr
    assert "dealer@cargolive.test" in seeded.stdout
    again = cargolive("seed", DATABASE_URL=own_database)
    assert again.returncode == 2
    assert "holds data already" in again.stderr

    created = cargolive(
        "user",
        "create",
        "--email",
        "ops@cargolive.test",
        "--name",
        "Ops",
        "--role",
        "BACK_OFFICE",
        "--organization",
        "Cargolive",
        DATABASE_URL=own_database,
        CARGOLIVE_PASSWORD="a long password",
    )
    assert created.returncode == 0, created.stderr
    assert "created ops@cargolive.test (BACK_OFFICE) in Cargolive" in created.stdout
    misfit = cargolive(
        "user",
        "create",
        "--email",
        "x@cargolive.test",
        "--name",
        "X",
        "--role",
        "CARRIER",
        "--organization",
        "Cargolive",
        DATABASE_URL=own_database,
        CARGOLIVE_PASSWORD="a long password",
    )
    assert misfit.returncode == 2
    assert "--role: a PLATFORM organization's users may only have role" in misfit.stderr

    revoked = cargolive(
        "token", "revoke", "--user", "ops@cargolive.test", DATABASE_URL=own_database
    )
    assert revoked.returncode == 0
    assert "revoked 0 token(s)" in revoked.stdout
    unknown = cargolive("token", "revoke", "clv_nothing", DATABASE_URL=own_database)
    assert unknown.returncode == 2


def test_schema_prints_the_sdl():
    done = cargolive("schema")
    assert done.returncode == 0
    assert done.stdout == (Path(__file__).parent.parent / "schema.graphql").read_text()


def test_bad_arguments_and_an_unreachable_database_exit_non_zero():
    assert cargolive("serve", "--port", "99999").returncode == 2
    assert cargolive("frobnicate").returncode == 2
    down = cargolive("migrate", DATABASE_URL="postgres://postgres@127.0.0.1:1/none")
    assert down.returncode == 2
    assert "cannot reach the database at postgres://postgres@127.0.0.1:1/none" in down.stderr


def test_a_database_password_is_never_printed():
    down = cargolive("migrate", DATABASE_URL="postgres://u:secret@127.0.0.1:1/none")
    assert "secret" not in down.stderr
    assert "u:***@" in down.stderr
