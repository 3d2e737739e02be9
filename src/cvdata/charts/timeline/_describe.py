"""The timeline's caption and alt text, in the CV's language (``timeline.*`` words)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ... import i18n
from .._common import _kind_word, _plural, _shown
from ._markers import _per_year


def describe(
    roles: pd.DataFrame, as_of: dt.date, markers: pd.DataFrame | None = None
) -> tuple[str, str]:
    """Caption and alt text for :func:`timeline`, stated from the data it draws."""
    w = i18n.current()
    if roles.empty:
        return w("empty.roles"), w("empty-alt.timeline")
    everyone = roles
    roles, hidden = _shown(roles)
    first, last = roles["start"].min(), roles["end"].max()
    lanes = roles.groupby("kind_label", sort=False).size()
    per_lane = ", ".join(
        w("timeline.per-lane", n=w.number(n), kind=_kind_word(k)) for k, n in lanes.items()
    )
    ongoing = [
        w("timeline.at", title=r.title, organisation=r.organisation)
        for r in everyone[everyone["ongoing"]].itertuples()
    ]
    listed = w("punct.semicolon").join(ongoing[:5]) + (
        w("list.and-more", n=w.number(len(ongoing) - 5)) if len(ongoing) > 5 else ""
    )
    now = w("timeline.ongoing-as-of", date=w.month_year(as_of), listed=listed) if ongoing else ""
    # Only drawn bars are hatched: say so only when one of them is ongoing.
    hatched = w("timeline.hatched", date=w.full_date(as_of)) if roles["ongoing"].any() else ""
    years = {"first": w.date(first, "year"), "last": w.date(last, "year")}
    months = {"first": w.month_year(first), "last": w.month_year(last)}
    if hidden.empty:
        caption = w("timeline.caption", roles=_plural(len(roles), "role"), hatched=hatched, **years)
        alt = w(
            "timeline.alt", roles=_plural(len(roles), "role"), lanes=per_lane, now=now, **months
        )
    else:
        left = hidden.groupby("kind_label", sort=False).size()
        counts = {
            "shown": w.number(len(roles)),
            "roles": _plural(len(everyone), "role"),
            "hidden": w.number(len(hidden)),
        }
        caption = w("timeline.caption-cut", hatched=hatched, **counts, **years)
        alt = w(
            "timeline.alt-cut",
            lanes=per_lane,
            left=", ".join(
                w("timeline.per-lane", n=w.number(n), kind=_kind_word(k)) for k, n in left.items()
            ),
            now=now,
            **counts,
            **months,
        )
    if markers is not None:
        caption, alt = _below(w, markers, caption, alt)
    return caption, alt


def _below(w: i18n.Words, markers: pd.DataFrame, caption: str, alt: str) -> tuple[str, str]:
    """The caption and alt text with what the rows under the bars show (papers, awards)."""
    extra, alt_extra, bars = [], [], False
    for kind in ("paper", "award"):
        part = markers[markers["marker"] == kind]
        if part.empty:
            continue
        placed = part[part["date"].notna()]
        undated = len(part) - len(placed)
        count = _plural(len(placed), kind)
        if _per_year(placed):
            bars = True
            key = "timeline.marks-bars-status" if kind == "paper" else "timeline.marks-bars"
            text = w(key, count=count)
        else:
            text = w("timeline.marks-dots", count=count)
        if undated:
            text += w("timeline.marks-undated", count=_plural(undated, kind))
        extra.append(text)
        if not placed.empty:
            years = placed["year"]
            busiest = years.value_counts().sort_index(ascending=False)
            alt_extra.append(
                w(
                    "timeline.marks-alt",
                    count=count,
                    first=int(years.min()),
                    last=int(years.max()),
                    busiest=int(busiest.idxmax()),
                )
                + (w("timeline.marks-alt-most", n=w.number(int(busiest.max()))) if bars else "")
            )
    if extra:
        key = "timeline.below-bars" if bars else "timeline.below-dots"
        caption += w(key, what=w("punct.semicolon").join(extra))
    if alt_extra:
        key = "timeline.below-alt-bars" if bars else "timeline.below-alt-dots"
        alt += w(key, what=w("punct.semicolon").join(alt_extra))
    return caption, alt
