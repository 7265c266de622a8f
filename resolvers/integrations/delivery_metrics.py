"""The delivery worker's metrics (/metrics): outcomes, latency, lag, disabled endpoints."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

DELIVERIES = Counter(
    "cargolive_deliveries_total",
    "Delivery attempts, by endpoint kind and outcome",
    ["kind", "outcome"],
)
ATTEMPT_SECONDS = Histogram(
    "cargolive_delivery_attempt_seconds",
    "Time from sending a delivery to the receiver's answer",
    ["kind"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15),
)
COMMIT_TO_2XX = Histogram(
    "cargolive_delivery_commit_to_2xx_seconds",
    "Time from an event's commit to the receiver's 2xx of its delivery",
    ["kind"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60, 300, 3600),
)
LAG = Gauge(
    "cargolive_delivery_lag_events",
    "Log positions between an endpoint's cursor and the log's head, as last seen",
    ["endpoint"],
    multiprocess_mode="max",
)
DISABLED = Gauge(
    "cargolive_disabled_endpoints",
    "Endpoints disabled after failing past the retry window",
    multiprocess_mode="max",
)
