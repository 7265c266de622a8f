"""What limits a target when it is missed: the analysis behind the profile excerpts.

Written from profiles of this machine (see bench/RESULTS.md); a scenario without an entry here
gets only its profile excerpt.
"""

from __future__ import annotations

from bench.report import Figure

EXPLANATIONS: dict[tuple[str, str], str] = {}


def explain(scenario: str, figure: Figure) -> str:
    for (key, metric), text in EXPLANATIONS.items():
        if key == scenario and metric in figure.metric:
            return text
    return "No analysis written for this miss yet: see the profile below."
