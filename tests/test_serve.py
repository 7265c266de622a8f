"""`cargolive serve` as a newcomer meets it: the port checked first, the help, and every start
showing the URLs, the demo logins and two demo waybills that exist (and the README's)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx2

from models import validators
from models.enums import Role
from resolvers import demo
from resolvers.shipments.demo import SHOWCASE, demo_waybill
from tests.conftest import TMP
from tests.test_demo import seed_demo

ROOT = Path(__file__).parent.parent


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        env=os.environ | env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


def test_a_taken_port_is_one_sentence_and_nothing_else():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        sentence = f"cargolive: port {port} is in use: pass --port N to use another one\n"

        served = run("-m", "api.cli", "serve", "--port", str(port))
        checked = run("-m", "api.ports", "--port", str(port))  # what scripts/serve runs first

    assert (served.returncode, served.stdout, served.stderr) == (2, "", sentence)
    assert (checked.returncode, checked.stdout, checked.stderr) == (2, "", sentence)


def test_a_free_port_passes_the_check():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert run("-m", "api.ports", "--port", str(port)).returncode == 0


def test_serve_help_describes_every_option_with_its_default():
    helped = run("-m", "api.cli", "serve", "--help")
    text = " ".join(helped.stdout.split())
    assert helped.returncode == 0
    assert "address to listen on" in text and "(default: 127.0.0.1)" in text
    assert "TCP port to listen on (default: 8000)" in text
    assert "processes to serve with" in text and "(default: 1)" in text


async def test_the_demo_waybills_are_fixed_valid_and_shown():
    await seed_demo()

    logins, waybills = await demo.welcome()

    assert [email for email, _ in logins] == [email for email, *_ in demo.USERS]
    assert [(reference, waybill) for waybill, reference, _ in waybills] == [
        (reference, demo_waybill(reference)) for reference in SHOWCASE
    ]
    for waybill, _, _ in waybills:
        assert validators.waybill(waybill) == waybill
    # the same in every seed, not drawn at random
    assert demo_waybill("CA-0880") == "CL7YJ63N5FCE8Y1"


async def test_a_database_without_the_demo_shows_none_of_it(make):
    await make.party(Role.DEALER)
    assert await demo.welcome() == ([], [])


def test_the_readme_names_demo_waybills_and_no_file_outside_the_repository():
    readme = (ROOT / "README.md").read_text()
    named = {
        validators.waybill(number)
        for number in re.findall(r"/track/(CL[0-9A-Z-]{13,17})\b", readme)
    }
    assert named and named <= {demo_waybill(reference) for reference in SHOWCASE}
    for target in re.findall(r"\]\(([^)#]+)\)", readme):
        if "://" not in target:
            assert (ROOT / target).exists(), target
            assert (ROOT / target).resolve().is_relative_to(ROOT.resolve()), target


def test_every_start_prints_the_logins_and_the_waybills_and_logs_plainly():
    database = f"sqlite://{TMP / 'serve-welcome.sqlite3'}"
    env = {
        "DATABASE_URL": database,
        "CARGOLIVE_STORAGE_URL": (TMP / "serve-files").as_uri(),
        "CARGOLIVE_LOG_LEVEL": "INFO",
    }
    assert run("-m", "api.cli", "seed", **env).returncode == 0
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # a second start, on a database seeded already
    server = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--port", str(port)],
        env=os.environ | env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert server.stdout is not None
        lines = []
        while line := server.stdout.readline():
            lines.append(line.rstrip("\n"))
            if line.startswith(f"  {demo_waybill('CA-0850')}"):
                break
        for _ in range(600):  # until it answers
            try:
                answer = httpx2.post(
                    f"http://127.0.0.1:{port}/graphql", json={"query": "query Hi { __typename }"}
                )
                break
            except httpx2.TransportError:
                time.sleep(0.1)
        assert answer.status_code == 200
    finally:
        server.send_signal(signal.SIGINT)
        _, logged = server.communicate(timeout=30)
    shown = "\n".join(lines)
    assert f"GraphQL at http://localhost:{port}/graphql" in shown
    assert "Demo logins (password 'demo'):" in shown
    assert "dealer@cargolive.test" in shown
    for reference in SHOWCASE:
        waybill = demo_waybill(reference)
        assert f"{waybill} ({reference}, " in shown
        assert f"http://localhost:{port}/track/{waybill}" in shown
    # the log: console lines in development, the request's among them, one line at each end
    log = logged.splitlines()
    assert "\x1b" not in logged and " object at 0x" not in logged and "{" not in logged, logged
    assert len([line for line in log if "] ready (process" in line]) == 1, logged
    assert len([line for line in log if "] stopped (process" in line]) == 1, logged
    assert not [line for line in log if "shutdown" in line.lower()], logged
    (request,) = [line for line in log if "POST /graphql 200" in line]
    assert "operation=Hi" in request and "cost=" in request
