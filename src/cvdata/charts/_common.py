"""What every chart's figure uses: text as plotly shows it, notes, empty figures, stacked bars."""

from __future__ import annotations

import html
import textwrap
import unicodedata
from collections.abc import Iterable
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from .. import i18n
from ..theme import Brand
from ._tables import STATUS_ORDER
from ._theme import plotly_template, status_color

BAR_ROW = 26  # pixels per bar in horizontal bar charts


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
    """``n`` things in the CV's language (``count.<word>`` of the catalogues, the spaces of
    ``word`` as hyphens: "more venue" is ``count.more-venue``); English's own plural for a
    word no catalogue has."""
    words = i18n.current()
    noun = word.replace(" ", "-")
    if words.has(f"count.{noun}.other"):
        return words.count(noun, int(n))
    return f"{n:,} {word if n == 1 else (plural or word + 's')}"


def _kind_word(label: str) -> str:
    """A label (a kind of role, a status) inside a sentence: lower case, except in German,
    whose nouns keep their capital."""
    return label if i18n.catalogue_language(i18n.current().tag) == "de" else label.lower()


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
    words = i18n.current()
    count = _plural(n, noun)
    text = (
        words("note.more-holding", count=count, holding=holding)
        if holding
        else words("note.more", count=count)
    )
    _note(fig, text + (words("note.detail", detail=detail) if detail else ""), brand, **where)


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
        title=i18n.current()("chart.papers"),
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
