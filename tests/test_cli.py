"""The command line, run as a real process: ``python -m cvdata`` and the ``cvdata`` script."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CVDATA_ENV, PROJECT, TABLES, edit_cell, replace_once, rewrite_bytes

import cvdata
from cvdata.cli import main
from cvdata.schema import DESCRIPTOR

AS_OF = ["--as-of", "2026-11-26"]
CHECKS = "types, required values, enums, patterns, keys, foreign keys, date order"


def _script() -> str:
    """The console script installed next to the interpreter running the tests."""
    found = shutil.which("cvdata", path=str(Path(sys.executable).parent))
    assert found, f"no cvdata script next to {sys.executable}"
    return found


COMMANDS = {
    "python-m": lambda: [sys.executable, "-m", "cvdata"],
    "script": lambda: [_script()],
}


@pytest.fixture(params=sorted(COMMANDS))
def cvdata_cmd(request: pytest.FixtureRequest) -> list[str]:
    return COMMANDS[request.param]()


def run(cmd: list[str], *args: str, cwd: Path = PROJECT, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in CVDATA_ENV}
    return subprocess.run(
        [*cmd, *args],
        cwd=cwd,
        env={**clean, **env},
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def assert_no_traceback(proc: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in proc.stdout
    assert "Traceback" not in proc.stderr


def test_script_is_installed_next_to_the_interpreter() -> None:
    script = Path(_script())
    assert script.parent == Path(sys.executable).parent
    assert os.access(script, os.X_OK)


def test_clean_data(cvdata_cmd: list[str]) -> None:
    proc = run(cvdata_cmd, "validate", *AS_OF)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout == f"data: {TABLES} tables, 678 rows: valid ({CHECKS}; as of 2026-11-26)\n"
    assert f"{TABLES} tables" in proc.stdout
    assert proc.stderr == ""


def test_clean_data_named_explicitly(cvdata_cmd: list[str], data_dir: Path, tmp_path: Path) -> None:
    proc = run(cvdata_cmd, "validate", str(data_dir), *AS_OF, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"{data_dir.as_posix()}: {TABLES} tables, 678 rows: valid")


def test_clean_data_found_from_a_subfolder(cvdata_cmd: list[str]) -> None:
    notebooks = PROJECT / "notebooks"
    os.makedirs(notebooks, exist_ok=True)
    proc = run(cvdata_cmd, "validate", *AS_OF, cwd=notebooks)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # data/ is above the working folder, so it is shown in full.
    assert proc.stdout.startswith(f"{(PROJECT / 'data').as_posix()}: {TABLES} tables")


def test_environment_variables(cvdata_cmd: list[str], broken_copy, tmp_path: Path) -> None:
    folder = broken_copy("elsewhere")
    edit_cell(folder / "roles.csv", "dolby", "end", "2026-11")
    ok = run(
        cvdata_cmd, "validate", cwd=tmp_path, CVDATA_DIR=str(folder), CVDATA_AS_OF="2026-11-26"
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "as of 2026-11-26" in ok.stdout
    late = run(
        cvdata_cmd, "validate", cwd=tmp_path, CVDATA_DIR=str(folder), CVDATA_AS_OF="2026-10-31"
    )
    assert late.returncode == 1
    assert "end: 2026-11 is after the as-of date 2026-10-31" in late.stdout


def _break(folder: Path) -> None:
    edit_cell(folder / "papers.csv", "jsidentify", "year", "20x4")
    edit_cell(folder / "skills.csv", "cpp", "years", "-1")
    (folder / "teaching.csv").unlink()
    rewrite_bytes(
        folder / "volunteering.csv", replace_once(b"Vice President", b"Vice Pr\xe9sident")
    )


def test_broken_data(
    cvdata_cmd: list[str],
    broken_copy,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    as_of: dt.date,
) -> None:
    folder = broken_copy()
    _break(folder)
    monkeypatch.chdir(tmp_path)
    problems = cvdata.validate(folder, as_of=as_of).problems
    assert len(problems) == 4

    proc = run(cvdata_cmd, "validate", "data", *AS_OF, cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == [*(str(p) for p in problems), "4 problems in 4 files"]
    assert proc.stderr == ""
    assert_no_traceback(proc)


def test_broken_data_found_from_inside(cvdata_cmd: list[str], broken_copy, tmp_path: Path) -> None:
    """Found by the search upwards; a folder outside the working folder is named in full."""
    folder = broken_copy()
    line = edit_cell(folder / "papers.csv", "jsidentify", "year", "20x4")
    (tmp_path / "notebooks").mkdir()
    proc = run(cvdata_cmd, "validate", *AS_OF, cwd=tmp_path / "notebooks")
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == [
        f"{(folder / 'papers.csv').as_posix()}:{line}: year: '20x4' is not a year",
        "1 problem in 1 file",
    ]


def test_broken_descriptor(cvdata_cmd: list[str], broken_copy, tmp_path: Path) -> None:
    folder = broken_copy()
    (folder / "datapackage.json").write_text("{not json", encoding="utf-8")
    proc = run(cvdata_cmd, "validate", "data", *AS_OF, cwd=tmp_path)
    assert proc.returncode == 1
    assert "datapackage.json" in proc.stdout
    assert "not a valid data package descriptor" in proc.stdout
    assert_no_traceback(proc)


def test_missing_folder(cvdata_cmd: list[str], tmp_path: Path) -> None:
    proc = run(cvdata_cmd, "validate", "no-such-folder", *AS_OF, cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr == "cvdata: data folder 'no-such-folder' does not exist\n"
    assert_no_traceback(proc)


def test_no_data_folder_found(cvdata_cmd: list[str], tmp_path: Path) -> None:
    proc = run(cvdata_cmd, "validate", *AS_OF, cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.startswith("cvdata: no data/ folder with a datapackage.json in ")
    assert "CVDATA_DIR" in proc.stderr
    assert_no_traceback(proc)


def test_bad_as_of(cvdata_cmd: list[str]) -> None:
    proc = run(cvdata_cmd, "validate", "--as-of", "2026-13-01")
    assert proc.returncode == 2
    assert proc.stderr == ("cvdata: as-of date '2026-13-01' is not a date in the form YYYY-MM-DD\n")
    assert_no_traceback(proc)


def test_help(cvdata_cmd: list[str]) -> None:
    proc = run(cvdata_cmd, "--help")
    assert proc.returncode == 0
    assert proc.stdout.startswith("usage: cvdata ")
    assert "validate" in proc.stdout


def test_validate_help(cvdata_cmd: list[str]) -> None:
    proc = run(cvdata_cmd, "validate", "--help")
    assert proc.returncode == 0
    assert "--as-of YYYY-MM-DD" in proc.stdout
    assert "data_dir" in proc.stdout


def test_no_command_is_a_usage_error(cvdata_cmd: list[str]) -> None:
    proc = run(cvdata_cmd)
    assert proc.returncode == 2
    assert "usage: cvdata" in proc.stderr
    assert_no_traceback(proc)


def test_main_returns_the_exit_code(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    assert main(["validate", str(data_dir), *AS_OF]) == 0
    assert f"{TABLES} tables" in capsys.readouterr().out
    assert main(["validate", str(data_dir / "missing"), *AS_OF]) == 2
    assert "does not exist" in capsys.readouterr().err


# --------------------------------------------------------------------------- upgrade

OLDER = PROJECT / "tests" / "fixtures" / "older-cvdata" / "data"
HINT = "This folder was made for an older cvdata: `cvdata upgrade data` adds the new tables"


def _older(tmp_path: Path, case: str) -> Path:
    """The data folder of an older cvdata (case A), or that folder with upstream's
    descriptor merged in (case B); see tests/test_upgrade.py."""
    folder = tmp_path / "data"
    shutil.copytree(OLDER, folder)
    if case == "B":
        shutil.copyfile(PROJECT / "src" / "cvdata" / "datapackage.json", folder / DESCRIPTOR)
    return folder


@pytest.mark.parametrize("case", ["A", "B"])
def test_validate_says_when_upgrade_fixes_the_folder(
    cvdata_cmd: list[str], tmp_path: Path, case: str
) -> None:
    _older(tmp_path, case)
    proc = run(cvdata_cmd, "validate", "data", *AS_OF, cwd=tmp_path)
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    # The report as before, then the hint on a line of its own.
    assert lines[-2].endswith(" problems in 1 file" if case == "A" else " problems in 17 files")
    assert lines[-1] == HINT + " and columns (empty)."
    expected = "languages' is missing from the descriptor" if case == "A" else "missing column"
    assert expected in proc.stdout
    assert_no_traceback(proc)


def test_validate_gives_no_hint_for_other_problems(
    cvdata_cmd: list[str], broken_copy, tmp_path: Path
) -> None:
    _break(broken_copy())
    proc = run(cvdata_cmd, "validate", "data", *AS_OF, cwd=tmp_path)
    assert proc.returncode == 1
    assert "teaching.csv: missing file" in proc.stdout  # a missing table, among others
    assert "cvdata upgrade" not in proc.stdout + proc.stderr


def test_upgrade_an_older_folder(cvdata_cmd: list[str], tmp_path: Path) -> None:
    folder = _older(tmp_path, "A")
    proc = run(cvdata_cmd, "upgrade", "data", *AS_OF, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    assert "data/languages.csv: new table (header only)" in lines
    assert "data/roles.csv: new columns description, summary, url" in lines
    assert any(line.startswith("data/datapackage.json: new tables ") for line in lines)
    rows = cvdata.validate(folder, as_of="2026-11-26").rows
    assert lines[-1] == f"valid: {rows} rows (as of 2026-11-26)"
    assert proc.stderr == ""

    proc = run(cvdata_cmd, "validate", "data", *AS_OF, cwd=tmp_path)
    assert proc.returncode == 0 and f": {TABLES} tables, " in proc.stdout

    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    again = run(cvdata_cmd, "upgrade", "data", *AS_OF, cwd=tmp_path)
    assert again.returncode == 0
    assert again.stdout.splitlines() == [
        "data: already up to date; no file changed",
        f"valid: {rows} rows (as of 2026-11-26)",
    ]
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_upgrade_dry_run(cvdata_cmd: list[str], tmp_path: Path) -> None:
    folder = _older(tmp_path, "B")
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    proc = run(cvdata_cmd, "upgrade", "data", "--dry-run", *AS_OF, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == 17 + 2  # 9 new tables, 8 with new columns; then the end
    assert lines[-2:] == ["data: dry run: nothing was written", lines[-1]]
    assert lines[-1].startswith("valid: ")
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_upgrade_writes_nothing_when_a_row_is_bad(cvdata_cmd: list[str], tmp_path: Path) -> None:
    folder = _older(tmp_path, "B")
    line = edit_cell(folder / "papers.csv", "jsidentify", "year", "20x4")
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    proc = run(cvdata_cmd, "upgrade", "data", *AS_OF, cwd=tmp_path)
    assert proc.returncode == 1
    assert f"data/papers.csv:{line}: year: '20x4' is not a year" in proc.stdout.splitlines()
    assert proc.stdout.splitlines()[-1] == (
        "data: the upgraded data would not validate (the problems above, which upgrade does "
        "not fix); nothing was written, no file changed"
    )
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert_no_traceback(proc)


def test_upgrade_refuses_a_symlinked_table(cvdata_cmd: list[str], tmp_path: Path) -> None:
    folder = _older(tmp_path, "B")
    (tmp_path / "elsewhere.csv").write_bytes((folder / "roles.csv").read_bytes())
    (folder / "roles.csv").unlink()
    (folder / "roles.csv").symlink_to(tmp_path / "elsewhere.csv")
    proc = run(cvdata_cmd, "upgrade", "data", *AS_OF, cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr.splitlines() == [
        f"cvdata: data/roles.csv: is a link to {(tmp_path / 'elsewhere.csv').as_posix()}, "
        "outside the data folder",
        "cvdata: nothing was written; data/ is unchanged",
    ]
    assert (folder / "roles.csv").is_symlink()
    assert not (folder / "languages.csv").exists()


def test_upgrade_a_folder_that_does_not_exist(cvdata_cmd: list[str], tmp_path: Path) -> None:
    proc = run(cvdata_cmd, "upgrade", "nowhere", *AS_OF, cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr == "cvdata: data folder 'nowhere' does not exist\n"
    assert not (tmp_path / "nowhere").exists()
