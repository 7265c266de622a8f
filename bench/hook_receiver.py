"""A webhook receiver for the bench: answers 204 at once and keeps, per delivery, the time from
the event's commit (the body's `timestamp`) to its arrival. `GET /stats` returns the figures
and `POST /stats/reset` forgets them. Run as `python -m bench.hook_receiver --port P`."""

from __future__ import annotations

import argparse
import datetime as dt
import time

import orjson
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

latencies: list[float] = []
ids: set[str] = set()
state = {"first": 0.0, "last": 0.0, "duplicates": 0}


async def hook(request: Request) -> Response:
    body = orjson.loads(await request.body())
    now = time.time()
    sent = dt.datetime.fromisoformat(body["timestamp"]).timestamp()
    webhook_id = request.headers["webhook-id"]
    if webhook_id in ids:
        state["duplicates"] += 1
    ids.add(webhook_id)
    latencies.append(now - sent)
    state["first"] = state["first"] or now
    state["last"] = now
    return Response(status_code=204)


async def stats(request: Request) -> JSONResponse:
    if request.method == "POST":
        latencies.clear()
        ids.clear()
        state.update(first=0.0, last=0.0, duplicates=0)
        return JSONResponse({})
    return JSONResponse(
        {"count": len(latencies), "unique": len(ids), "latencies": latencies, **state}
    )


async def healthz(_: Request) -> Response:
    return Response("ok")


app = Starlette(
    routes=[
        Route("/hook/{endpoint}", hook, methods=["POST"]),
        Route("/stats", stats, methods=["GET"]),
        Route("/stats/reset", stats, methods=["POST"]),
        Route("/healthz", healthz),
    ]
)

if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    port = parser.parse_args().port
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
