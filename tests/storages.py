"""The two storages documents are tested on: a local folder, and S3 as moto's server serves it.

moto runs in server mode on a loopback port for the session, so obstore speaks the real S3
protocol (multipart uploads included) to it over HTTP.
"""

from __future__ import annotations

import os
import tempfile
import urllib.request
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from api.app import create_app
from api.settings import Settings

BUCKET = "cargolive-documents"
S3_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_REGION": "us-east-1",
    "AWS_ALLOW_HTTP": "true",
}


@pytest.fixture(scope="session")
def s3_url() -> Iterator[str]:
    """`s3://bucket/prefix` on a moto server of the session's own (credentials in the env)."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    urllib.request.urlopen(urllib.request.Request(f"{endpoint}/{BUCKET}", method="PUT"))
    saved = {name: os.environ.get(name) for name in [*S3_ENVIRONMENT, "AWS_ENDPOINT_URL"]}
    os.environ.update(S3_ENVIRONMENT | {"AWS_ENDPOINT_URL": endpoint})
    try:
        yield f"s3://{BUCKET}/tests"
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        server.stop()


def local_url() -> str:
    return Path(tempfile.mkdtemp(prefix="cargolive-files-")).as_uri()


@pytest.fixture(params=["local", "s3"])
async def app(request, database: Settings) -> AsyncIterator:
    """The app on each storage in turn (a module that imports this runs its tests on both)."""
    url = request.getfixturevalue("s3_url") if request.param == "s3" else local_url()
    application = create_app(
        database.model_copy(update={"storage_url": url}), manage_database=False
    )
    async with application.router.lifespan_context(application):
        await application.state.limits.reset()
        yield application
