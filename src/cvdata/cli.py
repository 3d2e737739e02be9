"""Command line: ``cvdata validate | export | import | init | upgrade`` (also
``python -m cvdata``)."""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ._files import MAX_INPUT_BYTES
from ._paths import find_data_dir
from .env import resolve_as_of
from .problems import DataDirError, Problem, ValidationError, display_path, format_report
from .schema import DescriptorError
from .transaction import TransactionError, legacy_leftovers, reading, remove_leftovers

if TYPE_CHECKING:  # load imports pandas: not for `cvdata --help`
    from .load import CV

_INPUT_MB = MAX_INPUT_BYTES // (1024 * 1024)
CHECKS = "types, required values, enums, patterns, keys, foreign keys, date order"
DATA_DIR_HELP = "folder with the CSV files (default: $CVDATA_DIR, else data/ here or above)"
AS_OF_HELP = "nothing may be dated after this day (default: $CVDATA_AS_OF, else today)"

EXPORT_FORMATS = {
    "bibtex": "the papers as BibTeX (.bib, UTF-8; biblatex types for patents and blog posts)",
    "csl": "the papers as CSL-JSON (for pandoc --citeproc, Zotero, citeproc-js)",
    "jsonresume": "the whole CV as JSON Resume (jsonresume.org; themes, resume-cli)",
}


#: Characters never printed as they are: C0/C1 controls (terminal escapes), DEL, and the
#: Unicode line/paragraph separators and bidirectional overrides that rearrange a line.
_UNSAFE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def safe(text: str) -> str:
    """``text`` fit for a terminal: every control character (but the line break between
    lines) written as an escape, ``\\x1b`` for ESC, so values from a file never drive it."""
    return _UNSAFE.sub(lambda m: ascii(m.group(0))[1:-1], text)


def say(text: str = "", file: TextIO | None = None) -> None:
    """Print one message (all of the CLI's output but the exported data goes through it)."""
    print(safe(text), file=file or sys.stdout)


def _err(text: str) -> None:
    say(f"cvdata: {text}", file=sys.stderr)


def _validate(args: argparse.Namespace) -> int:
    from .load import check

    try:
        folder = find_data_dir(args.data_dir)
        as_of = resolve_as_of(args.as_of)
    except (DataDirError, ValueError) as e:
        _err(str(e))
        return 2
    try:
        with reading(folder, on_wait=_err) as recovered:
            for note in [recovered, *legacy_leftovers(folder)]:
                if note:
                    _err(note)
            result = check(folder, as_of)
    except TransactionError as e:
        _err(str(e))
        return 2
    where = display_path(folder)
    if result.ok:
        say(
            f"{where}: {len(result.package.tables)} tables, {result.rows} rows: valid "
            f"({CHECKS}; as of {as_of.isoformat()})"
        )
        return 0
    say(format_report(result.problems))
    _say_hint(result.problems, folder)
    return 1


def _say_hint(problems: list[Problem], folder: Path) -> None:
    """Say ``cvdata upgrade`` would fix the folder, when it would (see
    :func:`cvdata.upgrade.made_for_older`)."""
    from .upgrade import hint

    line = hint(problems, folder)
    if line:
        say(line)


def _load(args: argparse.Namespace, folder: Path | None = None) -> CV | int:
    """The validated CV, or an exit code after saying what is wrong. Without ``folder``
    (a transaction's, already locked), the folder is read under :func:`reading`."""
    from .load import load

    found = folder
    try:
        if folder is not None:
            return load(folder, as_of=resolve_as_of(args.as_of))
        found = find_data_dir(args.data_dir)
        with reading(found, on_wait=_err) as recovered:
            if recovered:
                _err(recovered)
            return load(found, as_of=resolve_as_of(args.as_of))
    except (DataDirError, ValueError, TransactionError) as e:
        if isinstance(e, ValidationError):
            say(format_report(e.problems))
            if found is not None:
                _say_hint(e.problems, found)
            _err("the data does not validate; fix it first")
            return 1
        _err(str(e))
        return 2


def _size(n: int) -> str:
    return f"{n} bytes" if n < 1024 else f"{n / 1024:.1f} KiB"


def _export(args: argparse.Namespace) -> int:
    from .document import resume_selection
    from .formats import export

    cv = _load(args)
    if isinstance(cv, int):
        return cv
    rows = sum(len(df) for df in cv.tables().values())
    read = f"read {len(cv.tables())} tables, {rows} rows from {display_path(cv.data_dir)}"
    if args.resume:
        cv = resume_selection(cv)
        read += " (rows tagged for the résumé only)"
    what: str
    dropped = [
        f"left out {d} (not an http, https or mailto address)" for d in export.unsafe_urls(cv)
    ]
    if args.format == "bibtex":
        out = export.bibtex(cv)
        what = f"{len(cv.papers)} papers as BibTeX entries"
    elif args.format == "csl":
        items = export.csl(cv)
        out = export.to_json(items)
        what = f"{len(items)} papers as CSL-JSON items"
    else:
        doc: dict[str, Any] = export.jsonresume(cv)
        out = export.to_json(doc)
        counts = ", ".join(
            f"{len(v)} {k}" for k, v in doc.items() if isinstance(v, list) and k != "basics"
        )
        what = f"JSON Resume with basics, {counts}"
    size = _size(len(out.encode("utf-8")))
    if args.output and args.output != "-":
        target = Path(args.output)
        try:
            target.write_text(out, encoding="utf-8")
        except OSError as e:
            _err(f"cannot write {target}: {e.strerror or e}")
            return 2
        say(f"cvdata: {read}\ncvdata: wrote {what} to {target} ({size})")
    else:
        try:
            sys.stdout.write(out)
            sys.stdout.flush()
        except OSError as e:
            return _stdout_failed(e)
        say(f"cvdata: {read}\ncvdata: wrote {what} ({size})", file=sys.stderr)
    for note in dropped:
        _err(note)
    return 0


_STDOUT_ERRORS = {errno.EPIPE, errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EBADF}


def _stdout_failed(e: OSError) -> int:
    """Standard output cannot be written (a full disk, a closed pipe): say so, once."""
    # Python flushes stdout again at exit and would print a second error; send it nowhere.
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    with contextlib.suppress(OSError):
        _err(f"cannot write to standard output: {e.strerror or e}")
    return 2


def _import(args: argparse.Namespace) -> int:
    from .transaction import data_transaction

    if args.kind == "jsonresume":
        return _import_jsonresume(args)
    try:
        folder = find_data_dir(args.data_dir)
    except DataDirError as e:
        _err(str(e))
        return 2
    where = display_path(folder)
    from .formats.bibtex import BibImportError, read_input_bib

    try:
        # Read before the lock is taken: a pipe or a device named as FILE is refused, and
        # never holds the data folder's lock while it waits.
        source = read_input_bib(args.file)
    except BibImportError as e:
        for message in e.messages:
            _err(message)
        _err(f"{where}/ is unchanged")
        return 1
    try:
        # One lock from reading the data to writing it: a second import waits, then plans
        # against the first one's rows instead of overwriting them.
        with data_transaction(folder, on_wait=_err) as txn:
            for note in [txn.recovered, *legacy_leftovers(folder)]:
                if note:
                    _err(note)
            return _import_locked(args, folder, txn, source)
    except TransactionError as e:
        _err(str(e))
        _err(f"{where}/ is unchanged")
        return 1


def _import_locked(args: argparse.Namespace, folder: Path, txn: Any, source: bytes) -> int:
    from .formats.bibtex import BibImportError, apply_plan, plan_import, read_bibtex

    cv = _load(args, folder)
    if isinstance(cv, int):
        return cv
    where = display_path(cv.data_dir)
    try:
        library = read_bibtex(args.file, source)
        plan = plan_import(cv, library, str(args.file))
    except BibImportError as e:
        for message in e.messages:
            _err(message)
        _err(f"{where}/ is unchanged")
        return 1
    say(f"{_shown_file(args.file)}: {plan.entries} entries read")
    for s in plan.skipped:
        say(f"  skip {s.key} (line {s.line}): {s.reason}")
    for p in plan.added:
        row = p.paper
        detail = ", ".join(x for x in (row["type"], row["status"], row["year"]) if x)
        venue = row["venue_id"] or row["venue_display"]
        say(
            f"  add  {row['id']} (line {p.line}): {row['title']!r} [{detail}]"
            f"{' at ' + venue if venue else ''}; {len(p.authors)} authors"
        )
        for note in p.dropped:
            say(f"       left out: {note}")
    counts = f"{len(plan.added)} to add, {len(plan.skipped)} skipped"
    if not plan.added:
        say(f"{where}: nothing to add ({counts}); no file changed")
        return 0
    result = apply_plan(plan, cv.data_dir, cv.as_of, dry_run=args.dry_run, txn=txn)
    files = ", ".join(f"{name} (+{n} rows)" for name, n in result.added_rows.items())
    if not result.validation.ok:
        say(format_report(result.validation.problems))
        say(
            f"{where}: the data would not validate with these rows; nothing was imported "
            f"and no file changed ({counts})"
        )
        return 1
    if args.dry_run:
        say(f"{where}: dry run: would write {files}; the result validates; no file changed")
        return 0
    say(f"{where}: {counts}; wrote {files}; the data validates")
    return 0


def _shown_file(name: str) -> str:
    """The file named on the command line, as messages name it (``-``: standard input)."""
    from ._files import STDIN, shown_input

    return shown_input(name) if name == STDIN else display_path(Path(name))


def _target_dir(args: argparse.Namespace) -> Path:
    """The data folder to import into: as given (it may not exist yet), else the usual one,
    else ``data/`` in the working folder (a new CV)."""
    if args.data_dir:
        return Path(args.data_dir)
    try:
        return find_data_dir(None)
    except DataDirError:
        return Path("data")


def _import_jsonresume(args: argparse.Namespace) -> int:
    from .formats._format import Report
    from .formats._jsonresume_wild import report_lines
    from .formats._land import import_rows
    from .formats.jsonresume import JsonResumeError, import_file

    folder = _target_dir(args)
    where = display_path(folder)
    report = Report()
    try:
        as_of = resolve_as_of(args.as_of)
        tables = import_file(args.file, as_of=as_of, report=report)
    except JsonResumeError as e:
        shown = _shown_file(args.file)
        for problem in e.problems:
            # Problems of the file itself name it already; those of the document do not.
            _err(problem if problem.startswith(f"{shown}:") else f"{shown}: {problem}")
        _err(f"nothing was imported; {where}/ is unchanged")
        return 1
    except ValueError as e:
        _err(str(e))
        return 2
    read, used = sum(len(r) for r in tables.values()), sum(1 for r in tables.values() if r)
    say(f"{_shown_file(args.file)}: {read} rows for {used} tables")
    for line in report_lines(report):  # per section; what was set aside; what to check
        say(line)
    try:
        merge = import_rows(folder, tables, as_of, dry_run=args.dry_run)
    except (TransactionError, DescriptorError) as e:
        _err(str(e))
        _err(f"{where}/ is unchanged")
        return 1
    for name in merge.kept:
        say(f"  kept {name}.csv as it is (one row per CV; the file's {name} was not imported)")
    if not merge.ok:
        say(format_report(merge.problems))
        if merge.unreadable:
            say(f"{where}: a table above cannot be read; nothing was imported")
        else:
            say(f"{where}: the data would not validate with these rows; nothing was imported")
        return 1
    added = ", ".join(f"{name}.csv (+{n})" for name, n in merge.added.items())
    skipped = sum(merge.skipped.values())
    if not merge.rows:
        say(f"{where}: nothing to add ({skipped} rows already there); no file changed")
        return 0
    if args.dry_run:
        say(f"{where}: dry run: would write {added}; the result validates; no file changed")
        return 0
    made = "created the data folder; " if merge.created else ""
    say(f"{where}: {made}wrote {added}; {skipped} rows already there; the data validates")
    return 0


def _init(args: argparse.Namespace) -> int:
    from .formats._land import init_data_dir
    from .load import check

    folder = Path(args.data_dir)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        _err(f"{display_path(folder)}: exists and is not an empty folder; nothing was written")
        return 1
    slug = re.sub(r"[^a-z0-9]+", "-", args.name.lower()).strip("-") or "me"
    init_data_dir(folder, {"id": slug, "name": args.name})
    result = check(folder, resolve_as_of(args.as_of))
    if not result.ok:  # e.g. a name the descriptor refuses: say so, leave nothing behind
        say(format_report(result.problems))
        for child in folder.iterdir():
            child.unlink()
        return 1
    say(f"{display_path(folder)}: a new CV for {args.name}: every table, with its header")
    return 0


def _upgrade(args: argparse.Namespace) -> int:
    from .upgrade import UpgradeRefused, upgrade

    folder = Path(args.data_dir)
    where = display_path(folder)
    if not folder.is_dir():
        _err(f"data folder {where!r} does not exist")
        return 2
    try:
        as_of = resolve_as_of(args.as_of)
    except ValueError as e:
        _err(str(e))
        return 2
    try:
        done = upgrade(folder, as_of, dry_run=args.dry_run, on_wait=_err)
    except (UpgradeRefused, TransactionError) as e:
        _err(str(e))
        _err(f"nothing was written; {where}/ is unchanged")
        return 1
    for note in done.notes:
        _err(note)
    for change in done.changes:
        say(str(change))
    if not done.ok:
        say(format_report(done.problems))
        if done.changes:
            say(
                f"{where}: the upgraded data would not validate (the problems above, which "
                "upgrade does not fix); nothing was written, no file changed"
            )
        else:
            say(
                f"{where}: already up to date (no table or column is missing), but the data "
                "does not validate: the problems above are not ones upgrade fixes"
            )
        return 1
    if not done.changes:
        say(f"{where}: already up to date; no file changed")
    elif args.dry_run:
        say(f"{where}: dry run: nothing was written")
    say(f"valid: {done.rows} rows (as of {as_of.isoformat()})")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cvdata",
        description="Tidy, validated CV tables: check them and turn them into other formats.",
        epilog=(
            "Run 'cvdata COMMAND --help' for the options of each command. "
            "Examples: cvdata validate; cvdata export bibtex -o cv.bib; "
            "cvdata import bibtex refs.bib --dry-run"
        ),
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    v = sub.add_parser(
        "validate",
        help="check every table of the data folder",
        description=(
            "Check every CSV against data/datapackage.json and the rules across tables; "
            "print a one-line summary and exit 0 when the data is clean, or every problem "
            "(file:line: column: what is wrong) and exit 1."
        ),
    )
    v.add_argument("data_dir", nargs="?", help=DATA_DIR_HELP)
    v.add_argument("--as-of", metavar="YYYY-MM-DD", help=AS_OF_HELP)
    v.set_defaults(func=_validate)

    formats = "; ".join(f"{k}: {v}" for k, v in EXPORT_FORMATS.items())
    e = sub.add_parser(
        "export",
        help="write the papers as BibTeX or CSL-JSON, or the CV as JSON Resume",
        description=(
            "Load and validate the data, then write it in another format to standard "
            f"output or to FILE. Formats: {formats}. Contacts marked private are never "
            "written. A summary (rows read, items written, size) goes to standard error, "
            "or to standard output when -o is given."
        ),
    )
    e.add_argument("format", choices=sorted(EXPORT_FORMATS), help="the format to write")
    e.add_argument("data_dir", nargs="?", help=DATA_DIR_HELP)
    e.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default: stdout)")
    e.add_argument(
        "--resume",
        action="store_true",
        help="only the rows tagged for the short résumé (the 'resume' column)",
    )
    e.add_argument("--as-of", metavar="YYYY-MM-DD", help=AS_OF_HELP)
    e.set_defaults(func=_export)

    i = sub.add_parser(
        "import",
        help="add papers from a BibTeX file, or a whole CV from a JSON Resume",
        description=(
            "jsonresume: read a JSON Resume (validated against the official schema first) "
            "into rows of every table; into DATA_DIR when it exists (rows whose id is there "
            "already are skipped, so a second import adds nothing; person.csv is kept), else "
            "into a new data folder. Phone and street address come in private. "
            "bibtex: read FILE (BibTeX, UTF-8) and add each entry that is not in the CV yet "
            "as a row of papers.csv with its authors in paper_authors.csv (DOI, ISBN and "
            "arXiv ids in paper_identifiers.csv, a url in paper_links.csv). Entries with the same "
            "x-cvdata-id, the same DOI, or the same title and year as a paper of the CV are "
            "reported and skipped; existing ids are kept. Venues are matched to venues.csv by "
            "name or acronym, else written to venue_display. The new rows are validated with "
            "the rest of the data in a staged copy inside the data folder first: a file that "
            "cannot be parsed or a result that does not validate leaves the data folder "
            "untouched (exit 1). Two imports into one folder wait for each other; an "
            "interrupted import is finished or undone by the next cvdata command."
        ),
    )
    i.add_argument(
        "kind",
        choices=["bibtex", "jsonresume"],
        help="the format of FILE: BibTeX (papers), or a whole JSON Resume (jsonresume.org)",
    )
    i.add_argument(
        "file",
        metavar="FILE",
        help=f"the .bib or .json file to read ('-': standard input); at most {_INPUT_MB} MB",
    )
    i.add_argument("data_dir", nargs="?", help=DATA_DIR_HELP)
    i.add_argument(
        "--dry-run",
        action="store_true",
        help="say what would be added and skipped, and whether it validates; change nothing",
    )
    i.add_argument("--as-of", metavar="YYYY-MM-DD", help=AS_OF_HELP)
    i.set_defaults(func=_import)

    n = sub.add_parser(
        "init",
        help="start a new CV: a data folder with every table and its header row",
        description=(
            "Write DATA_DIR (which must not exist or be empty): the default datapackage.json "
            "and every table with its header row, and the one row of person.csv. Fill the "
            "tables by hand, or start from a resume: 'cvdata import jsonresume resume.json "
            "DATA_DIR' makes the folder itself."
        ),
    )
    n.add_argument("data_dir", metavar="DATA_DIR", help="the folder to create")
    n.add_argument("--name", required=True, help="your name, as the CV shows it")
    n.add_argument("--as-of", metavar="YYYY-MM-DD", help=AS_OF_HELP)
    n.set_defaults(func=_init)

    u = sub.add_parser(
        "upgrade",
        help="bring a data folder made for an older cvdata up to date",
        description=(
            "Add to DATA_DIR what this cvdata has and the folder lacks: the tables and the "
            "fields of cvdata's own datapackage.json (merged into the folder's: its own "
            "enum values, descriptions, fields and keys are kept), a header-only CSV for "
            "each new table and an empty column in each CSV for each new field. Every "
            "existing cell is kept byte for byte. The result is validated before anything "
            "is written: when it would not validate, nothing is (exit 1). Running it again "
            "changes nothing."
        ),
    )
    u.add_argument("data_dir", metavar="DATA_DIR", help="the data folder to upgrade")
    u.add_argument(
        "--dry-run", action="store_true", help="say what would change, and write nothing"
    )
    u.add_argument("--as-of", metavar="YYYY-MM-DD", help=AS_OF_HELP)
    u.set_defaults(func=_upgrade)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns its exit code (0 done, 1 refused or invalid data, 2 a
    usage or system problem, 130 interrupted)."""
    args = build_parser().parse_args(argv)
    try:
        # A killed import into a new folder left its scratch folder (private data) beside it.
        if getattr(args, "data_dir", None) and (swept := remove_leftovers(Path(args.data_dir))):
            _err(swept)
        code = args.func(args)
    except KeyboardInterrupt:
        # A transaction is never cut in two (see cvdata.transaction): what was not
        # committed was not written.
        with contextlib.suppress(OSError):
            _err("interrupted; no change was left half made")
        return 130
    except (BrokenPipeError, OSError) as e:
        if e.errno in _STDOUT_ERRORS:  # printing a message failed
            return _stdout_failed(e)
        with contextlib.suppress(OSError):
            _err(f"{e.filename + ': ' if e.filename else ''}{e.strerror or e}")
        return 2
    try:
        sys.stdout.flush()
    except OSError as e:
        return _stdout_failed(e)
    return code
