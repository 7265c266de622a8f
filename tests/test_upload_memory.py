"""A 200 MB video streams through a real server process without growing its memory.

The figure (peak RSS over the idle baseline) is printed for bench/RESULTS.md; the assertion
is a bound far under the file's size, not a timing.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path

import httpx2
import pytest

from models.shipments.tables import ShipmentStatus
from tests.documents import ATTACH, MP4, PDF, attach_input
from tests.processes import service
from tests.storages import s3_url  # noqa: F401

VIDEO_BYTES = 200 * 1024 * 1024
CHUNK = 1024 * 1024
# What one upload may hold: two 8 MiB parts in flight, their buffer, and the server's chunks.
BOUND = 64 * 1024 * 1024


def rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


async def video() -> AsyncIterator[bytes]:
    block = os.urandom(CHUNK)
    yield MP4 + block[len(MP4) :]
    for _ in range(VIDEO_BYTES // CHUNK - 1):
        yield block


async def _attach(http: httpx2.AsyncClient, token: str, fields: dict) -> str:
    response = await http.post(
        "/graphql",
        json={"query": ATTACH, "variables": {"input": fields}},
        headers={"authorization": f"Bearer {token}"},
    )
    payload = response.json()["data"]["attachDocument"]
    assert payload["errors"] == [], payload
    return payload["uploadUrl"]


@pytest.mark.parametrize("store", ["local", "s3"])
async def test_a_200_mb_video_upload_keeps_the_servers_memory_flat(
    request, make, dealer, tmp_path, store
):
    shipment = await make.shipment(
        customer=dealer.organization_id, status=ShipmentStatus.AT_WAREHOUSE
    )
    # s3: moto's server in this process, the credentials and endpoint in the server's env.
    storage_url = request.getfixturevalue("s3_url") if store == "s3" else tmp_path.as_uri()
    async with service(CARGOLIVE_STORAGE_URL=storage_url) as (address, process):
        async with httpx2.AsyncClient(base_url=f"http://{address}", timeout=120) as http:
            # Warm up: one small upload loads every module the big one uses.
            url = await _attach(http, dealer.token, attach_input(shipment, "INVOICE", PDF))
            warm = await http.put(url, content=PDF, headers={"content-type": "application/pdf"})
            assert warm.status_code == 201
            baseline = rss(process.pid)

            fields = attach_input(
                shipment, "VIDEO", MP4, contentType="video/mp4", sizeBytes=VIDEO_BYTES
            )
            url = await _attach(http, dealer.token, fields)
            peak = baseline
            done = asyncio.Event()

            async def sample() -> None:
                nonlocal peak
                while not done.is_set():
                    peak = max(peak, rss(process.pid))
                    await asyncio.sleep(0.02)

            sampler = asyncio.create_task(sample())
            try:
                response = await http.put(
                    url,
                    content=video(),
                    headers={"content-type": "video/mp4", "content-length": str(VIDEO_BYTES)},
                )
            finally:
                done.set()
                await sampler

    assert response.status_code == 201, response.text
    assert response.json()["sizeBytes"] == VIDEO_BYTES
    growth = peak - baseline
    print(
        f"\n{store}: server RSS baseline {baseline / 2**20:.1f} MiB, peak {peak / 2**20:.1f} MiB, "
        f"growth {growth / 2**20:.1f} MiB for a {VIDEO_BYTES / 2**20:.0f} MiB upload"
    )
    assert growth < BOUND
