"""The skills chart without years: per category a panel of labelled tiles, and what the
skills chart's panels share (their counts, their titles)."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .. import i18n
from ..theme import Brand
from ._chart import ITEMS
from ._common import _cut, _esc, _plural, _title, _translucent, _width
from ._theme import plotly_template
from .timeline._labels import _wrap_cells

TILE_ROW = 30  # pixels per row of skill tiles (a CV without years)
#: A panel title's height: its first line and the room under it, then each further line.
TITLE_H = 34
TITLE_LINE = 18


def panel_title(category: str, tail: list[str], panel: int) -> str:
    """A panel's title: the category's whole name in bold, then ``tail`` (its level, its
    count) after " · "; on one line when it fits ``panel`` character cells, else wrapped
    at words, never cut (a reader has no other place to read it whole)."""
    parts = [str(category), *(t for t in tail if t)]
    if _width(" · ".join(parts)) <= panel:
        return f"<b>{_esc(parts[0])}</b>" + "".join(f" · {_esc(t)}" for t in parts[1:])
    name = [f"<b>{_esc(line)}</b>" for line in _wrap_cells(parts[0], panel)] or ["<b></b>"]
    rest = [_esc(line) for line in _wrap_cells(" · ".join(parts[1:]), panel)]
    return "<br>".join(name + rest)


def title_height(titles: list[str]) -> int:
    """The room a row of panel titles takes: one more line each for the tallest."""
    lines = max((t.count("<br>") + 1 for t in titles if t), default=1)
    return TITLE_H + TITLE_LINE * (lines - 1)


def _skill_hover(s: Any, category: object) -> str:
    return (
        f"<b>{_esc(s.skill)}</b><br>{_esc(category)}"
        + (f" · {_esc(s.level)}" if s.level else "")
        + (f"<br>{_esc(s.years_label)}" if pd.notna(s.years) else "")
        + (f"<br>{_esc(s.note)}" if s.note else "")
    )


def _tile_titles(table: pd.DataFrame, grid: list[list[str]], columns: int, panel: int) -> list[str]:
    """Each panel's title, row by row: the category, its level (where given) and its count,
    wrapped to a panel ``panel`` characters wide (:func:`panel_title`); "" for the empty
    places of the last row."""
    titles = []
    for row in grid:
        for c in row:
            part = table[table["category"] == c]
            level = str(part["level"].iloc[0])
            count = _panel_count(part, columns, "first")  # in the CV's order
            titles.append(panel_title(str(c), [level, count], panel))
        titles += [""] * (columns - len(row))
    return titles


def _skills_grid(
    table: pd.DataFrame, *, columns: int, brand: Brand, title: str | None
) -> go.Figure:
    """The skills of a CV that gives no years: per category a panel titled with its name,
    level (where given) and count, holding its skills as labelled tiles in the CV's order.
    No axis: there is no quantity to read, only names (and the hover: category, level,
    note). Labels are cut to fit their tile at the PDF's 820 px ("…"; whole in the hover)."""
    cats = list(dict.fromkeys(table["category"]))
    shown = table[table["shown"]]
    # Characters across one panel at 820 px, at the tiles' 12 px text.
    panel = 104 if columns == 1 else 48
    longest = max(_width(str(v)) for v in shown["skill"])
    per_line = max(1, min(4, panel // (longest + 4)))
    fit = panel // per_line - 3
    nrows = math.ceil(len(cats) / columns)
    grid = [cats[i * columns : (i + 1) * columns] for i in range(nrows)]
    lines = {c: max(1, math.ceil(int((shown["category"] == c).sum()) / per_line)) for c in cats}
    per_row = [max(lines[c] for c in row) for row in grid]
    titles = _tile_titles(table, grid, columns, panel)
    title_h = title_height(titles)
    plot_h = sum(TILE_ROW * n for n in per_row) + title_h * nrows
    fig = make_subplots(
        rows=nrows,
        cols=columns,
        row_heights=per_row,
        vertical_spacing=title_h / plot_h if nrows > 1 else 0,
        horizontal_spacing=0.06 if columns > 1 else 0.02,
        subplot_titles=titles,
    )
    blue = brand.palette.get("blue", brand.colorway[0])
    for i, c in enumerate(cats):
        r, col = i // columns + 1, i % columns + 1
        part = shown[shown["category"] == c]
        at = range(len(part))
        fig.add_trace(
            go.Bar(
                orientation="h",
                base=[k % per_line for k in at],
                x=[0.94] * len(part),
                y=[k // per_line for k in at],
                width=0.74,
                ids=list(part["skill_id"]),
                text=[_esc(_cut(str(v), fit)) for v in part["skill"]],
                textposition="inside",
                insidetextanchor="middle",
                textangle=0,
                constraintext="inside",
                textfont={"color": brand.foreground, "size": 12},
                hovertext=[_skill_hover(v, c) for v in part.itertuples()],
                hovertemplate="%{hovertext}<extra></extra>",
                marker={"color": _translucent(blue, 0.15), "line": {"color": blue, "width": 1}},
                showlegend=False,
                name=_esc(c),
                meta={"part": "skill-tiles"},
            ),
            row=r,
            col=col,
        )
        fig.update_yaxes(range=[per_row[r - 1] - 0.5, -0.5], visible=False, row=r, col=col)
        fig.update_xaxes(range=[0, per_line], visible=False, row=r, col=col)
    _titles_over_panels(fig, len(cats))
    fig.update_layout(
        template=plotly_template(brand),
        title=_title(title),
        height=plot_h + 16 + title_h,
        barmode="overlay",
        hovermode="closest",
        margin={"t": 6 + title_h + (30 if title else 0), "b": 10, "l": 10, "r": 10},
    )
    fig.layout.meta = {ITEMS: len(shown)}  # tiles: one for a lone skill is no chart
    return fig


def _panel_count(part: pd.DataFrame, columns: int, first: str) -> str:
    """A category panel's count: all its skills, or how many of them are drawn."""
    n_shown, total = int(part["shown"].sum()), len(part)
    if n_shown == total:
        return _plural(total, "skill")
    words = i18n.current()
    if columns > 1:
        return words(
            f"skills.panel-cut-{first}", shown=words.number(n_shown), total=words.number(total)
        )
    return words(
        "skills.panel-cut",
        skills=_plural(total, "skill"),
        shown=words.number(n_shown),
        more=words.number(total - n_shown),
    )


def _titles_over_panels(fig: go.Figure, panels: int) -> None:
    """Subplot titles left-aligned over their panel (plotly centres them)."""
    for ann in fig.layout.annotations:
        ann.update(xanchor="left", font={"size": 13}, yanchor="bottom")
    for i in range(panels):
        axis = fig.layout[f"xaxis{'' if i == 0 else i + 1}"]
        fig.layout.annotations[i].x = axis.domain[0]
