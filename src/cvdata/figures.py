"""Figure builders: each takes a shaped DataFrame first and returns a ``go.Figure``.

Styling comes from :func:`cvdata.theme.plotly_template` so the charts match the site and
the PDF. Builders draw what they are given; what to show is decided in :mod:`cvdata.shape`.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from .theme import Brand, load_brand, plotly_template

ROW_HEIGHT = 26  # pixels per timeline row: labels stay legible with 100 roles


def _kind_colors(brand: Brand, kinds: list[str]) -> dict[str, str]:
    return {k: brand.colorway[i % len(brand.colorway)] for i, k in enumerate(kinds)}


def timeline(
    roles: pd.DataFrame,
    *,
    as_of: dt.date,
    brand: Brand | None = None,
    title: str | None = None,
) -> go.Figure:
    """Every role as a bar, one row each, coloured by lane (industry, research, ...).

    Parameters
    ----------
    roles
        From :func:`cvdata.shape.roles_timeline`: ``label, kind_label, start, end,
        ongoing, title, organisation, dates, location, advisors``.
    as_of
        Where ongoing roles end; drawn as a dashed line.
    """
    brand = brand or load_brand()
    kinds = list(dict.fromkeys(roles["kind_label"]))
    df = roles.assign(status=roles["ongoing"].map({True: "ongoing", False: "ended"}))
    fig = px.timeline(
        df,
        x_start="start",
        x_end="end",
        y="label",
        color="kind_label",
        pattern_shape="status",
        pattern_shape_map={"ongoing": "/", "ended": ""},
        color_discrete_map=_kind_colors(brand, kinds),
        category_orders={"kind_label": kinds, "label": list(df["label"])},
        custom_data=["title", "organisation", "dates", "location", "advisors", "status"],
        template=plotly_template(brand),
    )
    fig.update_traces(
        hovertemplate=(
            "<b>%{customdata[0]}</b><br>%{customdata[1]}<br>%{customdata[2]}"
            "<br>%{customdata[3]}<br>Advisors: %{customdata[4]}<extra></extra>"
        ),
        marker_line_width=0,
    )
    # Legend entries: one per lane, plus one saying what the hatching means.
    seen = set()
    for trace in fig.data:
        kind = trace.name.partition(", ")[0]
        trace.legendgroup = kind
        trace.name = kind
        trace.showlegend = kind not in seen
        seen.add(kind)
    if df["ongoing"].any():
        fig.add_trace(
            go.Bar(
                x=[None],
                y=[None],
                name="ongoing (hatched)",
                marker={"color": "#FFFFFF", "line": {"color": brand.muted, "width": 1}},
                marker_pattern_shape="/",
                showlegend=True,
                hoverinfo="skip",
            )
        )
    as_of_ts = pd.Timestamp(as_of)
    fig.add_shape(
        type="line",
        x0=as_of_ts,
        x1=as_of_ts,
        y0=0,
        y1=1,
        yref="paper",
        line={"color": brand.muted, "width": 1, "dash": "dash"},
    )
    fig.add_annotation(
        x=as_of_ts,
        y=1,
        yref="paper",
        text=f"as of {as_of:%b %Y}",
        showarrow=False,
        yanchor="bottom",
        font={"size": 11, "color": brand.muted},
    )
    # px.timeline already lists the first category at the top.
    fig.update_yaxes(title=None, automargin=True)
    fig.update_xaxes(title=None, type="date")
    fig.update_layout(
        title=title,
        height=max(260, 120 + ROW_HEIGHT * len(df)),
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "title": None},
        bargap=0.25,
        margin={"t": 80, "b": 40},
    )
    return fig


def describe_timeline(roles: pd.DataFrame, as_of: dt.date) -> tuple[str, str]:
    """Caption and alt text for :func:`timeline`, stated from the data it draws."""
    if roles.empty:
        return "No roles yet.", "An empty timeline: the CV lists no roles."
    first, last = roles["start"].min(), roles["end"].max()
    lanes = roles.groupby("kind_label", sort=False).size()
    per_lane = ", ".join(f"{n} {k.lower()}" for k, n in lanes.items())
    ongoing = roles.loc[roles["ongoing"], "label"].tolist()
    now = f"; ongoing as of {as_of:%B %Y}: {'; '.join(ongoing)}" if ongoing else ""
    caption = (
        f"Career timeline: {len(roles)} roles from {first:%Y} to {last:%Y}, one bar each, "
        f"coloured by kind; hatched bars are ongoing."
    )
    alt = (
        f"Horizontal bar timeline of {len(roles)} roles between {first:%B %Y} and "
        f"{last:%B %Y} ({per_lane}){now}."
    )
    return caption, alt
