"""Log lines: human-readable in development, JSON in production, each with its request's id.

Every library logs through the standard library; structlog's ProcessorFormatter renders those
records (uvicorn's, tortoise's, ours with their `extra` fields) either way, so there is one
pipeline and no hand-written formatting. Neither format carries terminal escapes (uvicorn's
`color_message` is dropped) or object dumps (tortoise's start and stop lines, which print its
clients, are below INFO here), and uvicorn's start-up and shutdown chatter is left to DEBUG:
the app logs one line when it is ready and one when it has stopped.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, MutableMapping
from contextvars import ContextVar
from typing import Any, TextIO

import structlog

request_id: ContextVar[str] = ContextVar("request_id", default="-")
# The current trace's id (api/tracing.py installs it while traces are on), for every line.
trace_id: Callable[[], str | None] = lambda: None  # noqa: E731

# uvicorn's lifecycle and socket lines, each said once by the app instead (api/app.py,
# api/middleware.py) or by `serve`.
_CHATTER = (
    "Started server process",
    "Waiting for application startup.",
    "Application startup complete.",
    "Uvicorn running on",
    "Shutting down",
    "Waiting for application shutdown.",
    "Application shutdown complete.",
    "Finished server process",
    '%s - "WebSocket %s"',  # a socket's opening and refusal: api/middleware.py logs both
    "connection open",
    "connection closed",
)


class _Context(logging.Filter):
    """Puts the request id (and the trace id) on every record, for any handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        trace = trace_id()
        if trace is not None:
            record.trace_id = trace
        return True


def _tidy(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    for key in ("color_message", "taskName"):
        event.pop(key, None)
    if event.get("request_id") == "-":
        del event["request_id"]
    return event


# What the console line already says in its message: left out of its key=value pairs.
_SAID = {
    "cargolive.requests": ("method", "path", "status", "duration_ms"),
    "cargolive.ws": ("path", "close_code", "closed_by"),
    "cargolive.app": ("pid",),
}


def _unsaid(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    for key in _SAID.get(event.get("logger", ""), ()):
        event.pop(key, None)
    return event


class _Chatter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.INFO or not isinstance(record.msg, str):
            return True
        if record.msg.startswith(_CHATTER):
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
            return logging.getLogger().isEnabledFor(logging.DEBUG)
        return True


def formatter(production: bool) -> logging.Formatter:
    """JSON objects, one a line, in production; `time [level] message  [logger] key=value`
    otherwise."""
    pre_chain: list[Any] = [
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.ExtraAdder(),
        _tidy,
        structlog.processors.TimeStamper(fmt="iso", utc=True, key="time"),
    ]
    renderer: Any
    if production:
        renderer = structlog.processors.JSONRenderer(sort_keys=False)
        final: list[Any] = [
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.dict_tracebacks,
            structlog.processors.EventRenamer("message"),
            renderer,
        ]
    else:
        renderer = structlog.dev.ConsoleRenderer(
            colors=False,
            timestamp_key="time",
            pad_event_to=40,
            exception_formatter=structlog.dev.plain_traceback,
        )
        final = [structlog.stdlib.ProcessorFormatter.remove_processors_meta, _unsaid, renderer]
    return structlog.stdlib.ProcessorFormatter(
        processors=final, foreign_pre_chain=pre_chain, use_get_message=True
    )


def configure_logging(
    level: str = "INFO", *, production: bool = False, stream: TextIO | None = None
) -> None:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter(production))
    handler.addFilter(_Chatter())
    handler.addFilter(_Context())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # strawberry logs every client mistake as an ERROR; schema/errors.py logs the unexpected ones.
    logging.getLogger("strawberry.execution").setLevel(logging.CRITICAL)
    # a line per webhook request: resolvers/integrations/deliveries.py logs what matters of them
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # "Tortoise-ORM started, {'default': <...Client object at 0x...>}" and its shutdown, twice
    logging.getLogger("tortoise").setLevel(logging.DEBUG if level == "DEBUG" else logging.WARNING)
