"""One export being turned into rows, and its Profile.csv."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from ... import dates
from ...problems import Problem
from .._format import Report
from .._rows import Rows, site_kind
from ._cells import _CONTROL, line, paragraph, parse_date
from ._export import _Export, _key, _parse, _Row, _Table

if TYPE_CHECKING:
    from ...load import CV


_URL = re.compile(r"^(https?://|mailto:)\S+$")
_LIST_ITEM = re.compile(r"([A-Z_]+):(.+?)(?=,[A-Z_]+:|$)")

#: Files LinkedIn puts in an export that hold nothing for a CV.
NOT_CV = "not part of a CV (LinkedIn's activity and account data): not imported"
# ---------------------------------------------------------------- the import


class _Import:
    """One export being turned into rows: the rows, the report, the problems."""

    def __init__(self, export: _Export, existing: CV | None, as_of: dt.date):
        self.export = export
        self.rows = Rows(existing)
        self.report = Report()
        self.problems: list[Problem] = []
        self.as_of = as_of

    def table(self, *names: str) -> _Table | None:
        """The first of ``names`` (a file's spellings across vintages) the export has."""
        wanted = {_key(n) for n in names}
        for fname, data in self.export.files.items():
            if "/" not in fname and _key(fname.removesuffix(".csv")) in wanted:
                table = _parse(fname, f"{self.export.shown}/{fname}", data)
                for r in table.rows:
                    for h, cell in r.cells.items():
                        if _CONTROL.search(cell):
                            self.report.warnings.append(
                                f"{fname}:{r.line}: {table.written.get(h, h)}: control "
                                "characters removed (no cell may hold them)"
                            )
                return table
        return None

    def date(self, t: _Table, row: _Row, *columns: str, expected: bool = False) -> str:
        """A date cell as ISO text; '' (and a line in the report) when it cannot be one.
        ``expected``: a degree's end, which may lie ahead (printed "expected 2029")."""
        from ...validate import FUTURE_YEARS

        value = row.get(*columns)
        try:
            iso = parse_date(value, self.as_of)
        except ValueError as e:
            self.aside(t, row, columns[0], f"{e}: left out, the entry kept undated")
            return ""
        if expected and iso and int(iso[:4]) <= self.as_of.year + FUTURE_YEARS:
            return iso
        if iso and dates.parse(iso)[0] > self.as_of:
            if columns[0] in ("Finished On", "End Date"):
                return ""  # ends after today: ongoing today
            self.aside(t, row, columns[0], f"{value!r} is after the as-of date: left out")
            return ""
        return iso

    def aside(self, t: _Table, row: _Row | None, column: str, why: str) -> None:
        where = t.name if row is None else f"{t.name}:{row.line}"
        self.report.section(t.name).set_aside.append(
            (f"{where}: {column}" if column else where, why)
        )

    def unused(self, t: _Table, used: Sequence[str]) -> None:
        """Name each column of ``t`` that holds something and was not read."""
        known = {_key(u) for u in used}
        for h in t.header:
            if h and h not in known and any(r.cells.get(h, "").strip() for r in t.rows):
                shown = t.written.get(h, h)
                self.aside(t, None, f"column {shown!r}", "no place in the CV: not imported")
        if any("(extra cells)" in r.cells for r in t.rows):
            for r in t.rows:
                if "(extra cells)" in r.cells:
                    self.aside(
                        t, r, "cells past the header", f"{r.cells['(extra cells)']!r}: not imported"
                    )

    def each(self, t: _Table, required: Sequence[str], add: Callable[[_Row], str | None]) -> None:
        """Run ``add`` on each row of ``t``: counts what came in, was stored or merged."""
        section = self.report.section(t.name)
        for r in t.rows:
            self.rows.origin = f"{t.name}:{r.line}"  # a problem of its rows names this row
            section.came_in += 1
            missing = [c for c in required if not line(r.get(c))]
            if missing:
                self.aside(t, r, "", f"no {' or '.join(missing)}: not imported")
                continue
            result = add(r)
            if result is None:
                section.merged += 1
            else:
                section.stored += 1
        self.rows.origin = ""


def _profile(im: _Import) -> None:
    t = im.table("Profile")
    r0 = t.rows[0] if t and t.rows else None
    if t is None or r0 is None:
        if not im.rows.has_person:
            im.problems.append(
                Problem(
                    im.export.shown,
                    None,
                    None,
                    "has no Profile.csv, so no name for person.csv: make the folder first "
                    "(cvdata init DATA_DIR --name 'Your Name'), then import into it",
                )
            )
        return
    section = im.report.section(t.name)
    section.came_in = len(t.rows)
    name = line(f"{r0.get('First Name')} {r0.get('Last Name')}")
    if im.rows.has_person:
        section.merged += 1
        im.aside(
            t, r0, "name, headline, summary", "person.csv already has the person: kept as it is"
        )
    elif not name:
        im.problems.append(
            Problem(
                f"{t.where}:{r0.line}",
                None,
                "First Name",
                "empty; cvdata needs the person's name",
            )
        )
    else:
        notes = "; ".join(
            f"{label}: {line(r0.get(col))}"
            for label, col in (("Maiden name", "Maiden Name"), ("Industry", "Industry"))
            if line(r0.get(col))
        )
        im.rows.origin = f"{t.name}:{r0.line}"
        im.rows.child(
            "person",
            id=im.rows.new_id("person", name, fallback="owner"),
            name=name,
            headline=line(r0.get("Headline")),
            summary=paragraph(r0.get("Summary")) or _summary_file(im),
            city=line(r0.get("Geo Location")),
            notes=notes,
        )
        section.stored += 1
    if line(r0.get("Birth Date")):
        im.aside(t, r0, "Birth Date", "a birth date is not part of the CV: not stored")
    _profile_contacts(im, t, r0)
    im.unused(
        t,
        [
            "First Name",
            "Last Name",
            "Maiden Name",
            "Headline",
            "Summary",
            "Geo Location",
            "Industry",
            "Birth Date",
            "Address",
            "Zip Code",
            "Websites",
            "Twitter Handles",
            "Instant Messengers",
        ],
    )


def _summary_file(im: _Import) -> str:
    """The summary from ``Profile Summary.csv`` (later exports keep it there, one column,
    and leave Profile.csv's ``Summary`` empty), counted in the report as stored."""
    t = im.table("Profile Summary")
    if t is None or not t.rows:
        return ""
    summary = paragraph(t.rows[0].get("Profile Summary"))
    section = im.report.section(t.name)
    section.came_in, section.stored = len(t.rows), int(bool(summary))
    return summary


def profile_summary(im: _Import) -> None:
    """``Profile Summary.csv``: read with Profile.csv (:func:`_summary_file`) when it has
    no summary of its own; otherwise named in the report, not taken."""
    t = im.table("Profile Summary")
    if t is None or im.report.sections.get(t.name):
        return
    section = im.report.section(t.name)
    section.came_in = len(t.rows)
    if any(line(r.get("Profile Summary")) for r in t.rows):
        why = (
            "person.csv already has the person: kept as it is"
            if im.rows.has_person
            else "Profile.csv gives its own summary: that one is kept"
        )
        im.aside(t, None, "", why)


def _bracket_list(value: str) -> list[tuple[str, str]]:
    """``[PERSONAL:https://a.org,COMPANY:https://b.com]`` -> ``[("PERSONAL", ...), ...]``;
    items without a label (Twitter's ``[handle]``) get ''."""
    inner = value.strip().removeprefix("[").removesuffix("]").strip()
    if not inner:
        return []
    found = _LIST_ITEM.findall(inner)
    if found and inner.startswith(found[0][0]):
        return [(k, v.strip().strip('"')) for k, v in found]
    return [("", v.strip().strip('"').lstrip("@")) for v in inner.split(",") if v.strip()]


def _profile_contacts(im: _Import, t: _Table, r0: _Row) -> None:
    section = im.report.section(t.name)  # each contact of the profile is an entry of its own
    im.rows.origin = f"{t.name}:{r0.line}"
    for label, site in _bracket_list(r0.get("Websites")):
        url = site if _URL.match(site) else f"https://{site}" if "." in site else ""
        if not _URL.match(url):
            im.aside(t, r0, "Websites", f"{site!r} is not a web address: not imported")
            continue
        kind = site_kind(url)
        shown = {
            "PERSONAL": "Website",
            "COMPANY": "Company website",
            "BLOG": "Blog",
            "PORTFOLIO": "Portfolio",
            "RSS": "RSS feed",
        }.get(label, "Website")
        # the label links it, as JSON Resume's do
        label = shown if kind == "website" else kind.capitalize()
        im.rows.contact(section, kind, label, "", url, "public")
    for _, handle in _bracket_list(r0.get("Twitter Handles")):
        im.rows.contact(
            section, "twitter", "Twitter", handle, f"https://twitter.com/{handle}", "public"
        )
    for label, handle in _bracket_list(r0.get("Instant Messengers")):
        im.rows.contact(section, "other", label.capitalize() or "Messenger", handle, "", "private")
    address = ", ".join(x for x in (line(r0.get("Address")), line(r0.get("Zip Code"))) if x)
    if address:
        im.rows.contact(section, "address", address, address, "", "private")
    im.rows.origin = ""
