"""The log lines an operator reads: one per request in a console format while developing, JSON in
production, socket openings and closes with their code, and nothing a terminal would print as
escapes or an object dump."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import re
from collections.abc import Callable, Iterator

import pytest

from api.logs import configure_logging
from tests import ws

VIEWER = "query WhoAmI { viewer { email } }"
ESCAPE = "\x1b"


async def eventually(check: Callable[[], bool], seconds: float = 10) -> None:
    """The server logs a close after the client saw it: waits for the line to be written."""
    for _ in range(int(seconds / 0.02)):
        if check():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the lines never came")


class Captured:
    def __init__(self, production: bool) -> None:
        self.stream = io.StringIO()
        configure_logging("INFO", production=production, stream=self.stream)
        logging.getLogger("httpx2").setLevel(logging.WARNING)  # the tests' own client
        # asyncio's "Task was destroyed but it is pending" about earlier tests' leftovers, which
        # it writes whenever the collector finds them: in a whole run, now and then mid-test
        logging.getLogger("asyncio").setLevel(logging.CRITICAL)

    @staticmethod
    def close() -> None:
        configure_logging("WARNING")
        logging.getLogger("asyncio").setLevel(logging.NOTSET)

    def lines(self) -> list[str]:
        return self.stream.getvalue().splitlines()

    def records(self) -> list[dict]:
        return [json.loads(line) for line in self.lines()]


@pytest.fixture
def development(app) -> Iterator[Captured]:  # after the app, which configures logging itself
    yield Captured(production=False)
    Captured.close()


@pytest.fixture
def production(app) -> Iterator[Captured]:
    yield Captured(production=True)
    Captured.close()


async def test_development_logs_one_readable_line_per_request(client, development):
    response = await client.post("/graphql", json={"query": VIEWER}, headers={"x-request-id": "r1"})
    assert response.status_code == 200

    lines = development.lines()
    assert len(lines) == 1, lines
    line = lines[0]
    assert re.match(
        r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z \[info\s*\] POST /graphql 200 in [\d.]+ ms\s+"
        r"\[cargolive\.requests\] ",
        line,
    ), line
    # what the message says (method, path, status, duration) is not repeated after it
    assert dict(re.findall(r" (\w+)=(\S+)", line)) == {
        "cost": "1",
        "operation": "WhoAmI",
        "operation_type": "query",
        "request_id": "r1",
    }
    assert ESCAPE not in line and not line.startswith("{")


async def test_production_logs_json_with_the_same_fields(client, production):
    await client.post("/graphql", json={"query": VIEWER})
    await client.get("/graphql", params={"query": "{ viewer { email } }"})

    first, second = production.records()
    assert first["message"].startswith("POST /graphql 200 in ")
    assert first["level"] == "info" and first["logger"] == "cargolive.requests"
    assert (first["method"], first["path"], first["status"]) == ("POST", "/graphql", 200)
    assert (first["operation"], first["cost"]) == ("WhoAmI", 1)
    assert isinstance(first["duration_ms"], float) and first["time"].endswith("Z")
    assert len(first["request_id"]) == 32
    assert (second["method"], second["operation"], second["cost"]) == ("GET", "(anonymous)", 1)


async def test_a_batch_and_a_failed_parse_each_stay_one_line(client, production):
    await client.post("/graphql", json={"query": "{ viewer { email "})
    await client.get("/track/")

    parse, page = production.records()
    assert parse["status"] == 200 and "cost" not in parse
    assert page["path"] == "/track/" and "operation" not in page


async def test_probes_log_only_at_debug(client, production):
    await client.get("/healthz")
    assert production.lines() == []


async def test_sockets_log_their_opening_and_close_code(server, development):
    socket = await ws.connect(server)
    await ws.init(socket)
    await socket.close(code=1000)
    refused = await ws.connect(server)
    await ws.send(refused, {"type": "nonsense"})
    assert await ws.closed_with(refused) == 4400
    await eventually(lambda: len(development.lines()) >= 4)

    opened, closed, opened_again, refused_line = development.lines()
    assert "socket opened /graphql" in opened and "[cargolive.ws]" in opened
    assert "socket closed /graphql 1000 by the client" in closed
    assert "socket opened /graphql" in opened_again
    assert "socket closed /graphql 4400 by the server" in refused_line


async def test_production_socket_lines_are_json(server, production):
    socket = await ws.connect(server)
    await ws.send(socket, {"type": "nonsense"})
    await ws.closed_with(socket)
    await eventually(lambda: len(production.lines()) >= 2)

    opened, closed = production.records()
    assert opened["message"] == "socket opened /graphql"
    assert (closed["close_code"], closed["closed_by"]) == (4400, "server")


async def test_no_escape_codes_and_no_object_dumps(production):
    logging.getLogger("uvicorn.error").warning(
        "Invalid HTTP request received.", extra={"color_message": "\x1b[31mInvalid\x1b[0m"}
    )
    # uvicorn's start-up chatter (with its own color_message) and tortoise's dumps stay out
    logging.getLogger("uvicorn.error").info(
        "Started server process [%d]", 42, extra={"color_message": "\x1b[36m%d\x1b[0m"}
    )
    logging.getLogger("tortoise").info("Tortoise-ORM started, %s", {"default": object()})

    (line,) = production.lines()
    assert ESCAPE not in line and "color_message" not in line and " object at 0x" not in line
    assert json.loads(line)["message"] == "Invalid HTTP request received."


async def test_the_app_says_once_that_it_is_ready_and_once_that_it_stopped(database):
    from api.app import create_app

    app = create_app(database, manage_database=False)
    captured = Captured(production=False)
    try:
        async with app.router.lifespan_context(app):
            pass
    finally:
        Captured.close()

    lines = captured.lines()
    assert [line for line in lines if " ready " in line or "] ready" in line]
    assert len([line for line in lines if "stopped (process" in line]) == 1
    assert not [line for line in lines if "shutdown" in line.lower()]
