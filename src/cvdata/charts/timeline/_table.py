"""The timeline's tables: roles with drawable ends, papers and awards as markers."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ... import dates as _dates
from ... import i18n
from ...cells import end_states
from ...load import CV
from .._tables import (
    KIND_LABELS,
    _label,
    _mark_top,
    _mid_year,
    _precisions,
    _status_label,
    _status_rank,
    papers_table,
)

#: How many roles the timeline draws (the most recent); 24 rows keep it under ~1,200 px.
TIMELINE_ROLES = 24


def _kind_labels() -> dict[str, str]:
    """The lanes' names in the CV's language (cvdata.i18n)."""
    words = i18n.current()
    return {k: words.get(f"kind.{k}", v) for k, v in KIND_LABELS.items()}


def table(cv: CV, as_of: dt.date | None = None, top: int | None = TIMELINE_ROLES) -> pd.DataFrame:
    """One row per role with a drawable end: ongoing roles (and degrees with an expected
    end after the as-of date) end at the as-of date; an undated role, and a degree whose
    end is unknown (:func:`cvdata.cells.end_state`), is left off.

    Columns: ``role_id, label, kind, kind_label, title, organisation, employer, start, end,
    ongoing, dates, location, advisors, rank, shown``, ordered by lane then start.
    ``organisation`` is the organisation and its unit ("Together.AI, Turbo Team");
    ``employer`` the organisation alone, as the timeline's row labels name it in full.
    ``rank`` 1 is the most recent role (latest end, then latest start); the ``top`` most
    recent are ``shown`` (all of them when ``top`` is None or only one more).
    """
    as_of = as_of or cv.as_of
    roles, states = _drawable(cv.roles, as_of)
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
    ongoing = states.isin(["expected", "ongoing"])
    end = roles["end"].mask(ongoing, pd.Timestamp(as_of))
    # A role lasts to the end of its last period: its month (the usual), year or day.
    end = end.where(ongoing, _period_ends(roles))
    dates = _date_labels(roles, as_of, states)
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
            "kind_label": roles["kind"].map(_kind_labels()).fillna(roles["kind"]),
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


def _drawable(roles: pd.DataFrame, as_of: dt.date) -> tuple[pd.DataFrame, pd.Series]:
    """The roles with a place on a time axis, and how each ends
    (:func:`cvdata.cells.end_state`): undated roles and unknown ends have none (nor in a
    count of years)."""
    states = end_states(roles, as_of)
    # A role with an end but no start ("until 2019") has no bar either.
    drawn = states.isin(["ended", "expected", "ongoing"]) & roles["start"].notna()
    return roles[drawn], states[drawn]


def _period_ends(roles: pd.DataFrame) -> pd.Series:
    """The last day of each role's end period (NaT where it has no end)."""
    ends = [
        _dates.last_day(e, p) if pd.notna(e) else pd.NaT
        for e, p in zip(roles["end"], _precisions(roles, "end"), strict=True)
    ]
    return pd.Series(ends, index=roles.index, dtype="datetime64[ns]")


def _date_labels(roles: pd.DataFrame, as_of: dt.date, states: pd.Series) -> pd.Series:
    """'Mar 2019 – Jun 2021', '2019 – present (as of ...)', '2023 – expected 2029 (drawn
    to ...)': each date at its precision, in the CV's language."""
    words = i18n.current()
    shown_as_of = _dates.show(as_of, "day")
    present = words("chart.present-as-of", date=shown_as_of)

    def end(e: object, ep: object, state: str) -> str:
        if state == "expected":
            return words("chart.expected-drawn-to", end=_dates.show(e, ep), date=shown_as_of)
        return present if state == "ongoing" else _dates.show(e, ep)

    labels = [
        f"{_dates.show(s, sp)} – {end(e, ep, state)}"
        for s, sp, e, ep, state in zip(
            roles["start"],
            _precisions(roles, "start"),
            roles["end"],
            _precisions(roles, "end"),
            states,
            strict=True,
        )
    ]
    return pd.Series(labels, index=roles.index, dtype=object)


def markers(cv: CV) -> pd.DataFrame:
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
