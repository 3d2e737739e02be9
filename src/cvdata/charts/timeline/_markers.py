"""The timeline's strips of papers and awards: a column of dots per year at mid-year, or
bars per year when a year holds too many dots to read."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ... import i18n
from ...theme import Brand
from .._common import _esc, _plural, _wrap
from .._tables import STATUS_ORDER, status_labels
from .._theme import AWARD_COLOR_NAME, status_color
from ._table import markers_per_year

MARKER_NOTE = "year only: placed at mid-year"
#: A year with more papers (or awards) than this is drawn as bars counting them per year
#: and status, not as a column of dots: past it the dots shrink to specks.
MARKER_STACK_MAX = 15


_YEAR_MS = 365.25 * 24 * 3600 * 1000


def _per_year_words(most: int) -> str:
    words = i18n.current()
    return words("chart.per-year", most=words.number(most))


def _paper_status(status: str) -> str:
    """'Paper: submitted', in the CV's language."""
    said = status_labels().get(status, status)
    return i18n.current()("chart.paper-status", status=said.lower())


def _iso(ts: pd.Series) -> list[str]:
    return [t.strftime("%Y-%m-%d") for t in ts]


def _stack(dated: pd.DataFrame) -> pd.Series:
    """0, 1, 2, ... within each year: a column of dots per year, read like a histogram."""
    return dated.groupby("year").cumcount()


def _strip_axis(fig: go.Figure, row: int, span: list[float], tick: float, text: str) -> None:
    """The y axis of a papers/awards strip under the timeline: fixed, one label at tick."""
    fig.update_yaxes(
        range=span,
        tickvals=[tick],
        ticktext=[text],
        showgrid=False,
        zeroline=False,
        fixedrange=True,
        automargin=True,
        row=row,
        col=1,
    )


def _per_year(dated: pd.DataFrame) -> bool:
    """Whether dated markers of one kind are drawn as per-year bars rather than dots."""
    return not dated.empty and int(dated["year"].value_counts().max()) > MARKER_STACK_MAX


def _year_bars(fig: go.Figure, kind: str, part: pd.DataFrame, brand: Brand, row: int) -> int:
    """Papers or awards of one kind as bars per year, stacked by status, each bar saying in
    its hover how many items it stands for; returns the largest year's count."""
    counts = markers_per_year(part)
    counts["base"] = counts.groupby("year")["items"].cumsum() - counts["items"]
    word = "paper" if kind == "paper" else "award"
    w = i18n.current()
    present = set(counts["status"])
    order = [st for st in STATUS_ORDER if st in present] + sorted(present - set(STATUS_ORDER))
    for status in order:
        g = counts[counts["status"] == status]
        if kind == "paper":
            name = _esc(_paper_status(status))
            marker = {"color": status_color(brand, status), "line": {"width": 0}}
            what = f"{_esc(g['status_label'].iloc[0])}: "
        else:
            name = i18n.current()("chart.award")
            color = brand.palette.get(AWARD_COLOR_NAME, "#F0E442")
            marker = {"color": color, "line": {"width": 0.8, "color": brand.foreground}}
            what = ""
        fig.add_trace(
            go.Bar(
                name=name,
                orientation="v",
                x=_iso(g["date"]),
                y=[int(v) for v in g["items"]],
                base=[int(v) for v in g["base"]],
                width=[_YEAR_MS * 0.8] * len(g),
                ids=[f"{kind}-{y}-{status}" for y in g["year"]],
                marker=marker,
                hovertext=[
                    f"<b>{int(y)}</b>: {what}{_plural(int(n), word)}"
                    + (w("hover.of-total", n=w.number(int(t))) if t != n else "")
                    + "<br>"
                    + w("hover.year-only")
                    for y, n, t in zip(g["year"], g["items"], g["year_items"], strict=True)
                ],
                hovertemplate="%{hovertext}<extra></extra>",
                legend="legend2",
                meta={"part": kind, "per_year": True},
            ),
            row=row,
            col=1,
        )
    return int(counts["year_items"].max())


def _panels(markers: pd.DataFrame | None) -> list[tuple[str, pd.DataFrame]]:
    """The strips to draw, papers then awards: each kind that has dated markers."""
    if markers is None:
        return []
    dated = markers[markers["date"].notna()]
    panels = []
    for kind in ("paper", "award"):
        part = dated[dated["marker"] == kind]
        if not part.empty:
            panels.append((kind, part))
    return panels


def _dot_style(kind: str, key: str, dot: float, brand: Brand) -> tuple[str, dict[str, object]]:
    """A group of dots' legend name and marker: papers by status, awards as stars."""
    if kind == "paper":
        name = _esc(_paper_status(key))
        return name, {
            "color": status_color(brand, key),
            "size": dot,
            "symbol": "circle",
            "line": {"width": 0.5, "color": "#FFFFFF"},
        }
    return i18n.current()("chart.award"), {
        "color": brand.palette.get(AWARD_COLOR_NAME, "#F0E442"),
        "size": dot + 3,
        "symbol": "star",
        "line": {"width": 0.8, "color": brand.foreground},
    }


def _dots(
    fig: go.Figure, kind: str, part: pd.DataFrame, height: float, brand: Brand, row: int
) -> int:
    """Papers or awards of one kind as a column of dots per year (papers a trace per
    status); returns the deepest column's depth."""
    part = part.copy()
    part["_stack"] = _stack(part).to_numpy()
    deepest = int(part["_stack"].max()) + 1
    dot = max(4.0, min(10.0, (height - 16) / deepest * 0.9))
    groups = (
        [(s, part[part["status"] == s]) for s in STATUS_ORDER if (part["status"] == s).any()]
        if kind == "paper"
        else [("award", part)]
    )
    if kind == "paper":
        other = part[~part["status"].isin(STATUS_ORDER)]
        if not other.empty:
            groups.append(("other", other))
    for key, g in groups:
        name, marker = _dot_style(kind, key, dot, brand)
        fig.add_trace(
            go.Scatter(
                name=name,
                x=_iso(g["date"]),
                y=[int(v) for v in g["_stack"]],
                ids=list(g["item_id"]),
                mode="markers",
                marker=marker,
                hovertext=[
                    f"<b>{_wrap(str(r.label), 70, 3)}</b><br>{_esc(r.detail)}"
                    f"<br>{_esc(r.date_note)}"
                    for r in g.itertuples()
                ],
                hovertemplate="%{hovertext}<extra></extra>",
                legend="legend2",
                meta={"part": kind},
            ),
            row=row,
            col=1,
        )
    return deepest


def _marker_strips(
    fig: go.Figure, panels: list[tuple[str, pd.DataFrame]], heights: list[float], brand: Brand
) -> None:
    """Each panel as a strip under the roles (rows 2, 3): dots, or bars per year."""
    for row, ((kind, part), height) in enumerate(zip(panels, heights, strict=True), start=2):
        label = i18n.current()("chart.papers" if kind == "paper" else "chart.awards")
        if _per_year(part):
            most = _year_bars(fig, kind, part, brand, row)
            _strip_axis(
                fig, row, [0, most * 1.08], most / 2, f"<b>{label}</b> " + _per_year_words(most)
            )
            continue
        deepest = _dots(fig, kind, part, height, brand, row)
        by_year = i18n.current()("chart.by-year")
        _strip_axis(fig, row, [-0.8, deepest - 0.2], (deepest - 1) / 2, f"<b>{label}</b> {by_year}")
