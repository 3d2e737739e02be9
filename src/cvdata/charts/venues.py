"""Papers by venue: papers per venue and status, the top venues first, then the papers
without a venue; its table, figure and description."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from .. import i18n
from ..load import CV
from ..theme import Brand, load_brand
from ._chart import ITEMS, Drawn
from ._common import _empty, _esc, _kind_word, _more_note, _plural, _stacked_hbar, _wrap
from ._tables import _mark_top, _status_rank, papers_table


def table(cv: CV, top: int | None = 12) -> pd.DataFrame:
    """Papers per venue and status, venues ranked by their number of papers.

    Columns: ``venue, venue_name, has_venue, status, status_label, papers, venue_papers,
    rank, shown``. A venue is the paper's ``venue_id`` or, for imported papers, its own
    ``venue_display`` (:func:`~._tables.papers_table`). The ``top`` venues are ``shown``;
    the buckets of papers without a venue come after them and are always shown, so only
    real venues are ever cut (and the figure says how many).
    """
    p = papers_table(cv)
    cols = [
        "venue",
        "venue_name",
        "has_venue",
        "status",
        "status_label",
        "papers",
        "venue_papers",
        "rank",
        "shown",
    ]
    if p.empty:
        return pd.DataFrame(columns=cols)
    counts = (
        p.groupby(["venue", "status"], sort=False)
        .agg(
            papers=("paper_id", "size"),
            venue_name=("venue_name", "first"),
            has_venue=("has_venue", "first"),
            status_label=("status_label", "first"),
        )
        .reset_index()
    )
    totals = p.groupby("venue", sort=False).agg(
        venue_papers=("paper_id", "size"), has_venue=("has_venue", "first")
    )
    # Real venues by size (ties by name), then the no-venue buckets.
    order = totals.assign(_bucket=~totals["has_venue"], _name=totals.index.str.casefold())
    order = order.sort_values(
        ["_bucket", "venue_papers", "_name"], ascending=[True, False, True], kind="stable"
    )
    order["rank"] = range(1, len(order) + 1)
    counts["venue_papers"] = counts["venue"].map(totals["venue_papers"]).astype(int)
    counts["rank"] = counts["venue"].map(order["rank"]).astype(int)
    real = int(totals["has_venue"].sum())
    counts["shown"] = ~counts["has_venue"] | _mark_top(counts["rank"], top, real)
    counts["_s"] = _status_rank(counts["status"])
    counts = counts.sort_values(["rank", "_s"], kind="stable").drop(columns="_s")
    return counts[cols].reset_index(drop=True)


def figure(
    counts: pd.DataFrame, *, brand: Brand | None = None, title: str | None = None
) -> go.Figure:
    """Papers per venue, stacked by status; the venues left out are counted under the plot.

    ``counts`` from :func:`table`."""
    brand = brand or load_brand()
    if counts.empty:
        return _empty(brand, i18n.current()("empty.papers"), title)
    if not counts["has_venue"].any():  # nothing to compare: the page leaves the chart out
        return _empty(brand, i18n.current()("empty-alt.venues"), title)
    shown = counts[counts["shown"]]
    order = list(dict.fromkeys(shown["venue"]))
    hover = {
        str(v): f"<b>{_esc(v)}</b>"
        + (f"<br>{_wrap(str(n), 60)}" if isinstance(n, str) and n != v else "")
        + "<br>"
        + i18n.current()("venues.in-all", papers=_plural(int(t), "paper"))
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
            detail=i18n.current()(
                "note.at-most", n=i18n.current().number(int(hidden["venue_papers"].max()))
            ),
        )
    return fig


def describe(counts: pd.DataFrame) -> tuple[str, str]:
    w = i18n.current()
    if counts.empty:
        return w("empty.papers"), w("empty-alt.papers")
    if not counts["has_venue"].any():
        n = _plural(int(counts["papers"].sum()), "paper")
        return w("venues.none", papers=n), w("venues.none-alt")
    total = int(counts["papers"].sum())
    venues = counts[counts["has_venue"]]["venue"].nunique()
    shown = counts[counts["shown"]]
    hidden = counts[~counts["shown"]]
    buckets = counts[~counts["has_venue"]].groupby("venue", sort=False)["papers"].sum()
    caption = w("venues.caption", papers=_plural(total, "paper"), venues=_plural(venues, "venue"))
    if not hidden.empty:
        caption += w(
            "venues.caption-cut",
            shown=w.number(shown[shown["has_venue"]]["venue"].nunique()),
            hidden=w.number(hidden["venue"].nunique()),
            papers=w.number(int(hidden["papers"].sum())),
        )
    if not buckets.empty:
        caption += w(
            "venues.caption-buckets",
            buckets=", ".join(f"{v}{w('punct.colon')}{w.number(n)}" for v, n in buckets.items()),
        )
    caption += w("punct.end")
    top = shown.drop_duplicates("venue").head(3)
    by_status = counts.groupby("status_label", sort=False)["papers"].sum()
    alt = w(
        "venues.alt",
        papers=_plural(total, "paper"),
        top=", ".join(f"{r.venue} {w.number(r.venue_papers)}" for r in top.itertuples()),
        statuses=", ".join(f"{_kind_word(s)} {w.number(n)}" for s, n in by_status.items()),
    )
    return caption, alt


def draw(cv: CV, *, brand: Brand | None = None, top: int | None = 12) -> Drawn:
    """Papers per venue and status: the ``top`` venues, then the papers without one."""
    t = table(cv, top=top)
    return Drawn(figure(t, brand=brand), *describe(t))
