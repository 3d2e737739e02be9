"""Command line: ``cvdata validate [DATA_DIR]`` (also ``python -m cvdata``)."""

from __future__ import annotations

import argparse
import sys

from .load import find_data_dir, resolve_as_of
from .problems import DataDirError, format_report
from .validate import check, display_path

CHECKS = "types, required values, enums, patterns, keys, foreign keys, date order"


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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cvdata",
        description="Tidy, validated CV tables: check them and turn them into other formats.",
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
    v.add_argument(
        "data_dir",
        nargs="?",
        help="folder with the CSV files (default: $CVDATA_DIR, else data/ here or above)",
    )
    v.add_argument(
        "--as-of",
        metavar="YYYY-MM-DD",
        help="nothing may be dated after this day (default: $CVDATA_AS_OF, else today)",
    )
    v.set_defaults(func=_validate)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)
