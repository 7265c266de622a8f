"""The tracking page's colour pairs meet WCAG AA (4.5:1 for text), in light and dark schemes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

WEB = Path(__file__).resolve().parent.parent / "web" / "src"
AA = 4.5


def palettes(css: str) -> dict[str, dict[str, str]]:
    """{'light': {name: hex}, 'dark': {...}}: the custom properties of the first block, then of
    the dark-scheme block, which inherits what it does not set."""
    dark_at = css.index("prefers-color-scheme: dark")
    pattern = re.compile(r"--([\w-]+):\s*(?:var\(--[\w-]+,\s*)?(#[0-9a-fA-F]{6})")
    light = dict(pattern.findall(css[:dark_at]))
    dark_block = css[dark_at : css.index("}\n}", dark_at)]
    return {"light": light, "dark": light | dict(pattern.findall(dark_block))}


def luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


ELEMENT_PAIRS = [
    ("fg", "bg"),
    ("muted", "bg"),
    ("muted", "tint"),  # an event's time while the new-event highlight fades
    ("accent", "bg"),
    ("live-fg", "live-bg"),
    ("wait-fg", "wait-bg"),
    ("stop-fg", "stop-bg"),
]
PAGE_PAIRS = [
    ("page-fg", "page-bg"),
    ("page-muted", "page-bg"),
    ("page-problem", "page-bg"),
    ("page-fg", "field-bg"),
    ("field-bg", "page-accent"),  # the button's label
]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_elements_text_colours_reach_aa(scheme):
    colours = palettes((WEB / "element.css").read_text())[scheme]
    low = {pair: round(contrast(colours[pair[0]], colours[pair[1]]), 2) for pair in ELEMENT_PAIRS}
    assert {pair: ratio for pair, ratio in low.items() if ratio < AA} == {}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_pages_text_colours_reach_aa(scheme):
    colours = palettes((WEB / "page.css").read_text())[scheme]
    low = {pair: round(contrast(colours[pair[0]], colours[pair[1]]), 2) for pair in PAGE_PAIRS}
    assert {pair: ratio for pair, ratio in low.items() if ratio < AA} == {}
    assert contrast("#ffffff", "#0b3d6e") >= AA  # the brand bar


def test_the_ratio_formula_matches_wcag_examples():
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast("#777777", "#ffffff"), 2) == 4.48
