"""Problems found in the data, the error that carries them, and how they name a file."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


def display_path(path: Path) -> str:
    """The path as a person would type it: relative to the working folder when inside it."""
    rel = os.path.relpath(path)
    return path.as_posix() if rel.startswith("..") else Path(rel).as_posix()


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the data, located as precisely as it can be.

    Printed as ``data/papers.csv:12: year: '20x4' is not a year``: the file, the line
    the row starts on (the header is line 1), the column and what is wrong.
    """

    path: str
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        if self.column:
            return f"{where}: {self.column}: {self.message}"
        return f"{where}: {self.message}"


def format_report(problems: Iterable[Problem]) -> str:
    """All problems, one per line, sorted by file and line, with a count at the end."""
    problems = sorted(problems, key=lambda p: (p.path, p.line or 0, p.column or "", p.message))
    files = len({p.path for p in problems})
    noun = "problem" if len(problems) == 1 else "problems"
    lines = [str(p) for p in problems]
    lines.append(f"{len(problems)} {noun} in {files} file{'s' if files != 1 else ''}")
    return "\n".join(lines)


class ValidationError(ValueError):
    """The data does not validate; ``problems`` lists everything found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.path, p.line or 0, p.column or ""))
        super().__init__("the CV data does not validate:\n" + format_report(self.problems))

    # IPython (and so Quarto's Jupyter engine) prints this instead of a traceback, so a
    # notebook run on bad data shows the report, not cvdata's internals.
    def _render_traceback_(self) -> list[str]:
        return [str(self)]


class DataDirError(FileNotFoundError):
    """No data folder could be found or the given one does not exist."""

    def _render_traceback_(self) -> list[str]:
        return [str(self)]
