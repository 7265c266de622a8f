"""Whether `serve` can listen where it was asked to, checked before anything else is printed.

Standard library only: scripts/serve runs it (`python3 -m api.ports ARGS`) before installing,
and `cargolive serve` before migrating.
"""

from __future__ import annotations

import argparse
import errno
import socket
import sys

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def port_problem(host: str, port: int) -> str | None:
    """Why a server could not listen on host:port, in one sentence; None when it can."""
    if not 0 < port < 65536:
        return "--port must be between 1 and 65535"
    try:
        addresses = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as error:
        return f"--host {host}: {error.strerror}"
    family, kind, protocol, _, address = addresses[0]
    with socket.socket(family, kind, protocol) as probe:
        # as uvicorn binds: a port left in TIME_WAIT by the last run is free
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return f"port {port} is in use: pass --port N to use another one"
            if error.errno == errno.EACCES:
                return f"port {port} needs privileges here: pass --port N with N above 1023"
            return f"cannot listen on {host}:{port}: {error.strerror}"
    return None


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--host", default=DEFAULT_HOST)
    parser.add_argument("--port", default=str(DEFAULT_PORT))
    known, _ = parser.parse_known_args(argv)
    if not known.port.isdigit():
        return 0  # `cargolive serve` says what is wrong with it
    problem = port_problem(known.host, int(known.port))
    if problem is None:
        return 0
    print(f"cargolive: {problem}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
