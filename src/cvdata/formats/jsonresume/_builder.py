"""What the import builds rows with: ids, cells, and the checks of a value's form
(links, images, dates), each problem with its JSON path."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from ... import dates
from ...cells import safe_image
from ...schema import default_package
from .._format import Report

#: Profile networks that have a contact kind of their own (the rest are ``other``).
PROFILE_KINDS = {
    "linkedin": "linkedin",
    "github": "github",
    "twitter": "twitter",
    "x": "twitter",
    "google scholar": "scholar",
    "scholar": "scholar",
    "dblp": "dblp",
    "orcid": "orcid",
}
_URL = re.compile(r"^(https?://|mailto:)\S+$")
_SCORE = re.compile(r"^([0-9]+(?:\.[0-9]+)?)(?:/([0-9]+(?:\.[0-9]+)?))?$")


def slug(value: str) -> str:
    """A stable id from text: ASCII-folded, lowercase, words joined by single hyphens
    (``"Pied Piper"`` -> ``pied-piper``); '' when nothing of it is ASCII."""
    folded = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[a-z0-9]+", folded.lower()))


class _Ids:
    """Unique slugs within one table: repeats get ``-2``, ``-3``, ..."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def make(self, *parts: str, fallback: str) -> str:
        stem = slug("-".join(p for p in parts if p))[:60].strip("-") or fallback
        key, n = stem, 1
        while key in self.used:
            n += 1
            key = f"{stem}-{n}"
        self.used.add(key)
        return key


class _Builder:
    """Rows of every table, and the problems found on the way (with their JSON paths)."""

    def __init__(self, report: Report | None = None) -> None:
        self.report = report if report is not None else Report()
        #: The section being read (setting it starts a new entry), the rows stored from each.
        self.origin = ""
        self._section = ""
        self.stored: dict[str, int] = {}
        package = default_package()
        self.fields = {t.name: t.field_names for t in package.tables}
        self.rows: dict[str, list[dict[str, str]]] = {name: [] for name in package.names}
        self.ids: dict[str, _Ids] = {name: _Ids() for name in package.names}
        self.problems: list[str] = []
        #: The JSON path of the entry being read, and each row's (parallel to ``rows``):
        #: a problem found only when the whole folder is validated names its entry.
        self.origins: dict[str, list[str]] = {name: [] for name in package.names}

    @property
    def section(self) -> str:
        return self._section

    @section.setter
    def section(self, name: str) -> None:
        self._section, self.origin = name, ""

    def entries(
        self, document: Mapping[str, Any], key: str, prefix: str = ""
    ) -> Iterable[tuple[int, Mapping[str, Any]]]:
        """The objects of ``document[key]``, each made the current entry (``work[3]``)."""
        for i, item in _objects(document, key):
            self.origin = f"{prefix}{key}[{i}]"
            yield i, item

    def add(self, table: str, **cells: str) -> dict[str, str]:
        # Every declared column, '' where there is nothing: what a CSV writer needs.
        row = {name: cells.get(name, "") for name in self.fields[table]}
        self.rows[table].append(row)
        self.origins[table].append(self.origin or self.section)
        self.stored[self.section] = self.stored.get(self.section, 0) + 1
        return row

    def need(self, value: str, path: str, what: str) -> str:
        if not value:
            self.problems.append(f"{path}: missing; cvdata needs {what}")
        return value

    def given(self, value: str, path: str, fallback: str) -> str:
        """``value``, or ``fallback`` when empty (the schema requires none of these: a
        resume without one still imports), said in the report."""
        if value:
            return value
        self.report.warnings.append(f"{path}: not given; shown as {fallback!r}")
        return fallback

    def url(self, value: str, path: str) -> str:
        if value and not _URL.match(value):
            self.problems.append(
                f"{path}: {value!r} is not an http://, https:// or mailto: address; "
                "cvdata publishes no other links"
            )
            return ""
        return value

    def image(self, value: str, path: str) -> str:
        if value and not safe_image(value):
            self.problems.append(
                f"{path}: {value!r} is not an http:// or https:// address nor a file name "
                "in the data folder; cvdata keeps no other image"
            )
            return ""
        return value

    def date(self, value: str, path: str) -> str:
        if value:
            try:
                dates.parse(value)
            except ValueError as e:
                self.problems.append(f"{path}: {e}")
                return ""
        return value

    def children(self, table: str, key: str, parent: str, column: str, items: list) -> None:
        for pos, item in enumerate(items, 1):
            if _s(item):
                self.add(table, **{key: parent, "position": str(pos), column: _s(item)})


def _s(value: object) -> str:
    """A document value as a cell: text stripped of surrounding space; '' for none."""
    if value is None:
        return ""
    return (value if isinstance(value, str) else str(value)).strip()


def _list(node: Mapping[str, Any], key: str) -> list:
    value = node.get(key)
    return value if isinstance(value, list) else []


def _objects(document: Mapping[str, Any], key: str) -> Iterable[tuple[int, Mapping[str, Any]]]:
    for i, item in enumerate(_list(document, key)):
        if isinstance(item, Mapping):
            yield i, item


def _score_cells(score: str) -> dict[str, str]:
    """A score as GPA columns when :func:`_score` gives it back exactly (``3.8/4.0``),
    else as written in ``score`` (``4``, ``First-class honours``)."""
    m = _SCORE.match(score)
    if m:
        gpa, scale = m.group(1), m.group(2) or ""
        if not scale or float(gpa) <= float(scale):
            cells = {"gpa": gpa, "gpa_scale": scale}
            if _score(gpa, scale, "") == score:
                return cells
    return {"score": score}


def _score(gpa: str, scale: str, note: str) -> str:
    """The score as printed from the GPA columns: ``4.0/4.0, High Distinct (HD)``."""
    if not gpa:
        return ""
    score = str(float(gpa))
    if scale:
        score += f"/{float(scale)}"
    if note:
        score += f", {note}"
    return score
