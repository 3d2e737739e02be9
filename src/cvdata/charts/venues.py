"""Papers by venue: papers per venue and status, the top venues first, then the papers
without a venue; its table, figure and description."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ..load import CV
from ..theme import Brand, load_brand
from ._chart import ITEMS, Drawn
from ._common import _empty, _esc, _more_note, _plural, _stacked_hbar, _wrap
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
        return _empty(brand, "No papers yet.", title)
    if not counts["has_venue"].any():  # nothing to compare: the page leaves the chart out
        return _empty(brand, "No paper names its venue.", title)
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


def describe(counts: pd.DataFrame) -> tuple[str, str]:
    if counts.empty:
        return "No papers yet.", "An empty chart: the CV lists no papers."
    if not counts["has_venue"].any():
        n = _plural(int(counts["papers"].sum()), "paper")
        return (
            f"No venue chart: none of the {n} names its venue.",
            "An empty chart: no paper names its venue.",
        )
    total = int(counts["papers"].sum())
    venues = counts[counts["has_venue"]]["venue"].nunique()
    shown = counts[counts["shown"]]
    hidden = counts[~counts["shown"]]
    buckets = counts[~counts["has_venue"]].groupby("venue", sort=False)["papers"].sum()
    where = f" at {_plural(venues, 'venue')}"
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


def draw(cv: CV, *, brand: Brand | None = None, top: int | None = 12) -> Drawn:
    """Papers per venue and status: the ``top`` venues, then the papers without one."""
    t = table(cv, top=top)
    return Drawn(figure(t, brand=brand), *describe(t))
