"""LinkedIn's cells: its dates, its flattened line breaks and bullets."""

from __future__ import annotations

import datetime as dt
import html
import re

from ... import dates

_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
_MONTH_YEAR = re.compile(r"^([A-Za-z]{3})[A-Za-z]*\.? (\d{4})$")
_MONTH_DAY_YEAR = re.compile(r"^([A-Za-z]{3})[A-Za-z]*\.? (\d{1,2}), (\d{4})$")
_MONTH_DAY = re.compile(r"^([A-Za-z]{3})[A-Za-z]*\.? (\d{1,2})$")
_US = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})(?:,? \d{1,2}:\d{2}(?::\d{2})?(?: ?[AP]M)?)?$")
_ISO = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
#: Characters no cell may hold (the validator's rule); tabs and line breaks are kept.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
#: Where LinkedIn's flattened text had a line break or a bullet.
_BREAKS = re.compile(r"\s*(?:\n|\t| {2,}|[•▪◦●‣⁃·])\s*")
_URL = re.compile(r"^(https?://|mailto:)\S+$")
_LIST_ITEM = re.compile(r"([A-Z_]+):(.+?)(?=,[A-Z_]+:|$)")
# ---------------------------------------------------------------- cells


#: An HTML character reference, closed by its semicolon: LinkedIn writes some cells
#: escaped (``Dean's List &amp; more``, ``&quot;``, ``&#39;``); ``AT&T`` is no reference.
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def _clean(value: str) -> str:
    """A cell as the person wrote it: HTML references read, control characters out."""
    return _CONTROL.sub("", _ENTITY.sub(lambda m: html.unescape(m.group(0)), value))


def line(value: str) -> str:
    """A one-line cell: runs of spaces (LinkedIn's flattened line breaks) as one space."""
    return " ".join(_clean(value).split())


def paragraph(value: str) -> str:
    """A text cell whose runs of spaces were line breaks: the breaks back."""
    parts = [p for p in re.split(r"\s*(?:\n| {2,}|\t)\s*", _clean(value).strip()) if p]
    return "\n".join(parts)


def split_description(value: str) -> tuple[str, list[str]]:
    """A position's description as its first line and the further lines or bullets
    (LinkedIn flattens a line break to a run of spaces; bullets stay as characters)."""
    text = _clean(value).strip()
    bulleted = bool(re.match(r"^[•▪◦●‣⁃·]", text))
    parts = [re.sub(r"^[-*–]\s+", "", p) for p in _BREAKS.split(text)]
    parts = [p for p in parts if p]
    if len(parts) <= 1:
        return (parts[0] if parts and not bulleted else ""), (parts if bulleted else [])
    if bulleted:
        return "", parts
    return parts[0], parts[1:]


def parse_date(value: str, as_of: dt.date) -> str:
    """A date as LinkedIn writes it, as ISO text at its precision ('' for none).

    ``Jun 2018`` -> ``2018-06``; ``2018``; ``Apr 3, 2023`` -> ``2023-04-03``;
    ``6/19/15, 10:16 AM`` -> ``2015-06-19`` (a two-digit year is the latest that is not
    after ``as_of``).

    Raises
    ------
    ValueError
        Saying why: no year (``Apr 22``, the birth date), not a date, not a day of the
        calendar.
    """
    v = " ".join(value.split())
    if not v:
        return ""
    out = ""
    if m := _MONTH_YEAR.match(v):
        month = _MONTHS.get(m.group(1).lower())
        out = f"{m.group(2)}-{month:02d}" if month else ""
    elif m := _MONTH_DAY_YEAR.match(v):
        month = _MONTHS.get(m.group(1).lower())
        out = f"{m.group(3)}-{month:02d}-{int(m.group(2)):02d}" if month else ""
    elif m := _US.match(v):
        year = int(m.group(3))
        if year < 100:
            year += 2000 if 2000 + year <= as_of.year else 1900
        out = f"{year:04d}-{int(m.group(1)):02d}-{int(m.group(2)):02d}"
    elif _ISO.match(v):
        out = v
    elif _MONTH_DAY.match(v) and _MONTHS.get(v[:3].lower()):
        raise ValueError(f"{value!r} gives no year")
    if not out:
        raise ValueError(
            f"{value!r} is not a date as LinkedIn writes them (Jun 2018, 2018, Apr 3, 2023)"
        )
    dates.parse(out)  # the calendar: no 30 February
    return out
