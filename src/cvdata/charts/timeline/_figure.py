"""The timeline figure, put together from its parts: sizes, lanes, strips, axes, legends."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ... import dates as _dates
from ... import i18n
from ...theme import Brand, load_brand
from .._chart import ITEMS
from .._common import _empty, _kind_word, _more_note, _shown, _title
from .._theme import plotly_template
from ._lanes import _lane_axis, _role_bars
from ._markers import _marker_strips, _panels
from ._sizing import _PRINT, _SCREEN, _measure, _TimelineSize


def figure(
    roles: pd.DataFrame,
    *,
    as_of: dt.date,
    markers: pd.DataFrame | None = None,
    brand: Brand | None = None,
    title: str | None = None,
    compact: bool = False,
) -> go.Figure:
    """Every role as a bar on its own row, rows grouped in lanes by kind (industry,
    internship, research, education), so overlapping roles never hide each other; papers
    and awards as dots on the same time axis below.

    Each row is labelled with the role's title and organisation in full (see
    :func:`_row_label`): a label too long for one line takes two or three, and its row
    grows with it (bars keep one thickness).

    Parameters
    ----------
    roles
        From :func:`table`: ``role_id, label, kind, kind_label,
        title, organisation, start, end, ongoing, dates, location, advisors`` and
        ``shown``: the roles it leaves out (the earlier ones) are not drawn but counted, per
        lane, in a line under the roles.
    as_of
        Where ongoing roles end (they are hatched); drawn as a dashed line.
    markers
        From :func:`markers` (optional). Items without a date are
        not drawn (the caption counts them). A kind with more than ``MARKER_STACK_MAX`` in
        some year is drawn as bars per year (stacked by status, from
        :func:`markers_per_year`), each saying its count in the hover.
    compact
        For print (the PDF): smaller type, rows, strips and margins, so the chart takes
        little of a page; a still image has no hover, so nothing drawn relies on it.
    """
    brand = brand or load_brand()
    if roles.empty:
        return _empty(brand, i18n.current()("empty.roles"), title)
    size = _PRINT if compact else _SCREEN
    roles, hidden = _shown(roles)
    panels = _panels(markers)
    rows = _measure(roles, panels, size)
    fig = make_subplots(
        rows=1 + len(panels),
        cols=1,
        shared_xaxes=True,
        row_heights=[rows.roles_h, *rows.strips],
        vertical_spacing=size.gap / rows.plot_h if panels else 0,
    )
    _role_bars(fig, roles, rows.centres, size, brand)
    _lane_axis(fig, roles, rows, size)
    _marker_strips(fig, panels, rows.strips, brand)
    _as_of_line(fig, as_of, size, brand)
    bottom = size.bottom if panels else size.bottom_plain
    more = 0 if hidden.empty or panels else 20  # a line for the roles left out
    height = round(rows.plot_h + size.top + bottom + more)
    _layout(fig, size, brand, title, height=height, bottom=bottom)
    if compact:  # the rest of the text (axes, legends, notes) as small as the labels
        fig.update_layout(font={"size": size.font}, legend_font_size=size.font)
        fig.update_layout(legend2_font_size=size.font)
    fig.layout.meta = {ITEMS: len(roles)}
    # The top legend sits above the top axis labels; the bottom one below the last strip.
    fig.layout.legend.y = 1 + size.legend_shift / rows.plot_h
    fig.layout.legend2.y = -size.legend2_shift / rows.plot_h
    if not hidden.empty:
        lanes = hidden.groupby("kind_label", sort=False).size()
        _more_note(
            fig,
            brand,
            len(hidden),
            "earlier role",
            detail=_per_kind(lanes),
            # In the gap under the roles, using the width of the labels too.
            yshift=-5,
            bottom=bottom + more,
            under="y domain",
            right=True,
            opaque=True,
        )
    return fig


def _as_of_line(fig: go.Figure, as_of: dt.date, size: _TimelineSize, brand: Brand) -> None:
    """The as-of date as a dashed line across the chart, labelled at the top; the dates
    axis on top of the roles."""
    as_of_ts = pd.Timestamp(as_of)
    fig.add_shape(
        type="line",
        x0=as_of_ts,
        x1=as_of_ts,
        xref="x",
        y0=0,
        y1=1,
        yref="paper",
        line={"color": brand.muted, "width": 1, "dash": "dash"},
    )
    fig.add_annotation(
        x=as_of_ts,
        xref="x",
        y=1,
        yref="paper",
        text=i18n.current()("chart.as-of", date=_dates.show(as_of, "day")),
        showarrow=False,
        xanchor="right",
        yanchor="bottom",
        yshift=size.as_of_shift,
        font={"size": size.font - 1, "color": brand.muted},
    )
    fig.update_xaxes(type="date", title=None, showgrid=True)
    fig.update_xaxes(showticklabels=True, row=1, col=1, side="top")


def _layout(
    fig: go.Figure,
    size: _TimelineSize,
    brand: Brand,
    title: str | None,
    *,
    height: int,
    bottom: int,
) -> None:
    """Theme, height and margins; the roles' legend on top, the strips' at the bottom."""
    fig.update_layout(
        template=plotly_template(brand),
        title=_title(title),
        height=height,
        barmode="overlay",
        hovermode="closest",
        margin={"t": size.top, "b": bottom},
        legend={
            "orientation": "h",
            "yanchor": "bottom",
            "y": 1.0,
            "x": 0,
            "title": None,
            "traceorder": "normal",
        },
        legend2={
            "orientation": "h",
            "yanchor": "top",
            "y": 0,
            "x": 0,
            "xanchor": "left",
            "title": None,
        },
        showlegend=True,
    )


def _per_kind(lanes: pd.Series) -> str:
    """How many roles of each kind: "industry 3, research 2"."""
    return ", ".join(f"{_kind_word(k)} {i18n.current().number(n)}" for k, n in lanes.items())
