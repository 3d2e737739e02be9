"""Every chart the registry names, drawn from one CV: shared by the figure and snapshot tests."""

from __future__ import annotations

import plotly.graph_objects as go

import cvdata
from cvdata import charts
from cvdata.theme import load_brand

BRAND = load_brand()
#: The charts :func:`all_figures` draws, by name (one snapshot each): the registry's.
FIGURE_NAMES = tuple(charts.CHARTS)


def all_figures(cv: cvdata.CV) -> dict[str, tuple[go.Figure, tuple[str, str]]]:
    """Each registered chart's figure and (caption, alt), drawn as a page draws it."""
    out = {}
    for name in FIGURE_NAMES:
        drawn = charts.draw(name, cv, brand=BRAND)
        out[name] = (drawn.figure, (drawn.caption, drawn.alt))
    return out
