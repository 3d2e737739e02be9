"""Figure builders: each takes a shaped DataFrame first and returns a ``go.Figure``.

Styling comes from :func:`cvdata.theme.plotly_template` so the charts match the site and
the PDF. Builders draw what they are given; what to show is decided in :mod:`cvdata.shape`
(top-N cuts arrive as a ``shown`` column, and every builder says how much it leaves out).
Next to each builder, a ``describe_*`` function states the caption and the alt text from
the same data.

Colours are fixed per meaning, not per chart: a kind of role (industry, internship, ...)
and a paper status (published, submitted, ...) have the same colour wherever they appear.
The palette is Okabe–Ito (colour-blind safe); ongoing roles are also hatched and paper
statuses also named, so no reading depends on colour alone.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import textwrap
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from . import shape
from .shape import NO_YEAR, STATUS_LABELS, STATUS_ORDER, YEARS_NOT_GIVEN, markers_per_year
from .theme import Brand, load_brand, plotly_template

ROW_HEIGHT = 26  # pixels per one-line timeline row: labels stay legible with 100 roles
#: A timeline row label's lines hold at most this many character cells (a CJK character
#: takes two): the label column keeps about a third of the width, the bars the rest.
LABEL_CELLS = 46
#: Lines at most for a row's title, and again for its organisation; only a paragraph-long
#: title or name is cut (its last line ends in "…"; the hover and the CV have it whole).
LABEL_PART_LINES = 3
#: How many things a figure draws (rows, bars, skills with years, skill tiles), in
#: ``layout.meta``:
#: :meth:`cvdata.page.Page.figure` leaves a chart of fewer than two out of the PDF.
ITEMS = "items"
BAR_ROW = 26  # pixels per bar in horizontal bar charts
SKILL_ROW = 20  # pixels per skill in the skills chart
TILE_ROW = 30  # pixels per row of skill tiles (a CV without years)
MARKER_NOTE = "year only: placed at mid-year"
#: A year with more papers (or awards) than this is drawn as bars counting them per year
#: and status, not as a column of dots: past it the dots shrink to specks.
MARKER_STACK_MAX = 15
YEAR_STRIP = 100  # pixels for a strip of per-year bars in the timeline
_YEAR_MS = 365.25 * 24 * 3600 * 1000

#: Palette names (``_brand.yml``) per kind of role; other kinds take the remaining colours.
KIND_COLOR_NAMES = {
    "industry": "blue",
    "internship": "orange",
    "research": "green",
    "education": "purple",
    "work": "ink",
    "other": "grey",
}
#: Palette names per paper status (ordered from settled to not yet placed).
STATUS_COLOR_NAMES = {
    "published": "blue",
    "accepted": "sky",
    "submitted": "orange",
    "under-review": "vermillion",
    "preprint": "purple",
    "forthcoming": "grey",
}
AWARD_COLOR_NAME = "yellow"


# --------------------------------------------------------------------------- helpers


def kind_color(brand: Brand, kind: str) -> str:
    """The colour of a kind of role, the same in every chart."""
    name = KIND_COLOR_NAMES.get(kind)
    if name and name in brand.palette:
        return brand.palette[name]
    spare = [c for c in brand.colorway if c not in _named(brand, KIND_COLOR_NAMES)]
    return (spare or brand.colorway)[sum(map(ord, kind)) % len(spare or brand.colorway)]


def status_color(brand: Brand, status: str) -> str:
    """The colour of a paper status, the same in every chart."""
    name = STATUS_COLOR_NAMES.get(status, "grey")
    return brand.palette.get(name, brand.muted)


def _named(brand: Brand, names: dict[str, str]) -> set[str]:
    return {brand.palette[n] for n in names.values() if n in brand.palette}


def _esc(value: object) -> str:
    """Text from the data as plotly shows it: plotly reads ``<b>``, ``<br>``, ``<a href>``
    and ``<span style>`` as markup in every label (tick labels, category values, legend
    entries, text, titles, annotations, hover), and decodes entities, so ``<``, ``>`` and
    ``&`` escaped show as themselves. Every data string that reaches a figure goes
    through here (or :func:`_escs`), after any shortening (never cut an entity)."""
    return html.escape("" if value is None or value is pd.NA else str(value), quote=False)


def _escs(values: Iterable[object]) -> list[str]:
    """:func:`_esc` of each value: category axis values, and the arrays that name them."""
    return [_esc(v) for v in values]


def _title(title: str | None) -> str | None:
    """A chart title given by the caller, shown as text like the data."""
    return _esc(title) if title else None


def _wrap(text: str, width: int = 60, limit: int | None = None) -> str:
    """Escaped text broken into lines for a hover box; ``limit`` lines at most."""
    lines = textwrap.wrap(text, width) or [""]
    if limit is not None and len(lines) > limit:
        lines = [*lines[:limit], f"… ({len(lines) - limit} more lines)"]
    return "<br>".join(_esc(line) for line in lines)


def _list_hover(items: list[str], limit: int = 12) -> str:
    """Up to ``limit`` items, one per line, and how many more there are."""
    shown = [_esc(textwrap.shorten(i, 80, placeholder="…")) for i in items[:limit]]
    if len(items) > limit:
        shown.append(f"… and {len(items) - limit} more")
    return "<br>".join(shown)


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (plural or word + 's')}"


def _empty(brand: Brand, message: str, title: str | None = None) -> go.Figure:
    """A figure that says there is nothing to draw, rather than an empty frame."""
    fig = go.Figure(
        layout={"template": plotly_template(brand), "title": _title(title), "height": 160}
    )
    fig.add_annotation(
        text=_esc(message),
        x=0.5,
        y=0.5,
        xref="paper",
        yref="paper",
        showarrow=False,
        font={"size": 14, "color": brand.muted},
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def _note(
    fig: go.Figure,
    text: str,
    brand: Brand,
    *,
    yshift: int = -62,
    bottom: int | None = 90,
    under: str = "paper",
    right: bool = False,
    opaque: bool = False,
) -> None:
    """A line ``yshift`` pixels under the plot (what was left out), or under one subplot
    (``under``: its y axis domain, e.g. "y domain"); ``right`` aligns it to the right edge.
    The bottom margin is set to ``bottom`` pixels to make room for it (None: left alone);
    ``opaque`` paints the background behind it (over grid and reference lines)."""
    fig.add_annotation(
        text=_esc(text),
        x=1 if right else 0,
        xref="paper",
        y=0,
        yref=under,
        yshift=yshift,
        xanchor="right" if right else "left",
        yanchor="top",
        showarrow=False,
        font={"size": 12, "color": brand.muted},
        **({"bgcolor": brand.background} if opaque else {}),
    )
    if bottom is not None:
        fig.update_layout(margin={"b": bottom})


def _more_note(
    fig: go.Figure,
    brand: Brand,
    n: int,
    noun: str,
    *,
    holding: str | None = None,
    detail: str | None = None,
    **where: Any,
) -> None:
    """The line under a chart cut to its top N: "+ 5 more venues with 12 papers not shown
    (at most 3 each)". ``noun`` is singular ("more venue"); ``holding`` what the left-out
    items hold; ``detail`` goes in brackets; ``where`` places it (see :func:`_note`)."""
    text = f"+ {_plural(n, noun)}" + (f" with {holding}" if holding else "") + " not shown"
    _note(fig, text + (f" ({detail})" if detail else ""), brand, **where)


def _shown(table: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows a shape marked ``shown`` and the rest (all shown without the column)."""
    if "shown" not in table:
        return table, table.iloc[0:0]
    mask = table["shown"].astype(bool)
    return table[mask], table[~mask]


def _legend_top(fig: go.Figure, title: str | None = None) -> None:
    fig.update_layout(
        legend={
            "orientation": "h",
            "yanchor": "bottom",
            "y": 1.0,
            "x": 0,
            "xanchor": "left",
            "title": {"text": title} if title else None,
            "traceorder": "normal",
        }
    )


def _stacked_hbar(
    df: pd.DataFrame,
    *,
    category: str,
    order: list[str],
    hover: dict[str, str],
    brand: Brand,
    title: str | None,
) -> go.Figure:
    """Horizontal bars, one per category (first at the top), stacked by paper status, with
    the total at the end of each bar. ``df``: ``category, status, status_label, papers``."""
    fig = go.Figure(layout={"template": plotly_template(brand), "title": _title(title)})
    statuses = [s for s in STATUS_ORDER if s in set(df["status"])]
    statuses += sorted(set(df["status"]) - set(statuses))
    for status in statuses:
        part = df[(df["status"] == status) & (df["papers"] > 0)]
        if part.empty:
            continue
        label = str(part["status_label"].iloc[0])
        fig.add_trace(
            go.Bar(
                name=_esc(label),
                orientation="h",
                x=[int(v) for v in part["papers"]],
                y=_escs(part[category]),
                marker={"color": status_color(brand, status), "line": {"width": 0}},
                hovertext=[
                    f"{hover.get(str(c), _esc(c))}<br>{_esc(label)}: {_plural(int(n), 'paper')}"
                    for c, n in zip(part[category], part["papers"], strict=True)
                ],
                hovertemplate="%{hovertext}<extra></extra>",
                legendgroup=_esc(status),
            )
        )
    totals = df.groupby(category, sort=False)["papers"].sum().reindex(order).fillna(0)
    fig.add_trace(
        go.Scatter(
            x=[int(v) for v in totals],
            y=_escs(totals.index),
            mode="text",
            text=[f" {int(v)}" for v in totals],
            textposition="middle right",
            showlegend=False,
            hoverinfo="skip",
            cliponaxis=False,
            name="totals",
        )
    )
    top = max(1, int(totals.max()) if len(totals) else 1)
    fig.update_xaxes(
        title="Papers",
        range=[0, top * 1.1 + 0.5],
        rangemode="tozero",
        tickformat=",d",
        dtick=1 if top <= 8 else None,
    )
    fig.update_yaxes(
        title=None,
        type="category",
        categoryorder="array",
        categoryarray=_escs(order),
        autorange="reversed",
        automargin=True,
    )
    fig.update_layout(
        barmode="stack",
        height=max(220, 130 + BAR_ROW * len(order)),
        bargap=0.3,
        hovermode="closest",
        margin={"t": 70, "b": 50},
    )
    _legend_top(fig)
    return fig


# --------------------------------------------------------------------------- timeline


def _cells(text: str) -> int:
    """Width in character cells: CJK (wide) characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pieces(word: str) -> list[str]:
    """A word's unbreakable pieces: each wide (CJK) character alone, which a line may break
    before or after, and the runs of other characters between them."""
    pieces: list[str] = []
    for ch in word:
        if _cells(ch) == 2 or not pieces or _cells(pieces[-1][-1]) == 2:
            pieces.append(ch)
        else:
            pieces[-1] += ch
    return pieces


def _wrap_cells(text: str, width: int) -> list[str]:
    """Plain text in lines of at most ``width`` cells: broken at spaces and between CJK
    characters (which need none); a word longer than a line is broken where it must."""
    lines: list[str] = []
    line, used = "", 0
    for word in text.split():
        for i, piece in enumerate(_pieces(word)):
            sep = " " if i == 0 and line else ""
            if line and used + len(sep) + _cells(piece) > width:
                lines.append(line)
                line, used, sep = "", 0, ""
            for ch in piece:  # a piece longer than a line (a long word): hard breaks
                if line and used + len(sep) + _cells(ch) > width:
                    lines.append(line)
                    line, used, sep = "", 0, ""
                line, used, sep = line + sep + ch, used + len(sep) + _cells(ch), ""
    return [*lines, line] if line else lines


def _lines(text: str, width: int, limit: int) -> list[str]:
    """:func:`_wrap_cells` to at most ``limit`` lines, the last ending in "…" if cut."""
    lines = _wrap_cells(text, width) or [""]
    if len(lines) > limit:
        last = _wrap_cells(lines[limit - 1], width - 1)[0]
        lines = [*lines[: limit - 1], last + "…"]
    return lines


def _row_label(title: str, employer: str, *, width: int = LABEL_CELLS) -> tuple[str, int]:
    """A timeline row's label as plotly markup, and its number of lines: "Title ·
    **Organisation**" on one line when it fits, else the title's lines, then the
    organisation's (bold: what a reader looks for), never cut short of
    ``LABEL_PART_LINES`` lines each. The text is escaped line by line; the only markup
    (``<br>``, ``<b>``) is ours."""
    if _cells(f"{title} · {employer}") <= width:
        return f"{_esc(title)} · <b>{_esc(employer)}</b>", 1
    top = [_esc(line) for line in _lines(title, width, LABEL_PART_LINES)]
    org = [f"<b>{_esc(line)}</b>" for line in _lines(employer, width, LABEL_PART_LINES)]
    return "<br>".join(top + org), len(top) + len(org)


def _row_names(roles: pd.DataFrame) -> list[tuple[str, str]]:
    """Each role's title and organisation as its row names them; two rows that would read
    the same say their start year, then a number."""
    org = roles["employer"] if "employer" in roles else roles["organisation"]
    names = [(str(t), str(o)) for t, o in zip(roles["title"], org, strict=True)]
    for key in ("year", "number"):
        seen: dict[tuple[str, str], int] = {}
        for n in names:
            seen[n] = seen.get(n, 0) + 1
        count: dict[tuple[str, str], int] = {}
        for i, n in enumerate(list(names)):
            if seen[n] > 1:
                count[n] = count.get(n, 0) + 1
                extra = f" ({roles['start'].iloc[i]:%Y})" if key == "year" else f" #{count[n]}"
                names[i] = (n[0], n[1] + extra)
    return names


def _role_hover(r: pd.Series) -> str:
    lines = [f"<b>{_esc(r['title'])}</b>", _esc(r["organisation"]), _esc(r["dates"])]
    if r["location"]:
        lines.append(_esc(r["location"]))
    if r["advisors"]:
        people = str(r["advisors"]).split("; ")
        label = "Advisor" if len(people) == 1 else "Advisors"
        lines.append(f"{label}: " + "<br>".join(_esc(p) for p in people))
    lines.append(f"<i>{_esc(r['kind_label'])}{' · ongoing' if r['ongoing'] else ''}</i>")
    return "<br>".join(lines)


def _ms(delta: pd.Series) -> list[float]:
    return [d.total_seconds() * 1000 for d in delta]


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
    present = set(counts["status"])
    order = [st for st in STATUS_ORDER if st in present] + sorted(present - set(STATUS_ORDER))
    for status in order:
        g = counts[counts["status"] == status]
        if kind == "paper":
            name = _esc(f"Paper: {STATUS_LABELS.get(status, status).lower()}")
            marker = {"color": status_color(brand, status), "line": {"width": 0}}
            what = f"{_esc(g['status_label'].iloc[0])}: "
        else:
            name = "Award"
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
                    + (f" of {int(t):,}" if t != n else "")
                    + "<br>(dated by year only)"
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


def timeline(
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
        From :func:`cvdata.shape.roles_timeline`: ``role_id, label, kind, kind_label,
        title, organisation, start, end, ongoing, dates, location, advisors`` and
        ``shown``: the roles it leaves out (the earlier ones) are not drawn but counted, per
        lane, in a line under the roles.
    as_of
        Where ongoing roles end (they are hatched); drawn as a dashed line.
    markers
        From :func:`cvdata.shape.timeline_markers` (optional). Items without a date are
        not drawn (the caption counts them). A kind with more than ``MARKER_STACK_MAX`` in
        some year is drawn as bars per year (stacked by status, from
        :func:`cvdata.shape.markers_per_year`), each saying its count in the hover.
    compact
        For print (the PDF): smaller type, rows, strips and margins, so the chart takes
        little of a page; a still image has no hover, so nothing drawn relies on it.
    """
    brand = brand or load_brand()
    if roles.empty:
        return _empty(brand, "No roles yet.", title)
    size = _PRINT if compact else _SCREEN
    roles, hidden = _shown(roles)
    dated = markers[markers["date"].notna()] if markers is not None else None
    panels = []  # (kind, rows of dots)
    if dated is not None:
        for kind in ("paper", "award"):
            part = dated[dated["marker"] == kind]
            if not part.empty:
                panels.append((kind, part))

    # Heights in pixels: a row per role (as tall as its label), a strip per kind of marker.
    # The roles' y axis counts pixels from the top, so a row's share is its height.
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
    gap = size.gap
    plot_h = roles_h + sum(strip_h) + gap * len(panels)
    nrows = 1 + len(panels)
    fig = make_subplots(
        rows=nrows,
        cols=1,
        shared_xaxes=True,
        row_heights=[roles_h, *strip_h],
        vertical_spacing=gap / plot_h if nrows > 1 else 0,
    )

    # Roles: one trace per kind and state (ended / ongoing), lanes in the given order.
    kinds = list(dict.fromkeys(roles["kind"]))
    for kind in kinds:
        first_of_kind = True
        for ongoing in (False, True):
            part = roles[(roles["kind"] == kind) & (roles["ongoing"] == ongoing)]
            if part.empty:
                continue
            color = kind_color(brand, kind)
            label = str(part["kind_label"].iloc[0])
            fig.add_trace(
                go.Bar(
                    name=_esc(label),
                    legendgroup=_esc(kind),  # not drawn, but kept free of markup like the rest
                    showlegend=first_of_kind,
                    orientation="h",
                    base=_iso(part["start"]),
                    x=_ms(part["end"] - part["start"]),
                    y=[float(c) for c in centres[part.index]],
                    width=[size.bar] * len(part),
                    ids=list(part["role_id"]),
                    hovertext=[_role_hover(r) for _, r in part.iterrows()],
                    hovertemplate="%{hovertext}<extra></extra>",
                    marker={
                        "color": color,
                        "line": {"width": 1 if ongoing else 0, "color": color},
                        "pattern": {
                            "shape": "/" if ongoing else "",
                            "fillmode": "overlay",
                            "fgcolor": "#FFFFFF",
                            "fgopacity": 0.9,
                            "size": 7,
                            "solidity": 0.35,
                        },
                    },
                    meta={"part": "roles"},
                ),
                row=1,
                col=1,
            )
            first_of_kind = False
    if roles["ongoing"].any():
        fig.add_trace(
            go.Bar(
                x=[None],
                y=[None],
                name="ongoing (hatched)",
                marker={
                    "color": brand.muted,
                    "line": {"width": 1, "color": brand.muted},
                    "pattern": {
                        "shape": "/",
                        "fillmode": "overlay",
                        "fgcolor": "#FFFFFF",
                        "size": 7,
                        "solidity": 0.35,
                    },
                },
                showlegend=True,
                hoverinfo="skip",
                meta={"part": "legend"},
            ),
            row=1,
            col=1,
        )
    fig.update_yaxes(
        type="linear",
        range=[roles_h, 0],  # first row on top
        tickmode="array",
        tickvals=[float(c) for c in centres],
        ticktext=labels,
        tickfont={"size": size.font},
        automargin=True,
        title=None,
        showgrid=False,
        zeroline=False,
        row=1,
        col=1,
    )
    # Thin rules between lanes.
    lane = roles["kind"].tolist()
    for i in range(1, len(lane)):
        if lane[i] != lane[i - 1]:
            edge = float(bottoms.iloc[i - 1])
            fig.add_shape(
                type="line",
                xref="x domain",
                x0=0,
                x1=1,
                yref="y",
                y0=edge,
                y1=edge,
                line={"color": "#9CA3AF", "width": 1},
            )

    # Papers and awards: a column of dots per year, at mid-year (bars when too many).
    for row, ((kind, part), height) in enumerate(zip(panels, strip_h, strict=True), start=2):
        label = "Papers" if kind == "paper" else "Awards"
        if _per_year(part):
            most = _year_bars(fig, kind, part, brand, row)
            _strip_axis(
                fig, row, [0, most * 1.08], most / 2, f"<b>{label}</b> per year (up to {most:,})"
            )
            continue
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
            if kind == "paper":
                name = _esc(f"Paper: {STATUS_LABELS.get(key, key).lower()}")
                marker = {
                    "color": status_color(brand, key),
                    "size": dot,
                    "symbol": "circle",
                    "line": {"width": 0.5, "color": "#FFFFFF"},
                }
            else:
                name = "Award"
                marker = {
                    "color": brand.palette.get(AWARD_COLOR_NAME, "#F0E442"),
                    "size": dot + 3,
                    "symbol": "star",
                    "line": {"width": 0.8, "color": brand.foreground},
                }
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
        _strip_axis(fig, row, [-0.8, deepest - 0.2], (deepest - 1) / 2, f"<b>{label}</b> (by year)")

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
        text=f"as of {as_of:%d %b %Y}",
        showarrow=False,
        xanchor="right",
        yanchor="bottom",
        yshift=size.as_of_shift,
        font={"size": size.font - 1, "color": brand.muted},
    )
    fig.update_xaxes(type="date", title=None, showgrid=True)
    fig.update_xaxes(showticklabels=True, row=1, col=1, side="top")
    bottom = size.bottom if panels else size.bottom_plain
    more = 0 if hidden.empty or panels else 20  # a line for the roles left out
    fig.update_layout(
        template=plotly_template(brand),
        title=_title(title),
        height=round(plot_h + size.top + bottom + more),
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
    if compact:  # the rest of the text (axes, legends, notes) as small as the labels
        fig.update_layout(font={"size": size.font}, legend_font_size=size.font)
        fig.update_layout(legend2_font_size=size.font)
    fig.layout.meta = {ITEMS: len(roles)}
    # The top legend sits above the top axis labels; the bottom one below the last strip.
    fig.layout.legend.y = 1 + size.legend_shift / plot_h
    fig.layout.legend2.y = -size.legend2_shift / plot_h
    if not hidden.empty:
        lanes = hidden.groupby("kind_label", sort=False).size()
        _more_note(
            fig,
            brand,
            len(hidden),
            "earlier role",
            detail=", ".join(f"{k.lower()} {n:,}" for k, n in lanes.items()),
            # In the gap under the roles, using the width of the labels too.
            yshift=-5,
            bottom=bottom + more,
            under="y domain",
            right=True,
            opaque=True,
        )
    return fig


def describe_timeline(
    roles: pd.DataFrame, as_of: dt.date, markers: pd.DataFrame | None = None
) -> tuple[str, str]:
    """Caption and alt text for :func:`timeline`, stated from the data it draws."""
    if roles.empty:
        return "No roles yet.", "An empty timeline: the CV lists no roles."
    everyone = roles
    roles, hidden = _shown(roles)
    first, last = roles["start"].min(), roles["end"].max()
    lanes = roles.groupby("kind_label", sort=False).size()
    per_lane = ", ".join(f"{n} {k.lower()}" for k, n in lanes.items())
    ongoing = [f"{r.title} at {r.organisation}" for r in everyone[everyone["ongoing"]].itertuples()]
    listed = "; ".join(ongoing[:5]) + (f"; and {len(ongoing) - 5} more" if len(ongoing) > 5 else "")
    now = f"; ongoing as of {as_of:%B %Y}: {listed}" if ongoing else ""
    # Only drawn bars are hatched: say so only when one of them is ongoing.
    hatched = (
        f"; hatched bars are ongoing and run to {as_of:%d %B %Y}" if roles["ongoing"].any() else ""
    )
    if hidden.empty:
        caption = (
            f"Career timeline: {_plural(len(roles), 'role')} from {first:%Y} to {last:%Y}, one "
            f"bar each, in lanes by kind{hatched}."
        )
        alt = (
            f"Horizontal bar timeline of {_plural(len(roles), 'role')} between {first:%B %Y} "
            f"and {last:%B %Y} ({per_lane}){now}."
        )
    else:
        left = hidden.groupby("kind_label", sort=False).size()
        caption = (
            f"Career timeline: the {len(roles):,} most recent of {_plural(len(everyone), 'role')}"
            f", from {first:%Y} to {last:%Y}, one bar each, in lanes by kind{hatched}; "
            f"{len(hidden):,} earlier roles are counted below the chart, not drawn."
        )
        alt = (
            f"Horizontal bar timeline of the {len(roles):,} most recent of "
            f"{_plural(len(everyone), 'role')}, between {first:%B %Y} and {last:%B %Y} "
            f"({per_lane}); {len(hidden):,} earlier roles not drawn ("
            + ", ".join(f"{n:,} {k.lower()}" for k, n in left.items())
            + f"){now}."
        )
    if markers is not None:
        extra, alt_extra, bars = [], [], False
        for kind, word in (("paper", "paper"), ("award", "award")):
            part = markers[markers["marker"] == kind]
            if part.empty:
                continue
            placed = part[part["date"].notna()]
            undated = len(part) - len(placed)
            if _per_year(placed):
                bars = True
                text = f"{_plural(len(placed), word)} counted in bars per year" + (
                    " and status" if kind == "paper" else ""
                )
            else:
                text = f"{_plural(len(placed), word)} as dots by year"
            if undated:
                text += f" ({_plural(undated, word)} without a year not placed)"
            extra.append(text)
            if not placed.empty:
                years = placed["year"]
                busiest = years.value_counts().sort_index(ascending=False)
                alt_extra.append(
                    f"{_plural(len(placed), word)} dated {int(years.min())}–{int(years.max())}, "
                    f"most in {int(busiest.idxmax())}"
                    + (f" ({int(busiest.max()):,})" if bars else "")
                )
        if extra:
            caption += f" Below: {'; '.join(extra)}, " + (
                "dated by year only; hover a bar for its count."
                if bars
                else "placed at mid-year (years only)."
            )
        if alt_extra:
            alt += f" {'Per year' if bars else 'Dots'} below the bars: {'; '.join(alt_extra)}."
    return caption, alt


# --------------------------------------------------------------------------- career time


def career_time(
    time: pd.DataFrame, *, brand: Brand | None = None, title: str | None = None
) -> go.Figure:
    """Years per kind of role (overlaps within a kind counted once), one bar each.

    ``time`` from :func:`cvdata.shape.career_time`: ``kind, kind_label, years, duration,
    roles``."""
    brand = brand or load_brand()
    if time.empty:
        return _empty(brand, "No roles yet.", title)
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
    fig.update_xaxes(title="Years (overlapping roles counted once)", rangemode="tozero")
    fig.update_xaxes(range=[0, float(time["years"].max()) * 1.3 + 0.1])
    fig.update_yaxes(autorange="reversed", automargin=True, title=None)
    fig.update_layout(height=120 + BAR_ROW * 1.4 * len(time), bargap=0.3, margin={"t": 30})
    return fig


def describe_career_time(time: pd.DataFrame) -> tuple[str, str]:
    if time.empty:
        return "No roles yet.", "An empty chart: the CV lists no roles."
    parts = [f"{r.kind_label.lower()} {r.duration}" for r in time.itertuples()]
    caption = (
        "Years per kind of role; overlapping roles of one kind are counted once, so the "
        "bars need not add up."
    )
    alt = "Horizontal bar chart of years spent per kind of role: " + ", ".join(parts) + "."
    return caption, alt


# --------------------------------------------------------------------------- publications


def publications_by_venue(
    counts: pd.DataFrame, *, brand: Brand | None = None, title: str | None = None
) -> go.Figure:
    """Papers per venue, stacked by status; the venues left out are counted under the plot.

    ``counts`` from :func:`cvdata.shape.venue_counts`."""
    brand = brand or load_brand()
    if counts.empty:
        return _empty(brand, "No papers yet.", title)
    shown = counts[counts["shown"]]
    order = list(dict.fromkeys(shown["venue"]))
    hover = {
        str(v): f"<b>{_esc(v)}</b>"
        + (f"<br>{_wrap(str(n), 60)}" if isinstance(n, str) and n != v else "")
        + f"<br>{_plural(int(t), 'paper')} in all"
        for v, n, t in shown[["venue", "venue_name", "venue_papers"]]
        .drop_duplicates("venue")
        .itertuples(index=False)
    }
    fig = _stacked_hbar(shown, category="venue", order=order, hover=hover, brand=brand, title=title)
    fig.layout.meta = {ITEMS: len(order)}  # bars, the no-venue buckets included
    hidden = counts[~counts["shown"]]
    if not hidden.empty:
        _more_note(
            fig,
            brand,
            hidden["venue"].nunique(),
            "more venue",
            holding=_plural(int(hidden["papers"].sum()), "paper"),
            detail=f"at most {int(hidden['venue_papers'].max()):,} each",
        )
    return fig


def describe_publications_by_venue(counts: pd.DataFrame) -> tuple[str, str]:
    if counts.empty:
        return "No papers yet.", "An empty chart: the CV lists no papers."
    total = int(counts["papers"].sum())
    venues = counts[counts["has_venue"]]["venue"].nunique()
    shown = counts[counts["shown"]]
    hidden = counts[~counts["shown"]]
    buckets = counts[~counts["has_venue"]].groupby("venue", sort=False)["papers"].sum()
    where = f" at {_plural(venues, 'venue')}" if venues else ", none with a venue given"
    caption = f"Publications by venue: {_plural(total, 'paper')}{where}, stacked by status"
    if not hidden.empty:
        caption += (
            f"; the {shown[shown['has_venue']]['venue'].nunique()} venues with most papers "
            f"shown, {hidden['venue'].nunique()} more ({int(hidden['papers'].sum()):,} papers) "
            "counted below the chart"
        )
    if not buckets.empty:
        caption += (
            "; papers without a venue in their own bars ("
            + ", ".join(f"{v}: {n}" for v, n in buckets.items())
            + ")"
        )
    caption += "."
    top = shown.drop_duplicates("venue").head(3)
    by_status = counts.groupby("status_label", sort=False)["papers"].sum()
    alt = (
        f"Horizontal stacked bar chart of {_plural(total, 'paper')} per venue. Most papers: "
        + ", ".join(f"{r.venue} {r.venue_papers:,}" for r in top.itertuples())
        + ". By status: "
        + ", ".join(f"{s.lower()} {n:,}" for s, n in by_status.items())
        + "."
    )
    return caption, alt


def publications_by_year(
    counts: pd.DataFrame, *, brand: Brand | None = None, title: str | None = None
) -> go.Figure:
    """Papers per year, stacked by status; papers without a year get their own slot at the
    end. ``counts`` from :func:`cvdata.shape.papers_by_year`."""
    brand = brand or load_brand()
    if counts.empty:
        return _empty(brand, "No papers yet.", title)
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
    fig.update_yaxes(
        title="Papers",
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


def describe_publications_by_year(counts: pd.DataFrame) -> tuple[str, str]:
    if counts.empty:
        return "No papers yet.", "An empty chart: the CV lists no papers."
    per = counts.groupby("year_label", sort=False)["papers"].sum()
    undated = int(per.get(NO_YEAR, 0))
    dated = per.drop(NO_YEAR, errors="ignore")
    caption = "Papers per year, stacked by status"
    if undated:
        caption += f"; {_plural(undated, 'paper')} without a year in the last bar ({NO_YEAR})"
    caption += "."
    if dated.empty:
        alt = f"Bar chart with one bar: {_plural(undated, 'paper')} without a year."
    else:
        busiest = dated.idxmax()
        alt = (
            f"Vertical stacked bar chart of papers per year from {dated.index[0]} to "
            f"{dated.index[-1]}; most in {busiest} ({int(dated.max()):,})"
            + (f"; {undated:,} without a year." if undated else ".")
        )
    return caption, alt


def authorship(
    counts: pd.DataFrame, *, brand: Brand | None = None, title: str | None = None
) -> go.Figure:
    """First-author and equal-contribution counts beside all papers, stacked by status.

    ``counts`` from :func:`cvdata.shape.authorship`; groups with no papers are left out,
    except first author and equal contribution (a zero there is worth reading)."""
    brand = brand or load_brand()
    if counts.empty or counts["papers"].sum() == 0:
        return _empty(brand, "No papers yet.", title)
    per = counts.groupby("group", sort=False)["papers"].sum()
    keep = [g for g in per.index if per[g] > 0 or g in ("all", "first", "equal")]
    df = counts[counts["group"].isin(keep)]
    order = list(dict.fromkeys(df["group_label"]))
    hover = {g: f"<b>{_esc(g)}</b>" for g in order}
    return _stacked_hbar(
        df, category="group_label", order=order, hover=hover, brand=brand, title=title
    )


def describe_authorship(counts: pd.DataFrame) -> tuple[str, str]:
    per = counts.groupby("group", sort=False)["papers"].sum()
    total = int(per.get("all", 0))
    if not total:
        return "No papers yet.", "An empty chart: the CV lists no papers."
    first, equal = int(per.get("first", 0)), int(per.get("equal", 0))
    unlisted = int(per.get("unlisted", 0))
    caption = (
        f"Authorship: first author on {first:,} of {_plural(total, 'paper')}, equal "
        f"contribution (marked *) on {equal:,}"
        + (f"; {unlisted:,} without an author list" if unlisted else "")
        + "; a paper can be both first-author and equal-contribution."
    )
    alt = (
        f"Horizontal stacked bar chart by status: all papers {total:,}, first author {first:,}, "
        f"equal contribution {equal:,}, other author position {int(per.get('other', 0)):,}"
        + (f", authors not listed {unlisted:,}" if unlisted else "")
        + "."
    )
    return caption, alt


# --------------------------------------------------------------------------- collaborators


def coauthors(
    people: pd.DataFrame, *, brand: Brand | None = None, title: str | None = None
) -> go.Figure:
    """The co-authors who share most papers with the owner, stacked by status; the rest are
    counted under the plot. ``people`` from :func:`cvdata.shape.coauthors`."""
    brand = brand or load_brand()
    if people.empty:
        return _empty(brand, "No co-authors yet.", title)
    shown = people[people["shown"]]
    order = list(dict.fromkeys(shown["name"]))
    hover = {}
    for r in shown.drop_duplicates("key").itertuples():
        years = (
            f"{r.first_year}–{r.last_year}"
            if pd.notna(r.first_year) and r.first_year != r.last_year
            else (str(r.first_year) if pd.notna(r.first_year) else "years not given")
        )
        hover[str(r.name)] = (
            f"<b>{_esc(r.name)}</b>: {_plural(int(r.total), 'paper')} together ({years})<br>"
            + _list_hover(str(r.titles).split("\n"), 8)
        )
    fig = _stacked_hbar(shown, category="name", order=order, hover=hover, brand=brand, title=title)
    fig.update_xaxes(title="Papers shared with the owner")
    hidden = people[~people["shown"]].drop_duplicates("key")
    if not hidden.empty:
        most = int(hidden["total"].max())
        _more_note(
            fig,
            brand,
            len(hidden),
            "more co-author",
            detail=f"each shares {_plural(most, 'paper')} or fewer",
        )
    return fig


def describe_coauthors(people: pd.DataFrame) -> tuple[str, str]:
    if people.empty:
        return "No co-authors yet.", "An empty chart: the CV lists no co-authors."
    each = people.drop_duplicates("key")
    shown = each[each["shown"]]
    caption = (
        f"Most frequent co-authors: {len(shown)} of {_plural(len(each), 'co-author')} by papers "
        "shared, stacked by status (names matched ignoring case and spacing)"
        + (
            f"; {len(each) - len(shown)} more counted below the chart"
            if len(shown) < len(each)
            else ""
        )
        + "."
    )
    alt = (
        f"Horizontal stacked bar chart of the {len(shown)} co-authors with most shared papers: "
        + ", ".join(f"{r.name} {r.total:,}" for r in shown.head(5).itertuples())
        + (f" and {len(shown) - 5} more" if len(shown) > 5 else "")
        + "."
    )
    return caption, alt


# --------------------------------------------------------------------------- skills


def _unique(labels: list[str]) -> list[str]:
    """Category-axis labels must be unique or bars merge: repeat names get a counter."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return out


def _width(text: str) -> int:
    """Display width in characters: East Asian wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cut(text: str, width: int) -> str:
    """``text`` at most ``width`` wide (:func:`_width`), ending in "…" when cut. Before
    :func:`_esc`, so that no entity is cut."""
    if _width(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        if used + _width(ch) > width - 1:
            break
        out.append(ch)
        used += _width(ch)
    return "".join(out).rstrip() + "…"


def _translucent(colour: str, alpha: float) -> str:
    """``colour`` (``#rrggbb``) at ``alpha`` opacity as ``rgba(...)``; other spellings of a
    colour (a brand may name one) as they are."""
    hexa = colour.lstrip("#")
    if not (colour.startswith("#") and len(hexa) == 6):
        return colour
    r, g, b = (int(hexa[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r}, {g}, {b}, {alpha})"


def _skill_hover(s: Any, category: object) -> str:
    return (
        f"<b>{_esc(s.skill)}</b><br>{_esc(category)}"
        + (f" · {_esc(s.level)}" if s.level else "")
        + (f"<br>{_esc(s.years_label)}" if pd.notna(s.years) else "")
        + (f"<br>{_esc(s.note)}" if s.note else "")
    )


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
    title_h = 34
    plot_h = sum(TILE_ROW * n for n in per_row) + title_h * nrows
    titles = []
    for row in grid:
        for c in row:
            part = table[table["category"] == c]
            level = str(part["level"].iloc[0])
            count = _panel_count(part, columns, "first")  # in the CV's order
            titles.append(
                f"<b>{_esc(_cut(str(c), panel - 24))}</b>"
                + (f" · {_esc(_cut(level, 24))}" if level else "")
                + f" · {count}"
            )
        titles += [""] * (columns - len(row))
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
        height=plot_h + 50,
        barmode="overlay",
        hovermode="closest",
        margin={"t": 40 + (30 if title else 0), "b": 10, "l": 10, "r": 10},
    )
    fig.layout.meta = {ITEMS: len(shown)}  # tiles: one for a lone skill is no chart
    return fig


def _panel_count(part: pd.DataFrame, columns: int, first: str) -> str:
    """A category panel's count: all its skills, or how many of them are drawn."""
    n_shown, total = int(part["shown"].sum()), len(part)
    if n_shown == total:
        return _plural(total, "skill")
    if columns > 1:
        return f"{first} {n_shown} of {total}"
    return f"{total} skills ({n_shown} shown, {total - n_shown} more)"


def _titles_over_panels(fig: go.Figure, panels: int) -> None:
    """Subplot titles left-aligned over their panel (plotly centres them)."""
    for ann in fig.layout.annotations:
        ann.update(xanchor="left", font={"size": 13}, yanchor="bottom")
    for i in range(panels):
        axis = fig.layout[f"xaxis{'' if i == 0 else i + 1}"]
        fig.layout.annotations[i].x = axis.domain[0]


def skills(
    table: pd.DataFrame,
    *,
    columns: int = 1,
    brand: Brand | None = None,
    title: str | None = None,
) -> go.Figure:
    """Years per skill, one panel per category (file order), skills by years in each.

    Skills without years are named at zero as "years not given". When no skill has years,
    there is no years axis to draw: the skills are a grid of labelled tiles instead, one
    panel per category with its level (:func:`_skills_grid`). ``table`` from
    :func:`cvdata.shape.skills_years`; a category that shows only its first skills says so
    in its panel title ("3 of 16 shown"). ``columns`` lays the panels out in a grid (e.g. 2
    for a compact overview)."""
    brand = brand or load_brand()
    if table.empty:
        return _empty(brand, "No skills yet.", title)
    if not table["years"].notna().any():
        return _skills_grid(table, columns=columns, brand=brand, title=title)
    cats = list(dict.fromkeys(table["category"]))
    shown = table[table["shown"]]
    nrows = math.ceil(len(cats) / columns)
    grid = [cats[i * columns : (i + 1) * columns] for i in range(nrows)]
    per_row = [max(int((shown["category"] == c).sum()) for c in row) for row in grid]
    title_h = 34
    plot_h = sum(SKILL_ROW * n for n in per_row) + title_h * nrows
    titles = []
    for row in grid:
        for c in row:
            part = table[table["category"] == c]
            count = _panel_count(part, columns, "top")  # longest-held first
            titles.append(f"<b>{_esc(c)}</b> · {count}")
        titles += [""] * (columns - len(row))
    max_label = 26 if columns > 1 else 60
    fig = make_subplots(
        rows=nrows,
        cols=columns,
        row_heights=[max(1, n) for n in per_row],
        vertical_spacing=title_h / plot_h if nrows > 1 else 0,
        horizontal_spacing=0.26 if columns > 1 else 0.02,
        subplot_titles=titles,
        shared_xaxes="all",
    )
    top = float(table["years"].max()) if table["years"].notna().any() else 1.0
    for i, c in enumerate(cats):
        r, col = i // columns + 1, i % columns + 1
        part = shown[shown["category"] == c]
        labels = _escs(
            _unique([textwrap.shorten(str(s), max_label, placeholder="…") for s in part["skill"]])
        )
        hover = [
            f"<b>{_esc(s.skill)}</b><br>{_esc(c)}<br>{_esc(s.years_label)}"
            + (f"<br>{_esc(s.note)}" if s.note else "")
            for s in part.itertuples()
        ]
        has = part["years"].notna().to_numpy()
        fig.add_trace(
            go.Bar(
                orientation="h",
                x=[int(v) for v in part["years"][has]],
                y=[lab for lab, h in zip(labels, has, strict=True) if h],
                ids=list(part["skill_id"][has]),
                text=[str(v) for v in part["years"][has]],
                textposition="outside",
                cliponaxis=False,
                hovertext=[t for t, h in zip(hover, has, strict=True) if h],
                hovertemplate="%{hovertext}<extra></extra>",
                marker={"color": brand.palette.get("blue", brand.colorway[0])},
                showlegend=False,
                name=_esc(c),
            ),
            row=r,
            col=col,
        )
        if (~has).any():
            fig.add_trace(
                go.Scatter(
                    x=[0] * int((~has).sum()),
                    y=[lab for lab, h in zip(labels, has, strict=True) if not h],
                    ids=list(part["skill_id"][~has]),
                    # Words only: a marker at zero would sit on the end of the skill's label.
                    mode="text",
                    text=[YEARS_NOT_GIVEN] * int((~has).sum()),
                    textposition="middle right",
                    textfont={"color": brand.muted, "size": 11},
                    hovertext=[t for t, h in zip(hover, has, strict=True) if not h],
                    hovertemplate="%{hovertext}<extra></extra>",
                    cliponaxis=False,
                    showlegend=False,
                    name=_esc(f"{c} (years not given)"),
                ),
                row=r,
                col=col,
            )
        fig.update_yaxes(
            type="category",
            categoryorder="array",
            categoryarray=labels,
            automargin=True,
            # First skill on top; a panel with fewer skills than its row keeps the bar size.
            autorange=False,
            range=[per_row[r - 1] - 0.5, -0.5],
            showgrid=False,
            row=r,
            col=col,
        )
    fig.update_xaxes(range=[0, top * 1.12 + 0.5], showgrid=True, dtick=max(1, math.ceil(top / 8)))
    fig.update_xaxes(title="Years", row=nrows)
    _titles_over_panels(fig, len(cats))
    fig.update_layout(
        template=plotly_template(brand),
        title=_title(title),
        height=plot_h + 90,
        bargap=0.3,
        hovermode="closest",
        margin={"t": 40 + (30 if title else 0), "b": 50, "l": 10, "r": 30},
    )
    # What the chart tells: skills with years (one without is a mark saying so).
    fig.layout.meta = {ITEMS: int(shown["years"].notna().sum())}
    return fig


def _top_per_category(table: pd.DataFrame) -> int:
    """How many skills a cut category shows (categories with one more show all)."""
    cut = table.groupby("category")["shown"].agg(["sum", "size"])
    cut = cut[cut["sum"] < cut["size"]]
    return int(cut["sum"].max()) if not cut.empty else int(table["rank"].max())


def _listing(items: list[str], limit: int) -> str:
    """Up to ``limit`` items joined by ", ", then how many more there are."""
    more = len(items) - limit
    return ", ".join(items[:limit]) + (f" and {more:,} more" if more > 0 else "")


def _levels_said(levels: dict[str, str]) -> str:
    """ "; level per category: A Intermediate, B Expert" (those that give one), or ""."""
    given = [f"{c} {v}" for c, v in levels.items() if v]
    if not given:
        return ""
    which = "" if len(given) == len(levels) else f" (given for {len(given)} of {len(levels)})"
    return f"; level per category{which}: {_listing(given, 10)}"


def describe_skills(table: pd.DataFrame) -> tuple[str, str]:
    """Caption and alt text of :func:`skills`, for what it draws: years per skill, or,
    when no skill gives years, the tiles of each category and its level."""
    if table.empty:
        return "No skills yet.", "An empty chart: the CV lists no skills."
    cats = table["category"].nunique()
    shown = table[table["shown"]]
    if not table["years"].notna().any():
        return _describe_skill_grid(table, shown, cats)
    missing = int(shown["years"].isna().sum())
    if len(shown) == len(table):
        lead = (
            f"Years of experience per skill: all {_plural(len(table), 'skill')} in "
            f"{_plural(cats, 'category', 'categories')}"
        )
    else:
        # "longest-held" only when every skill drawn has years.
        which = (
            f"the {len(shown)} longest-held of {_plural(len(table), 'skill')}"
            if not missing
            else f"{len(shown)} of {_plural(len(table), 'skill')}, longest-held first"
        )
        lead = (
            f"Years of experience per skill: {which} (the top {_top_per_category(table)} of "
            "each category; each panel says how many more it has)"
        )
    caption = (
        lead
        + (
            f"; {_plural(missing, 'skill')} without years shown as “years not given”"
            if missing
            else ""
        )
        + "."
    )
    longest = table.dropna(subset=["years"]).sort_values("years", ascending=False).head(3)
    alt = (
        f"Horizontal bar charts of years per skill, one panel per category ({cats}); "
        f"{len(shown)} of {len(table)} skills drawn"
        + (
            ". Longest: " + ", ".join(f"{r.skill} {r.years} years" for r in longest.itertuples())
            if not longest.empty
            else ""
        )
        + "."
    )
    return caption, alt


def _describe_skill_grid(table: pd.DataFrame, shown: pd.DataFrame, cats: int) -> tuple[str, str]:
    levels = dict(zip(table["category"], table["level"].fillna(""), strict=True))
    in_cats = _plural(cats, "category", "categories")
    if len(shown) == len(table):
        lead = f"The {_plural(len(table), 'skill')} of the CV in {in_cats}, in the CV's order"
    else:
        lead = (
            f"The first {_top_per_category(table)} skills of each category: {len(shown)} of "
            f"{_plural(len(table), 'skill')} in {in_cats} (each panel says how many more it has)"
        )
    caption = lead + "; the CV gives no years per skill" + _levels_said(levels) + "."
    names: list[str] = []
    for c, part in shown.groupby("category", sort=False):
        level = f" ({levels[c]})" if levels[c] else ""
        names.append(f"{c}{level}: {_listing([str(v) for v in part['skill']], 12)}")
    alt = (
        f"Labelled tiles, one panel per category ({cats}) and one tile per skill; "
        f"{len(shown)} of {len(table)} skills drawn. "
        + "; ".join(names[:20])
        + (f"; and {len(names) - 20} more categories" if len(names) > 20 else "")
        + "."
    )
    return caption, alt


def describe_skills_page(table: pd.DataFrame) -> str:
    """The skills page's opening sentence, for what its charts show. ``table`` from
    :func:`cvdata.shape.skills_years`, as the page's chart of every skill draws it."""
    if table.empty:
        return ""
    dated = int(table["years"].notna().sum())
    if dated == len(table):
        lead = "Every skill of the CV with its years of experience, by category."
    elif dated:
        lead = (
            "Every skill of the CV by category, with its years of experience where the CV "
            f"gives them ({dated:,} of {_plural(len(table), 'skill')})."
        )
    else:
        levels = table.groupby("category", sort=False)["level"].first().fillna("")
        with_level = (
            ""
            if not (levels != "").any()
            else ", with each category's level"
            if (levels != "").all()
            else ", with each category's level where the CV gives one"
        )
        lead = f"Every skill of the CV by category{with_level}."
    names = (
        "the chart below names each one"
        if table["shown"].all()
        else "the chart below names the first of each category and says how many more"
    )
    return f"{lead} Hover a category in the overview to list its skills; {names}."


def _level_ticks(cats: pd.DataFrame) -> tuple[list[int], list[str]]:
    """The level scale's ticks: each rank the data uses, named by its levels as written."""
    words: dict[int, list[str]] = {}
    for level, rank in zip(cats["level"], cats["level_rank"], strict=True):
        if level and pd.notna(rank) and level not in words.setdefault(int(rank), []):
            words[int(rank)].append(str(level))
    ranks = sorted(words)
    return ranks, [_esc(" / ".join(words[r])) for r in ranks]


def skills_overview(
    cats: pd.DataFrame, *, brand: Brand | None = None, title: str | None = None
) -> go.Figure:
    """Per category: how many skills (left) and, on the right, what the CV says of them:
    their years, median and range, when any skill gives years; else the category's level,
    on a Beginner-to-Expert scale when every level given is on it
    (:data:`cvdata.shape.LEVEL_RANKS`), as written otherwise; else nothing (one panel).
    A category the right panel has nothing for says so there ("years not given", "no level
    given"). Hovering a category lists every skill in it. ``cats`` from
    :func:`cvdata.shape.skills_by_category`."""
    brand = brand or load_brand()
    if cats.empty:
        return _empty(brand, "No skills yet.", title)
    dated = cats[cats["with_years"] > 0]
    has_level = cats["level"].fillna("") != ""
    right = "years" if not dated.empty else ("level" if has_level.any() else None)
    ordinal = right == "level" and bool(cats.loc[has_level, "level_rank"].notna().all())
    if right == "years":
        second = ["<b>Years per skill</b>: median ● and range"]
    elif right == "level":
        second = ["<b>Level</b>" if ordinal else "<b>Level</b> as written"]
    else:
        second = []
    fig = make_subplots(
        rows=1,
        cols=2 if right else 1,
        shared_yaxes=True,
        column_widths=[0.4, 0.6] if right else None,
        horizontal_spacing=0.04,
        subplot_titles=["<b>Skills listed</b>", *second],
    )
    y = _escs(cats["category"])
    hover = [
        f"<b>{_esc(r.category)}</b><br>"
        + (_plural(int(r.skills), "skill") if r.skills else "no skills listed")
        + (
            f", {int(r.skills) - int(r.with_years)} without years"
            if right == "years" and r.with_years < r.skills
            else ""
        )
        + (
            f"<br>median {r.median_years:g} yrs, range {r.min_years}–{r.max_years}"
            if r.with_years
            else ""
        )
        + (f"<br>level {_esc(r.level)}" if r.level else "")
        + ("<br>" if r.skills else "")
        # No line break inside "(5 yrs)": a no-break space is not whitespace to textwrap.
        + _wrap(
            str(r.skill_list).replace(" yr", "\u00a0yr").replace(" not ", "\u00a0not\u00a0"),
            70,
            12,
        )
        for r in cats.itertuples()
    ]
    blue = brand.palette.get("blue", brand.colorway[0])
    fig.add_trace(
        go.Bar(
            orientation="h",
            x=[int(v) for v in cats["skills"]],
            y=y,
            text=[str(int(v)) for v in cats["skills"]],
            textposition="outside",
            cliponaxis=False,
            marker={"color": blue},
            hovertext=hover,
            hovertemplate="%{hovertext}<extra></extra>",
            showlegend=False,
            name="skills",
        ),
        row=1,
        col=1,
    )
    if right == "years":
        _years_panel(fig, cats, dated, hover, brand)
    elif right == "level":
        _level_panel(fig, cats, hover, brand, ordinal)
    fig.update_yaxes(
        type="category",
        categoryorder="array",
        categoryarray=y,
        autorange="reversed",
        automargin=True,
        showgrid=False,
    )
    fig.update_xaxes(title="Skills", rangemode="tozero", row=1, col=1)
    fig.update_xaxes(range=[0, float(cats["skills"].max()) * 1.15 + 0.5], row=1, col=1)
    if int(cats["skills"].max()) <= 5:  # a count: no ticks at 0.5
        fig.update_xaxes(dtick=1, row=1, col=1)
    for ann in fig.layout.annotations:
        ann.update(font={"size": 13})
    fig.update_layout(
        template=plotly_template(brand),
        title=_title(title),
        height=110 + 30 * len(cats),
        bargap=0.35,
        hovermode="closest",
        margin={"t": 50, "b": 50},
    )
    return fig


def _missing_text(fig: go.Figure, cats: pd.DataFrame, x: float, text: str, brand: Brand) -> None:
    """``text`` on the rows of ``cats`` in the right panel, which draws nothing for them."""
    if cats.empty:
        return
    fig.add_trace(
        go.Scatter(
            x=[x] * len(cats),
            y=_escs(cats["category"]),
            mode="text",
            text=[text] * len(cats),
            textposition="middle right",
            textfont={"color": brand.muted, "size": 11},
            hoverinfo="skip",
            cliponaxis=False,
            showlegend=False,
            name=text,
        ),
        row=1,
        col=2,
    )


def _years_panel(
    fig: go.Figure, cats: pd.DataFrame, dated: pd.DataFrame, hover: list[str], brand: Brand
) -> None:
    """Years per skill of each category: median dot on a min–max line."""
    blue = brand.palette.get("blue", brand.colorway[0])
    xs: list[float | None] = []
    ys: list[str | None] = []
    for r in dated.itertuples():
        xs += [float(r.min_years), float(r.max_years), None]
        ys += [_esc(r.category), _esc(r.category), None]
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=ys,
            mode="lines",
            line={"color": brand.muted, "width": 3},
            hoverinfo="skip",
            showlegend=False,
            name="range",
        ),
        row=1,
        col=2,
    )
    fig.add_trace(
        go.Scatter(
            x=[float(v) for v in dated["median_years"]],
            y=_escs(dated["category"]),
            mode="markers",
            marker={"color": blue, "size": 11, "line": {"color": "#FFFFFF", "width": 1}},
            hovertext=[h for h, w in zip(hover, cats["with_years"], strict=True) if w > 0],
            hovertemplate="%{hovertext}<extra></extra>",
            showlegend=False,
            name="median",
        ),
        row=1,
        col=2,
    )
    _missing_text(fig, cats[cats["with_years"] == 0], 0, YEARS_NOT_GIVEN, brand)
    top = float(cats["max_years"].max()) if cats["max_years"].notna().any() else 1.0
    fig.update_xaxes(title="Years", range=[0, top + 1], row=1, col=2)


def _level_panel(
    fig: go.Figure, cats: pd.DataFrame, hover: list[str], brand: Brand, ordinal: bool
) -> None:
    """Each category's level: a dot on the level scale, or the level as written when some
    level is not on the scale (no order is guessed)."""
    given = cats["level"].fillna("") != ""
    part = cats[given]
    tips = [h for h, g in zip(hover, given, strict=True) if g]
    if ordinal:
        ranks, words = _level_ticks(cats)
        fig.add_trace(
            go.Scatter(
                x=[int(v) for v in part["level_rank"]],
                y=_escs(part["category"]),
                mode="markers",
                marker={
                    "color": brand.palette.get("blue", brand.colorway[0]),
                    "size": 12,
                    "line": {"color": "#FFFFFF", "width": 1},
                },
                hovertext=tips,
                hovertemplate="%{hovertext}<extra></extra>",
                showlegend=False,
                name="level",
            ),
            row=1,
            col=2,
        )
        _missing_text(fig, cats[~given], 0.6, "no level given", brand)
        # The whole scale, so that the highest level given is not drawn as the top.
        top = max(shape.LEVEL_RANKS.values())
        fig.update_xaxes(
            title="Level",
            range=[0.5, top + 0.5],
            tickmode="array",
            tickvals=ranks,
            ticktext=words,
            row=1,
            col=2,
        )
        return
    fig.add_trace(
        go.Scatter(
            x=[0] * len(part),
            y=_escs(part["category"]),
            mode="text",
            text=[_esc(_cut(str(v), 40)) for v in part["level"]],
            textposition="middle right",
            textfont={"color": brand.foreground, "size": 13},
            hovertext=tips,
            hovertemplate="%{hovertext}<extra></extra>",
            cliponaxis=False,
            showlegend=False,
            name="level",
        ),
        row=1,
        col=2,
    )
    _missing_text(fig, cats[~given], 0, "no level given", brand)
    fig.update_xaxes(range=[0, 1], visible=False, row=1, col=2)


def describe_skills_overview(cats: pd.DataFrame) -> tuple[str, str]:
    """Caption and alt text of :func:`skills_overview`, for what its right panel shows:
    years, levels, or nothing."""
    if cats.empty:
        return "No skills yet.", "An empty chart: the CV lists no skills."
    total = int(cats["skills"].sum())
    biggest = cats.sort_values("skills", ascending=False, kind="stable").iloc[0]
    bare = [str(c) for c in cats.loc[cats["skills"] == 0, "category"]]
    lead = f"Skills by category: {_plural(total, 'skill')} in " + _plural(
        len(cats), "category", "categories"
    )
    hover = "hover a category to list its skills."
    if bare:  # a category with a level and no skills of its own (JSON Resume)
        hover = f"{_listing(bare, 5)} {'lists' if len(bare) == 1 else 'list'} no skills; " + hover
    dated = cats[cats["with_years"] > 0]
    levels = {str(r.category): str(r.level) for r in cats.itertuples()}
    if not dated.empty:
        some = (
            "" if len(dated) == len(cats) else f" (given in {len(dated)} of {len(cats)} categories)"
        )
        caption = f"{lead}, with the median and range of years per skill{some}; {hover}"
        alt = (
            f"Two panels over {len(cats)} categories: skill counts (largest: "
            f"{biggest['category']}, {int(biggest['skills'])}) and years per skill as median "
            "dots on min–max lines ("
            + ", ".join(f"{r.category} median {r.median_years:g}" for r in dated.itertuples())
            + ")."
        )
        return caption, alt
    counts = _listing([f"{r.category} {int(r.skills)}" for r in cats.itertuples()], 20)
    if any(levels.values()):
        caption = f"{lead}{_levels_said(levels)}; {hover}"
        alt = (
            f"Two panels over {len(cats)} categories: skill counts ({counts}) and each "
            "category's level ("
            + _listing([f"{c} {v or 'not given'}" for c, v in levels.items()], 20)
            + ")."
        )
        return caption, alt
    caption = f"{lead}; {hover}"
    alt = f"Bars of the number of skills in each of {len(cats)} categories: {counts}."
    return caption, alt


# --------------------------------------------------------------------------- projects


def projects_per_role(
    table: pd.DataFrame, *, brand: Brand | None = None, title: str | None = None
) -> go.Figure:
    """Projects per role (most recent role first), coloured by kind of role; the label says
    how many contribution bullets they carry, hovering lists the projects. The earlier roles
    the shape left out (``shown`` false) are counted under the plot.
    ``table`` from :func:`cvdata.shape.projects_per_role`."""
    brand = brand or load_brand()
    if table.empty:
        return _empty(brand, "No projects yet.", title)
    table, hidden = _shown(table)
    fig = go.Figure(layout={"template": plotly_template(brand), "title": _title(title)})
    labels = _escs(_unique(list(table["label"])))
    seen: set[str] = set()
    for kind in dict.fromkeys(table["kind"]):
        mask = (table["kind"] == kind).to_numpy()
        part = table[mask]
        fig.add_trace(
            go.Bar(
                orientation="h",
                name=_esc(part["kind_label"].iloc[0]),
                x=[int(v) for v in part["projects"]],
                y=[lab for lab, m in zip(labels, mask, strict=True) if m],
                text=[
                    f"{_plural(int(p), 'project')} · {_plural(int(c), 'contribution')}"
                    for p, c in zip(part["projects"], part["contributions"], strict=True)
                ],
                textposition="outside",
                cliponaxis=False,
                marker={"color": kind_color(brand, str(kind))},
                hovertext=[
                    f"<b>{_esc(r.label)}</b><br>{_plural(int(r.projects), 'project')}, "
                    f"{_plural(int(r.contributions), 'contribution')}<br>"
                    + _list_hover(str(r.titles).split("\n"), 15)
                    for r in part.itertuples()
                ],
                hovertemplate="%{hovertext}<extra></extra>",
                showlegend=kind not in seen,
            )
        )
        seen.add(str(kind))
    fig.update_xaxes(
        title="Projects",
        rangemode="tozero",
        tickformat=",d",
        dtick=1 if int(table["projects"].max()) <= 6 else None,
        range=[0, float(table["projects"].max()) * 1.6 + 0.5],
    )
    fig.update_yaxes(
        type="category",
        categoryorder="array",
        categoryarray=labels,
        autorange="reversed",
        automargin=True,
        title=None,
    )
    fig.update_layout(
        barmode="overlay",
        height=max(220, 140 + BAR_ROW * len(table)) + (40 if not hidden.empty else 0),
        bargap=0.3,
        hovermode="closest",
        margin={"t": 70},
    )
    _legend_top(fig)
    if not hidden.empty:
        _more_note(
            fig,
            brand,
            len(hidden),
            "earlier role",
            holding=_plural(int(hidden["projects"].sum()), "project"),
            detail=f"at most {int(hidden['projects'].max()):,} each",
        )
    return fig


def describe_projects_per_role(
    table: pd.DataFrame, without: pd.DataFrame | None = None
) -> tuple[str, str]:
    if table.empty:
        return "No projects yet.", "An empty chart: the CV lists no projects."
    total, bullets = int(table["projects"].sum()), int(table["contributions"].sum())
    shown, hidden = _shown(table)
    caption = (
        f"Projects per role: {_plural(total, 'project')} with {_plural(bullets, 'contribution')} "
        f"across {_plural(int(table['role_id'].notna().sum()), 'role')}, most recent role first"
    )
    if not hidden.empty:
        caption += (
            f"; the {int(shown['role_id'].notna().sum()):,} most recent roles drawn, "
            f"{len(hidden):,} earlier roles ({_plural(int(hidden['projects'].sum()), 'project')}) "
            "counted below the chart"
        )
    if without is not None and not without.empty:
        caption += f"; {_plural(len(without), 'role')} list no projects and are not drawn"
    caption += "."
    top = shown.sort_values("projects", ascending=False, kind="stable").head(3)
    alt = (
        f"Horizontal bar chart of projects per role ({len(shown)} bars"
        + (
            f"; {len(hidden):,} earlier roles with {int(hidden['projects'].sum()):,} projects "
            "left out"
            if not hidden.empty
            else ""
        )
        + "). Most: "
        + ", ".join(f"{r.label} {r.projects}" for r in top.itertuples())
        + "."
    )
    return caption, alt
