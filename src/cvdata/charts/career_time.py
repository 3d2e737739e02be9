"""Time per kind of role, overlapping roles counted once; its table, figure and
description."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from .. import dates as _dates
from .. import i18n
from ..load import CV
from ..theme import Brand, load_brand
from . import timeline
from ._chart import Drawn
from ._common import BAR_ROW, _empty, _esc, _escs, _kind_word, _plural, _title
from ._theme import kind_color, plotly_template
from .numbers import _role_spans, covered_months


def table(cv: CV, as_of: dt.date | None = None) -> pd.DataFrame:
    """Years spent per kind of role, overlapping roles of a kind counted once.

    Columns: ``kind, kind_label, years, months, duration, roles``; one row per kind
    present (in lane order), then ``work``: every kind but education together (again
    counting overlaps once). Time is counted in whole months as the CV prints dates
    (:func:`month_span`); ``duration`` says it in words ('1 year 1 month') and ``years``
    is ``months / 12``.
    """
    as_of = as_of or cv.as_of
    t = timeline.table(cv, as_of)
    spans = pd.Series(_role_spans(cv, t["role_id"], as_of), index=t.index, dtype=object)
    rows = []
    for kind, group in t.groupby("kind", sort=False):
        rows.append((kind, group["kind_label"].iloc[0], spans[group.index].tolist(), len(group)))
    work = t[t["kind"] != "education"]
    if not work.empty:
        rows.append(
            ("work", i18n.current()("career.all-work"), spans[work.index].tolist(), len(work))
        )
    months = [covered_months(s) for _, _, s, _ in rows]
    out = pd.DataFrame(
        {
            "kind": [r[0] for r in rows],
            "kind_label": [r[1] for r in rows],
            "years": pd.Series([m / 12 for m in months], dtype=float).round(2),
            "months": pd.Series(months, dtype=int),
            "duration": pd.Series([_dates.months_text(m) for m in months], dtype=object),
            "roles": pd.Series([r[3] for r in rows], dtype=int),
        }
    )
    return out


def figure(
    time: pd.DataFrame, *, brand: Brand | None = None, title: str | None = None
) -> go.Figure:
    """Years per kind of role (overlaps within a kind counted once), one bar each.

    ``time`` from :func:`table`: ``kind, kind_label, years, duration,
    roles``."""
    brand = brand or load_brand()
    if time.empty:
        return _empty(brand, i18n.current()("empty.roles"), title)
    fig = go.Figure(layout={"template": plotly_template(brand), "title": _title(title)})
    fig.add_trace(
        go.Bar(
            orientation="h",
            x=[float(v) for v in time["years"]],
            y=_escs(time["kind_label"]),
            marker={"color": [kind_color(brand, k) for k in time["kind"]]},
            # Whole years and months, as the dates say (not '1.1 yrs' for 12 months).
            text=[
                f"{_esc(d)} · {_plural(int(n), 'role')}"
                for d, n in zip(time["duration"], time["roles"], strict=True)
            ],
            textposition="outside",
            cliponaxis=False,
            customdata=_escs(time["duration"]),
            hovertemplate="<b>%{y}</b><br>%{customdata}<extra></extra>",
            showlegend=False,
        )
    )
    fig.update_xaxes(title=i18n.current()("career.axis"), rangemode="tozero")
    fig.update_xaxes(range=[0, float(time["years"].max()) * 1.3 + 0.1])
    fig.update_yaxes(autorange="reversed", automargin=True, title=None)
    fig.update_layout(height=120 + BAR_ROW * 1.4 * len(time), bargap=0.3, margin={"t": 30})
    return fig


def describe(time: pd.DataFrame) -> tuple[str, str]:
    w = i18n.current()
    if time.empty:
        return w("empty.roles"), w("empty-alt.roles")
    parts = [f"{_kind_word(r.kind_label)} {r.duration}" for r in time.itertuples()]
    caption = w("career.caption")
    alt = w("career.alt", parts=", ".join(parts))
    return caption, alt


def draw(cv: CV, *, brand: Brand | None = None) -> Drawn:
    """Years per kind of role, overlaps counted once."""
    t = table(cv)
    return Drawn(figure(t, brand=brand), *describe(t))
