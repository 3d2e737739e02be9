"""A JSON Resume document as rows of the CV's tables (:func:`to_tables`), and the import
format's ``read`` (:mod:`cvdata.formats._format`)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..._files import STDIN, shown_input
from ...cells import text
from ...problems import Problem, display_path
from ...schema import default_package
from .._format import Incoming, Report
from ._builder import _Builder, _s
from ._keys import normalise
from ._schema import JsonResumeError, load_schema, read_document, schema_problems, unmapped
from ._sections import (
    _award_rows,
    _basics_rows,
    _certificate_rows,
    _education_rows,
    _project_rows,
    _publication_rows,
    _simple_rows,
    _skill_rows,
    _volunteer_rows,
    _work_rows,
    resume_language,
)

if TYPE_CHECKING:
    from ...load import CV


def to_tables(
    document: Mapping[str, Any],
    *,
    schema: Mapping[str, Any] | None = None,
    as_of: dt.date | None = None,
    report: Report | None = None,
    origins: dict[str, list[str]] | None = None,
) -> dict[str, list[dict[str, str]]]:
    """A JSON Resume document as rows of every CV table (and, into ``origins`` when
    given, each row's entry as a JSON path: ``work[3]``).

    The document is read into the 1.0 shape first (pre-1.0 keys, ``""`` and
    ``"present"`` dates, expected ends: :mod:`cvdata.formats.jsonresume._keys`), then
    checked against the official JSON Resume schema. Ids are stable slugs made from names
    (``pied-piper-ceo-president``); the phone, the street address and references are
    ``private``. Every table of the package is a key (most with no rows); each row has
    every column of its table, as CSV cells ('' where empty).

    Parameters
    ----------
    document
        The parsed JSON (``json.load``).
    schema
        The JSON Resume schema; :func:`load_schema` when omitted.
    as_of
        Nothing but a degree's expected end may be dated after it; today when omitted.
    report
        Filled, when given, with what came in per section, what was stored and what was
        set aside and why (a value with no column), and warnings (a pre-1.0 key read, a
        publication's kind guessed).

    Returns
    -------
    dict[str, list[dict[str, str]]]
        Rows by table name, in the descriptor's order; write them with the header of
        each table (``default_package()[name].field_names``).

    Raises
    ------
    JsonResumeError
        Listing every problem of the document at once, each with its JSON path
        (``work[0].url: ...``): a schema violation, or a value cvdata cannot hold (a link
        that is not http, https or mailto, a date such as ``2019-13``, a job that ends
        after the as-of date).
    """
    report = report if report is not None else Report()
    as_of = as_of or dt.date.today()
    document, _, late = normalise(document, report, as_of)
    problems = schema_problems(document, schema) + late
    if not isinstance(document, Mapping):  # the schema says so too; for type checkers
        raise JsonResumeError(problems or ["(document): not a JSON object"])
    b = _Builder(report)
    try:
        _all_rows(b, document)
    except (TypeError, AttributeError, ValueError):
        # A document the schema refused may hold shapes the builders do not expect;
        # the schema's problems say what to fix.
        if not problems:
            raise
    reported = {p.split(":", 1)[0] for p in problems}
    problems += [p for p in b.problems if p.split(":", 1)[0] not in reported]
    if problems:
        raise JsonResumeError(problems)
    _set_aside_unmapped(b, document, schema)
    _count(report, document, b)
    if origins is not None:
        origins.update(b.origins)
    return b.rows


def _all_rows(b: _Builder, document: Mapping[str, Any]) -> None:
    b.section = "basics"
    person_id = _basics_rows(b, document)
    for section, rows in (
        ("work", _work_rows),
        ("education", _education_rows),
        ("volunteer", _volunteer_rows),
        ("awards", _award_rows),
        ("certificates", _certificate_rows),
        ("publications", _publication_rows),
        ("skills", _skill_rows),
        ("languages", _simple_rows),  # and interests, references: it names each
        ("projects", _project_rows),
    ):
        b.section = section
        rows(b, document)
    b.section = "meta"
    meta = document.get("meta") if isinstance(document.get("meta"), Mapping) else {}
    cells = {
        "canonical": b.url(_s(meta.get("canonical")), "meta.canonical"),
        "version": _s(meta.get("version")),
        "last_modified": _s(meta.get("lastModified")),
        "schema": b.url(_s(document.get("$schema")), "$schema"),
        # The CV's language (cvdata.i18n), under whichever name the resume gives it.
        "language": resume_language(document),
    }
    if any(cells.values()):
        b.add("meta", person_id=person_id, **cells)


#: Values of the input that have a column although the schema does not define them
#: (theme-specific keys people use): the JSON path's last key, per section.
_KEPT_EXTRA = {("education", "location"), ("education", "thesis")}


def _set_aside_unmapped(b: _Builder, document: Mapping[str, Any], schema: Any) -> None:
    """Name in the report every value the tables have no column for."""
    for path in unmapped(document, schema):
        section = re.split(r"[.\[]", path, maxsplit=1)[0]
        key = path.rsplit(".", 1)[-1]
        if (section, key) in _KEPT_EXTRA and "." in path:
            continue
        value = _at(document, path)
        shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        if len(shown) > 60:
            shown = shown[:57] + "..."
        why = "a section cvdata has no table for" if path == section else "no column for it"
        b.report.section(section).set_aside.append((path, f"{shown!r}: {why}; not imported"))


def _at(document: Mapping[str, Any], path: str) -> Any:
    """The value at a JSON path made by :func:`json_path`."""
    node: Any = document
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", path):
        node = node[int(index)] if index else node[name]
    return node


def _count(report: Report, document: Mapping[str, Any], b: _Builder) -> None:
    """Entries per section that came in, and how many were stored."""
    for section, value in document.items():
        if section == "$schema":  # a value of meta, not a section
            continue
        part = report.section(section)
        part.came_in = len(value) if isinstance(value, list) else 1
        part.stored = b.stored.get(section, 0)


def import_file(
    path: str | os.PathLike[str],
    *,
    schema_path: str | os.PathLike[str] | None = None,
    as_of: dt.date | None = None,
    report: Report | None = None,
) -> dict[str, list[dict[str, str]]]:
    """The rows of every CV table from a JSON Resume file: :func:`read_document`, then
    :func:`to_tables` against :func:`load_schema` (``schema_path``, else the bundled one).
    What ``cvdata import jsonresume`` calls.

    Raises
    ------
    JsonResumeError
        Every problem, each naming the file and line, or the JSON path.
    """
    document = read_document(path)
    return to_tables(document, schema=load_schema(schema_path), as_of=as_of, report=report)


# ---------------------------------------------------------------- the import format

#: The table whose rows are the entries of each section of a résumé (and the ``kind`` of
#: role it holds): what the report counts as stored or already there.
_SECTION_TABLES: dict[str, tuple[str, str]] = {
    "basics": ("person", ""),
    "work": ("roles", "industry"),
    "education": ("education", ""),
    "volunteer": ("volunteering", ""),
    "awards": ("awards", ""),
    "certificates": ("certifications", ""),
    "publications": ("papers", ""),
    "skills": ("skill_categories", ""),
    "languages": ("languages", ""),
    "interests": ("interests", ""),
    "references": ("references", ""),
    "projects": ("projects", ""),
}


def _problem(message: str, shown: str) -> Problem:
    """One of :class:`JsonResumeError`'s problems in the file's terms: the file, then its
    line or the JSON path."""
    m = re.match(r"^(.+?):(\d+): (.*)$", message, re.S)
    if m and m.group(1) == shown:
        return Problem(shown, int(m.group(2)), None, m.group(3))
    return Problem(shown, None, None, message.removeprefix(f"{shown}: "))


def _import_report(
    report: Report,
    document: Mapping[str, Any],
    tables: Mapping[str, list[dict[str, str]]],
    existing: CV | None,
    shown: str,
) -> None:
    """Per section of the résumé: entries in, stored, already in the CV (same key), added
    to the report of :func:`to_tables` (which names the values set aside)."""
    rows, used = sum(len(r) for r in tables.values()), sum(1 for r in tables.values() if r)
    report.lines.append(f"{shown}: {rows} rows for {used} tables")
    package = default_package()
    for section, (table, kind) in _SECTION_TABLES.items():
        value = document.get(section)
        if not value:
            continue
        got = report.section(section)
        got.came_in = len(value) if isinstance(value, list) else 1
        got.stored = got.merged = 0  # entries here, not the rows of every table
        key = package[table].primary_key[0]
        there: set[str] = set()
        if existing is not None:
            there = {text(v) for v in getattr(existing, table)[key]}
        for row in tables.get(table, []):
            if kind and row.get("kind") != kind:
                continue
            if row[key] in there or (table == "person" and there):
                got.merged += 1
            else:
                got.stored += 1


def read(
    inputs: Sequence[str], options: argparse.Namespace, existing: CV | None, as_of: dt.date
) -> Incoming:
    """``cvdata import jsonresume RESUME.json``: the résumé as rows of every table
    (:func:`read_document`, then :func:`to_tables` against the bundled schema); see
    :mod:`cvdata.formats._format`."""
    name = inputs[0]
    shown = shown_input(name) if os.fspath(name) == STDIN else display_path(Path(name))
    report = Report()  # to_tables says what it set aside, read anew and could not decide
    origins: dict[str, list[str]] = {}
    try:
        document = read_document(name)
        tables = to_tables(
            document, schema=load_schema(), as_of=as_of, report=report, origins=origins
        )
    except JsonResumeError as e:
        return Incoming(problems=[_problem(p, shown) for p in e.problems])
    _import_report(report, document, tables, existing, shown)
    return Incoming(tables=tables, report=report, origins=origins, source=shown)
