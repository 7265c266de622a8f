"""Where documents' bytes live: one obstore store, a local folder or S3 / GCS / Azure.

The process installs one at start-up (`install`); writes stream through a buffered writer that
becomes a multipart upload on object stores, so a file is never held in memory whole.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import obstore
from obstore.store import from_url

if TYPE_CHECKING:
    from obstore import AsyncWritableFile
    from obstore.store import ObjectStore

# S3 parts must be at least 5 MiB; two in flight bound what one upload holds in memory.
PART_BYTES = 8 * 1024 * 1024
PARTS_IN_FLIGHT = 2
READ_CHUNK = 256 * 1024


class Storage:
    def __init__(self, url: str) -> None:
        self.url = url
        local = urlsplit(url).scheme == "file"
        self.store: ObjectStore = from_url(url, mkdir=True) if local else from_url(url)

    def writer(self, key: str) -> AsyncWritableFile:
        return obstore.open_writer_async(
            self.store, key, buffer_size=PART_BYTES, max_concurrency=PARTS_IN_FLIGHT
        )

    async def reader(self, key: str) -> AsyncIterator[bytes]:
        """The object's bytes in chunks; FileNotFoundError at once when it is missing."""
        result = await obstore.get_async(self.store, key)

        async def chunks() -> AsyncIterator[bytes]:
            async for chunk in result.stream(min_chunk_size=READ_CHUNK):
                yield bytes(chunk)

        return chunks()

    async def size(self, key: str) -> int | None:
        try:
            return (await obstore.head_async(self.store, key))["size"]
        except FileNotFoundError:
            return None

    async def delete(self, key: str) -> None:
        try:
            await obstore.delete_async(self.store, key)
        except FileNotFoundError:
            pass


_storage: Storage | None = None


def install(storage: Storage | None) -> None:
    global _storage
    _storage = storage


def current() -> Storage:
    if _storage is None:
        raise RuntimeError("no document storage installed: the app's lifespan installs one")
    return _storage


def installed() -> bool:
    return _storage is not None
