"""The uvicorn settings of `cargolive serve` (api/cli.py), so the references run exactly alike."""

from __future__ import annotations

import argparse
from typing import Any

import uvicorn

SETTINGS: dict[str, Any] = {
    "ws_ping_interval": 20,
    "ws_ping_timeout": 20,
    "proxy_headers": True,
    "log_config": None,
    "access_log": False,
}


def run(app: Any) -> None:
    """Serves `app` on 127.0.0.1 and the --port given on the command line."""
    arguments = argparse.ArgumentParser()
    arguments.add_argument("--port", type=int, required=True)
    port = arguments.parse_args().port
    uvicorn.run(app, host="127.0.0.1", port=port, **SETTINGS)
