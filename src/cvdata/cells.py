"""What a loaded cell means, written once for everything that shows or exports the CV.

A loaded table holds ``pd.NA`` (text), ``NaN`` (numbers), ``NaT`` (dates) or ``None``
where a CSV cell is empty. :func:`text` is the one rule that turns a cell into the text a
page, the PDF or an export shows: every kind of missing value is ''. The status vocabulary
of papers, the CV's order of roles and the addresses that may become links live here too,
so that the document, the charts and the exports cannot disagree about them.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

#: Paper statuses in the order charts stack and list them (most settled first).
STATUS_ORDER = ("published", "accepted", "submitted", "under-review", "preprint", "forthcoming")
#: How each status reads.
STATUS_LABELS = {
    "published": "Published",
    "accepted": "Accepted",
    "submitted": "Submitted",
    "under-review": "Under review",
    "preprint": "Preprint",
    "forthcoming": "Forthcoming",
}
#: The statuses a CV prints after a paper's venue ("[Under review]"): not "published",
#: which every paper without a note is, nor "preprint", which the paper's type already says.
PENDING_STATUSES = frozenset({"accepted", "submitted", "under-review", "forthcoming"})

#: The schemes of the addresses that may become links (validation already enforces them).
SAFE_SCHEMES = ("http://", "https://", "mailto:")


def missing(value: object) -> bool:
    """Whether a cell is empty: ``None``, ``pd.NA``, ``NaT`` or ``NaN`` (any float's).

    Identity and a float check rather than :func:`pandas.isna`: a long CV asks this of
    hundreds of thousands of cells.
    """
    return (
        value is None
        or value is pd.NA
        or value is pd.NaT
        # NaN is the one float unequal to itself.
        or (isinstance(value, (float, np.floating)) and value != value)
    )


def text(value: object) -> str:
    """A cell as text: '' for a missing value (see :func:`missing`), else ``str(value)``."""
    return "" if missing(value) else str(value)


def flag(value: object) -> bool:
    """A boolean cell; missing counts as false."""
    return bool(text(value)) and bool(value)


#: A degree with no end given is read as ongoing for this many years after its start;
#: after that its end is unknown (a degree begun in 1989 is not 37 years long). A longer
#: one gives its expected end, which may lie after the as-of date.
ONGOING_EDUCATION_YEARS = 8

#: How an entry's dates read (:func:`end_state`).
END_STATES = ("ended", "expected", "ongoing", "unknown", "undated")


def end_state(start: object, end: object, kind: object, as_of: dt.date) -> str:
    """How a role's (or a volunteering row's) dates read on ``as_of``.

    ``ended``: an end on or before ``as_of``. ``expected``: an end after it (a degree's
    expected end: shown so, drawn to ``as_of``). ``ongoing``: no end but a start, for
    every kind but ``education``, and for a degree begun within
    :data:`ONGOING_EDUCATION_YEARS` of ``as_of``. ``unknown``: no end, a degree begun
    longer ago (its end was just not given: printed so, not drawn, not counted).
    ``undated``: no start and no end (printed without dates, not drawn, not counted),
    or an end alone (printed as given; with no start it cannot be drawn or counted).
    """
    if missing(start) and not missing(end):
        return "undated"  # an ORCID degree with only its end year
    if not missing(end):
        return "expected" if pd.Timestamp(end) > pd.Timestamp(as_of) else "ended"  # type: ignore[arg-type]
    if missing(start):
        return "undated"
    if kind == "education":
        recent = pd.Timestamp(as_of) - pd.DateOffset(years=ONGOING_EDUCATION_YEARS)
        return "ongoing" if pd.Timestamp(start) >= recent else "unknown"  # type: ignore[arg-type]
    return "ongoing"


def end_states(roles: pd.DataFrame, as_of: dt.date) -> pd.Series:
    """:func:`end_state` of every row (``kind`` '' where the table has none)."""
    kinds = roles["kind"] if "kind" in roles else pd.Series("", index=roles.index)
    states = [
        end_state(s, e, k, as_of)
        for s, e, k in zip(roles["start"], roles["end"], kinds, strict=True)
    ]
    return pd.Series(states, index=roles.index, dtype=object)


def sorted_roles(roles: pd.DataFrame, as_of: dt.date | None = None) -> pd.DataFrame:
    """Roles in the CV's order: ongoing first, then by end and start, most recent first
    (a stable sort: ties keep their file order); a role whose end is unknown
    (:func:`end_state`) as if it ended when it began; undated roles last, in file order.
    ``as_of`` defaults to today."""
    as_of = as_of or dt.date.today()
    states = end_states(roles, as_of)
    start = roles["start"].astype("datetime64[ns]")
    end = roles["end"].astype("datetime64[ns]")
    end = end.mask(states.isin(["ongoing", "expected"]), pd.Timestamp.max)
    end = end.mask(states == "unknown", start).fillna(pd.Timestamp.min)
    key = roles.assign(_end=end, _start=start)
    return key.sort_values(["_end", "_start"], ascending=False, kind="stable").drop(
        columns=["_end", "_start"]
    )


def safe_href(url: str | None) -> str | None:
    """The address when it may become a link (http, https or mailto), else ``None``."""
    return url if url and url.startswith(SAFE_SCHEMES) else None


#: A scheme (``javascript:``, ``data:``, ``file:``, ``C:``): what makes a value more than a
#: file name.
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def safe_image(value: object) -> str:
    """A photo's address if an export may write it, else '': an http or https address, or
    a file name relative to the data folder (``person.csv``'s ``image`` is "address or
    path of a photo"). No other scheme, no absolute path, no ``..``: a ``javascript:``,
    ``data:`` or ``file:`` value is never written back."""
    image = text(value).strip()
    if not image:
        return ""
    if _SCHEME.match(image):
        return image if image.startswith(("http://", "https://")) else ""
    parts = image.replace("\\", "/").split("/")
    if image.startswith(("/", "\\")) or ".." in parts or any(ord(c) < 32 for c in image):
        return ""
    return image
