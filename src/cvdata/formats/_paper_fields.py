"""The paper fields that the exports share: BibTeX and CSL-JSON
(:mod:`cvdata.formats.export`) and JSON Resume (:mod:`cvdata.formats.jsonresume`) both
read a paper's venue, authors and link the same way. Moved out of ``export`` so that
neither module imports the other's private helpers (no import cycle)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import pandas as pd

from ..cells import safe_href, text

if TYPE_CHECKING:
    from ..load import CV


def _venue(cv: CV, paper: pd.Series) -> str:
    """The venue's full name, else the venue line the CV prints."""
    vid = text(paper["venue_id"])
    if vid:
        match = cv.venues[cv.venues["id"] == vid]
        if not match.empty:
            return text(match.iloc[0]["name"])
    return text(paper["venue_display"])


def _authors(cv: CV, paper_id: str) -> list[str]:
    rows = cv.paper_authors[cv.paper_authors["paper_id"] == paper_id]
    return [text(n) for n in rows.sort_values("position")["name"]]


def safe_url(value: object) -> str:
    """The address if the site would link it (http, https, mailto: the site's own guard,
    :func:`cvdata.cells.safe_href`), else ''. A fork may loosen the URL pattern in
    datapackage.json; no export writes a ``javascript:`` or ``data:`` address anyway."""
    return safe_href(text(value)) or ""


def _safe_links(df: pd.DataFrame) -> pd.DataFrame:
    return df[[bool(safe_url(u)) for u in df["url"]]] if len(df) else df


def _paper_url(cv: CV, paper_id: str) -> str:
    """The first safe link of the paper, preferring ``paper`` links."""
    links = _safe_links(cv.paper_links[cv.paper_links["paper_id"] == paper_id])
    if links.empty:
        return ""
    links = links.sort_values("position")
    papers = links[links["kind"] == "paper"]
    return text((papers if not papers.empty else links).iloc[0]["url"])


def _papers(cv: CV) -> Iterable[pd.Series]:
    for _, paper in cv.papers.iterrows():
        yield paper
