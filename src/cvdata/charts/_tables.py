"""What the charts' tables share: labels, paper statuses, the top-N cut, the papers table."""

from __future__ import annotations

import re

import pandas as pd

from .. import dates as _dates
from .. import i18n
from ..cells import STATUS_LABELS, STATUS_ORDER
from ..load import CV
from ..names import is_owner_name

KIND_LABELS = {
    "industry": "Industry",
    "internship": "Internship",
    "research": "Research",
    "education": "Education",
}


def status_labels() -> dict[str, str]:
    """The paper statuses' names in the CV's language (``Submitted``, ``Soumis``)."""
    words = i18n.current()
    return {k: words.get(f"status.{k}", v) for k, v in STATUS_LABELS.items()}


def _label(title: str, org: str, limit: int = 48) -> str:
    text = f"{title} · {org}" if org else title
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


#: Where a paper with only a year is placed on a time axis.
MID_YEAR = (7, 1)


NO_YEAR = "no year"


def _status_label(status: pd.Series) -> pd.Series:
    return status.map(status_labels()).fillna(status).astype("string")


def _status_rank(status: pd.Series) -> pd.Series:
    order = {s: i for i, s in enumerate(STATUS_ORDER)}
    return status.map(order).fillna(len(order)).astype(int)


def _mid_year(year: pd.Series) -> pd.Series:
    """1 July of each year (NaT where the year is missing)."""
    month, day = MID_YEAR
    return pd.to_datetime(
        {"year": year.astype("Float64"), "month": month, "day": day}, errors="coerce"
    )


def normalise_name(name: str) -> str:
    """The key two spellings of one person share: case and whitespace folded."""
    return " ".join(str(name).split()).casefold()


def _mark_top(rank: pd.Series, top: int | None, items: int) -> pd.Series:
    """``shown`` for rows whose rank (1 = first) is within ``top``. Nothing is cut when
    ``top`` is None or when cutting would leave out a single item: a bar is cheaper than a
    line saying "1 more"."""
    if top is None or items <= top + 1:
        return pd.Series(True, index=rank.index)
    return rank <= top


def _precisions(roles: pd.DataFrame, column: str) -> list:
    """Each row's precision of ``column`` (month where the table keeps none)."""
    prec = roles.get(_dates.precision_column(column))
    return ["month"] * len(roles) if prec is None else prec.fillna("month").tolist()


def venue_label(display: str) -> str:
    """The venue a paper's own venue text names, for grouping papers across years: the
    text without years, ordinals and "Proceedings of the" (``Proceedings of the 12th
    Workshop on Things 2023`` is ``Workshop on Things``); '' for no text."""
    s = re.sub(r"\b(19|20)\d{2}\b|\b\d+(st|nd|rd|th)\b", " ", str(display))
    s = re.sub(r"^\s*proceedings of (the )?", "", s, flags=re.IGNORECASE)
    s = " ".join(s.split()).strip(" ,;:-–—")
    return s or " ".join(str(display).split())


def _venues(cv: CV) -> tuple[pd.Series, pd.Series]:
    """Each paper's venue as the charts group it, and the venue's full name: the acronym
    (else the name) of its ``venue_id``, else its own ``venue_display`` without the year
    (:func:`venue_label`; spellings that differ only in case are one venue). NA when the
    paper gives neither."""
    papers = cv.papers
    venues = cv.venues.set_index("id")
    short = venues["acronym"].fillna(venues["name"])
    # Two venues with one acronym stay apart: the name is added to both.
    clash = short.duplicated(keep=False)
    short = short.where(~clash, short + " (" + venues["name"] + ")")
    # As text even when no venue matches (map then gives float64, which cannot take text).
    venue = papers["venue_id"].map(short).astype("string")
    name = papers["venue_id"].map(venues["name"]).astype("string")
    display = papers["venue_display"].astype("string").str.strip().replace("", pd.NA)
    label = display.map(venue_label, na_action="ignore").astype("string")
    # One spelling per venue: the first met of those equal but for case.
    first = label.dropna().groupby(label.dropna().str.casefold()).transform("first")
    label = first.reindex(label.index).astype("string")
    return venue.fillna(label), name.fillna(display)


def papers_table(cv: CV) -> pd.DataFrame:
    """One row per paper with what the publication charts group by.

    ``venue`` is the venue's acronym, else its name, else the paper's own venue text
    without its year (an import's ``venue_display``: :func:`venue_label`); a paper with no
    venue at all goes into an explicit bucket named after its status (``no venue
    (preprint)``, ``no venue (forthcoming)``, ...). Authorship: ``owner_position`` (NA when
    the owner is not among the listed authors), ``first_author``, ``equal_contribution``
    and ``authors_listed``.
    """
    papers = cv.papers
    status_label = _status_label(papers["status"])
    venue, venue_name = _venues(cv)
    # In the CV's language: 'no venue (preprint)', 'sans lieu (prépublication)'.
    words = i18n.current()
    bucket = (
        status_label.str.lower()
        .map(lambda st: words("chart.no-venue", status=st), na_action="ignore")
        .astype("string")
    )
    authors = cv.paper_authors
    owner = authors[authors["is_owner"].fillna(False)].drop_duplicates("paper_id")
    owner = owner.set_index("paper_id")
    n_authors = authors.groupby("paper_id").size()
    position = papers["id"].map(owner["position"]).astype("Int64")
    return pd.DataFrame(
        {
            "paper_id": papers["id"],
            "title": papers["title"],
            "type": papers["type"],
            "status": papers["status"],
            "status_label": status_label,
            "venue": venue.fillna(bucket).astype("string"),
            "venue_name": venue_name,
            "has_venue": venue.notna().astype(bool),
            "year": papers["year"],
            "n_authors": papers["id"].map(n_authors).fillna(0).astype(int),
            "authors_listed": papers["id"].isin(n_authors.index).astype(bool),
            "owner_position": position,
            "first_author": (position == 1).fillna(False).astype(bool),
            "equal_contribution": papers["id"]
            .map(owner["equal_contribution"])
            .astype("boolean")
            .fillna(False)
            .astype(bool),
        }
    )


def coauthor_rows(cv: CV) -> pd.DataFrame:
    """The author rows of people other than the owner: not marked ``is_owner``, and not a
    spelling of the owner's name (:func:`cvdata.names.is_owner_name`: ``Doe, J.`` when the
    owner is Jane Doe). The co-authors chart counts them, and the site shows its page only
    when there are any."""
    a = cv.paper_authors
    owner = cv.owner.get("name") if hasattr(cv.owner, "get") else None
    owner = "" if owner is None or pd.isna(owner) else str(owner)
    names = a["name"].astype("string").fillna("")
    variant = names.map(lambda n: is_owner_name(owner, n) if owner else False).astype(bool)
    return a[~a["is_owner"].fillna(False).astype(bool) & ~variant]
