"""``cvdata import bibtex`` as an import format (:mod:`cvdata.formats._format`): the plan
of :mod:`._plan` as rows for the landing path, and its report: per entry type what came in,
was stored, was already in the CV or was set aside and why; the warnings (a field given
twice, a guessed kind, an owner matching no author); the lines the command prints."""

from __future__ import annotations

import argparse
import datetime as dt
import re
from collections.abc import Sequence

import bibtexparser

from ...load import CV
from ...problems import Problem
from .._format import Incoming, Report
from ._plan import ImportPlan, plan_import
from ._read import BibImportError, _shown_input, entry_type, read_bibtex

#: The report's section of entries whose type could not be read.
BROKEN = "unreadable entries"


def _section(etype: str) -> str:
    """The report's section of an entry type (``@article``)."""
    return f"@{etype.lower()}" if etype else BROKEN


def _problem(message: str, shown: str) -> Problem:
    """One of :class:`BibImportError`'s messages as a problem of the input."""
    m = re.match(r"^(.+?):(\d+): (.*)$", message, re.S)
    if m and m.group(1) == shown:
        return Problem(shown, int(m.group(2)), None, m.group(3))
    rest = message.removeprefix(f"{shown}: ")
    return Problem(shown, None, None, rest)


def _report(plan: ImportPlan, library: bibtexparser.Library, shown: str) -> Report:
    """What came in, per entry type: stored, already in the CV, set aside and why; the
    warnings; and the per-entry lines ``cvdata import bibtex`` prints."""
    report = Report(warnings=list(plan.warnings))
    for e in library.entries:
        report.section(_section(e.entry_type)).came_in += 1
    for block in library.failed_blocks:
        report.section(_section(entry_type(block.raw or ""))).came_in += 1
    report.lines.append(f"{shown}: {plan.entries} entries read")
    for s in plan.skipped:
        section = report.section(_section(s.entry_type))
        if s.reason.startswith("already in the CV"):
            section.merged += 1
        else:
            section.set_aside.append((f"{shown}:{s.line} (entry {s.key})", s.reason))
        report.lines.append(f"  skip {s.key} (line {s.line}): {s.reason}")
    for p in plan.added:
        report.section(_section(p.entry_type)).stored += 1
        row = p.paper
        detail = ", ".join(x for x in (row["type"], row["status"], row["year"]) if x)
        venue = row["venue_id"] or row["venue_display"]
        report.lines.append(
            f"  add  {row['id']} (line {p.line}): {row['title']!r} [{detail}]"
            f"{' at ' + venue if venue else ''}; {len(p.authors)} authors"
        )
        report.lines += [f"       left out: {note}" for note in p.dropped]
    for (etype, line), talk in zip(plan.talk_entries, plan.talks, strict=True):
        report.section(_section(etype)).stored += 1
        report.lines.append(
            f"  add  talk {talk['id']} (line {line}): {talk['title']!r} [{talk['kind']}"
            f"{', ' + talk['date'] if talk['date'] else ''}]"
        )
    return report


def _nothing_to_import(plan: ImportPlan, shown: str) -> list[Problem]:
    """Problems when no entry of the file can be imported (none added, none already in
    the CV): each entry set aside, by its line, and what is wrong; a file of no entries
    at all is named too. BibTeX's leniency skips a broken entry among good ones; a file
    of nothing but broken entries is the wrong file, or a broken one, and says so."""
    if plan.added or plan.talks:
        return []
    if any(s.reason.startswith("already in the CV") for s in plan.skipped):
        return []  # a second import of the same file: nothing new, nothing wrong
    if not plan.skipped:
        return [Problem(shown, None, None, "holds no BibTeX entry (@article{key, ...})")]
    problems = [Problem(shown, s.line, None, f"entry {s.key!r}: {s.reason}") for s in plan.skipped]
    noun = "the entry" if len(plan.skipped) == 1 else f"all {len(plan.skipped)} entries"
    problems.append(
        Problem(shown, None, None, f"no entry can be imported ({noun} above set aside)")
    )
    return problems


def read(
    inputs: Sequence[str], options: argparse.Namespace, existing: CV | None, as_of: dt.date
) -> Incoming:
    """``cvdata import bibtex FILE``: the papers and talks of FILE not in ``existing`` yet,
    as rows (:func:`read_bibtex`, then :func:`plan_import`); see :mod:`cvdata.formats._format`."""
    name = inputs[0]
    shown = _shown_input(name)
    if existing is None:
        reason = (
            "papers are added to an existing CV; make one first "
            "(cvdata init DATA_DIR --name 'Your Name', or cvdata import jsonresume)"
        )
        return Incoming(problems=[Problem(shown, None, None, reason)])
    try:
        library = read_bibtex(name)
        plan = plan_import(existing, library, str(name))
    except BibImportError as e:
        return Incoming(problems=[_problem(m, shown) for m in e.messages])
    report = _report(plan, library, shown)
    nothing = _nothing_to_import(plan, shown)
    if nothing:
        return Incoming(report=report, problems=nothing)
    return Incoming(
        tables=plan.rows(),
        report=report,
        origins=plan.origins(),
        source=shown,
    )


__all__ = ["read"]
