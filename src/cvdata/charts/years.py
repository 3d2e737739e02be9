"""Papers by year: papers per year and status, every year from the first to the last;
its table, figure and description."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from .. import i18n
from ..load import CV
from ..theme import Brand, load_brand
from ._chart import Drawn
from ._common import _empty, _esc, _escs, _legend_top, _plural, _title
from ._tables import NO_YEAR, _status_rank, papers_table, status_labels
from ._theme import plotly_template, status_color


def table(cv: CV) -> pd.DataFrame:
    """Papers per year and status: every year from the first to the last (a year without
    papers is an empty slot, not a missing one), then a ``no year`` slot when some papers
    have no year. Columns: ``year_label, year, status, status_label, papers``."""
    p = papers_table(cv)
    cols = ["year_label", "year", "status", "status_label", "papers"]
    if p.empty:
        return pd.DataFrame(columns=cols)
    statuses = sorted(p["status"].unique(), key=lambda s: _status_rank(pd.Series([s])).iloc[0])
    years = p["year"].dropna()
    slots: list[tuple[str, object]] = []
    if not years.empty:
        slots = [(str(y), y) for y in range(int(years.min()), int(years.max()) + 1)]
    if p["year"].isna().any():
        slots.append((NO_YEAR, pd.NA))
    counts = p.assign(year_label=p["year"].astype("string").fillna(NO_YEAR))
    counts = counts.groupby(["year_label", "status"]).size()
    labels = status_labels()  # in the CV's language
    rows = [
        (label, year, s, labels.get(s, s), int(counts.get((label, s), 0)))
        for label, year in slots
        for s in statuses
    ]
    out = pd.DataFrame(rows, columns=cols)
    return out.astype({"year": "Int64", "papers": int})


def figure(
    counts: pd.DataFrame, *, brand: Brand | None = None, title: str | None = None
) -> go.Figure:
    """Papers per year, stacked by status; papers without a year get their own slot at the
    end. ``counts`` from :func:`table`."""
    brand = brand or load_brand()
    if counts.empty:
        return _empty(brand, i18n.current()("empty.papers"), title)
    fig = go.Figure(layout={"template": plotly_template(brand), "title": _title(title)})
    slots = list(dict.fromkeys(counts["year_label"]))
    for status in dict.fromkeys(counts["status"]):
        part = counts[(counts["status"] == status) & (counts["papers"] > 0)]
        if part.empty:
            continue
        label = str(part["status_label"].iloc[0])
        fig.add_trace(
            go.Bar(
                name=_esc(label),
                x=_escs(part["year_label"]),
                y=[int(v) for v in part["papers"]],
                marker={"color": status_color(brand, status)},
                hovertemplate=f"<b>%{{x}}</b><br>{_esc(label)}: %{{y}}<extra></extra>",
            )
        )
    totals = counts.groupby("year_label", sort=False)["papers"].sum().reindex(slots)
    fig.add_trace(
        go.Scatter(
            x=_escs(slots),
            y=[int(v) for v in totals],
            text=[str(int(v)) if v else "" for v in totals],
            mode="text",
            textposition="top center",
            showlegend=False,
            hoverinfo="skip",
            cliponaxis=False,
            name="totals",
        )
    )
    fig.update_xaxes(
        type="category", categoryorder="array", categoryarray=_escs(slots), title=None, tickangle=0
    )
    no_year = i18n.current()("chart.no-year")
    if NO_YEAR in slots and no_year != NO_YEAR:  # the slot's name in the CV's language
        ticks = [no_year if s == NO_YEAR else s for s in slots]
        fig.update_xaxes(tickmode="array", tickvals=_escs(slots), ticktext=_escs(ticks))
    fig.update_yaxes(
        title=i18n.current()("chart.papers"),
        rangemode="tozero",
        range=[0, int(totals.max()) * 1.18 + 0.5],
        automargin=True,
        tickformat=",d",
        dtick=1 if int(totals.max()) <= 6 else None,
    )
    fig.update_layout(
        barmode="stack", height=360, bargap=0.25, hovermode="closest", margin={"t": 70}
    )
    _legend_top(fig)
    return fig


def describe(counts: pd.DataFrame) -> tuple[str, str]:
    w = i18n.current()
    if counts.empty:
        return w("empty.papers"), w("empty-alt.papers")
    per = counts.groupby("year_label", sort=False)["papers"].sum()
    undated = int(per.get(NO_YEAR, 0))
    dated = per.drop(NO_YEAR, errors="ignore")
    caption = w("years.caption")
    if undated:
        caption += w(
            "years.caption-undated", papers=_plural(undated, "paper"), label=w("chart.no-year")
        )
    caption += w("punct.end")
    if dated.empty:
        alt = w("years.alt-undated-only", papers=_plural(undated, "paper"))
    else:
        alt = w(
            "years.alt",
            first=dated.index[0],
            last=dated.index[-1],
            busiest=dated.idxmax(),
            n=w.number(int(dated.max())),
        ) + (w("years.alt-undated", n=w.number(undated)) if undated else w("punct.end"))
    return caption, alt


def draw(cv: CV, *, brand: Brand | None = None) -> Drawn:
    """Papers per year and status."""
    t = table(cv)
    return Drawn(figure(t, brand=brand), *describe(t))
