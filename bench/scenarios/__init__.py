"""The scenarios of issue 8, in the order a full run takes them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bench.report import Outcome
from bench.run import Run
from bench.scenarios import fanout, feed, http, idle, reads, slow, spread, storm

SCENARIOS: dict[str, Callable[[Run], Awaitable[Outcome]]] = {
    "fanout": fanout.run,
    "spread": spread.run,
    "hot": spread.hot,  # issue 20: one shipment at the same rate
    "idle": idle.run,
    "query": http.query,
    "reads": reads.run,
    "mutation": http.mutation,
    "storm": storm.run,
    "slow": slow.run,
    "feed": feed.run,  # issue 16: one organization's feed
}
