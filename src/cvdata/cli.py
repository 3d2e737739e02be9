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
from typing import TYPE_CHECKING, Any

from ._cli_import import add_import
from ._console import AS_OF_HELP, DATA_DIR_HELP, safe, say, say_hint
from ._console import err as _err
from ._paths import find_data_dir
from .env import resolve_as_of
from .problems import DataDirError, ValidationError, display_path, format_report
from .transaction import TransactionError, legacy_leftovers, reading, remove_leftovers

if TYPE_CHECKING:  # load imports pandas: not for `cvdata --help`
    from .load import CV

CHECKS = "types, required values, enums, patterns, keys, foreign keys, date order"


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
    say_hint(result.problems, folder)
    return 1


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
                say_hint(e.problems, found)
            _err("the data does not validate; fix it first")
            return 1
        _err(str(e))
        return 2


def _size(n: int) -> str:
    return f"{n} bytes" if n < 1024 else f"{n / 1024:.1f} KiB"


def _export(args: argparse.Namespace) -> int:
    from .document import resume_selection
    from .formats import EXPORTS, export

    cv = _load(args)
    if isinstance(cv, int):
        return cv
    rows = sum(len(df) for df in cv.tables().values())
    read = f"read {len(cv.tables())} tables, {rows} rows from {display_path(cv.data_dir)}"
    if args.resume:
        cv = resume_selection(cv)
        read += " (rows tagged for the résumé only)"
    dropped = [
        f"left out {d} (not an http, https or mailto address)" for d in export.unsafe_urls(cv)
    ]
    out, what = getattr(export, EXPORTS[args.format].function)(cv)
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


def _add_validate(sub: Any) -> None:
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


def _add_export(sub: Any) -> None:
    """``cvdata export FORMAT``: the choices from :data:`cvdata.formats.EXPORTS`."""
    from .formats import EXPORTS

    formats = "; ".join(f"{f.name}: {f.help}" for f in EXPORTS.values())
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
    e.add_argument("format", choices=sorted(EXPORTS), help="the format to write")
    e.add_argument("data_dir", nargs="?", help=DATA_DIR_HELP)
    e.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default: stdout)")
    e.add_argument(
        "--resume",
        action="store_true",
        help="only the rows tagged for the short résumé (the 'resume' column)",
    )
    e.add_argument("--as-of", metavar="YYYY-MM-DD", help=AS_OF_HELP)
    e.set_defaults(func=_export)


def _add_init(sub: Any) -> None:
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


def _add_upgrade(sub: Any) -> None:
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


def build_parser() -> argparse.ArgumentParser:
    """The command line: each command's parser comes from its ``_add_*`` function (the
    import formats' from the registry, :mod:`cvdata._cli_import`)."""
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
    _add_validate(sub)
    _add_export(sub)
    add_import(sub)
    _add_init(sub)
    _add_upgrade(sub)
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


__all__ = ["CHECKS", "build_parser", "main", "safe", "say"]
