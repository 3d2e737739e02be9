"""JSON Resumes as people publish them: pre-1.0 keys, ``""`` and ``"present"`` dates,
expected ends, kinds of publications; read into the 1.0 shape before the schema check,
each change said in the :class:`~cvdata.formats._format.Report`.

What is read how (issue 21):

- **Old keys** (JSON Resume before 1.0: jsonresume/resume-website#98, resume-schema#270):
  ``basics.picture`` -> ``image``, ``website`` -> ``url`` (basics, work, volunteer,
  publications, projects), ``work.company`` -> ``name``, ``education.gpa`` -> ``score``,
  ``languages.name``/``level`` -> ``language``/``fluency``; a theme's keys likewise
  (:data:`THEME_KEYS`: ``work.jobLocation``, ``education.schoolLocation`` -> ``location``).
  When both are given, the 1.0 key wins and the old one is set aside in the report.
- **Dates**: ``""`` is no date (an undated entry, or an end not given); an end written
  ``present``, ``current``, ``now``, ``ongoing``, ``today`` (any case) is ongoing; an
  education end ``expected 2029`` (or ``2029 (expected)``) is an expected end. Any other
  date after the as-of date is a problem, named by its JSON path.
- **Kinds of publications**: a publisher or venue naming a known conference
  (:data:`CONFERENCES`) is a conference paper, arXiv (or CoRR) a preprint, a journal
  word a journal paper; anything else stays a journal paper and the report says so.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from ...cells import ONGOING_EDUCATION_YEARS
from .._format import Report
from .._venues import CONFERENCES, paper_kind

#: Pre-1.0 keys and their 1.0 names, per section (``basics`` is the person).
OLD_KEYS: dict[str, dict[str, str]] = {
    "basics": {"picture": "image", "website": "url"},
    "work": {"company": "name", "website": "url"},
    "volunteer": {"website": "url"},
    "education": {"gpa": "score"},
    "publications": {"website": "url"},
    "projects": {"website": "url"},
    "languages": {"name": "language", "level": "fluency"},
}

#: Keys some themes' resumes use for a field 1.0 has (jsonresume-theme-professional's
#: ``jobLocation`` and ``schoolLocation``): read as 1.0's, as the old keys are.
THEME_KEYS: dict[str, dict[str, str]] = {
    "work": {"jobLocation": "location"},
    "education": {"schoolLocation": "location"},
}

#: Words for "still going on" in an end date (compared case-folded, stripped).
ONGOING_WORDS = frozenset({"present", "current", "now", "ongoing", "today", "till date"})

#: The date keys of each section's entries.
DATE_KEYS: dict[str, tuple[str, ...]] = {
    "work": ("startDate", "endDate"),
    "volunteer": ("startDate", "endDate"),
    "education": ("startDate", "endDate"),
    "projects": ("startDate", "endDate"),
    "awards": ("date",),
    "certificates": ("date",),
    "publications": ("releaseDate",),
}

_EXPECTED = re.compile(
    r"^(?:expected|exp\.?|anticipated)\s*:?\s*(\d{4}(?:-\d{2}){0,2})$"
    r"|^(\d{4}(?:-\d{2}){0,2})\s*\((?:expected|anticipated)\)$",
    re.IGNORECASE,
)


def normalise(document: object, report: Report, as_of: dt.date) -> tuple[Any, dict, list[str]]:
    """The document in the 1.0 shape, the explicit ``ongoing`` ends by JSON path, and the
    problems found (JSON path and value).

    The input is not changed: old keys are renamed, date words read, in a copy. Each
    change is a warning of ``report``; an old key shadowed by its 1.0 name is set aside.
    """
    if not isinstance(document, Mapping):
        return document, {}, []
    doc = copy.deepcopy(dict(document))
    ongoing: dict[str, bool] = {}
    problems: list[str] = []
    for renames, what in ((OLD_KEYS, "a pre-1.0 key"), (THEME_KEYS, "a theme's key")):
        for section, keys in renames.items():
            for path, item in _entries(doc, section):
                _rename(item, keys, path, report.section(section), report, what)
    for section, keys in DATE_KEYS.items():
        for path, item in _entries(doc, section):
            for key in keys:
                if key in item and isinstance(item[key], str):
                    _read_date(item, key, f"{path}.{key}", section, ongoing, problems, as_of)
    _late_degrees(doc, ongoing, report, as_of)
    return doc, ongoing, problems


def _entries(doc: dict, section: str) -> list[tuple[str, dict]]:
    """``(json path, entry)`` of a section: the one ``basics`` object, or each list item."""
    node = doc.get(section)
    if section == "basics":
        return [("basics", node)] if isinstance(node, dict) else []
    if not isinstance(node, list):
        return []
    return [(f"{section}[{i}]", it) for i, it in enumerate(node) if isinstance(it, dict)]


def _rename(
    item: dict, keys: Mapping[str, str], path: str, part: Any, report: Report, what: str
) -> None:
    for old, new in keys.items():
        if old not in item:
            continue
        value = item.pop(old)
        if new in item and item[new] not in ("", None):
            if value != item[new]:
                part.set_aside.append(
                    (f"{path}.{old}", f"{value!r}: {what}, and {path}.{new} is given too")
                )
            continue
        item[new] = value
        report.warnings.append(f"{path}.{old}: {what}, read as {path}.{new}")


def _read_date(
    item: dict,
    key: str,
    path: str,
    section: str,
    ongoing: dict[str, bool],
    problems: list[str],
    as_of: dt.date,
) -> None:
    value = item[key].strip()
    if value == "":
        del item[key]  # no date: undated, or an end not given
        return
    if key == "endDate" and value.casefold() in ONGOING_WORDS:
        del item[key]
        ongoing[path] = True
        return
    expected = _EXPECTED.match(value)
    if expected and section == "education" and key == "endDate":
        value = expected.group(1) or expected.group(2)
    item[key] = value
    try:
        when = pd.Timestamp(value)
    except (ValueError, OverflowError):
        return  # the schema check names a date it cannot read
    if when <= pd.Timestamp(as_of):
        return
    if section == "education" and key == "endDate":
        return  # an expected end of a degree
    problems.append(
        f"{path}: {value!r} is after the as-of date {as_of.isoformat()}; only the end of "
        "an education entry may be an expected one"
    )


def _late_degrees(doc: dict, ongoing: dict[str, bool], report: Report, as_of: dt.date) -> None:
    """Warn where a degree's missing or 'present' end reads as unknown (begun more than
    :data:`ONGOING_EDUCATION_YEARS` ago), so the owner can give its end."""
    recent = pd.Timestamp(as_of) - pd.DateOffset(years=ONGOING_EDUCATION_YEARS)
    for path, item in _entries(doc, "education"):
        start = item.get("startDate")
        if "endDate" in item or not isinstance(start, str):
            continue
        try:
            begun = pd.Timestamp(start)
        except (ValueError, OverflowError):
            continue
        if begun < recent:
            said = "'present'" if ongoing.get(f"{path}.endDate") else "no end date"
            report.warnings.append(
                f"{path}.endDate: {said} for a degree begun in {start}: shown as "
                f"'{start} – end not given' and left off the timeline; give its end (or "
                "its expected end)"
            )


__all__ = ["CONFERENCES", "OLD_KEYS", "ONGOING_WORDS", "THEME_KEYS", "normalise", "paper_kind"]
