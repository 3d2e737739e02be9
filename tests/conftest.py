"""Shared fixtures and the helpers that edit copies of the CV tables.

The helpers go through the standard library's csv module, which writes the shipped files
back byte for byte, so a test changes only what it means to change. Each helper that
touches a row returns the line that row starts on (the header is line 1), counted from
the file as written, so expected messages never hard-code a line number.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

import cvdata
from cvdata.schema import default_package

PROJECT = Path(__file__).resolve().parents[1]
DATA_DIR = PROJECT / "data"
AS_OF = dt.date(2026, 11, 26)
#: How many tables a CV has: the shipped descriptor's count, never written out in a test.
TABLES = len(default_package().tables)
#: Environment variables that steer cvdata; the tests never inherit them from the shell.
CVDATA_ENV = ("CVDATA_DIR", "CVDATA_AS_OF", "QUARTO_PROJECT_ROOT")

#: How a test names a row: the value of its first column, or values of several columns.
RowKey = str | Mapping[str, str]


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(autouse=True)
def _no_cvdata_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in CVDATA_ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def data_dir() -> Path:
    """The project's shipped data folder (never modified by the tests)."""
    return DATA_DIR


@pytest.fixture
def as_of() -> dt.date:
    return AS_OF


@pytest.fixture
def broken_copy(tmp_path: Path) -> Callable[..., Path]:
    """Factory: copy data/ to ``tmp_path/<name>`` (default ``data``) and return that folder."""

    def make(name: str = "data") -> Path:
        target = tmp_path / name
        shutil.copytree(DATA_DIR, target)
        return target

    return make


@pytest.fixture(scope="session")
def cv() -> cvdata.CV:
    """The shipped data, loaded once (read-only: tests must not mutate its frames)."""
    return cvdata.load(DATA_DIR, as_of=AS_OF)


@pytest.fixture
def run_cvdata() -> Callable[..., subprocess.CompletedProcess]:
    """Factory: run ``python -m cvdata`` as a user would, with the as-of date fixed.

    Returns
    -------
    Callable[..., subprocess.CompletedProcess]
        ``run(*args, cwd=PROJECT, env=None)`` runs the command with ``args`` in ``cwd`` (no
        cvdata variable inherited from the shell, ``CVDATA_AS_OF`` set to ``AS_OF``, then
        ``env``) and returns the finished process, its output decoded as UTF-8 text.
    """

    def run(
        *args: str, cwd: Path = PROJECT, env: Mapping[str, str] | None = None
    ) -> subprocess.CompletedProcess:
        base = {k: v for k, v in os.environ.items() if k not in CVDATA_ENV}
        return subprocess.run(
            [sys.executable, "-m", "cvdata", *args],
            cwd=cwd,
            env={**base, "CVDATA_AS_OF": AS_OF.isoformat(), **(env or {})},
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=120,
        )

    return run


#: Never copied into a scratch project: outputs, caches, environments.
_NOT_SOURCE = {
    ".git",
    ".venv",
    ".cache",
    ".quarto",
    "_site",
    "_resume",
    "_freeze",
    "_figures",
    "_cvdata",
    "assets",
    "bench-out",
    ".pytest_cache",
    ".ruff_cache",
    "__pycache__",
}


def quarto() -> str:
    """The Quarto the tests render with: ``$CVDATA_QUARTO`` (set by ``make test``, which
    finds or installs it with scripts/quarto.sh), else ``quarto`` on PATH.

    A missing Quarto fails the render tests; nothing else renders in its place.
    """
    found = os.environ.get("CVDATA_QUARTO") or shutil.which("quarto")
    if not found:
        pytest.fail(
            "Quarto 1.8+ is needed for the render tests: run them with `make test` (which "
            "installs it, scripts/quarto.sh) or set CVDATA_QUARTO=/path/to/quarto"
        )
    return found


def copy_project(target: Path, project: Path = PROJECT) -> Path:
    """A scratch copy of the project as a fresh clone has it (sources, tests, examples and
    data; no outputs, caches or environments), so a render never touches the real one."""
    shutil.copytree(
        project,
        target,
        ignore=lambda folder, names: [
            n for n in names if n in _NOT_SOURCE or n.endswith(".egg-info")
        ],
        symlinks=True,
    )
    return target


def render(
    project: Path,
    *args: str,
    data: Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 900,
) -> subprocess.CompletedProcess:
    """``quarto render ARGS`` in ``project`` as ``make render`` runs it: the project's Python
    for the Jupyter engine (``QUARTO_PYTHON``, its bin/ first on PATH), its
    ``scripts/dart-sass`` (``QUARTO_DART_SASS``), the tests' as-of date, and ``data`` as
    ``CVDATA_DIR`` when given. Output decoded as UTF-8 text."""
    base = {k: v for k, v in os.environ.items() if k not in CVDATA_ENV}
    base.pop("QUARTO_PROFILE", None)
    bindir = str(Path(sys.executable).parent)
    full = {
        **base,
        "PATH": bindir + os.pathsep + base.get("PATH", ""),
        "QUARTO_PYTHON": sys.executable,
        "CVDATA_AS_OF": AS_OF.isoformat(),
        **({"CVDATA_DIR": str(data)} if data is not None else {}),
    }
    sass = project / "scripts" / "dart-sass"  # as make: the compiled theme kept
    full.update({"QUARTO_DART_SASS": str(sass)} if sass.is_file() else {}, **(env or {}))
    return subprocess.run(
        [quarto(), "render", *args],
        cwd=project,
        env=full,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=timeout,
    )


@dataclass(frozen=True)
class RenderedSite:
    """A scratch copy of the project after ``quarto render``: its ``_site/`` and the log."""

    project: Path
    log: str

    @property
    def root(self) -> Path:
        return self.project / "_site"

    def page(self, name: str) -> Path:
        return self.root / name


def render_site(
    project: Path, data: Path | None = None, *args: str, git: bool = False
) -> RenderedSite:
    """Copy the project to ``project``, render it (``git=True``: as a commit of a git
    repository first, to see what the render changes), and check that it succeeded."""
    copy_project(project)
    if git:
        for cmd in (
            ["git", "init", "-q"],
            ["git", "add", "-A"],
            ["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "clone"],
        ):
            subprocess.run(cmd, cwd=project, check=True, capture_output=True)
    done = render(project, *args, data=data)
    log = done.stdout + done.stderr
    assert done.returncode == 0, log[-5000:]
    return RenderedSite(project, log)


@pytest.fixture(scope="session")
def rendered_site(tmp_path_factory: pytest.TempPathFactory) -> RenderedSite:
    """The project, as a git repository, rendered once per test session by ``quarto
    render`` (the whole site and the PDF), with the as-of date fixed."""
    return render_site(tmp_path_factory.mktemp("site") / "project", git=True)


@pytest.fixture(scope="session")
def render_data(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Path], Path]:
    """Factory: the project rendered by Quarto with another data folder (once per folder);
    returns its ``_site/``."""
    done: dict[Path, Path] = {}

    def run(data: Path) -> Path:
        if data not in done:
            project = tmp_path_factory.mktemp("render") / "project"
            done[data] = render_site(project, data).root
        return done[data]

    return run


# --------------------------------------------------------------------------- CSV helpers


def read_csv(path: Path) -> tuple[list[str], list[list[str]], list[int]]:
    """Header, rows, and the line each row starts on (rows may span several lines)."""
    text = path.read_bytes().decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    rows: list[list[str]] = []
    lines: list[int] = []
    start = reader.line_num + 1
    for row in reader:
        rows.append(row)
        lines.append(start)
        start = reader.line_num + 1
    return header, rows, lines


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    """Write like the shipped files: UTF-8, no BOM, LF line endings, minimal quoting."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(out.getvalue().encode("utf-8"))


def _row_index(header: list[str], rows: list[list[str]], key: RowKey) -> int:
    wanted = {header[0]: key} if isinstance(key, str) else dict(key)
    cols = {name: header.index(name) for name in wanted}
    hits = [i for i, row in enumerate(rows) if all(row[cols[n]] == v for n, v in wanted.items())]
    if len(hits) != 1:
        raise AssertionError(f"{wanted} matches {len(hits)} rows, not exactly one")
    return hits[0]


def line_of(path: Path, key: RowKey) -> int:
    """The line the row named by ``key`` starts on."""
    header, rows, lines = read_csv(path)
    return lines[_row_index(header, rows, key)]


def edit_cell(path: Path, key: RowKey, column: str, value: str) -> int:
    """Set one cell; returns the line its row starts on after the edit."""
    header, rows, _ = read_csv(path)
    i = _row_index(header, rows, key)
    rows[i][header.index(column)] = value
    write_csv(path, header, rows)
    return read_csv(path)[2][i]


def edit_rows(path: Path, change: Callable[[list[str], list[list[str]]], None]) -> None:
    """Let ``change`` mutate the header and rows in place, then write the file back."""
    header, rows, _ = read_csv(path)
    change(header, rows)
    write_csv(path, header, rows)


def drop_column(path: Path, column: str) -> None:
    """Remove a column from the header and from every row."""

    def change(header: list[str], rows: list[list[str]]) -> None:
        i = header.index(column)
        del header[i]
        for row in rows:
            del row[i]

    edit_rows(path, change)


def rename_column(path: Path, old: str, new: str) -> None:
    edit_rows(path, lambda header, rows: header.__setitem__(header.index(old), new))


def append_row(path: Path, values: Mapping[str, str]) -> int:
    """Add a row (unnamed columns empty); returns the line it starts on."""
    header, rows, _ = read_csv(path)
    unknown = set(values) - set(header)
    assert not unknown, f"no such columns: {unknown}"
    rows.append([values.get(name, "") for name in header])
    write_csv(path, header, rows)
    return read_csv(path)[2][-1]


def rewrite_bytes(path: Path, change: Callable[[bytes], bytes]) -> None:
    """Replace the file with ``change(its bytes)``, for edits the csv module cannot make."""
    before = path.read_bytes()
    after = change(before)
    assert after != before, f"{path.name}: the edit changed nothing"
    path.write_bytes(after)


def replace_once(old: bytes, new: bytes) -> Callable[[bytes], bytes]:
    """A ``rewrite_bytes`` change that replaces the single occurrence of ``old``."""

    def change(data: bytes) -> bytes:
        assert data.count(old) == 1, f"{old!r} occurs {data.count(old)} times"
        return data.replace(old, new)

    return change
