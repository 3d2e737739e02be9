"""The timeline's sizes: a row per role as tall as its label, a strip per kind of marker."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ._labels import _row_label, _row_names
from ._markers import _per_year, _stack

ROW_HEIGHT = 26  # pixels per one-line timeline row: labels stay legible with 100 roles
YEAR_STRIP = 100  # pixels for a strip of per-year bars in the timeline


@dataclass(frozen=True)
class _TimelineSize:
    """The timeline's dimensions in pixels, on screen or in print."""

    font: int  # the rows' labels (the rest of the text in print)
    line: float  # a line of a row's label (plotly sets lines 1.3 em apart)
    pad: float  # what a row adds around its lines
    bar: float  # a bar's thickness
    gap: int  # between the roles and a strip, and between strips
    strip_min: int
    strip_max: int
    per_dot: int  # a strip's height per dot of its deepest year
    strip_pad: int
    year_strip: int  # a strip of bars per year
    top: int  # margin above: legend, axis labels, the as-of label
    bottom: int  # margin below the strips (their legend)
    bottom_plain: int  # margin below when there are no strips
    legend_shift: int
    legend2_shift: int
    as_of_shift: int


_SCREEN = _TimelineSize(
    font=12, line=15.6, pad=ROW_HEIGHT - 15.6, bar=19.5, gap=30, strip_min=56,
    strip_max=170, per_dot=11, strip_pad=20, year_strip=YEAR_STRIP, top=110, bottom=90,
    bottom_plain=40, legend_shift=42, legend2_shift=35, as_of_shift=22,
)  # fmt: skip
_PRINT = _TimelineSize(
    font=11, line=14.3, pad=5, bar=12, gap=20, strip_min=36, strip_max=100, per_dot=8,
    strip_pad=12, year_strip=64, top=80, bottom=62, bottom_plain=24, legend_shift=34,
    legend2_shift=30, as_of_shift=17,
)  # fmt: skip


@dataclass(frozen=True)
class _Rows:
    """Where the rows and strips go, in pixels. The roles' y axis counts pixels from the
    top, so a row's share of the plot is its height."""

    labels: list[str]  # each row's label, wrapped
    bottoms: pd.Series  # each row's lower edge, by the roles' index
    centres: pd.Series  # each row's middle (where its bar and label sit)
    roles_h: float  # all the rows
    strips: list[float]  # each strip's height, in the order of the panels
    plot_h: float  # rows, strips and the gaps between them


def _measure(
    roles: pd.DataFrame, panels: list[tuple[str, pd.DataFrame]], size: _TimelineSize
) -> _Rows:
    """The heights of the rows (one per role, as tall as its label's lines) and of the
    strips (by the deepest year's dots, or fixed for per-year bars)."""
    labels, heights = [], []
    for t, o in _row_names(roles):
        label, n = _row_label(t, o)
        labels.append(label)
        heights.append(size.pad + size.line * n)
    bottoms = pd.Series(heights, index=roles.index).cumsum()
    centres = bottoms - pd.Series(heights, index=roles.index) / 2
    roles_h = float(bottoms.iloc[-1])
    strip_h = []
    for _, part in panels:
        deepest = int(_stack(part).max()) + 1
        strip_h.append(
            size.year_strip
            if _per_year(part)
            else min(size.strip_max, max(size.strip_min, size.per_dot * deepest + size.strip_pad))
        )
    plot_h = roles_h + sum(strip_h) + size.gap * len(panels)
    return _Rows(labels, bottoms, centres, roles_h, strip_h, plot_h)
