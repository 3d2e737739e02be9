"""Tables shaped for the figures: one tidy DataFrame per chart, computed from a :class:`CV`.

Shaping is kept apart from drawing so that what a chart shows can be tested as data.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from .load import CV

KIND_LABELS = {
    "industry": "Industry",
    "internship": "Internship",
    "research": "Research",
    "education": "Education",
}


def _label(title: str, org: str, limit: int = 48) -> str:
    text = f"{title} · {org}" if org else title
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def roles_timeline(cv: CV, as_of: dt.date | None = None) -> pd.DataFrame:
    """One row per role with a drawable end: ongoing roles end at the as-of date.

    Columns: ``role_id, label, kind, kind_label, title, organisation, start, end,
    ongoing, dates, location, advisors``, ordered by lane then start.
    """
    as_of = as_of or cv.as_of
    roles = cv.roles
    advisors = (
        cv.advisors.assign(
            who=cv.advisors["name"]
            + cv.advisors["title"].map(lambda t: f" ({t})" if isinstance(t, str) else "")
        )
        .groupby("role_id", sort=False)["who"]
        .agg("; ".join)
    )
    org = (
        roles["organisation"] + roles["unit"].map(lambda u: f", {u}" if isinstance(u, str) else "")
    ).astype(str)
    ongoing = roles["end"].isna()
    end = roles["end"].fillna(pd.Timestamp(as_of))
    # A month-precision role lasts to the end of its last month.
    end = end.where(ongoing, end + pd.offsets.MonthEnd(0))
    dates = (
        roles["start"].dt.strftime("%b %Y")
        + " – "
        + roles["end"].dt.strftime("%b %Y").fillna(f"present (as of {as_of:%d %b %Y})")
    )
    out = pd.DataFrame(
        {
            "role_id": roles["id"],
            "label": [
                _label(t, u if isinstance(u, str) else o)
                for t, u, o in zip(
                    roles["title"], roles["unit"], roles["organisation"], strict=True
                )
            ],
            "kind": roles["kind"],
            "kind_label": roles["kind"].map(KIND_LABELS).fillna(roles["kind"]),
            "title": roles["title"],
            "organisation": org,
            "start": roles["start"],
            "end": end,
            "ongoing": ongoing.astype(bool),
            "dates": dates,
            "location": roles["location"].fillna(""),
            "advisors": roles["id"].map(advisors).fillna(""),
        }
    )
    # Two roles may share a label (same title at one organisation): keep each its own row.
    dup = out["label"].duplicated(keep=False)
    out.loc[dup, "label"] = (
        out.loc[dup, "label"] + " (" + out.loc[dup, "start"].dt.strftime("%Y") + ")"
    )
    lane = pd.Categorical(out["kind"], categories=list(KIND_LABELS), ordered=True)
    return (
        out.assign(_lane=lane)
        .sort_values(["_lane", "start"], kind="stable")
        .drop(columns="_lane")
        .reset_index(drop=True)
    )


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


def headline_numbers(cv: CV, as_of: dt.date | None = None) -> pd.DataFrame:
    """The landing page's numbers: ``key, value, label``."""
    t = roles_timeline(cv, as_of)
    work = t[t["kind"] != "education"]
    papers = cv.papers
    owner_first = cv.paper_authors[
        (cv.paper_authors["position"] == 1) & cv.paper_authors["is_owner"].fillna(False)
    ]["paper_id"].nunique()
    rows = [
        (
            "experience_years",
            round(covered_years(work["start"], work["end"]), 1),
            "years of industry and research experience",
        ),
        ("roles", len(cv.roles), "positions and degrees"),
        ("papers", len(papers), "publications and manuscripts"),
        ("published", int((papers["status"] == "published").sum()), "published"),
        ("first_author", int(owner_first), "as first author"),
        ("projects", len(cv.projects), "projects"),
        ("skills", len(cv.skills), "skills"),
    ]
    return pd.DataFrame(rows, columns=["key", "value", "label"])
