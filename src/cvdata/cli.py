"""Command line: ``cvdata validate | export | import`` (also ``python -m cvdata``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from .load import CV, find_data_dir, resolve_as_of
from .problems import DataDirError, ValidationError, format_report
from .validate import check, display_path

CHECKS = "types, required values, enums, patterns, keys, foreign keys, date order"
DATA_DIR_HELP = "folder with the CSV files (default: $CVDATA_DIR, else data/ here or above)"
AS_OF_HELP = "nothing may be dated after this day (default: $CVDATA_AS_OF, else today)"

EXPORT_FORMATS = {
    "bibtex": "the papers as BibTeX (.bib, UTF-8; biblatex types for patents and blog posts)",
    "csl": "the papers as CSL-JSON (for pandoc --citeproc, Zotero, citeproc-js)",
    "jsonresume": "the whole CV as JSON Resume (jsonresume.org; themes, resume-cli)",
}


def _validate(args: argparse.Namespace) -> int:
    try:
        folder = find_data_dir(args.data_dir)
        as_of = resolve_as_of(args.as_of)
    except (DataDirError, ValueError) as e:
        print(f"cvdata: {e}", file=sys.stderr)
        return 2
    result = check(folder, as_of)
    where = display_path(folder)
    if result.ok:
        print(
            f"{where}: {len(result.package.tables)} tables, {result.rows} rows: valid "
            f"({CHECKS}; as of {as_of.isoformat()})"
        )
        return 0
    print(format_report(result.problems))
    return 1


def _load(args: argparse.Namespace) -> CV | int:
    """The validated CV, or an exit code after saying what is wrong."""
    from .load import load

    try:
        return load(find_data_dir(args.data_dir), as_of=resolve_as_of(args.as_of))
    except (DataDirError, ValueError) as e:
        if isinstance(e, ValidationError):
            print(format_report(e.problems))
            print("cvdata: the data does not validate; fix it first", file=sys.stderr)
            return 1
        print(f"cvdata: {e}", file=sys.stderr)
        return 2


def _size(n: int) -> str:
    return f"{n} bytes" if n < 1024 else f"{n / 1024:.1f} KiB"


def _export(args: argparse.Namespace) -> int:
    from . import export
    from .document import resume_selection

    cv = _load(args)
    if isinstance(cv, int):
        return cv
    rows = sum(len(df) for df in cv.tables().values())
    read = f"read {len(cv.tables())} tables, {rows} rows from {display_path(cv.data_dir)}"
    if args.resume:
        cv = resume_selection(cv)
        read += " (rows tagged for the résumé only)"
    what: str
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
            print(f"cvdata: cannot write {target}: {e.strerror or e}", file=sys.stderr)
            return 2
        print(f"cvdata: {read}\ncvdata: wrote {what} to {target} ({size})")
    else:
        sys.stdout.write(out)
        sys.stdout.flush()
        print(f"cvdata: {read}\ncvdata: wrote {what} ({size})", file=sys.stderr)
    return 0


def _import(args: argparse.Namespace) -> int:
    from .bibimport import BibImportError, apply_plan, plan_import, read_bibtex

    cv = _load(args)
    if isinstance(cv, int):
        return cv
    try:
        library = read_bibtex(args.file)
    except BibImportError as e:
        for message in e.messages:
            print(f"cvdata: {message}", file=sys.stderr)
        print(f"cvdata: {display_path(cv.data_dir)}/ is unchanged", file=sys.stderr)
        return 1
    plan = plan_import(cv, library, str(args.file))
    print(f"{display_path(Path(args.file))}: {plan.entries} entries read")
    for s in plan.skipped:
        print(f"  skip {s.key} (line {s.line}): {s.reason}")
    for p in plan.added:
        row = p.paper
        detail = ", ".join(x for x in (row["type"], row["status"], row["year"]) if x)
        venue = row["venue_id"] or row["venue_display"]
        print(
            f"  add  {row['id']} (line {p.line}): {row['title']!r} [{detail}]"
            f"{' at ' + venue if venue else ''}; {len(p.authors)} authors"
        )
    where = display_path(cv.data_dir)
    counts = f"{len(plan.added)} to add, {len(plan.skipped)} skipped"
    if not plan.added:
        print(f"{where}: nothing to add ({counts}); no file changed")
        return 0
    result = apply_plan(plan, cv.data_dir, cv.as_of, dry_run=args.dry_run)
    files = ", ".join(f"{name} (+{n} rows)" for name, n in result.added_rows.items())
    if not result.validation.ok:
        print(format_report(result.validation.problems))
        print(
            f"{where}: the data would not validate with these rows; nothing was imported "
            f"and no file changed ({counts})"
        )
        return 1
    if args.dry_run:
        print(f"{where}: dry run: would write {files}; the result validates; no file changed")
        return 0
    print(f"{where}: {counts}; wrote {files}; the data validates")
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
        help="add papers and their authors from a BibTeX file",
        description=(
            "Read FILE (BibTeX, UTF-8) and add each entry that is not in the CV yet as a row "
            "of papers.csv with its authors in paper_authors.csv (DOI, ISBN and arXiv ids in "
            "paper_identifiers.csv, a url in paper_links.csv). Entries with the same "
            "x-cvdata-id, the same DOI, or the same title and year as a paper of the CV are "
            "reported and skipped; existing ids are kept. Venues are matched to venues.csv by "
            "name or acronym, else written to venue_display. The new rows are validated with "
            "the rest of the data in a temporary copy first: a file that cannot be parsed or "
            "a result that does not validate leaves the data folder untouched (exit 1)."
        ),
    )
    i.add_argument("kind", choices=["bibtex"], help="the format of FILE")
    i.add_argument("file", metavar="FILE", help="the .bib file to read")
    i.add_argument("data_dir", nargs="?", help=DATA_DIR_HELP)
    i.add_argument(
        "--dry-run",
        action="store_true",
        help="say what would be added and skipped, and whether it validates; change nothing",
    )
    i.add_argument("--as-of", metavar="YYYY-MM-DD", help=AS_OF_HELP)
    i.set_defaults(func=_import)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)
