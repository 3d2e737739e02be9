"""Time counted in whole months as the CV prints dates, and the landing page's numbers."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from .. import i18n
from ..dates import month_span
from ..load import CV
from . import timeline
from ._tables import _precisions


def covered_years(starts: pd.Series, ends: pd.Series) -> float:
    """Years covered by the union of [start, end] intervals: overlaps count once."""
    spans = sorted(
        (s, e) for s, e in zip(starts, ends, strict=True) if pd.notna(s) and pd.notna(e) and e >= s
    )
    total = pd.Timedelta(0)
    cur_s = cur_e = None
    for s, e in spans:
        if cur_e is None or s > cur_e:
            if cur_e is not None:
                total += cur_e - cur_s
            cur_s, cur_e = s, e
        else:
            cur_e = max(cur_e, e)
    if cur_e is not None:
        total += cur_e - cur_s
    return total.days / 365.25


def covered_months(spans: list[tuple[int, int] | None]) -> int:
    """Whole months covered by the union of periods (from :func:`month_span`): overlaps
    count once."""
    total, cur = 0, None
    for a, b in sorted(s for s in spans if s is not None):
        if cur is None or a > cur[1]:
            total += cur[1] - cur[0] if cur else 0
            cur = [a, b]
        else:
            cur[1] = max(cur[1], b)
    return total + (cur[1] - cur[0] if cur else 0)


def _role_spans(cv: CV, role_ids: pd.Series, as_of: dt.date) -> list[tuple[int, int] | None]:
    """Each role's period in months (:func:`month_span`); an ongoing role runs to the
    as-of date."""
    roles = cv.roles.drop_duplicates("id").set_index("id")
    roles = roles.loc[roles.index.intersection(role_ids.dropna().unique())]
    start_p = _precisions(roles, "start")
    end_p = _precisions(roles, "end")
    spans = {}
    for rid, s, sp, e, ep in zip(
        roles.index, roles["start"], start_p, roles["end"], end_p, strict=True
    ):
        # No end, or an expected end after the as-of date: counted up to the as-of date.
        ongoing = pd.isna(e) or pd.Timestamp(e) > pd.Timestamp(as_of)
        spans[rid] = month_span(
            s, sp, pd.Timestamp(as_of) if ongoing else e, "day" if ongoing else ep
        )
    return [spans.get(r) for r in role_ids]


def _experience_label(kinds: set[str]) -> str:
    """What the years count, in the person's own terms: research only where there is
    research, industry only where there is work outside it (internships are work)."""
    industry = bool(kinds & {"industry", "internship"})
    words = i18n.current()  # the CV's language
    if "research" in kinds:
        return words("stat.years-industry-research" if industry else "stat.years-research")
    return words("stat.years")


def headline_numbers(cv: CV, as_of: dt.date | None = None) -> pd.DataFrame:
    """The landing page's numbers: ``key, value, label``."""
    as_of = as_of or cv.as_of
    t = timeline.table(cv, as_of)
    work = t[t["kind"] != "education"]
    papers = cv.papers
    owner_first = cv.paper_authors[
        (cv.paper_authors["position"] == 1) & cv.paper_authors["is_owner"].fillna(False)
    ]["paper_id"].nunique()
    words = i18n.current()
    rows = [
        (
            "experience_years",
            # Counted in whole months as the CV prints dates: a role from Dec 2013 to
            # Dec 2014 is 1 year, not the 1.1 its days would make it.
            round(covered_months(_role_spans(cv, work["role_id"], as_of)) / 12, 1),
            _experience_label(set(work["kind"].dropna())),
        ),
        ("roles", len(cv.roles), words("stat.roles")),
        ("papers", len(papers), words("stat.papers")),
        ("published", int((papers["status"] == "published").sum()), words("stat.published")),
        ("first_author", int(owner_first), words("stat.first-author")),
        ("projects", len(cv.projects), words("stat.projects")),
        ("skills", len(cv.skills), words("stat.skills")),
    ]
    return pd.DataFrame(rows, columns=["key", "value", "label"])
