"""Reading one CSV file into text cells, with the line each row starts on.

The standard library's csv module does the parsing: it accepts CRLF line endings and
quoted commas and newlines, and lets us count lines so that every problem can name the
line of its row even when earlier rows span several lines.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from dataclasses import dataclass, field
from itertools import compress
from pathlib import Path

import pandas as pd

from ._files import MAX_TABLE_BYTES, FileRefused, read_bytes
from .problems import Problem
from .schema import Table

#: Characters no cell may hold: C0 and C1 controls other than tab, line feed and carriage
#: return, and the non-characters U+FFFE/U+FFFF. XML 1.0 forbids them, so a chart label
#: holding one makes an SVG that Typst cannot read; in a page they are invisible.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
# The same in UTF-8 bytes, searched in what is left of a file once its printable ASCII is
# deleted (a fast C loop): most files leave nothing, or a few accented letters. Deleting
# ASCII never splits a character's bytes, so nothing is missed.
_PRINTABLE_ASCII = bytes(range(0x20, 0x7F)) + b"\t\n\r"
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]|\xef\xbf[\xbe\xbf]")


@dataclass
class RawTable:
    """A table as text: one column per declared field (absent fields are all missing).

    ``cells`` holds each declared column as a list of stripped strings, ``None`` where a
    cell is missing; ``frame`` is the same as ``string`` columns, built when first asked
    for.
    """

    table: Table
    display: str
    cells: dict[str, list[str | None]]
    lines: list[int]
    missing_columns: set[str] = field(default_factory=set)
    _frame: pd.DataFrame | None = field(default=None, repr=False)

    def line(self, row: int) -> int:
        return self.lines[row]

    @property
    def frame(self) -> pd.DataFrame:
        if self._frame is None:
            names = self.table.field_names
            arrays = {name: pd.array(self.cells[name], dtype="string") for name in names}
            index = pd.RangeIndex(len(self.lines))
            self._frame = pd.DataFrame(arrays, index=index, columns=list(names))
        return self._frame


def _undecodable(display: str, data: bytes, err: UnicodeDecodeError) -> Problem:
    line = data.count(b"\n", 0, err.start) + 1
    bad = data[err.start : err.start + 1].hex()
    message = f"byte 0x{bad} is not UTF-8; save the file as UTF-8 (CSV UTF-8)"
    return Problem(display, line, None, message)


#: Unknown columns of one header listed one by one (each with a "did you mean"); the rest
#: are counted, so a header of thousands stays one screen and a fraction of a second.
MAX_UNKNOWN_SHOWN = 20


def read_raw(
    table: Table, path: Path, display: str, root: Path | None = None
) -> tuple[RawTable | None, list[Problem]]:
    """Read ``path`` as text cells. Returns ``None`` when the file cannot be used at all.

    ``root`` is the data folder (default: the file's folder); the file must be a regular
    file inside it, of at most ``MAX_TABLE_BYTES`` (see :mod:`cvdata._files`).
    """
    try:
        data = read_bytes(path, root if root is not None else path.parent, MAX_TABLE_BYTES)
    except FileNotFoundError:
        return None, [Problem(display, None, None, f"missing file (the {table.title} table)")]
    except FileRefused as e:
        return None, [Problem(display, None, None, f"{e.reason} (the {table.title} table)")]
    try:
        # utf-8-sig drops the byte-order mark that spreadsheet programs write.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        return None, [_undecodable(display, data, e)]
    if not text.strip():
        header = ",".join(table.field_names)
        message = f"file is empty; expected a header row: {header}"
        return None, [Problem(display, None, None, message)]

    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    problems: list[Problem] = []
    try:
        header = [h.strip() for h in next(reader)]
    except csv.Error as e:
        return None, [Problem(display, 1, None, f"cannot read the header row: {_why(e)}")]
    declared = table.field_names
    index, missing = _check_header(header, declared, display, problems)

    # Parse every row first (the csv module does the work, in C); decide what to keep after.
    first = reader.line_num + 1
    parsed: list[list[str]] | None = None
    error: Problem | None = None
    if '"' not in text and "\r" not in text:
        # Without quotes or carriage returns each row is one line: no need to count lines.
        try:
            parsed = list(reader)
        except csv.Error:
            parsed = None  # read again below, to report the row that fails
        else:
            starts = list(range(first, first + len(parsed)))
    if parsed is None:
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        next(reader)
        parsed, starts, error = _rows_with_lines(reader, display)

    width = len(header)
    if not _all_width(parsed, width):
        parsed, starts = _drop_ragged(parsed, starts, width, display, problems)
    cells, lines = _by_columns(parsed, starts, width, index, declared)
    raw = RawTable(table, display, cells, lines, set(missing))
    if _CONTROL_BYTES.search(data.translate(None, _PRINTABLE_ASCII)):  # cells only if found
        problems += _control_problems(raw)
    if error is not None:
        problems.append(error)
    return raw, problems


def _check_header(
    header: list[str], declared: tuple[str, ...], display: str, problems: list[Problem]
) -> tuple[dict[str, int], list[str]]:
    """Match the header row with the declared columns; append its problems to ``problems``.

    Returns the position of each declared column found and the declared columns missing.
    """
    # Computed once: per unknown column it scanned the header, the square of its width.
    absent = [d for d in declared if d not in set(header)]
    index: dict[str, int] = {}
    unknown = 0
    for pos, name in enumerate(header):
        if name in index:
            problems.append(Problem(display, 1, name, "column appears twice in the header"))
        elif name in declared:
            index[name] = pos
        else:
            unknown += 1
            if unknown > MAX_UNKNOWN_SHOWN:
                continue
            close = difflib.get_close_matches(name, absent, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            label = repr(name) if name else "with an empty name"
            problems.append(Problem(display, 1, None, f"unknown column {label}{hint}"))
    if unknown > MAX_UNKNOWN_SHOWN:
        more = unknown - MAX_UNKNOWN_SHOWN
        problems.append(Problem(display, 1, None, f"and {more:,} more unknown columns"))
    missing = [d for d in declared if d not in index]
    for name in missing:
        problems.append(Problem(display, 1, name, "missing column"))
    return index, missing


def _control_problems(raw: RawTable) -> list[Problem]:
    """One problem per cell that holds a control character, naming the first one."""
    problems = []
    for name, column in raw.cells.items():
        for row, value in enumerate(column):
            found = _CONTROL.search(value) if value is not None else None
            if found:
                shown = repr(value if len(value) <= 60 else value[:57] + "...")
                code = f"U+{ord(found.group()):04X}"
                problems.append(
                    Problem(
                        raw.display,
                        raw.line(row),
                        name,
                        f"{shown} holds the control character {code}, which cannot be "
                        "printed; only tabs and line breaks may be in a cell",
                    )
                )
    return problems


def _rows_with_lines(reader, display: str) -> tuple[list[list[str]], list[int], Problem | None]:
    """Every row left in ``reader`` with the line it starts on, up to the first unreadable."""
    parsed: list[list[str]] = []
    starts: list[int] = []
    start = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return parsed, starts, None
        except csv.Error as e:
            return parsed, starts, Problem(display, start, None, f"cannot read this row: {_why(e)}")
        parsed.append(cells)
        starts.append(start)
        start = reader.line_num + 1


def _why(e: csv.Error) -> str:
    """The csv module's complaint in words; its one size limit is the cell's."""
    if "field larger than field limit" in str(e):
        return f"a cell is longer than {csv.field_size_limit():,} characters, the most one may hold"
    return str(e)


def _all_width(parsed: list[list[str]], width: int) -> bool:
    """Whether every row has ``width`` fields, or none at all (an empty line)."""
    return set(map(len, parsed)) <= {0, width}


def _by_columns(
    parsed: list[list[str]],
    starts: list[int],
    width: int,
    index: dict[str, int],
    declared: tuple[str, ...],
) -> tuple[dict[str, list[str | None]], list[int]]:
    """The cells of rows that all have the header's width, column by column."""
    if [] in parsed:  # empty lines
        keep = list(map(bool, parsed))
        parsed = list(compress(parsed, keep))
        starts = list(compress(starts, keep))
    # Strip every column, the unknown ones too: a row is blank when all its cells are.
    columns = zip(*parsed, strict=True)
    stripped = [list(map(str.strip, col)) for col in columns] or [[] for _ in range(width)]
    filled = list(map(any, zip(*stripped, strict=True)))
    if not all(filled):
        stripped = [list(compress(col, filled)) for col in stripped]
        starts = list(compress(starts, filled))
    n = len(starts)
    # An empty cell is missing; so is every cell of a column the header lacks.
    cells: dict[str, list[str | None]] = {}
    for name in declared:
        if name not in index:
            cells[name] = [None] * n
        else:
            col = stripped[index[name]]
            cells[name] = [v or None for v in col] if "" in col else col  # type: ignore[misc]
    return cells, starts


def _drop_ragged(
    parsed: list[list[str]],
    starts: list[int],
    width: int,
    display: str,
    problems: list[Problem],
) -> tuple[list[list[str]], list[int]]:
    """The rows of the header's width (and empty lines); each other row with any text is
    reported, and none of them is read."""
    kept: list[list[str]] = []
    kept_starts: list[int] = []
    for cells, start in zip(parsed, starts, strict=True):
        if not cells or len(cells) == width:
            kept.append(cells)
            kept_starts.append(start)
        elif any(c.strip() for c in cells):
            message = f"row has {len(cells)} fields but the header has {width}"
            problems.append(Problem(display, start, None, message))
    return kept, kept_starts
