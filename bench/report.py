"""Figures, the table printed at the end of a run, and bench/RESULTS.md."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Figure:
    subject: str  # Cargolive, ceiling, naive
    backend: str  # PostgreSQL + Redis, SQLite + memory://, or "-" for the references
    metric: str
    value: float | int | str
    unit: str = ""
    target: str = ""
    met: bool | None = None

    def shown(self) -> str:
        value = self.value
        if isinstance(value, float):
            if math.isnan(value):
                return "n/a"
            value = f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}"
        elif isinstance(value, int):
            value = f"{value:,}"
        return f"{value} {self.unit}".strip()

    @property
    def verdict(self) -> str:
        return "" if self.met is None else ("met" if self.met else "MISSED")


@dataclass
class Outcome:
    """One scenario's result: its figures, how the load was made, and what was noticed."""

    key: str
    title: str
    method: str = ""
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    profiles: dict[str, str] = field(default_factory=dict)  # why a target was missed
    error: str | None = None

    def add(self, *args: Any, **kwargs: Any) -> Figure:
        figure = Figure(*args, **kwargs)
        self.figures.append(figure)
        return figure

    @property
    def missed(self) -> list[Figure]:
        return [figure for figure in self.figures if figure.met is False]


def table(outcomes: list[Outcome]) -> str:
    rows = [("scenario", "subject", "backend", "metric", "value", "target", "")]
    for outcome in outcomes:
        if outcome.error:
            rows.append((outcome.key, "-", "-", "FAILED", outcome.error[:60], "", ""))
        for f in outcome.figures:
            rows.append(
                (outcome.key, f.subject, f.backend, f.metric, f.shown(), f.target, f.verdict)
            )
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(line.rstrip() for line in lines)


def markdown_table(figures: list[Figure], scenario: str | None = None) -> list[str]:
    head = "| subject | backend | metric | value | target | |"
    if scenario is not None:
        head = "| scenario " + head
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for f in figures:
        cells = [f.subject, f.backend, f.metric, f.shown(), f.target, f.verdict]
        if scenario is not None:
            cells.insert(0, scenario)
        lines.append("| " + " | ".join(cells) + " |")
    return lines
