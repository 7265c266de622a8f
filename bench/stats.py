"""Percentiles and the small arithmetic of the reports."""

from __future__ import annotations

from collections.abc import Sequence


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile of `values` (sorted here), `share` in [0, 1]."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[rank]


def summary_ms(values_ns: Sequence[int]) -> dict[str, float]:
    """p50, p99 and max of nanosecond values, in milliseconds."""
    ordered = sorted(values_ns)
    return {
        "p50": percentile(ordered, 0.50) / 1e6,
        "p99": percentile(ordered, 0.99) / 1e6,
        "max": (ordered[-1] / 1e6) if ordered else float("nan"),
        "count": len(ordered),
    }
