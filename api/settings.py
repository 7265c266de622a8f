"""Settings from the environment, typed and validated once at start-up."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DATABASE_SCHEMES = {"sqlite", "postgres", "postgresql", "asyncpg"}
BROADCAST_SCHEMES = {"memory", "redis", "rediss"}
STORAGE_SCHEMES = {"file", "s3", "s3a", "gs", "az", "abfs", "abfss", "memory"}
# 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h: about three days of retries
RETRY_SCHEDULE = (5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400)


class SettingsError(Exception):
    """A variable of the environment holds a value the service cannot start with."""


def _csv(value: object) -> object:
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="CARGOLIVE_", extra="ignore", frozen=True, populate_by_name=True
    )

    database_url: str = Field("sqlite://cargolive.sqlite3", validation_alias="DATABASE_URL")
    broadcast_url: str = Field("memory://", validation_alias="BROADCAST_URL")
    # PostgreSQL connections per process (a query page runs its loaders' statements at once).
    database_pool_size: int = Field(10, ge=1, le=200)
    env: Literal["development", "production"] = "development"
    timezone: str = "UTC"
    allowed_origins: Annotated[list[str], NoDecode] = []
    holidays: Annotated[list[dt.date], NoDecode] = []

    token_ttl_seconds: int = Field(24 * 3600, ge=60, le=90 * 24 * 3600)
    login_attempts_per_minute: int = Field(10, ge=1, le=10_000)
    waybill_lookups_per_minute: int = Field(60, ge=1, le=100_000)
    max_body_bytes: int = Field(1_048_576, ge=1024, le=64 * 1_048_576)
    max_query_depth: int = Field(12, ge=2, le=50)
    max_aliases: int = Field(30, ge=1, le=1000)
    max_tokens: int = Field(2000, ge=100, le=100_000)
    # The most objects one operation may return (schema/cost.py), counted before it runs: the
    # tracking page's queries cost under 300, the heaviest test's 23,002, and three nested
    # pages of 100 (issue 14) over a million.
    max_query_cost: int = Field(50_000, ge=100, le=10_000_000)
    # The backstop behind the cost limit: a larger HTTP response is replaced by an error.
    max_response_bytes: int = Field(16 * 1_048_576, ge=65_536, le=1_073_741_824)
    max_subscriptions_per_connection: int = Field(20, ge=1, le=1000)
    connection_init_timeout_seconds: float = Field(5.0, gt=0, le=60)
    # A subscriber this many frames behind is closed (1013) and resumes from its cursor.
    socket_outbox_frames: int = Field(512, ge=1, le=100_000)
    # ... or this many bytes of frames (a few large frames pin as much memory as many small).
    socket_outbox_bytes: int = Field(4 * 1_048_576, ge=65_536, le=1_073_741_824)
    # A larger message from a client closes its socket with 1009 (uvicorn's own cap is 16 MiB).
    socket_max_message_bytes: int = Field(65_536, ge=1024, le=16 * 1_048_576)
    token_recheck_seconds: float = Field(15.0, gt=0, le=3600)
    introspection: bool | None = None
    fraud_reminders_required: int = Field(3, ge=1, le=20)
    # How often each process looks for late pickups; 0 turns the check off in this process.
    pickup_check_seconds: float = Field(30, ge=0, le=3600)
    # How often each process looks for SLA timers past 80% or 100%; 0 turns the check off here.
    sla_check_seconds: float = Field(15, ge=0, le=3600)
    # The HMAC key of API key hashes (resolvers/integrations/key_secrets.py). Changing it makes
    # every existing key unusable. Unset: plain HMAC, still safe for 238-bit secrets.
    api_key_pepper: str = Field("", repr=False)
    api_key_requests_per_minute: int = Field(600, ge=1, le=1_000_000)
    # How often each process writes the lastUsedAt of the keys it served (0: only at shutdown).
    api_key_use_flush_seconds: float = Field(30, ge=0, le=3600)
    # An Idempotency-Key's answer is replayed this long; a copy waits this long for the first.
    idempotency_window_hours: int = Field(24, ge=1, le=24 * 30)
    idempotency_wait_seconds: float = Field(10, ge=0, le=120)
    # How long the event log keeps events (an older feed cursor is CURSOR_EXPIRED), and how
    # often each process prunes older ones; 0 turns pruning off in this process.
    event_retention_days: float = Field(30, gt=0, le=3650)
    event_prune_seconds: float = Field(300, ge=0, le=86_400)
    # Webhooks and e-mail reports (docs in README): how long each retry waits, in seconds, and
    # when the last one fails the endpoint is disabled; timeouts per attempt; how long a process
    # holds an endpoint it delivers (a crashed process's endpoints move on after this); how
    # often each process looks for due endpoints (0: this process delivers nothing).
    webhook_retry_schedule: Annotated[list[float], NoDecode] = list(RETRY_SCHEDULE)
    webhook_connect_timeout_seconds: float = Field(5.0, gt=0, le=60)
    webhook_timeout_seconds: float = Field(15.0, gt=0, le=120)
    delivery_lease_seconds: float = Field(60.0, ge=1, le=3600)
    delivery_poll_seconds: float = Field(0.25, ge=0, le=3600)
    delivery_concurrency: int = Field(100, ge=1, le=10_000)
    public_url: str = "http://localhost:8000"
    smtp_host: str | None = None
    smtp_port: int = Field(587, ge=1, le=65535)
    smtp_tls: Literal["starttls", "tls", "none"] = "starttls"
    smtp_user: str | None = None
    smtp_password: str | None = None
    mail_sender: str = "Cargolive <reports@cargolive.test>"
    mail_folder: str = "mail"
    demo_data: bool = True
    # Documents: where their bytes go (None: a folder next to the SQLite file), and size caps.
    storage_url: str | None = None
    document_max_bytes: int = Field(25 * 1024 * 1024, ge=1024, le=5 * 1024**3)
    video_max_bytes: int = Field(200 * 1024 * 1024, ge=1024, le=5 * 1024**3)
    upload_url_seconds: int = Field(15 * 60, ge=10, le=24 * 3600)
    download_url_seconds: int = Field(5 * 60, ge=10, le=24 * 3600)
    # Days after delivery during which the customer may still open an insurance claim.
    claim_window_days: int = Field(14, ge=0, le=365)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # Reads (issue 20): answers of declared-cacheable queries kept until an event on a topic
    # they read (api/result_cache.py), up to this many bytes per process; 0 turns it off.
    result_cache: bool = True
    result_cache_bytes: int = Field(64 * 1_048_576, ge=0, le=16 * 1024**3)
    # Persisted queries (api/persisted.py): an Apollo persisted-query manifest registered at
    # start, and the allow-list mode in which only its documents run over HTTP.
    persisted_queries_file: Path | None = None
    persisted_queries_only: bool = False

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        scheme = urlsplit(value).scheme
        if scheme not in DATABASE_SCHEMES:
            raise ValueError(
                f"scheme {scheme!r} is not supported; use sqlite://PATH or postgres://USER@HOST/DB"
            )
        return value

    @field_validator("broadcast_url")
    @classmethod
    def _broadcast_url(cls, value: str) -> str:
        scheme = urlsplit(value).scheme
        if scheme not in BROADCAST_SCHEMES:
            raise ValueError(f"scheme {scheme!r} is not supported; use memory:// or redis://HOST")
        return value

    @field_validator("storage_url")
    @classmethod
    def _storage_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        scheme = urlsplit(value).scheme
        if scheme not in STORAGE_SCHEMES:
            raise ValueError(
                f"scheme {scheme!r} is not supported; use file:///PATH, s3://BUCKET/PREFIX, "
                "gs://BUCKET/PREFIX or az://ACCOUNT/CONTAINER/PREFIX"
            )
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not an IANA time zone such as Europe/Rome") from None
        return value

    @field_validator("allowed_origins", mode="before")
    @classmethod
    def _origins(cls, value: object) -> object:
        origins = _csv(value)
        for origin in origins if isinstance(origins, list) else []:
            parts = urlsplit(origin)
            if origin != "*" and (parts.scheme not in {"http", "https"} or not parts.netloc):
                raise ValueError(f"{origin!r} is not an origin such as https://app.example.com")
        return origins

    @field_validator("api_key_pepper")
    @classmethod
    def _pepper(cls, value: str) -> str:
        if value and len(value) < 32:
            raise ValueError("must be at least 32 characters (a random secret), or unset")
        return value

    @field_validator("webhook_retry_schedule", mode="before")
    @classmethod
    def _schedule(cls, value: object) -> object:
        delays = _csv(value)
        if isinstance(delays, list) and not delays:
            raise ValueError("give at least one delay in seconds, e.g. 5,300,1800")
        for delay in delays if isinstance(delays, list) else []:
            if float(delay) < 0:
                raise ValueError(f"{delay} is not a delay: each one is 0 seconds or more")
        return delays

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise ValueError(f"{value!r} is not a base URL such as https://cargolive.example.com")
        return value.rstrip("/")

    @field_validator("holidays", mode="before")
    @classmethod
    def _holidays(cls, value: object) -> object:
        return _csv(value)

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def introspection_enabled(self) -> bool:
        return (not self.production) if self.introspection is None else self.introspection

    @property
    def field_suggestions(self) -> bool:
        """ "Did you mean" in errors: a help in development, a schema leak in production."""
        return not self.production

    @property
    def event_retention(self) -> dt.timedelta:
        return dt.timedelta(days=self.event_retention_days)

    @property
    def files_url(self) -> str:
        """CARGOLIVE_STORAGE_URL, or a folder next to the SQLite file (`./cargolive-files` on
        PostgreSQL without one)."""
        if self.storage_url:
            return self.storage_url
        parts = urlsplit(self.database_url)
        if parts.scheme == "sqlite" and self.database_url != "sqlite://:memory:":
            path = Path(self.database_url.removeprefix("sqlite://")).resolve()
            return (path.parent / f"{path.stem}-files").as_uri()
        return (Path.cwd() / "cargolive-files").as_uri()

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def _variable(settings_field: str) -> str:
    field = Settings.model_fields.get(settings_field)
    if field is not None and isinstance(field.validation_alias, str):
        return field.validation_alias
    return f"CARGOLIVE_{settings_field.upper()}"


def load_settings(**overrides: object) -> Settings:
    """Read the environment; a bad value raises SettingsError naming its variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        lines = []
        for problem in error.errors():
            name = str(problem["loc"][0]) if problem["loc"] else "?"
            variable = name if name.isupper() else _variable(name)
            message = problem["msg"].removeprefix("Value error, ")
            lines.append(f"{variable}: {message}")
        raise SettingsError("invalid settings:\n  " + "\n  ".join(lines)) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
