"""What the figures were measured on, and what a process costs (from /proc)."""

from __future__ import annotations

import datetime as dt
import os
import platform
import resource
import subprocess
import sys
from importlib import metadata

PACKAGES = (
    "strawberry-graphql",
    "graphql-core",
    "starlette",
    "uvicorn",
    "uvloop",
    "httptools",
    "websockets",
    "tortoise-orm",
    "asyncpg",
    "aiosqlite",
    "broadcaster",
    "redis",
    "orjson",
)
TICKS = os.sysconf("SC_CLK_TCK")


def _first(path: str, prefix: str) -> str:
    try:
        with open(path) as file:
            for line in file:
                if line.startswith(prefix):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "?"


def _command(*args: str) -> str:
    try:
        return subprocess.run(args, capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "?"


def load_average() -> tuple[float, float, float]:
    return os.getloadavg()


def describe() -> dict[str, str]:
    memory_kb = int(_first("/proc/meminfo", "MemTotal").split()[0])
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": _first("/proc/cpuinfo", "model name"),
        "cores": str(os.cpu_count()),
        "memory": f"{memory_kb / 1024 / 1024:.1f} GiB",
        "kernel": platform.release(),
        "python": sys.version.split()[0],
        "postgres": _command("psql", "--version"),
        "redis": _command("redis-server", "--version").split(" sha=")[0],
        "versions": ", ".join(f"{name} {version}" for name, version in versions.items()),
    }


def raise_open_files() -> int:
    """Thousands of sockets need more than the usual 1,024 descriptors: take the hard limit."""
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


def rss_kb(pid: int) -> int:
    return int(_first(f"/proc/{pid}/status", "VmRSS").split()[0])


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (its threads included), from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat") as file:
        fields = file.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as file:
            return [int(child) for child in file.read().split()]
    except OSError:
        return []
