"""File-system faults in the data folder: each is one clear problem, never a traceback,
a hang, or a file from outside the folder read and printed.

Tables and ``datapackage.json`` are regular files inside the data folder, of at most
``MAX_TABLE_BYTES`` (``MAX_DESCRIPTOR_BYTES``); links that stay inside the folder are
followed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import cvdata
from cvdata._files import MAX_DESCRIPTOR_BYTES, MAX_TABLE_BYTES, FileRefused, read_bytes

PASSWD_LINE = Path("/etc/passwd").read_text(encoding="utf-8").splitlines()[0]


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def _report(folder: Path, as_of) -> list[str]:
    """The problems, as printed. Checked in a child process, with a time and memory
    limit, when the folder holds a pipe or a link to a device: reading either would hang
    or fill the memory, and a regression must fail the test, not the machine."""
    hazards = [p for p in folder.iterdir() if p.is_symlink() or p.is_fifo()]
    if not hazards:
        result = cvdata.validate(folder, as_of=as_of)
        assert not result.ok
        return [str(p) for p in result.problems]
    code = (
        "import resource, sys, cvdata\n"
        "resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))\n"
        "r = cvdata.validate(sys.argv[1], as_of=sys.argv[2])\n"
        "print('\\n'.join(map(str, r.problems)))\n"
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", code, folder.name, as_of.isoformat()],
            cwd=folder.parent,
            capture_output=True,
            text=True,
            timeout=60,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("validation hung")
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert lines
    return lines


def _only(folder: Path, as_of, expected: str) -> None:
    assert _report(folder, as_of) == [expected]


def _replace(path: Path, make) -> None:
    path.unlink()
    make(path)


@pytest.mark.parametrize(
    ("name", "make", "reason"),
    [
        ("folder", lambda p: p.mkdir(), "is a folder, not a file"),
        ("fifo", os.mkfifo, "is not a regular file (a pipe, a socket or a device)"),
        (
            "link-to-passwd",
            lambda p: p.symlink_to("/etc/passwd"),
            "is a link to /etc/passwd, outside the data folder",
        ),
        (
            "link-to-dev-zero",
            lambda p: p.symlink_to("/dev/zero"),
            "is a link to /dev/zero, outside the data folder",
        ),
        (
            "link-out-and-back",
            lambda p: p.symlink_to(Path("..") / ".." / Path.cwd().name / "elsewhere.csv"),
            None,  # resolved: a file outside, whatever the spelling
        ),
    ],
)
def test_a_table_that_is_not_a_regular_file_inside_the_folder_is_refused(
    broken_copy, as_of, tmp_path: Path, name: str, make, reason: str | None
) -> None:
    folder = broken_copy()
    (tmp_path / "elsewhere.csv").write_bytes((folder / "skills.csv").read_bytes())
    _replace(folder / "skills.csv", make)
    if reason is None:
        outside = (tmp_path / "elsewhere.csv").resolve().as_posix()
        reason = f"is a link to {outside}, outside the data folder"
    report = _report(folder, as_of)
    assert f"data/skills.csv: {reason} (the Skills table)" in report
    # Nothing of the outside file is shown, and the other tables are still checked.
    assert not any(PASSWD_LINE in line for line in report)
    assert all(not line.startswith("data/skills.csv:") or reason in line for line in report)


def test_a_fifo_table_does_not_block(broken_copy, tmp_path: Path) -> None:
    """A pipe nobody writes to: opening it would wait for ever. Checked in a child process
    so that a regression fails the test instead of hanging the suite."""
    folder = broken_copy()
    _replace(folder / "papers.csv", os.mkfifo)
    code = (
        "import cvdata; r = cvdata.validate('data', as_of='2026-11-26'); "
        "print('\\n'.join(map(str, r.problems)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert "data/papers.csv: is not a regular file" in out.stdout


def test_links_inside_the_folder_are_followed(broken_copy, as_of) -> None:
    folder = broken_copy()
    (folder / "shared").mkdir()
    (folder / "skills.csv").rename(folder / "shared" / "skills.csv")
    (folder / "skills.csv").symlink_to(Path("shared") / "skills.csv")
    assert cvdata.validate(folder, as_of=as_of).ok


def test_a_dangling_link_is_a_missing_file(broken_copy, as_of) -> None:
    folder = broken_copy()
    _replace(folder / "skills.csv", lambda p: p.symlink_to("nowhere.csv"))
    _only(folder, as_of, "data/skills.csv: missing file (the Skills table)")


def _descriptor_path(folder: Path, table: str, path: str) -> None:
    d = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    for r in d["resources"]:
        if r["name"] == table:
            r["path"] = path
    (folder / "datapackage.json").write_text(json.dumps(d), encoding="utf-8")


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/etc/passwd", "path '/etc/passwd' is absolute; tables are files in the data folder"),
        ("../../etc/hostname", "path '../../etc/hostname' leaves the data folder ('..')"),
        ("sub/../../x.csv", "path 'sub/../../x.csv' leaves the data folder ('..')"),
    ],
)
def test_a_resource_path_outside_the_folder_is_refused(
    broken_copy, as_of, path: str, reason: str
) -> None:
    folder = broken_copy()
    _descriptor_path(folder, "skills", path)
    report = _report(folder, as_of)
    assert report == [f"data/datapackage.json: resource 'skills': {reason}"]
    assert not any(PASSWD_LINE in line for line in report)


def test_a_resource_path_that_is_the_folder_itself(broken_copy, as_of) -> None:
    folder = broken_copy()
    _descriptor_path(folder, "skills", ".")
    _only(folder, as_of, "data: is a folder, not a file (the Skills table)")


def test_a_table_over_the_size_limit_is_refused_unread(broken_copy, as_of) -> None:
    folder = broken_copy()
    with open(folder / "skills.csv", "r+b") as f:
        f.truncate(MAX_TABLE_BYTES + 1)  # sparse: costs no disk, and is never read
    _only(
        folder,
        as_of,
        f"data/skills.csv: is {MAX_TABLE_BYTES + 1:,} bytes; a file may be at most 50 MB "
        f"({MAX_TABLE_BYTES:,} bytes) (the Skills table)",
    )


def test_the_size_limit_is_exact(broken_copy) -> None:
    folder = broken_copy()
    path = folder / "skills.csv"
    size = path.stat().st_size
    assert read_bytes(path, folder, size) == path.read_bytes()
    with pytest.raises(FileRefused) as refused:
        read_bytes(path, folder, size - 1)
    assert refused.value.reason == f"is {size:,} bytes; a file may be at most {size - 1:,} bytes"


def _sparse(size: int):
    def make(path: Path) -> None:
        with open(path, "wb") as f:
            f.truncate(size)

    return make


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda p: p.mkdir(), "is a folder, not a file"),
        (os.mkfifo, "is not a regular file (a pipe, a socket or a device)"),
        (
            lambda p: p.symlink_to("/etc/passwd"),
            "is a link to /etc/passwd, outside the data folder",
        ),
        (lambda p: p.symlink_to("/dev/zero"), "is a link to /dev/zero, outside the data folder"),
        (
            lambda p: p.write_bytes(b"[" * 100_000 + b"]" * 100_000),
            "not a valid data package descriptor: nested too deeply",
        ),
        (
            lambda p: p.write_bytes(b'{"resources": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"),
            "not a valid data package descriptor: nested too deeply",
        ),
        (
            _sparse(MAX_DESCRIPTOR_BYTES + 1),
            f"is {MAX_DESCRIPTOR_BYTES + 1:,} bytes; a file may be at most 5 MB "
            f"({MAX_DESCRIPTOR_BYTES:,} bytes)",
        ),
    ],
    ids=["folder", "fifo", "passwd", "dev-zero", "nested", "nested-resources", "too-big"],
)
def test_a_descriptor_that_cannot_be_used_is_one_problem(
    broken_copy, as_of, make, reason: str
) -> None:
    folder = broken_copy()
    _replace(folder / "datapackage.json", make)
    report = _report(folder, as_of)
    assert report == [f"data/datapackage.json: {reason}"]


def test_the_command_line_reports_faults_without_a_traceback(
    broken_copy, run_cvdata, tmp_path: Path
) -> None:
    folder = broken_copy()
    _replace(folder / "datapackage.json", lambda p: p.mkdir())
    done = run_cvdata("validate", str(folder), cwd=tmp_path)
    assert done.returncode != 0
    assert "Traceback" not in done.stdout + done.stderr
    assert "data/datapackage.json: is a folder, not a file" in done.stdout + done.stderr
    folder2 = broken_copy("data2")
    _replace(folder2 / "skills.csv", lambda p: p.symlink_to("/etc/passwd"))
    done = run_cvdata("validate", str(folder2), cwd=tmp_path)
    output = done.stdout + done.stderr
    assert done.returncode != 0 and "Traceback" not in output
    assert "data2/skills.csv: is a link to /etc/passwd" in output
    assert PASSWD_LINE not in output
