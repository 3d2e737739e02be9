"""Tables shaped for the figures: one tidy DataFrame per chart, computed from a :class:`CV`.

Shaping is kept apart from drawing so that what a chart shows can be tested as data.
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

from . import dates as _dates
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


#: How many roles the timeline draws (the most recent); 24 rows keep it under ~1,200 px.
TIMELINE_ROLES = 24


def roles_timeline(
    cv: CV, as_of: dt.date | None = None, top: int | None = TIMELINE_ROLES
) -> pd.DataFrame:
    """One row per role with a drawable end: ongoing roles end at the as-of date.

    Columns: ``role_id, label, kind, kind_label, title, organisation, employer, start, end,
    ongoing, dates, location, advisors, rank, shown``, ordered by lane then start.
    ``organisation`` is the organisation and its unit ("Together.AI, Turbo Team");
    ``employer`` the organisation alone, as the timeline's row labels name it in full.
    ``rank`` 1 is the most recent role (latest end, then latest start); the ``top`` most
    recent are ``shown`` (all of them when ``top`` is None or only one more).
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
    # A role lasts to the end of its last period: its month (the usual), year or day.
    end = end.where(ongoing, _period_ends(roles))
    dates = _date_labels(roles, as_of)
    out = pd.DataFrame(
        {
            "role_id": roles["id"],
            # Text even when there are no roles (an empty list would be float64).
            "label": pd.Series(
                [
                    _label(t, u if isinstance(u, str) else o)
                    for t, u, o in zip(
                        roles["title"], roles["unit"], roles["organisation"], strict=True
                    )
                ],
                index=roles.index,
                dtype="string",
            ),
            "kind": roles["kind"],
            "kind_label": roles["kind"].map(KIND_LABELS).fillna(roles["kind"]),
            "title": roles["title"],
            "organisation": org,
            "employer": roles["organisation"].astype(str),
            "start": roles["start"],
            "end": end,
            "ongoing": ongoing.astype(bool),
            "dates": dates,
            "location": roles["location"].fillna(""),
            "advisors": roles["id"].map(advisors).astype("string").fillna(""),
        }
    )
    # Two roles may share a label (same title at one organisation): keep each its own row.
    dup = out["label"].duplicated(keep=False)
    out.loc[dup, "label"] = (
        out.loc[dup, "label"] + " (" + out.loc[dup, "start"].dt.strftime("%Y") + ")"
    )
    # Still the same (same start year too): number them, so no two bars share a row.
    dup = out["label"].duplicated(keep=False)
    if dup.any():
        n = out.groupby("label").cumcount() + 1
        out.loc[dup, "label"] = out.loc[dup, "label"] + " #" + n[dup].astype(str)
    recent = out.sort_values(["end", "start"], ascending=False, kind="stable").index
    out["rank"] = pd.Series(range(1, len(out) + 1), index=recent).reindex(out.index)
    out["shown"] = _mark_top(out["rank"], top, len(out)).astype(bool)
    # Kinds a fork adds (the enum is theirs) get lanes after the known ones.
    kinds = list(KIND_LABELS) + [k for k in dict.fromkeys(out["kind"]) if k not in KIND_LABELS]
    lane = pd.Categorical(out["kind"], categories=kinds, ordered=True)
    return (
        out.assign(_lane=lane)
        .sort_values(["_lane", "start"], kind="stable")
        .drop(columns="_lane")
        .reset_index(drop=True)
    )


def _precisions(roles: pd.DataFrame, column: str) -> list:
    """Each row's precision of ``column`` (month where the table keeps none)."""
    prec = roles.get(_dates.precision_column(column))
    return ["month"] * len(roles) if prec is None else prec.fillna("month").tolist()


def _period_ends(roles: pd.DataFrame) -> pd.Series:
    """The last day of each role's end period (NaT where it has no end)."""
    ends = [
        _dates.last_day(e, p) if pd.notna(e) else pd.NaT
        for e, p in zip(roles["end"], _precisions(roles, "end"), strict=True)
    ]
    return pd.Series(ends, index=roles.index, dtype="datetime64[ns]")


def _date_labels(roles: pd.DataFrame, as_of: dt.date) -> pd.Series:
    """'Mar 2019 – Jun 2021', '2019 – present (as of ...)': each date at its precision."""
    present = f"present (as of {as_of:%d %b %Y})"
    labels = [
        f"{_dates.show(s, sp)} – {_dates.show(e, ep) if pd.notna(e) else present}"
        for s, sp, e, ep in zip(
            roles["start"],
            _precisions(roles, "start"),
            roles["end"],
            _precisions(roles, "end"),
            strict=True,
        )
    ]
    return pd.Series(labels, index=roles.index, dtype=object)


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


def month_span(
    start: object, start_precision: object, end: object, end_precision: object
) -> tuple[int, int] | None:
    """A period as whole months ``[first, past)`` counted from year 0, as
    :func:`cvdata.dates.months_between` counts it (Dec 2013 to Dec 2014 is 12 months;
    a year-only date counts whole years from January), except that between two known days
    the last day counts (1 Dec 2013 to 31 May 2014 is 6 months). ``None`` without both
    dates."""
    months = _dates.months_between(start, start_precision, end, end_precision)
    if months is None or months < 0:
        return None
    a = pd.Timestamp(start)  # type: ignore[arg-type]
    if str(start_precision) == str(end_precision) == "day":
        # Both days known: the end day is worked too, so 1 Oct 2012 to 31 Mar 2019 is
        # 6 years 6 months (to 1 Apr 2019), whole months only.
        b = pd.Timestamp(end) + pd.Timedelta(days=1)  # type: ignore[arg-type]
        months = 12 * (b.year - a.year) + b.month - a.month - (b.day < a.day)
    coarse = "year" in (str(start_precision), str(end_precision))
    first = 12 * a.year + (0 if coarse else a.month - 1)
    return first, first + months


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
        ongoing = pd.isna(e)
        spans[rid] = month_span(
            s, sp, pd.Timestamp(as_of) if ongoing else e, "day" if ongoing else ep
        )
    return [spans.get(r) for r in role_ids]


def _experience_label(kinds: set[str]) -> str:
    """What the years count, in the person's own terms: research only where there is
    research, industry only where there is work outside it (internships are work)."""
    industry = bool(kinds & {"industry", "internship"})
    if "research" in kinds:
        return (
            "years of industry and research experience"
            if industry
            else ("years of research experience")
        )
    return "years of experience"


def headline_numbers(cv: CV, as_of: dt.date | None = None) -> pd.DataFrame:
    """The landing page's numbers: ``key, value, label``."""
    as_of = as_of or cv.as_of
    t = roles_timeline(cv, as_of)
    work = t[t["kind"] != "education"]
    papers = cv.papers
    owner_first = cv.paper_authors[
        (cv.paper_authors["position"] == 1) & cv.paper_authors["is_owner"].fillna(False)
    ]["paper_id"].nunique()
    rows = [
        (
            "experience_years",
            # Counted in whole months as the CV prints dates: a role from Dec 2013 to
            # Dec 2014 is 1 year, not the 1.1 its days would make it.
            round(covered_months(_role_spans(cv, work["role_id"], as_of)) / 12, 1),
            _experience_label(set(work["kind"].dropna())),
        ),
        ("roles", len(cv.roles), "positions and degrees"),
        ("papers", len(papers), "publications and manuscripts"),
        ("published", int((papers["status"] == "published").sum()), "published"),
        ("first_author", int(owner_first), "as first author"),
        ("projects", len(cv.projects), "projects"),
        ("skills", len(cv.skills), "skills"),
    ]
    return pd.DataFrame(rows, columns=["key", "value", "label"])


# ------------------------------------------------------------------------- shared labels

#: Paper statuses in the order charts stack and list them (most settled first).
STATUS_ORDER = ("published", "accepted", "submitted", "under-review", "preprint", "forthcoming")
STATUS_LABELS = {
    "published": "Published",
    "accepted": "Accepted",
    "submitted": "Submitted",
    "under-review": "Under review",
    "preprint": "Preprint",
    "forthcoming": "Forthcoming",
}
#: Where a paper with only a year is placed on a time axis.
MID_YEAR = (7, 1)
NO_YEAR = "no year"


def _text(value: object) -> str:
    """A cell as text; missing values become ''."""
    return "" if value is None or value is pd.NA or pd.isna(value) else str(value)


def _status_label(status: pd.Series) -> pd.Series:
    return status.map(STATUS_LABELS).fillna(status).astype("string")


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


# ------------------------------------------------------------------------- the timeline


def timeline_markers(cv: CV) -> pd.DataFrame:
    """Papers and awards as points on the career's time axis.

    Both are dated by year only, so each is placed at mid-year (``date``) and says so in
    ``date_note``; rows without a year keep ``date`` NaT (drawn nowhere, counted in the
    caption). Columns: ``marker, item_id, label, detail, status, status_label, year, date,
    date_note``, papers first, each by year.
    """
    papers = cv.papers
    venue = papers_table(cv).set_index("paper_id")["venue"]
    paper_rows = pd.DataFrame(
        {
            "marker": "paper",
            "item_id": papers["id"],
            "label": papers["title"],
            "detail": (
                papers["id"].map(venue).fillna("")
                + " · "
                + _status_label(papers["status"]).fillna("")
            ),
            "status": papers["status"],
            "status_label": _status_label(papers["status"]),
            "year": papers["year"],
        }
    )
    awards = cv.awards
    period = awards["period"].map(lambda p: f" ({p})" if isinstance(p, str) and p else "")
    award_rows = pd.DataFrame(
        {
            "marker": "award",
            "item_id": awards["id"],
            "label": awards["name"],
            "detail": (awards["issuer"].fillna("") + period).str.strip(),
            "status": pd.NA,
            "status_label": pd.NA,
            "year": awards["year"],
        }
    )
    out = pd.concat([paper_rows, award_rows], ignore_index=True)
    out = out.astype(
        {c: "string" for c in ("marker", "item_id", "label", "detail", "status", "status_label")}
    ).astype({"year": "Int64"})
    out["date"] = _mid_year(out["year"])
    out["date_note"] = (
        out["year"]
        .astype("string")
        .map(lambda y: f"{y} (year only: placed at mid-year)" if isinstance(y, str) else "no year")
        .astype("string")
    )
    kind = pd.Categorical(out["marker"], categories=["paper", "award"], ordered=True)
    return (
        out.assign(_k=kind)
        .sort_values(["_k", "year"], kind="stable", na_position="last")
        .drop(columns="_k")
        .reset_index(drop=True)
    )


def markers_per_year(markers: pd.DataFrame) -> pd.DataFrame:
    """Dated markers counted per kind, year and status: what the timeline draws instead
    of one dot per item when a year holds too many to read.

    ``markers`` from :func:`timeline_markers`; undated rows are left out (as the timeline
    leaves them out). Columns: ``marker, year, date, status, status_label, items,
    year_items`` (``year_items``: all items of that kind in that year); ordered by kind,
    year and status (settled first). Awards have ``status`` "".
    """
    cols = ["marker", "year", "date", "status", "status_label", "items", "year_items"]
    dated = markers[markers["date"].notna()]
    if dated.empty:
        return pd.DataFrame(columns=cols)
    dated = dated.assign(
        status=dated["status"].fillna(""), status_label=dated["status_label"].fillna("")
    )
    out = (
        dated.groupby(["marker", "year", "status"], sort=False)
        .agg(
            date=("date", "first"),
            status_label=("status_label", "first"),
            items=("item_id", "size"),
        )
        .reset_index()
    )
    out["year_items"] = out.groupby(["marker", "year"])["items"].transform("sum")
    kind = pd.Categorical(out["marker"], categories=["paper", "award"], ordered=True)
    out = out.assign(_k=kind, _s=_status_rank(out["status"]))
    out = out.sort_values(["_k", "year", "_s", "status"], kind="stable")
    return out[cols].astype({"items": int, "year_items": int}).reset_index(drop=True)


def career_time(cv: CV, as_of: dt.date | None = None) -> pd.DataFrame:
    """Years spent per kind of role, overlapping roles of a kind counted once.

    Columns: ``kind, kind_label, years, months, duration, roles``; one row per kind
    present (in lane order), then ``work``: every kind but education together (again
    counting overlaps once). Time is counted in whole months as the CV prints dates
    (:func:`month_span`); ``duration`` says it in words ('1 year 1 month') and ``years``
    is ``months / 12``.
    """
    as_of = as_of or cv.as_of
    t = roles_timeline(cv, as_of)
    spans = pd.Series(_role_spans(cv, t["role_id"], as_of), index=t.index, dtype=object)
    rows = []
    for kind, group in t.groupby("kind", sort=False):
        rows.append((kind, group["kind_label"].iloc[0], spans[group.index].tolist(), len(group)))
    work = t[t["kind"] != "education"]
    if not work.empty:
        rows.append(("work", "All work (not education)", spans[work.index].tolist(), len(work)))
    months = [covered_months(s) for _, _, s, _ in rows]
    out = pd.DataFrame(
        {
            "kind": [r[0] for r in rows],
            "kind_label": [r[1] for r in rows],
            "years": pd.Series([m / 12 for m in months], dtype=float).round(2),
            "months": pd.Series(months, dtype=int),
            "duration": pd.Series([_dates.months_text(m) for m in months], dtype=object),
            "roles": pd.Series([r[3] for r in rows], dtype=int),
        }
    )
    return out


# ------------------------------------------------------------------------- publications


def papers_table(cv: CV) -> pd.DataFrame:
    """One row per paper with what the publication charts group by.

    ``venue`` is the venue's acronym, else its name; a paper without a venue goes into an
    explicit bucket named after its status (``no venue (preprint)``, ``no venue
    (forthcoming)``, ...). Authorship: ``owner_position`` (NA when the owner is not among
    the listed authors), ``first_author``, ``equal_contribution`` and ``authors_listed``.
    """
    papers = cv.papers
    venues = cv.venues.set_index("id")
    short = venues["acronym"].fillna(venues["name"])
    # Two venues with one acronym stay apart: the name is added to both.
    clash = short.duplicated(keep=False)
    short = short.where(~clash, short + " (" + venues["name"] + ")")
    status_label = _status_label(papers["status"])
    # As text even when no venue matches (map then gives float64, which cannot take text).
    venue = papers["venue_id"].map(short).astype("string")
    bucket = "no venue (" + status_label.str.lower() + ")"
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
            "venue_name": papers["venue_id"].map(venues["name"]).astype("string"),
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


def venue_counts(cv: CV, top: int | None = 12) -> pd.DataFrame:
    """Papers per venue and status, venues ranked by their number of papers.

    Columns: ``venue, venue_name, has_venue, status, status_label, papers, venue_papers,
    rank, shown``. The ``top`` venues are ``shown``; the buckets of papers without a venue
    come after them and are always shown, so only real venues are ever cut (and the figure
    says how many).
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


def papers_by_year(cv: CV) -> pd.DataFrame:
    """Papers per year and status: every year from the first to the last (a year without
    papers is an empty slot, not a missing one), then a ``no year`` slot when some papers
    have no year. Columns: ``year_label, year, status, status_label, papers``."""
    p = papers_table(cv)
    cols = ["year_label", "year", "status", "status_label", "papers"]
    if p.empty:
        return pd.DataFrame(columns=cols)
    statuses = sorted(p["status"].unique(), key=lambda s: _status_rank(pd.Series([s])).iloc[0])
    years = p["year"].dropna()
    slots: list[tuple[str, object]] = []
    if not years.empty:
        slots = [(str(y), y) for y in range(int(years.min()), int(years.max()) + 1)]
    if p["year"].isna().any():
        slots.append((NO_YEAR, pd.NA))
    counts = p.assign(year_label=p["year"].astype("string").fillna(NO_YEAR))
    counts = counts.groupby(["year_label", "status"]).size()
    rows = [
        (label, year, s, STATUS_LABELS.get(s, s), int(counts.get((label, s), 0)))
        for label, year in slots
        for s in statuses
    ]
    out = pd.DataFrame(rows, columns=cols)
    return out.astype({"year": "Int64", "papers": int})


AUTHORSHIP_LABELS = {
    "all": "All papers",
    "first": "First author",
    "equal": "Equal contribution (*)",
    "other": "Other author position",
    "unlisted": "Authors not listed yet",
}


def authorship(cv: CV) -> pd.DataFrame:
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
            AUTHORSHIP_LABELS[g],
            s,
            STATUS_LABELS.get(s, s),
            int((mask & (p["status"] == s)).sum()),
        )
        for g, mask in masks.items()
        for s in statuses
    ]
    return pd.DataFrame(rows, columns=["group", "group_label", "status", "status_label", "papers"])


# ------------------------------------------------------------------------- collaborators


def coauthors(cv: CV, top: int | None = 20) -> pd.DataFrame:
    """Co-authors by the number of papers shared with the owner, split by status.

    Names are matched with case and whitespace folded (``normalise_name``) and shown in
    their most common spelling; the owner's own rows (``is_owner``) are left out.
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
    a = cv.paper_authors
    a = a[~a["is_owner"].fillna(False)]
    if a.empty:
        return pd.DataFrame(columns=cols)
    a = a.assign(
        key=a["name"].map(normalise_name), clean=a["name"].map(lambda n: " ".join(n.split()))
    )
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


# ------------------------------------------------------------------------- skills


YEARS_NOT_GIVEN = "years not given"
#: Skill levels as CVs write them (JSON Resume's ``level`` is free text), by rank on one
#: ordinal scale; a level not listed here has no rank, and charts then show levels as
#: written rather than guess an order.
LEVEL_RANKS = {
    **dict.fromkeys(["beginner", "novice", "basic", "elementary", "entry level"], 1),
    **dict.fromkeys(["intermediate", "competent", "working knowledge", "moderate"], 2),
    **dict.fromkeys(["advanced", "proficient", "experienced", "strong"], 3),
    **dict.fromkeys(["expert", "master", "excellent"], 4),
}
#: At most this many skills are drawn when no ``per_category`` is asked for: the shipped
#: CV's 107 all fit, a CV with 1,000 skills gets a chart no taller than the shipped one.
SKILLS_SHOWN = 110


def _per_category_for(sizes: pd.Series, budget: int) -> int | None:
    """The largest top-k per category that keeps at most ``budget`` skills shown (a
    category with one more than k shows all, as in :func:`_mark_top`); None when every
    skill fits."""
    if int(sizes.sum()) <= budget:
        return None
    k = 1
    while k < int(sizes.max()):
        shown = int(sizes.where(sizes <= k + 2, k + 1).sum())  # what k + 1 would show
        if shown > budget:
            break
        k += 1
    return k


def level_rank(level: object) -> int | None:
    """Where a level as written sits on :data:`LEVEL_RANKS`' scale (1 lowest), or None."""
    if level is None or level is pd.NA or (isinstance(level, float) and math.isnan(level)):
        return None
    return LEVEL_RANKS.get(" ".join(str(level).casefold().replace("-", " ").split()))


def _category_levels(cv: CV) -> dict[str, str]:
    """Category -> its level as written (``skill_categories.csv``), for those that give one."""
    cats = cv.skill_categories
    given = cats[cats["level"].notna() & (cats["level"].str.strip() != "")]
    return dict(zip(given["name"], given["level"].str.strip(), strict=True))


def skills_years(
    cv: CV, per_category: int | None = None, *, budget: int | None = SKILLS_SHOWN
) -> pd.DataFrame:
    """Every skill with its years, categories in file order, skills by years within each.

    Skills without years stay (``years`` NA, ``years_label`` "years not given") and sort
    last in their category; a CV that gives no years keeps its own order. ``level`` is the
    skill's category's level as written ("" when none). With ``per_category``, only the
    first that many of each category are ``shown`` (all of a category that has just one
    more). Without it, at most ``budget`` skills are shown: the same top-k of every
    category, k as large as fits (None: all). Columns: ``skill_id, category, skill, years,
    years_label, level, note, rank, category_skills, shown``.
    """
    s = cv.skills
    cols = [
        "skill_id",
        "category",
        "skill",
        "years",
        "years_label",
        "level",
        "note",
        "rank",
        "category_skills",
        "shown",
    ]
    if s.empty:
        return pd.DataFrame(columns=cols)
    cat_order = {c: i for i, c in enumerate(dict.fromkeys(s["category"]))}
    levels = _category_levels(cv)
    out = pd.DataFrame(
        {
            "skill_id": s["id"],
            "category": s["category"],
            "skill": s["skill"],
            "years": s["years"],
            "years_label": pd.Series(
                [
                    YEARS_NOT_GIVEN if pd.isna(y) else (f"{y} yr" if y == 1 else f"{y} yrs")
                    for y in s["years"]
                ],
                index=s.index,
                dtype="string",
            ),
            "level": pd.Series(
                [levels.get(c, "") for c in s["category"]], index=s.index, dtype="string"
            ),
            "note": s["note"].fillna(""),
        }
    )
    out["_c"] = out["category"].map(cat_order)
    out["_y"] = out["years"].fillna(-1)
    out = out.sort_values(["_c", "_y"], ascending=[True, False], kind="stable")
    out["rank"] = out.groupby("_c").cumcount() + 1
    out["category_skills"] = out.groupby("_c")["skill"].transform("size").astype(int)
    if per_category is None and budget is not None:
        per_category = _per_category_for(out.groupby("_c").size(), budget)
    if per_category is None:
        out["shown"] = True
    else:  # as _mark_top, per category
        out["shown"] = (out["rank"] <= per_category) | (out["category_skills"] <= per_category + 1)
    return out[cols].reset_index(drop=True)


def skills_by_category(cv: CV) -> pd.DataFrame:
    """Per category: ``skills`` listed, how many give years, and the median, smallest and
    largest years among those; its ``level`` as written ("" when none) and that level's
    ``level_rank`` (:func:`level_rank`, NA when not on the scale); ``skill_list`` names
    every skill, with its years when the CV gives any.

    Categories of ``skills.csv`` in file order, then those of ``skill_categories.csv`` that
    list no skill (a JSON Resume skill with a level and no keywords), with ``skills`` 0.
    """
    s = skills_years(cv)
    cols = [
        "category",
        "skills",
        "with_years",
        "median_years",
        "min_years",
        "max_years",
        "level",
        "level_rank",
        "skill_list",
    ]
    levels = _category_levels(cv)
    if s.empty:
        return pd.DataFrame(columns=cols)
    # "Python (years not given)" only tells something when other skills give years.
    dated = bool(s["years"].notna().any())
    g = s.groupby("category", sort=False)
    out = pd.DataFrame(
        {
            "skills": g.size(),
            "with_years": g["years"].count(),
            "median_years": g["years"].median(),
            "min_years": g["years"].min(),
            "max_years": g["years"].max(),
            "skill_list": g.apply(
                lambda d: ", ".join(
                    f"{r.skill} ({r.years_label})" if dated else str(r.skill)
                    for r in d.itertuples()
                ),
                include_groups=False,
            ),
        }
    ).reset_index()
    listed = set(out["category"])
    bare = [c for c in cv.skill_categories["name"] if c not in listed]
    if bare:
        empty = pd.DataFrame(
            {"category": bare, "skills": 0, "with_years": 0, "skill_list": ""}
        ).astype({"category": out["category"].dtype})
        out = pd.concat([out, empty], ignore_index=True)
    out["level"] = pd.Series([levels.get(c, "") for c in out["category"]], dtype="string")
    out["level_rank"] = pd.array([level_rank(v) if v else None for v in out["level"]], "Int64")
    out = out.astype(
        {
            "skills": int,
            "with_years": int,
            "median_years": "Float64",
            "min_years": "Int64",
            "max_years": "Int64",
        }
    )
    return out[cols]


# ------------------------------------------------------------------------- projects


#: How many roles the projects chart draws (the most recent with projects).
PROJECT_ROLES = 30


def projects_per_role(
    cv: CV, as_of: dt.date | None = None, top: int | None = PROJECT_ROLES
) -> pd.DataFrame:
    """Projects and contribution bullets per role, most recent role first; projects not
    tied to a role form one last row (``role_id`` NA, "Other projects").

    Only roles with at least one project are listed; ``roles_without_projects`` counts the
    others. The ``top`` most recent roles are ``shown`` (all when ``top`` is None or only
    one more); the "Other projects" row always is. Columns: ``role_id, label, kind,
    kind_label, projects, contributions, titles, rank, shown``.
    """
    cols = ["role_id", "label", "kind", "kind_label", "projects", "contributions", "titles"]
    t = roles_timeline(cv, as_of, top=None).set_index("role_id")
    prj = cv.projects
    contrib = cv.project_contributions.groupby("project_id").size()
    prj = prj.assign(contributions=prj["id"].map(contrib).fillna(0).astype(int))
    order = t.assign(_end=t["end"]).sort_values(["_end", "start"], ascending=False, kind="stable")
    per = prj[prj["role_id"].isin(order.index)].groupby("role_id", sort=False)
    mine = pd.DataFrame(
        {
            "projects": per.size(),
            "contributions": per["contributions"].sum(),
            "titles": per["title"].agg("\n".join),
        }
    )
    mine = mine.reindex([r for r in order.index if r in mine.index])
    rows = [
        (
            role_id,
            role["label"],
            role["kind"],
            role["kind_label"],
            int(m.projects),
            int(m.contributions),
            m.titles,
        )
        for (role_id, m), (_, role) in zip(
            mine.iterrows(), order.loc[mine.index].iterrows(), strict=True
        )
    ]
    loose = prj[prj["role_id"].isna() | ~prj["role_id"].isin(t.index)]
    if not loose.empty:
        rows.append(
            (
                pd.NA,
                "Other projects (no role)",
                "other",
                "Other",
                len(loose),
                int(loose["contributions"].sum()),
                "\n".join(loose["title"]),
            )
        )
    out = pd.DataFrame(rows, columns=cols).astype({"role_id": "string"})
    with_role = out["role_id"].notna()
    out["rank"] = with_role.cumsum().where(with_role, 0).astype(int)
    out["shown"] = ~with_role | _mark_top(out["rank"], top, int(with_role.sum()))
    return out


def roles_without_projects(cv: CV) -> pd.DataFrame:
    """Roles that list no project: ``role_id, title, organisation``."""
    has = set(cv.projects["role_id"].dropna())
    r = cv.roles[~cv.roles["id"].isin(has)]
    return pd.DataFrame(
        {"role_id": r["id"], "title": r["title"], "organisation": r["organisation"]}
    ).reset_index(drop=True)
