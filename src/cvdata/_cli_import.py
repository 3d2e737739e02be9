"""``cvdata import FORMAT``: one sub-command per line of :data:`cvdata.formats.IMPORTS`,
one handler for all (:func:`cvdata.formats._land.land`), and the report it prints."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._console import AS_OF_HELP, DATA_DIR_HELP, err, say, say_hint
from ._files import MAX_INPUT_BYTES
from ._paths import find_data_dir
from .env import resolve_as_of
from .problems import DataDirError, display_path, format_report
from .schema import DescriptorError
from .transaction import TransactionError

if TYPE_CHECKING:  # formats import their parsers, and _land pandas: not for --help
    from .formats._format import Report
    from .formats._land import Landed

_INPUT_MB = MAX_INPUT_BYTES // (1024 * 1024)


def add_import(sub: Any) -> None:
    """``cvdata import FORMAT``: one sub-command per line of :data:`cvdata.formats.IMPORTS`
    (its help, its metavar, its module's own options), one handler for all."""
    from .formats import IMPORTS

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
        shown = f"the file{'s' if fmt.many else ''} to read ('-': standard input); "
        shown += f"at most {_INPUT_MB} MB{' each' if fmt.many else ''}"
        if fmt.many:
            k.add_argument("inputs", nargs="+", metavar=fmt.metavar, help=shown)
            k.add_argument("--data-dir", dest="data_dir", help=DATA_DIR_HELP)
        else:
            k.add_argument("inputs", nargs=1, metavar=fmt.metavar, help=shown)
            k.add_argument("data_dir", nargs="?", metavar="DATA_DIR", help=DATA_DIR_HELP)
        k.add_argument(
            "--dry-run",
            action="store_true",
            help="say what would be added and skipped, and whether it validates; change nothing",
        )
        k.add_argument("--as-of", metavar="YYYY-MM-DD", help=AS_OF_HELP)
        if fmt.options:  # the module's own options (it imports what it needs lazily)
            fmt.load().add_arguments(k)
        k.set_defaults(func=run_import)


def run_import(args: argparse.Namespace) -> int:
    """``cvdata import FORMAT FILE [DATA_DIR]``, for every format of the registry: land
    the input (:func:`cvdata.formats._land.land`), then say what came in and the outcome."""
    from .formats import IMPORTS
    from .formats._land import land

    folder = _target_dir(args)
    where = display_path(folder)
    try:
        as_of = resolve_as_of(args.as_of)
    except ValueError as e:
        err(str(e))
        return 2
    try:
        landed = land(
            IMPORTS[args.kind], args.inputs, folder, args, as_of,
            dry_run=args.dry_run, on_wait=err,
        )  # fmt: skip
    except (TransactionError, DescriptorError) as e:
        err(str(e))
        err(f"{where}/ is unchanged")
        return 1
    for note in landed.notes:
        err(note)
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
            err(str(problem))
        err(f"nothing was imported; {where}/ is unchanged")
        return 1
    if landed.stage == "folder":
        say(format_report(landed.problems))
        say_hint(landed.problems, folder)
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


__all__ = ["add_import", "run_import"]
