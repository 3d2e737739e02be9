"""The timeline's caption and alt text."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from .._common import _plural, _shown
from ._markers import _per_year


def describe(
    roles: pd.DataFrame, as_of: dt.date, markers: pd.DataFrame | None = None
) -> tuple[str, str]:
    """Caption and alt text for :func:`timeline`, stated from the data it draws."""
    if roles.empty:
        return "No roles yet.", "An empty timeline: the CV lists no roles."
    everyone = roles
    roles, hidden = _shown(roles)
    first, last = roles["start"].min(), roles["end"].max()
    lanes = roles.groupby("kind_label", sort=False).size()
    per_lane = ", ".join(f"{n} {k.lower()}" for k, n in lanes.items())
    ongoing = [f"{r.title} at {r.organisation}" for r in everyone[everyone["ongoing"]].itertuples()]
    listed = "; ".join(ongoing[:5]) + (f"; and {len(ongoing) - 5} more" if len(ongoing) > 5 else "")
    now = f"; ongoing as of {as_of:%B %Y}: {listed}" if ongoing else ""
    # Only drawn bars are hatched: say so only when one of them is ongoing.
    hatched = (
        f"; hatched bars are ongoing and run to {as_of:%d %B %Y}" if roles["ongoing"].any() else ""
    )
    if hidden.empty:
        caption = (
            f"Career timeline: {_plural(len(roles), 'role')} from {first:%Y} to {last:%Y}, one "
            f"bar each, in lanes by kind{hatched}."
        )
        alt = (
            f"Horizontal bar timeline of {_plural(len(roles), 'role')} between {first:%B %Y} "
            f"and {last:%B %Y} ({per_lane}){now}."
        )
    else:
        left = hidden.groupby("kind_label", sort=False).size()
        caption = (
            f"Career timeline: the {len(roles):,} most recent of {_plural(len(everyone), 'role')}"
            f", from {first:%Y} to {last:%Y}, one bar each, in lanes by kind{hatched}; "
            f"{len(hidden):,} earlier roles are counted below the chart, not drawn."
        )
        alt = (
            f"Horizontal bar timeline of the {len(roles):,} most recent of "
            f"{_plural(len(everyone), 'role')}, between {first:%B %Y} and {last:%B %Y} "
            f"({per_lane}); {len(hidden):,} earlier roles not drawn ("
            + ", ".join(f"{n:,} {k.lower()}" for k, n in left.items())
            + f"){now}."
        )
    if markers is not None:
        extra, alt_extra, bars = [], [], False
        for kind, word in (("paper", "paper"), ("award", "award")):
            part = markers[markers["marker"] == kind]
            if part.empty:
                continue
            placed = part[part["date"].notna()]
            undated = len(part) - len(placed)
            if _per_year(placed):
                bars = True
                text = f"{_plural(len(placed), word)} counted in bars per year" + (
                    " and status" if kind == "paper" else ""
                )
            else:
                text = f"{_plural(len(placed), word)} as dots by year"
            if undated:
                text += f" ({_plural(undated, word)} without a year not placed)"
            extra.append(text)
            if not placed.empty:
                years = placed["year"]
                busiest = years.value_counts().sort_index(ascending=False)
                alt_extra.append(
                    f"{_plural(len(placed), word)} dated {int(years.min())}–{int(years.max())}, "
                    f"most in {int(busiest.idxmax())}"
                    + (f" ({int(busiest.max()):,})" if bars else "")
                )
        if extra:
            caption += f" Below: {'; '.join(extra)}, " + (
                "dated by year only; hover a bar for its count."
                if bars
                else "placed at mid-year (years only)."
            )
        if alt_extra:
            alt += f" {'Per year' if bars else 'Dots'} below the bars: {'; '.join(alt_extra)}."
    return caption, alt
