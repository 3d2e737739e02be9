"""LinkedIn's data export ("Get a copy of your data") as rows of the CV's tables.

``cvdata import linkedin EXPORT`` reads the ZIP as downloaded (Settings & Privacy -> Data
privacy -> Get a copy of your data), or the folder it unzips to. The archive is read in
memory, never extracted: members only at its root or one folder deep, no absolute or
``..`` names, at most :data:`MAX_MEMBERS` members, each at most 50 MB and all together at
most :data:`MAX_TOTAL_BYTES` once uncompressed (a ZIP bomb is refused). A folder is read
through :func:`cvdata._files.read_bytes`: a link that points outside it is refused.

Columns are found by name, never by position, across the export's vintages (2018's
``Phone Numbers.csv`` and later ``PhoneNumbers.csv``; Projects' ``Start Date`` and
``Started On``; Honors with or without ``Issuer``). Where each file goes:

==========================  ===============================================================
``Profile.csv``             ``person`` (first and last name, headline, summary, geo
                            location as the city; industry and maiden name in ``notes``)
                            when the folder has no person yet; websites, Twitter handles
                            and instant messengers as ``contacts``; the address and zip
                            code as a *private* ``address`` contact. The birth date
                            (``Apr 22``, no year) is not stored.
``Positions.csv``           ``roles`` (industry; ``internship`` for an intern) with the
                            description's first line as ``description`` and each further
                            line or bullet a ``role_highlights`` row
``Education.csv``           ``roles`` (education), ``education`` (degree, field, grade),
                            notes as the description, activities as a highlight
``Skills.csv``              ``skills`` of the category "Skills"
``Languages.csv``           ``languages``
``Certifications.csv``      ``certifications`` (authority -> issuer; licence number and
                            expiry in the description); duplicates stored once
``Courses.csv``             ``certifications`` (the course number in the description)
``Projects.csv``            ``projects`` and a ``project_links`` row for the URL
``Publications.csv``        ``papers`` (publisher -> venue); LinkedIn gives no kind: it is
                            guessed from the publisher and flagged in the report
``Honors.csv``              ``awards``
``Organizations.csv``       ``service`` (membership)
``Volunteering.csv``        ``volunteering``, the cause as an item
``Email Addresses.csv``     ``contacts``: the primary address public, the others private
``PhoneNumbers.csv``        ``contacts``, *private*; one number in two forms stored once
``Recommendations_          ``references``, *private*
Received.csv``
==========================  ===============================================================

Every other file and column is named in the report as not imported. Dates are read as
LinkedIn writes them (``Jun 2018``, ``2018``, ``Apr 3, 2023``, ``6/19/15, 10:16 AM``) at
their precision; an empty end means current; a row without dates stays undated.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import io
import os
import re
import stat
import zipfile
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from .. import dates
from .._files import MAX_INPUT_BYTES, MAX_TABLE_BYTES, FileRefused, read_bytes, read_input
from .._files import shown_input as _shown
from ..problems import Problem
from ._format import Incoming, Report
from ._rows import Rows, fold

if TYPE_CHECKING:
    from ..load import CV

#: Most members an export may hold (LinkedIn's have about 60).
MAX_MEMBERS = 10_000
#: Largest member, uncompressed: as large as a table may be.
MAX_MEMBER_BYTES = MAX_TABLE_BYTES
#: Largest export in all, uncompressed: a ZIP bomb stops here.
MAX_TOTAL_BYTES = 200 * 1024 * 1024

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

#: Files LinkedIn puts in an export that hold nothing for a CV.
NOT_CV = "not part of a CV (LinkedIn's activity and account data): not imported"


# ---------------------------------------------------------------- reading the export


class ExportError(Exception):
    """An export cvdata will not read (not a ZIP, unsafe names, too large)."""


@dataclass
class _Export:
    """The export's files, by name relative to its root (``Positions.csv``)."""

    shown: str
    files: dict[str, bytes] = field(default_factory=dict)
    #: Names of members or files not read, and why.
    skipped: list[tuple[str, str]] = field(default_factory=list)


def _root(names: Sequence[str]) -> str:
    """The folder the CSV files are in: the archive's root, else its one folder."""
    if any("/" not in n and n.lower().endswith(".csv") for n in names):
        return ""
    folders = {n.split("/", 1)[0] for n in names if n.lower().endswith(".csv") and "/" in n}
    return folders.pop() + "/" if len(folders) == 1 else ""


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> bytes:
    """A member's bytes, stopping at the member cap or what is left of the total cap
    (the sizes in the archive's directory may lie)."""
    cap = min(MAX_MEMBER_BYTES, budget)
    out = bytearray()
    with zf.open(info) as f:
        while chunk := f.read(1 << 16):
            out += chunk
            if len(out) > cap:
                if cap == budget:
                    raise ExportError(
                        f"uncompresses to more than {MAX_TOTAL_BYTES:,} bytes in all; a "
                        "LinkedIn export is far smaller (a ZIP bomb?)"
                    )
                raise ExportError(
                    f"member {info.filename!r} uncompresses to more than "
                    f"{MAX_MEMBER_BYTES:,} bytes, the most a file may be"
                )
    return bytes(out)


def _check_name(name: str) -> None:
    parts = PurePosixPath(name).parts
    if name.startswith(("/", "\\")) or "\\" in name or re.match(r"^[A-Za-z]:", name):
        raise ExportError(
            f"member {name!r} has an absolute or Windows path; a LinkedIn export has none"
        )
    if ".." in parts:
        raise ExportError(f"member {name!r} climbs out of the archive ('..')")


def _from_zip(shown: str, data: bytes) -> _Export:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise ExportError(
            "is not a ZIP archive; give the export as downloaded (a .zip) or its folder"
        ) from None
    export = _Export(shown)
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        if len(infos) > MAX_MEMBERS:
            raise ExportError(f"holds {len(infos):,} files; a LinkedIn export has about 60")
        if sum(i.file_size for i in infos) > MAX_TOTAL_BYTES:
            raise ExportError(
                f"says it uncompresses to more than {MAX_TOTAL_BYTES:,} bytes; a LinkedIn "
                "export is far smaller (a ZIP bomb?)"
            )
        names = [i.filename for i in infos]
        if len(set(names)) != len(names):
            raise ExportError("names one file twice; a LinkedIn export never does")
        for name in names:
            _check_name(name)
        root = _root(names)
        budget = MAX_TOTAL_BYTES
        for info in infos:
            name = info.filename
            if not name.startswith(root) or name.count("/") - root.count("/") > 1:
                why = "outside the export's folder" if not name.startswith(root) else ""
                export.skipped.append((name, why or "more than one folder deep: not read"))
                continue
            if info.flag_bits & 0x1:
                raise ExportError(f"member {name!r} is encrypted; export it again")
            try:
                export.files[name[len(root) :]] = content = _read_member(zf, info, budget)
            except (zipfile.BadZipFile, zlib.error, NotImplementedError, EOFError) as e:
                raise ExportError(f"member {name!r} cannot be read: {e}") from None
            budget -= len(content)
    return export


def _from_folder(shown: str, folder: Path) -> _Export:
    export = _Export(shown)
    real = Path(os.path.realpath(folder))
    top = sorted(os.listdir(folder))
    names = top + [
        f"{d}/{n}"
        for d in top
        if _real_dir(folder / d, real)
        for n in sorted(os.listdir(folder / d))
    ]
    root = _root(names)
    budget = MAX_TOTAL_BYTES
    for name in names:
        path = folder / name
        if os.path.isdir(path) and not os.path.islink(path):
            continue
        if not name.startswith(root) or name.count("/") - root.count("/") > 1:
            export.skipped.append((name, "outside the export's folder: not read"))
            continue
        try:
            content = read_bytes(path, folder, min(MAX_MEMBER_BYTES, budget))
        except FileNotFoundError:
            export.skipped.append((name, "a link to nothing: not read"))
            continue
        except FileRefused as e:
            reason = e.reason.replace("the data folder", "the export's folder")
            raise ExportError(f"{name}: {reason}") from None
        budget -= len(content)
        export.files[name[len(root) :]] = content
    return export


def _real_dir(path: Path, root: Path) -> bool:
    """A folder that really is inside the export folder (a link out is not descended)."""
    try:
        st = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISDIR(st.st_mode) and os.path.realpath(path).startswith(str(root) + os.sep)


def read_export(name: str) -> _Export:
    """The export's files: from a ZIP file (or ``-``, standard input) or an unzipped folder.

    Raises
    ------
    ExportError
        Saying what is wrong with the archive or folder, in words.
    FileNotFoundError
        When nothing is at ``name``.
    """
    shown = _shown(name)
    if name != "-" and os.path.isdir(name):
        return _from_folder(shown, Path(name))
    try:
        data = read_input(name, MAX_INPUT_BYTES)
    except FileRefused as e:
        raise ExportError(e.reason) from None
    return _from_zip(shown, data)


# ---------------------------------------------------------------- reading one CSV file


def _key(header: str) -> str:
    """A header as compared: ``Started On`` / ``startedon``; ``Phone Numbers``."""
    return re.sub(r"[^a-z0-9]", "", header.casefold())


@dataclass
class _Row:
    line: int
    cells: dict[str, str]

    def get(self, *names: str) -> str:
        """The first of ``names`` (header spellings of the vintages) the file has."""
        for n in names:
            value = self.cells.get(_key(n))
            if value is not None:
                return value
        return ""


@dataclass
class _Table:
    name: str
    where: str
    header: list[str]
    rows: list[_Row]
    #: The header as written, by its compared form.
    written: dict[str, str] = field(default_factory=dict)


def _parse(name: str, where: str, data: bytes) -> _Table:
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise ExportError(f"{name}:{line}: not UTF-8 (a LinkedIn export is)") from None
    reader = csv.reader(io.StringIO(content, newline=""))
    header: list[str] = []
    rows: list[_Row] = []
    written: dict[str, str] = {}
    preamble = False
    start = 1
    try:
        for cells in reader:
            line, start = start, reader.line_num + 1
            if not any(c.strip() for c in cells):
                continue  # blank lines and rows of only commas
            if not header:
                if len(cells) == 1 and cells[0].strip().lower().startswith("notes"):
                    preamble = True  # Connections.csv: a note, a blank line, the header
                    continue
                if preamble and rows == [] and start and len(cells) == 1:
                    continue
                header = [_key(c) for c in cells]
                written = {_key(c): c.strip() for c in cells}
                continue
            row = {h: c for h, c in zip(header, cells, strict=False) if h}
            extra = [c for c in cells[len(header) :] if c.strip()]
            if extra:
                row["(extra cells)"] = ", ".join(extra)
            rows.append(_Row(line, row))
    except csv.Error as e:
        raise ExportError(
            f"{name}:{reader.line_num}: not a CSV file LinkedIn writes: {e}"
        ) from None
    return _Table(name, where, header, rows, written)


# ---------------------------------------------------------------- cells


def _clean(value: str) -> str:
    return _CONTROL.sub("", value)


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
        from ..validate import FUTURE_YEARS

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
    person_id = ""
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
        person_id = im.rows.new_id("person", name, fallback="owner")
        im.rows.tables["person"].append(
            im.rows.row(
                "person",
                {
                    "id": person_id,
                    "name": name,
                    "headline": line(r0.get("Headline")),
                    "summary": paragraph(r0.get("Summary")),
                    "city": line(r0.get("Geo Location")),
                    "notes": notes,
                },
            )
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


_SITE_KINDS = (
    ("github.com", "github"),
    ("scholar.google", "scholar"),
    ("orcid.org", "orcid"),
    ("dblp.", "dblp"),
    ("twitter.com", "twitter"),
    ("x.com", "twitter"),
    ("linkedin.com", "linkedin"),
)


def _profile_contacts(im: _Import, t: _Table, r0: _Row) -> None:
    section = im.report.section(t.name)

    def add(kind: str, label: str, value: str, url: str, visibility: str) -> None:
        done = im.rows.add(
            "contacts",
            kind,
            fallback=kind,
            kind=kind,
            label=label,
            value=value,
            url=url,
            visibility=visibility,
        )
        section.came_in += 1  # each contact of the profile is an entry of its own
        section.stored += done is not None
        section.merged += done is None

    for label, site in _bracket_list(r0.get("Websites")):
        url = site if _URL.match(site) else f"https://{site}" if "." in site else ""
        if not _URL.match(url):
            im.aside(t, r0, "Websites", f"{site!r} is not a web address: not imported")
            continue
        kind = next((k for d, k in _SITE_KINDS if d in url.lower()), "website")
        shown = {
            "PERSONAL": "Website",
            "COMPANY": "Company website",
            "BLOG": "Blog",
            "PORTFOLIO": "Portfolio",
            "RSS": "RSS feed",
        }.get(label, "Website")
        add(
            kind, shown if kind == "website" else kind.capitalize(), "", url, "public"
        )  # the label links it, as JSON Resume's do
    for _, handle in _bracket_list(r0.get("Twitter Handles")):
        add("twitter", "Twitter", handle, f"https://twitter.com/{handle}", "public")
    for label, handle in _bracket_list(r0.get("Instant Messengers")):
        add("other", label.capitalize() or "Messenger", handle, "", "private")
    address = ", ".join(x for x in (line(r0.get("Address")), line(r0.get("Zip Code"))) if x)
    if address:
        add("address", address, address, "", "private")


def _positions(im: _Import) -> None:
    t = im.table("Positions")
    if t is None:
        return

    def add(r: _Row) -> str | None:
        org, title = line(r.get("Company Name")), line(r.get("Title"))
        description, highlights = split_description(r.get("Description"))
        kind = "internship" if re.search(r"\bintern(ship)?\b", title, re.I) else "industry"
        rid = im.rows.add(
            "roles",
            org,
            title,
            fallback="position",
            organisation=org,
            title=title,
            kind=kind,
            location=line(r.get("Location")),
            description=description,
            start=im.date(t, r, "Started On", "Start Date"),
            end=im.date(t, r, "Finished On", "End Date"),
        )
        if rid:
            im.rows.children("role_highlights", "role_id", rid, "text", highlights)
        return rid

    im.each(t, ["Company Name", "Title"], add)
    im.unused(t, ["Company Name", "Title", "Description", "Location", "Started On", "Finished On"])


def _education(im: _Import) -> None:
    t = im.table("Education")
    if t is None:
        return

    def add(r: _Row) -> str | None:
        school, degree = line(r.get("School Name")), line(r.get("Degree Name"))
        area = line(r.get("Field Of Study", "Fields Of Study"))
        title = " in ".join(x for x in (degree, area) if x)
        if not title:
            title = "Student"
            im.report.warnings.append(f"{t.name}:{r.line}: no degree given; titled 'Student'")
        rid = im.rows.add(
            "roles",
            school,
            degree,
            area,
            fallback="education",
            organisation=school,
            title=title,
            kind="education",
            description=paragraph(r.get("Notes")),
            start=im.date(t, r, "Start Date", "Started On"),
            end=im.date(t, r, "End Date", "Finished On", expected=True),
        )
        if rid:
            im.rows.child(
                "education", role_id=rid, study_type=degree, area=area, score=line(r.get("Grade"))
            )
            activities = paragraph(r.get("Activities"))
            if activities:
                im.rows.children(
                    "role_highlights",
                    "role_id",
                    rid,
                    "text",
                    [f"Activities and societies: {activities}"],
                )
        return rid

    im.each(t, ["School Name"], add)
    im.unused(
        t,
        [
            "School Name",
            "Degree Name",
            "Field Of Study",
            "Fields Of Study",
            "Notes",
            "Activities",
            "Grade",
            "Start Date",
            "End Date",
            "Started On",
            "Finished On",
        ],
    )


def _skills(im: _Import) -> None:
    t = im.table("Skills")
    if t is None:
        return
    if t.rows:
        im.rows.add("skill_categories", name="Skills")

    def add(r: _Row) -> str | None:
        name = line(r.get("Name"))
        return im.rows.add(
            "skills", "skills", name, fallback="skill", category="Skills", skill=name
        )

    im.each(t, ["Name"], add)
    im.unused(t, ["Name"])


def _languages(im: _Import) -> None:
    t = im.table("Languages")
    if t is None:
        return

    def add(r: _Row) -> str | None:
        name = line(r.get("Name"))
        return im.rows.add(
            "languages",
            name,
            fallback="language",
            language=name,
            fluency=line(r.get("Proficiency")),
        )

    im.each(t, ["Name"], add)
    im.unused(t, ["Name", "Proficiency"])


def _certifications(im: _Import) -> None:
    t = im.table("Certifications")
    if t is not None:

        def add(r: _Row) -> str | None:
            name, number = line(r.get("Name")), line(r.get("License Number"))
            end = line(r.get("Finished On", "End Date"))
            im.date(t, r, "Finished On", "End Date")  # reported when it is no date
            about = [
                f"Licence number {number}" if number else "",
                f"valid until {end}" if end else "",
            ]
            url = line(r.get("Url"))
            if url and not _URL.match(url):
                im.aside(t, r, "Url", f"{url!r} is not an http(s) address: not imported")
                url = ""
            return im.rows.add(
                "certifications",
                name,
                fallback="certification",
                name=name,
                issuer=line(r.get("Authority")),
                url=url,
                date=im.date(t, r, "Started On", "Start Date"),
                description="; ".join(a for a in about if a),
            )

        im.each(t, ["Name"], add)
        im.unused(
            t,
            [
                "Name",
                "Url",
                "Authority",
                "Started On",
                "Finished On",
                "License Number",
                "Start Date",
                "End Date",
            ],
        )
    t2 = im.table("Courses")
    if t2 is not None:

        def course(r: _Row) -> str | None:
            name, number = line(r.get("Name")), line(r.get("Number"))
            return im.rows.add(
                "certifications",
                name,
                fallback="course",
                name=name,
                description=f"Course {number}" if number else "Course",
            )

        im.each(t2, ["Name"], course)
        im.unused(t2, ["Name", "Number"])


def _projects(im: _Import) -> None:
    t = im.table("Projects")
    if t is None:
        return

    def add(r: _Row) -> str | None:
        title = line(r.get("Title"))
        pid = im.rows.add(
            "projects",
            title,
            fallback="project",
            listing="other",
            title=title,
            description=paragraph(r.get("Description")),
            start=im.date(t, r, "Started On", "Start Date"),
            end=im.date(t, r, "Finished On", "End Date"),
        )
        url = line(r.get("Url"))
        if pid and url:
            if _URL.match(url):
                im.rows.child(
                    "project_links",
                    project_id=pid,
                    position="1",
                    kind="website",
                    label="Link",
                    url=url,
                )
            else:
                im.aside(t, r, "Url", f"{url!r} is not an http(s) address: not imported")
        return pid

    im.each(t, ["Title"], add)
    im.unused(
        t, ["Title", "Description", "Url", "Started On", "Finished On", "Start Date", "End Date"]
    )


#: A publication's kind from words of its publisher, else a journal paper (flagged).
_PAPER_KINDS = (
    (re.compile(r"arxiv|biorxiv|medrxiv|ssrn|preprint", re.I), "preprint", "preprint"),
    (re.compile(r"conference|proceedings|symposium|workshop", re.I), "conference", "published"),
    (re.compile(r"patent", re.I), "patent", "published"),
    (re.compile(r"blog|medium\.com|substack", re.I), "blog", "published"),
    (re.compile(r"press|books?\b|publishing", re.I), "book", "published"),
)


def _publications(im: _Import) -> None:
    t = im.table("Publications")
    if t is None:
        return

    def add(r: _Row) -> str | None:
        title, publisher = line(r.get("Name")), line(r.get("Publisher"))
        date = im.date(t, r, "Published On")
        known = im.rows.papers.find("", title, date[:4])
        if known:
            return None
        kind, status = next(
            ((k, s) for rx, k, s in _PAPER_KINDS if rx.search(publisher)), ("journal", "published")
        )
        pid = im.rows.new_id("papers", title, fallback="publication")
        im.rows.papers.add(pid, "", title, date[:4])
        im.rows.child(
            "papers",
            id=pid,
            title=title,
            type=kind,
            status=status,
            venue_display=publisher,
            year=date[:4],
            date=date,
            summary=paragraph(r.get("Description")),
            notes="Imported from LinkedIn, which gives no kind: check 'type'.",
        )
        im.report.warnings.append(
            f"{t.name}:{r.line}: {title!r} filed as a {kind} paper (LinkedIn gives no kind; "
            "guessed from the publisher): check papers.csv 'type'"
        )
        url = line(r.get("Url"))
        if url and _URL.match(url):
            im.rows.child(
                "paper_links", paper_id=pid, position="1", kind="paper", label="Link", url=url
            )
        elif url:
            im.aside(t, r, "Url", f"{url!r} is not an http(s) address: not imported")
        return pid

    im.each(t, ["Name"], add)
    im.unused(t, ["Name", "Published On", "Description", "Publisher", "Url"])


def _honors(im: _Import) -> None:
    t = im.table("Honors")
    if t is None:
        return

    def add(r: _Row) -> str | None:
        name = line(r.get("Title"))
        date = im.date(t, r, "Issued On")
        return im.rows.add(
            "awards",
            name,
            fallback="award",
            name=name,
            issuer=line(r.get("Issuer")),
            date=date,
            year=date[:4],
            summary=paragraph(r.get("Description")),
        )

    im.each(t, ["Title"], add)
    im.unused(t, ["Title", "Description", "Issued On", "Issuer"])


def _organizations(im: _Import) -> None:
    t = im.table("Organizations")
    if t is None:
        return

    def add(r: _Row) -> str | None:
        org = line(r.get("Name"))
        start = im.date(t, r, "Started On", "Start Date")
        end = im.date(t, r, "Finished On", "End Date")
        span = f"{start or '?'} to {end or 'now'}" if start or end else ""
        notes = "; ".join(x for x in (paragraph(r.get("Description")), span) if x)
        return im.rows.add(
            "service",
            org,
            fallback="membership",
            category="membership",
            role=line(r.get("Position")) or "Member",
            organisation=org,
            year=start[:4],
            notes=notes,
        )

    im.each(t, ["Name"], add)
    im.unused(
        t,
        ["Name", "Position", "Description", "Started On", "Finished On", "Start Date", "End Date"],
    )


def _volunteering(im: _Import) -> None:
    t = im.table("Volunteering", "Volunteer Experiences")
    if t is None:
        return

    def add(r: _Row) -> str | None:
        org, role = line(r.get("Company Name", "Organization")), line(r.get("Role"))
        vid = im.rows.add(
            "volunteering",
            org,
            role,
            fallback="volunteering",
            organisation=org,
            role=role,
            summary=paragraph(r.get("Description")),
            start=im.date(t, r, "Started On", "Start Date"),
            end=im.date(t, r, "Finished On", "End Date"),
        )
        cause = line(r.get("Cause"))
        if vid and cause:
            im.rows.children(
                "volunteering_items", "volunteering_id", vid, "text", [f"Cause: {cause}"]
            )
        return vid

    im.each(t, ["Company Name", "Role"], add)
    im.unused(
        t,
        [
            "Company Name",
            "Organization",
            "Role",
            "Cause",
            "Description",
            "Started On",
            "Finished On",
            "Start Date",
            "End Date",
        ],
    )


def _emails(im: _Import) -> None:
    t = im.table("Email Addresses", "EmailAddresses")
    if t is None:
        return

    def add(r: _Row) -> str | None:
        address = line(r.get("Email Address"))
        primary = fold(r.get("Primary")) in ("yes", "true")
        url = f"mailto:{address}" if _URL.match(f"mailto:{address}") else ""
        return im.rows.add(
            "contacts",
            "email",
            fallback="email",
            kind="email",
            label=address,
            value=address,
            url=url,
            visibility="public" if primary else "private",
        )

    im.each(t, ["Email Address"], add)
    if len(t.rows) > 1:
        im.report.warnings.append(
            f"{t.name}: the primary address is public; the others are private"
        )
    im.unused(t, ["Email Address", "Confirmed", "Primary", "Updated On"])


def _phones(im: _Import) -> None:
    t = im.table("PhoneNumbers", "Phone Numbers")
    if t is None:
        return

    def add(r: _Row) -> str | None:
        number, ext = line(r.get("Number")), line(r.get("Extension"))
        shown = f"{number} ext. {ext}" if ext else number
        kind = line(r.get("Type"))
        return im.rows.add(
            "contacts",
            "phone",
            fallback="phone",
            kind="phone",
            label=shown,
            value=shown,
            visibility="private",
            notes=f"{kind} (LinkedIn)" if kind else "",
        )

    im.each(t, ["Number"], add)
    im.unused(t, ["Number", "Extension", "Type"])


def _recommendations(im: _Import) -> None:
    t = im.table("Recommendations_Received", "Recommendations Received")
    if t is None:
        return

    def add(r: _Row) -> str | None:
        name = line(f"{r.get('First Name')} {r.get('Last Name')}")
        about = ", ".join(x for x in (line(r.get("Job Title")), line(r.get("Company"))) if x)
        return im.rows.add(
            "references",
            name,
            fallback="reference",
            name=name,
            reference=paragraph(r.get("Text")),
            visibility="private",
            notes=f"{about} (LinkedIn recommendation)" if about else "",
        )

    im.each(t, ["First Name", "Text"], add)
    im.unused(
        t, ["First Name", "Last Name", "Company", "Job Title", "Text", "Creation Date", "Status"]
    )


_READERS: tuple[tuple[tuple[str, ...], Callable[[_Import], None]], ...] = (
    (("Profile",), _profile),
    (("Positions",), _positions),
    (("Education",), _education),
    (("Skills",), _skills),
    (("Languages",), _languages),
    (("Certifications", "Courses"), _certifications),
    (("Projects",), _projects),
    (("Publications",), _publications),
    (("Honors",), _honors),
    (("Organizations",), _organizations),
    (("Volunteering", "Volunteer Experiences"), _volunteering),
    (("Email Addresses", "EmailAddresses"), _emails),
    (("PhoneNumbers", "Phone Numbers"), _phones),
    (("Recommendations_Received", "Recommendations Received"), _recommendations),
)


def _not_imported(im: _Import) -> None:
    """Name every other file of the export in the report, with its row count."""
    read = {_key(n) for names, _ in _READERS for n in names}
    for fname, data in im.export.files.items():
        stem = fname.rsplit("/", 1)[-1]
        if "/" not in fname and _key(stem.removesuffix(".csv")) in read and stem.endswith(".csv"):
            continue
        section = im.report.section(fname)
        if fname.lower().endswith(".csv"):
            with contextlib.suppress(ExportError):
                section.came_in = len(_parse(fname, fname, data).rows)
        section.set_aside.append((fname, NOT_CV))
    for fname, why in im.export.skipped:
        im.report.section(fname).set_aside.append((fname, why))


def tables_from_export(export: _Export, existing: CV | None, as_of: dt.date) -> Incoming:
    """The rows of an export already read (:func:`read_export`), against ``existing``."""
    im = _Import(export, existing, as_of)
    if not any(
        _key(f.removesuffix(".csv")) in {_key(n) for ns, _ in _READERS for n in ns}
        for f in export.files
    ):
        im.problems.append(
            Problem(
                export.shown,
                None,
                None,
                "holds none of the files of a LinkedIn export (Profile.csv, Positions.csv, ...)",
            )
        )
        return Incoming(report=im.report, problems=im.problems)
    try:
        for _, reader in _READERS:
            reader(im)
    except ExportError as e:
        im.problems.append(Problem(export.shown, None, None, str(e)))
    _not_imported(im)
    tables = {k: v for k, v in im.rows.tables.items() if v}
    return Incoming(tables=tables, report=im.report, problems=im.problems)


def read(
    inputs: Sequence[str], options: argparse.Namespace, existing: CV | None, as_of: dt.date
) -> Incoming:
    """The rows of a LinkedIn data export (a ZIP or its folder), against ``existing``.

    Parameters
    ----------
    inputs
        One path: the ZIP as downloaded, its unzipped folder, or ``-`` (a ZIP on standard
        input).
    options
        Unused (the command has no options of its own).
    existing
        The CV already in the data folder, or ``None`` for a new folder.
    as_of
        The as-of date (two-digit years, dates after it left out).

    Returns
    -------
    Incoming
        Rows by table, the report per file of the export, and the problems that stop the
        import (an archive that is not safe to read, an export without ``Profile.csv``
        for a new folder, which needs the person's name).
    """
    (name,) = inputs
    try:
        export = read_export(name)
    except FileNotFoundError:
        return Incoming(problems=[Problem(_shown(name), None, None, "no such file or folder")])
    except ExportError as e:
        return Incoming(problems=[Problem(_shown(name), None, None, str(e))])
    return tables_from_export(export, existing, as_of)


__all__ = [
    "MAX_MEMBERS",
    "MAX_TOTAL_BYTES",
    "ExportError",
    "line",
    "paragraph",
    "parse_date",
    "read",
    "read_export",
    "split_description",
    "tables_from_export",
]
