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
    from .formats._format import Report
    from .formats._land import Landed
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
    """``cvdata import FORMAT FILE [DATA_DIR]``, for every format of the registry: land
    the input (:func:`cvdata.formats._land.land`), then say what came in and the outcome."""
    from .formats import IMPORTS
    from .formats._land import land

    folder = _target_dir(args)
    where = display_path(folder)
    try:
        as_of = resolve_as_of(args.as_of)
    except ValueError as e:
        _err(str(e))
        return 2
    try:
        landed = land(
            IMPORTS[args.kind], args.inputs, folder, args, as_of,
            dry_run=args.dry_run, on_wait=_err,
        )  # fmt: skip
    except (TransactionError, DescriptorError) as e:
        _err(str(e))
        _err(f"{where}/ is unchanged")
        return 1
    for note in landed.notes:
        _err(note)
    _say_report(landed.report)
    for name in landed.kept:
        say(f"  kept {name}.csv as it is (one row per CV; the input's {name} was not imported)")
    return _say_outcome(landed, folder, args.dry_run)


def _say_report(report: Report) -> None:
    """What an import read, per section of its input: came in, stored, merged (already
    in the CV), set aside (each named, with why), and the warnings."""
    for line in report.lines:
        say(line)
    for name, got in report.sections.items():
        parts = [f"{got.came_in} came in", f"{got.stored} stored"]
        if got.merged:
            parts.append(f"{got.merged} merged (already in the CV)")
        if got.set_aside:
            parts.append(f"{len(got.set_aside)} set aside")
        say(f"  {name}: {', '.join(parts)}")
        for where, why in got.set_aside:
            say(f"    set aside {where}: {why}")
    for warning in report.warnings:
        say(f"  warning: {warning}")


def _rows(n: int) -> str:
    return f"{n} row" if n == 1 else f"{n} rows"


def _say_outcome(landed: Landed, folder: Path, dry_run: bool) -> int:
    """The last lines of an import: what was written, or why nothing was."""
    where = display_path(folder)
    if landed.stage == "input":
        for problem in landed.problems:
            _err(str(problem))
        _err(f"nothing was imported; {where}/ is unchanged")
        return 1
    if landed.stage == "folder":
        say(format_report(landed.problems))
        _say_hint(landed.problems, folder)
        say(f"{where}: the data folder cannot be used as it is (above); nothing was imported")
        return 1
    sections = landed.report.sections.values()
    to_add = sum(s.stored for s in sections)
    counts = f"{to_add} to add, {sum(s.merged + len(s.set_aside) for s in sections)} skipped"
    if landed.stage == "result":
        say(format_report(landed.problems))
        say(
            f"{where}: the data would not validate with these rows; nothing was imported "
            f"and no file changed ({counts})"
        )
        return 1
    there = sum(landed.skipped.values())
    there_text = f"; {_rows(there)} already there" if there else ""
    if not landed.rows:
        say(f"{where}: nothing to add ({counts}{there_text}); no file changed")
        return 0
    files = ", ".join(f"{landed.paths[n]} (+{_rows(k)})" for n, k in landed.added.items())
    if dry_run:
        say(f"{where}: dry run: would write {files}; the result validates; no file changed")
        return 0
    made = "created the data folder; " if landed.created else ""
    say(f"{where}: {made}{counts}; wrote {files}{there_text}; the data validates")
    return 0


def _target_dir(args: argparse.Namespace) -> Path:
    """The data folder to import into: as given (it may not exist yet), else the usual one,
    else ``data/`` in the working folder (a new CV)."""
    if args.data_dir:
        return Path(args.data_dir)
    try:
        return find_data_dir(None)
    except DataDirError:
        return Path("data")


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


def _add_import(sub: Any) -> None:
    """``cvdata import FORMAT``: one sub-command per line of :data:`cvdata.formats.IMPORTS`
    (its help, its metavar, its module's own options), one handler for all."""
    from .formats import IMPORTS
    from .formats._land import format_module

    names = ", ".join(IMPORTS)
    i = sub.add_parser(
        "import",
        help=f"add to a data folder from another format ({names})",
        description=(
            "Read FILE in FORMAT and add its rows to DATA_DIR: rows whose key is there "
            "already are skipped (so a second import adds nothing), the rest are validated "
            "with the rest of the data in a staged copy first, and written all at once or "
            "not at all: an input that cannot be read or a result that does not validate "
            "leaves the data folder untouched (exit 1). A DATA_DIR that does not exist is "
            "made whole, or not at all. Two imports into one folder wait for each other; an "
            "interrupted import is finished or undone by the next cvdata command. Prints "
            "what came in per section of the input: stored, merged (already in the CV), "
            "set aside and why. Every format takes --dry-run (say what would be added and "
            "whether it validates; change nothing) and --as-of."
        ),
        epilog=" ".join(f"{f.name} {f.metavar}: {f.description}" for f in IMPORTS.values()),
    )
    kinds = i.add_subparsers(dest="kind", required=True, metavar="FORMAT")
    for fmt in IMPORTS.values():
        about = f"{fmt.help[:1].upper()}{fmt.help[1:]}. {fmt.description}".strip()
        k = kinds.add_parser(fmt.name, help=fmt.help, description=about)
        shown = f"the file(s) to read ('-': standard input); at most {_INPUT_MB} MB each"
        if fmt.many:
            k.add_argument("inputs", nargs="+", metavar=fmt.metavar, help=shown)
            k.add_argument("--data-dir", dest="data_dir", help=DATA_DIR_HELP)
        else:
            k.add_argument("inputs", nargs=1, metavar=fmt.metavar, help=shown)
            k.add_argument("data_dir", nargs="?", help=DATA_DIR_HELP)
        k.add_argument(
            "--dry-run",
            action="store_true",
            help="say what would be added and skipped, and whether it validates; change nothing",
        )
        k.add_argument("--as-of", metavar="YYYY-MM-DD", help=AS_OF_HELP)
        if fmt.options:  # the module's own options (it imports what it needs lazily)
            format_module(fmt).add_arguments(k)
        k.set_defaults(func=_import)


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

    _add_import(sub)

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
