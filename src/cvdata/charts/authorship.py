"""Papers by authorship: the owner's place in the author list, per status; its table,
figure and description."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from .. import i18n
from ..load import CV
from ..theme import Brand, load_brand
from ._chart import Drawn
from ._common import _empty, _esc, _plural, _stacked_hbar
from ._tables import _status_rank, papers_table, status_labels

#: The groups in English; a CV's own language names them ``authorship.group-<group>``.
AUTHORSHIP_LABELS = {
    "all": "All papers",
    "first": "First author",
    "equal": "Equal contribution (*)",
    "other": "Other author position",
    "unlisted": "Authors not listed yet",
}


def table(cv: CV) -> pd.DataFrame:
    """Papers by the owner's place in the author list, per status.

    Groups (``group``/``group_label``): all papers; first author; equal contribution (the
    owner's name carries the equal-contribution mark); other position (neither first nor
    equal contribution); authors not listed (the paper has no author list yet). ``first``
    and ``equal`` may overlap; ``first + other + unlisted`` is every paper.
    Columns: ``group, group_label, status, status_label, papers``.
    """
    p = papers_table(cv)
    masks = {
        "all": pd.Series(True, index=p.index),
        "first": p["first_author"],
        "equal": p["equal_contribution"],
        "other": p["authors_listed"] & ~p["first_author"] & ~p["equal_contribution"],
        "unlisted": ~p["authors_listed"],
    }
    statuses = sorted(p["status"].unique(), key=lambda s: _status_rank(pd.Series([s])).iloc[0])
    rows = [
        (
            g,
            i18n.current()(f"authorship.group-{g}"),
            s,
            status_labels().get(s, s),
            int((mask & (p["status"] == s)).sum()),
        )
        for g, mask in masks.items()
        for s in statuses
    ]
    return pd.DataFrame(rows, columns=["group", "group_label", "status", "status_label", "papers"])


def figure(
    counts: pd.DataFrame, *, brand: Brand | None = None, title: str | None = None
) -> go.Figure:
    """First-author and equal-contribution counts beside all papers, stacked by status.

    ``counts`` from :func:`table`; groups with no papers are left out,
    except first author and equal contribution (a zero there is worth reading)."""
    brand = brand or load_brand()
    if counts.empty or counts["papers"].sum() == 0:
        return _empty(brand, i18n.current()("empty.papers"), title)
    per = counts.groupby("group", sort=False)["papers"].sum()
    keep = [g for g in per.index if per[g] > 0 or g in ("all", "first", "equal")]
    df = counts[counts["group"].isin(keep)]
    order = list(dict.fromkeys(df["group_label"]))
    hover = {g: f"<b>{_esc(g)}</b>" for g in order}
    return _stacked_hbar(
        df, category="group_label", order=order, hover=hover, brand=brand, title=title
    )


def describe(counts: pd.DataFrame) -> tuple[str, str]:
    per = counts.groupby("group", sort=False)["papers"].sum()
    total = int(per.get("all", 0))
    w = i18n.current()
    if not total:
        return w("empty.papers"), w("empty-alt.papers")
    first, equal = int(per.get("first", 0)), int(per.get("equal", 0))
    unlisted = int(per.get("unlisted", 0))
    n = {
        "papers": _plural(total, "paper"),
        "total": w.number(total),
        "first": w.number(first),
        "equal": w.number(equal),
        "other": w.number(int(per.get("other", 0))),
        "unlisted": w.number(unlisted),
    }
    caption = w("authorship.caption-unlisted" if unlisted else "authorship.caption", **n)
    alt = w("authorship.alt-unlisted" if unlisted else "authorship.alt", **n)
    return caption, alt


def draw(cv: CV, *, brand: Brand | None = None) -> Drawn:
    """Papers by the owner's place in the author list, per status."""
    t = table(cv)
    return Drawn(figure(t, brand=brand), *describe(t))
