"""A real uvicorn server for an app, in the test's own event loop."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from starlette.applications import Starlette


@asynccontextmanager
async def running(app: Starlette, port: int = 0) -> AsyncIterator[str]:
    """Serves `app` (whose lifespan the caller runs) on `port`, or a free one; yields host:port."""
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, lifespan="off", log_config=None, ws_max_queue=64
    )
    instance = uvicorn.Server(config)
    task = asyncio.create_task(instance.serve())
    while not instance.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    port = instance.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"127.0.0.1:{port}"
    finally:
        instance.should_exit = True
        await asyncio.wait_for(task, 10)
