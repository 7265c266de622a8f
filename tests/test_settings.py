"""Settings: typed and validated at start, with the bad variable named."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from api.settings import SettingsError, load_settings


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("DATABASE_URL", "mysql://db/x", "DATABASE_URL: scheme 'mysql' is not supported"),
        ("BROADCAST_URL", "kafka://x", "BROADCAST_URL: scheme 'kafka' is not supported"),
        (
            "CARGOLIVE_ENV",
            "staging",
            "CARGOLIVE_ENV: Input should be 'development' or 'production'",
        ),
        (
            "CARGOLIVE_TIMEZONE",
            "Mars/Base",
            "CARGOLIVE_TIMEZONE: 'Mars/Base' is not an IANA time zone",
        ),
        (
            "CARGOLIVE_ALLOWED_ORIGINS",
            "example.com",
            "CARGOLIVE_ALLOWED_ORIGINS: 'example.com' is not an origin",
        ),
        ("CARGOLIVE_HOLIDAYS", "2026-13-01", "CARGOLIVE_HOLIDAYS:"),
        (
            "CARGOLIVE_MAX_QUERY_DEPTH",
            "1",
            "CARGOLIVE_MAX_QUERY_DEPTH: Input should be greater than or equal to 2",
        ),
        (
            "CARGOLIVE_STORAGE_URL",
            "ftp://files.example/docs",
            "CARGOLIVE_STORAGE_URL: scheme 'ftp' is not supported",
        ),
        (
            "CARGOLIVE_VIDEO_MAX_BYTES",
            "10",
            "CARGOLIVE_VIDEO_MAX_BYTES: Input should be greater than or equal to 1024",
        ),
        (
            "CARGOLIVE_TOKEN_TTL_SECONDS",
            "soon",
            "CARGOLIVE_TOKEN_TTL_SECONDS: Input should be a valid integer",
        ),
    ],
)
def test_a_bad_value_names_its_variable(monkeypatch, variable, value, says):
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as raised:
        load_settings()
    assert says in str(raised.value)


def test_lists_and_defaults_are_read(monkeypatch):
    monkeypatch.setenv("CARGOLIVE_ALLOWED_ORIGINS", "https://a.example, http://localhost:5173")
    monkeypatch.setenv("CARGOLIVE_HOLIDAYS", "2026-12-25,2027-01-01")
    monkeypatch.setenv("CARGOLIVE_ENV", "production")
    settings = load_settings()
    assert settings.allowed_origins == ["https://a.example", "http://localhost:5173"]
    assert [d.isoformat() for d in settings.holidays] == ["2026-12-25", "2027-01-01"]
    assert settings.production and not settings.introspection_enabled


def test_the_service_will_not_start_with_a_bad_value():
    env = os.environ | {"CARGOLIVE_TIMEZONE": "Nowhere/Land"}
    done = subprocess.run(
        [sys.executable, "-m", "api.cli", "migrate"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "CARGOLIVE_TIMEZONE: 'Nowhere/Land' is not an IANA time zone" in done.stderr


def test_the_postgres_pool_is_sized_and_keeps_sessions() -> None:
    from api.db import connection

    settings = load_settings(
        database_url="postgres://app@db.internal:5432/cargolive", database_pool_size=25
    )
    credentials = connection(settings)["credentials"]
    assert credentials["maxsize"] == 25
    assert callable(credentials["reset"])  # not asyncpg's RESET ALL round trip per statement
    sqlite = connection(load_settings(database_url="sqlite://x.sqlite3"))
    assert "reset" not in sqlite["credentials"]


def test_documents_go_next_to_the_sqlite_file_unless_a_storage_url_is_set(monkeypatch, tmp_path):
    monkeypatch.delenv("CARGOLIVE_STORAGE_URL", raising=False)
    beside = load_settings(database_url=f"sqlite://{tmp_path / 'live.sqlite3'}")
    chosen = load_settings(storage_url="s3://bucket/prefix")

    assert beside.files_url == (tmp_path / "live-files").as_uri()
    assert chosen.files_url == "s3://bucket/prefix"
    assert (beside.document_max_bytes, beside.video_max_bytes) == (25 * 2**20, 200 * 2**20)
    assert beside.claim_window_days == 14
