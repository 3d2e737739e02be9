"""Reading one CSV file into text cells, with the line each row starts on.

The standard library's csv module does the parsing: it accepts CRLF line endings and
quoted commas and newlines, and lets us count lines so that every problem can name the
line of its row even when earlier rows span several lines.
"""

from __future__ import annotations

import csv
import difflib
import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .problems import Problem
from .schema import Table


@dataclass
class RawTable:
    """A table as text: one column per declared field (absent fields are all missing)."""

    table: Table
    display: str
    frame: pd.DataFrame
    lines: list[int]
    missing_columns: set[str] = field(default_factory=set)

    def line(self, row: int) -> int:
        return self.lines[row]


def _undecodable(display: str, data: bytes, err: UnicodeDecodeError) -> Problem:
    line = data.count(b"\n", 0, err.start) + 1
    bad = data[err.start : err.start + 1].hex()
    message = f"byte 0x{bad} is not UTF-8; save the file as UTF-8 (CSV UTF-8)"
    return Problem(display, line, None, message)


def read_raw(table: Table, path: Path, display: str) -> tuple[RawTable | None, list[Problem]]:
    """Read ``path`` as text cells. Returns ``None`` when the file cannot be used at all."""
    if not path.exists():
        return None, [Problem(display, None, None, f"missing file (the {table.title} table)")]
    data = path.read_bytes()
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
        return None, [Problem(display, 1, None, f"cannot read the header row: {e}")]
    declared = table.field_names
    index = {}
    for pos, name in enumerate(header):
        if name in index:
            problems.append(Problem(display, 1, name, "column appears twice in the header"))
        elif name in declared:
            index[name] = pos
        else:
            close = difflib.get_close_matches(name, [d for d in declared if d not in header], n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            label = repr(name) if name else "with an empty name"
            problems.append(Problem(display, 1, None, f"unknown column {label}{hint}"))
    missing = [d for d in declared if d not in index]
    for name in missing:
        problems.append(Problem(display, 1, name, "missing column"))

    rows: list[list[str]] = []
    lines: list[int] = []
    start = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            problems.append(Problem(display, start, None, f"cannot read this row: {e}"))
            break
        if cells and any(c.strip() for c in cells):
            if len(cells) != len(header):
                problems.append(
                    Problem(
                        display,
                        start,
                        None,
                        f"row has {len(cells)} fields but the header has {len(header)}",
                    )
                )
            else:
                rows.append([cells[index[n]].strip() if n in index else "" for n in declared])
                lines.append(start)
        start = reader.line_num + 1

    frame = pd.DataFrame(rows, columns=list(declared), dtype="string")
    frame = frame.mask(frame == "")
    return RawTable(table, display, frame, lines, set(missing)), problems
