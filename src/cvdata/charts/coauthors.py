"""Co-authors: people by the papers they share with the owner, per status; its table,
figure and description."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from .. import i18n
from ..load import CV
from ..names import person_keys
from ..theme import Brand, load_brand
from ._chart import Drawn
from ._common import _empty, _esc, _list_hover, _more_note, _plural, _stacked_hbar
from ._tables import _mark_top, _status_label, _status_rank, coauthor_rows, normalise_name


def table(cv: CV, top: int | None = 20) -> pd.DataFrame:
    """Co-authors by the number of papers shared with the owner, split by status.

    One person's spellings are counted once (:func:`cvdata.names.person_keys`: the same
    family name with compatible given names or initials, ``J. Q. Doe`` and ``Jane Doe``,
    merged only when no spelling could be two people) and shown in their most common
    spelling; the owner's rows (``is_owner``, or a spelling of the owner's name) are left
    out.
    Columns: ``key, name, status, status_label, papers, total, first_year, last_year,
    titles, rank, shown``; one row per co-author and status, ranked by ``total``.
    ``titles`` lists the shared papers, newest first, one per line.
    """
    cols = [
        "key",
        "name",
        "status",
        "status_label",
        "papers",
        "total",
        "first_year",
        "last_year",
        "titles",
        "rank",
        "shown",
    ]
    a = coauthor_rows(cv)
    if a.empty:
        return pd.DataFrame(columns=cols)
    clean = a["name"].map(lambda n: " ".join(str(n).split()))
    # One person's spellings share a key (cvdata.names: same family name, compatible given
    # names or initials, merged only when no spelling could be two people).
    keys = person_keys(clean.tolist())
    a = a.assign(key=clean.map(lambda n: normalise_name(keys.get(n) or n)), clean=clean)
    # The most common spelling; ties go to the one met first.
    spelling = (
        a.groupby(["key", "clean"], sort=False)
        .size()
        .reset_index(name="n")
        .sort_values("n", ascending=False, kind="stable")
        .drop_duplicates("key")
        .set_index("key")["clean"]
    )
    pairs = a[["key", "paper_id"]].drop_duplicates()
    papers = cv.papers.set_index("id")
    pairs = pairs.assign(
        status=pairs["paper_id"].map(papers["status"]),
        year=pairs["paper_id"].map(papers["year"]).astype("Int64"),
        title=pairs["paper_id"].map(papers["title"]),
    )
    per = pairs.groupby("key", sort=False)
    # Shared titles newest first (undated last), in one sort rather than one per person.
    newest = pairs.sort_values("year", ascending=False, na_position="last", kind="stable")
    summary = pd.DataFrame(
        {
            "total": per.size(),
            "first_year": per["year"].min(),
            "last_year": per["year"].max(),
            "titles": newest.groupby("key", sort=False)["title"].agg("\n".join),
        },
        index=per.size().index,
    )
    summary["name"] = summary.index.map(spelling)
    summary = summary.assign(_n=summary["name"].str.casefold()).sort_values(
        ["total", "_n"], ascending=[False, True], kind="stable"
    )
    summary["rank"] = range(1, len(summary) + 1)
    counts = pairs.groupby(["key", "status"], sort=False).size().reset_index(name="papers")
    out = counts.join(summary, on="key")
    out["status_label"] = _status_label(out["status"])
    out["shown"] = _mark_top(out["rank"], top, len(summary))
    out["_s"] = _status_rank(out["status"])
    out = out.sort_values(["rank", "_s"], kind="stable").drop(columns="_s")
    out = out.astype({"first_year": "Int64", "last_year": "Int64", "total": int, "papers": int})
    return out[cols].reset_index(drop=True)


def figure(
    people: pd.DataFrame, *, brand: Brand | None = None, title: str | None = None
) -> go.Figure:
    """The co-authors who share most papers with the owner, stacked by status; the rest are
    counted under the plot. ``people`` from :func:`table`."""
    brand = brand or load_brand()
    if people.empty:
        return _empty(brand, i18n.current()("empty.coauthors"), title)
    shown = people[people["shown"]]
    order = list(dict.fromkeys(shown["name"]))
    hover = {}
    for r in shown.drop_duplicates("key").itertuples():
        years = (
            f"{r.first_year}–{r.last_year}"
            if pd.notna(r.first_year) and r.first_year != r.last_year
            else (
                str(r.first_year)
                if pd.notna(r.first_year)
                else i18n.current()("chart.years-not-given")
            )
        )
        hover[str(r.name)] = (
            f"<b>{_esc(r.name)}</b>: "
            + i18n.current()("coauthors.hover", papers=_plural(int(r.total), "paper"), years=years)
            + "<br>"
            + _list_hover(str(r.titles).split("\n"), 8)
        )
    fig = _stacked_hbar(shown, category="name", order=order, hover=hover, brand=brand, title=title)
    fig.update_xaxes(title=i18n.current()("coauthors.axis"))
    hidden = people[~people["shown"]].drop_duplicates("key")
    if not hidden.empty:
        most = int(hidden["total"].max())
        _more_note(
            fig,
            brand,
            len(hidden),
            "more co-author",
            detail=i18n.current()("coauthors.more-detail", papers=_plural(most, "paper")),
        )
    return fig


def describe(people: pd.DataFrame) -> tuple[str, str]:
    w = i18n.current()
    if people.empty:
        return w("empty.coauthors"), w("empty-alt.coauthors")
    each = people.drop_duplicates("key")
    shown = each[each["shown"]]
    more = w("coauthors.more", n=w.number(len(each) - len(shown))) if len(shown) < len(each) else ""
    caption = w(
        "coauthors.caption",
        shown=w.number(len(shown)),
        coauthors=_plural(len(each), "co-author"),
        more=more,
    )
    alt = w(
        "coauthors.alt",
        shown=w.number(len(shown)),
        top=", ".join(f"{r.name} {w.number(r.total)}" for r in shown.head(5).itertuples())
        + (w("list.and-more-plain", n=w.number(len(shown) - 5)) if len(shown) > 5 else ""),
    )
    return caption, alt


def draw(cv: CV, *, brand: Brand | None = None, top: int | None = 20) -> Drawn:
    """The ``top`` co-authors by papers shared with the owner."""
    t = table(cv, top=top)
    return Drawn(figure(t, brand=brand), *describe(t))
