"""What a loaded cell means, written once for everything that shows or exports the CV.

A loaded table holds ``pd.NA`` (text), ``NaN`` (numbers), ``NaT`` (dates) or ``None``
where a CSV cell is empty. :func:`text` is the one rule that turns a cell into the text a
page, the PDF or an export shows: every kind of missing value is ''. The status vocabulary
of papers, the CV's order of roles and the addresses that may become links live here too,
so that the document, the charts and the exports cannot disagree about them.
"""

from __future__ import annotations

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


def sorted_roles(roles: pd.DataFrame) -> pd.DataFrame:
    """Roles in the CV's order: ongoing first, then by end and start, most recent first
    (a stable sort: ties keep their file order)."""
    end = roles["end"].astype("datetime64[ns]").fillna(pd.Timestamp.max)
    key = roles.assign(_end=end, _start=roles["start"])
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
