"""Files cvdata is handed, and a data folder someone else prepared: every file is opened
the one checked way (issue 19, items 2, 4, 8 and 12).

- ``import jsonresume`` into an existing folder reads its tables like ``validate`` does:
  a table linked outside the folder, a pipe or a device is refused, never read or copied.
- A file to import (``.bib``, ``.json``) must be a regular file of bounded size: a pipe, a
  device, a folder or a huge file is refused with a message, before the lock is taken.
- The pre-render step's fingerprint reads only the descriptor and the tables, checked.
- No JSON Resume schema is picked up from the folders around; ``CVDATA_FORMAT`` is a name.

Commands run with a timeout (a hang fails the test) and a cap on their memory (reading
``/dev/zero`` to the end fails fast instead of filling the machine).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import resource
import signal
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import AS_OF, CVDATA_ENV, DATA_DIR, PROJECT

import cvdata
from cvdata import _files, page
from cvdata._paths import FORMAT_ENV, EnvNameError
from cvdata.formats import jsonresume
from cvdata.quarto import prerender
from cvdata.schema import read_package

FIXTURES = PROJECT / "tests" / "fixtures" / "jsonresume"
RESUME = FIXTURES / "new-graduate.json"
SECRET = "https://eve:ghp_TOPSECRET123@github.com"
#: Memory a command may take: plenty for cvdata, too little to hold /dev/zero's output.
MEMORY = 2 * 1024**3
TIMEOUT = 40


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def run(
    *args: str, cwd: Path, env: Mapping[str, str] | None = None, stdin: bytes | None = None
) -> subprocess.CompletedProcess:
    """``python -m cvdata ARGS`` with a timeout and capped memory; output as text."""
    base = {k: v for k, v in os.environ.items() if k not in CVDATA_ENV}
    done = subprocess.run(
        [sys.executable, "-m", "cvdata", *args],
        cwd=cwd,
        env={**base, "CVDATA_AS_OF": AS_OF.isoformat(), **(env or {})},
        input=stdin if stdin is not None else b"",
        capture_output=True,
        timeout=TIMEOUT,
        preexec_fn=_cap_memory,
    )
    return subprocess.CompletedProcess(
        done.args,
        done.returncode,
        done.stdout.decode("utf-8", "replace"),
        done.stderr.decode("utf-8", "replace"),
    )


@contextmanager
def _within(seconds: int) -> Iterator[None]:
    """Fail the test, rather than hang it, when the block waits longer (on a pipe)."""

    def expire(*_: object) -> None:
        raise TimeoutError(f"still waiting after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _out(done: subprocess.CompletedProcess) -> str:
    return done.stdout + done.stderr


def _no_traceback(done: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in _out(done) and "MemoryError" not in _out(done), _out(done)


def _snapshot(folder: Path) -> dict[str, object]:
    """Every entry of the folder: a link by its target, a file by its bytes (no pipe read)."""
    out: dict[str, object] = {}
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder).as_posix()
        if p.is_symlink():
            out[rel] = ("link", os.readlink(p))
        elif p.is_file():
            out[rel] = p.read_bytes()
        else:
            out[rel] = ("other", p.stat().st_mode)
    return out


@pytest.fixture
def imported(tmp_path: Path) -> Path:
    """A data folder made by importing ``RESUME`` (so importing it again changes nothing
    unless a row is taken out)."""
    done = run("import", "jsonresume", str(RESUME), "cv", cwd=tmp_path)
    assert done.returncode == 0, _out(done)
    return tmp_path / "cv"


# ---------------------------------------------------------------- item 2: the folder's tables


def test_import_jsonresume_does_not_print_a_table_linked_outside(
    imported: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text(f"{SECRET}\nmore\n", encoding="utf-8")
    (imported / "roles.csv").unlink()
    (imported / "roles.csv").symlink_to(outside)
    before = _snapshot(imported)
    done = run("import", "jsonresume", str(RESUME), "cv", cwd=tmp_path)
    _no_traceback(done)
    assert done.returncode == 1, _out(done)
    assert "TOPSECRET" not in _out(done)
    assert "cv/roles.csv" in _out(done) and "outside the data folder" in _out(done)
    assert "nothing was imported" in _out(done)
    assert _snapshot(imported) == before


def test_import_jsonresume_does_not_copy_a_linked_tables_outside_rows_in(
    imported: Path, tmp_path: Path
) -> None:
    # The outside file lacks the last role: the import would add it, and commit the
    # outside rows as a regular file of the folder.
    roles = (imported / "roles.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    outside = tmp_path / "their-roles.csv"
    outside.write_text("".join(roles[:-1]), encoding="utf-8")
    (imported / "roles.csv").unlink()
    (imported / "roles.csv").symlink_to(outside)
    before = _snapshot(imported)
    done = run("import", "jsonresume", str(RESUME), "cv", cwd=tmp_path)
    _no_traceback(done)
    assert done.returncode == 1, _out(done)
    assert "outside the data folder (the Roles table)" in done.stdout
    assert (imported / "roles.csv").is_symlink()
    assert _snapshot(imported) == before
    assert outside.read_text(encoding="utf-8") == "".join(roles[:-1])


def test_import_jsonresume_refuses_a_table_that_is_a_pipe(imported: Path, tmp_path: Path) -> None:
    (imported / "roles.csv").unlink()
    os.mkfifo(imported / "roles.csv")
    done = run("import", "jsonresume", str(RESUME), "cv", cwd=tmp_path)  # a hang times out
    _no_traceback(done)
    assert done.returncode == 1, _out(done)
    assert "cv/roles.csv" in done.stdout and "not a regular file" in done.stdout


def test_import_jsonresume_refuses_a_table_linked_to_dev_zero(
    imported: Path, tmp_path: Path
) -> None:
    (imported / "skills.csv").unlink()
    (imported / "skills.csv").symlink_to("/dev/zero")
    done = run("import", "jsonresume", str(RESUME), "cv", cwd=tmp_path)
    _no_traceback(done)
    assert done.returncode == 1, _out(done)
    assert "cv/skills.csv" in done.stdout and "outside the data folder" in done.stdout


def test_import_jsonresume_into_a_folder_still_adds_what_is_new(
    imported: Path, tmp_path: Path
) -> None:
    """The checked reading keeps the merge by key: a role taken out comes back, once."""
    path = imported / "roles.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:-1]), encoding="utf-8")
    done = run("import", "jsonresume", str(RESUME), "cv", cwd=tmp_path)
    assert done.returncode == 0, _out(done)
    assert "roles.csv (+1 row)" in done.stdout
    assert path.read_text(encoding="utf-8").count(lines[-1].strip()) == 1


# ---------------------------------------------------------------- item 4: files to import


def _hostile_inputs(tmp_path: Path) -> Iterator[tuple[str, Path, str]]:
    """(what, path, the words the refusal must hold) for each kind of bad input file."""
    fifo = tmp_path / "pipe.in"
    os.mkfifo(fifo)
    yield "a pipe", fifo, "not a regular file"
    yield "/dev/zero", Path("/dev/zero"), "not a regular file"
    huge = tmp_path / "huge.in"
    with open(huge, "wb") as f:  # sparse: 6 GB that take no disk
        f.truncate(6 * 1024**3)
    yield "a 6 GB file", huge, "a file to import may be at most 50 MB"
    folder = tmp_path / "a-folder.in"
    folder.mkdir()
    yield "a folder", folder, "is a folder"


@pytest.mark.parametrize("kind", ["bibtex", "jsonresume"])
def test_a_hostile_input_file_is_refused_with_a_message(
    kind: str, tmp_path: Path, broken_copy
) -> None:
    data = broken_copy()
    before = _snapshot(data)
    for what, path, words in _hostile_inputs(tmp_path):
        done = run("import", kind, str(path), str(data), cwd=tmp_path)
        _no_traceback(done)
        assert done.returncode == 1, f"{what}: {_out(done)}"
        assert words in done.stderr, f"{what}: {done.stderr}"
        assert done.stderr.count(f"{path.name}:") == 1, done.stderr  # named, once
        assert _snapshot(data) == before


def test_a_pipe_given_to_import_bibtex_is_refused_before_the_lock(
    tmp_path: Path, broken_copy
) -> None:
    """The refusal does not wait for the folder's lock (held here by another process)."""
    data = broken_copy()
    fifo = tmp_path / "refs.bib"
    os.mkfifo(fifo)
    fd = os.open(data, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        done = run("import", "bibtex", str(fifo), str(data), cwd=tmp_path)
    finally:
        os.close(fd)
    _no_traceback(done)
    assert done.returncode == 1, _out(done)
    assert "refs.bib: is not a regular file" in done.stderr
    assert "wait" not in done.stderr  # the lock was never asked for


def test_a_link_to_a_resume_is_followed(tmp_path: Path) -> None:
    """A symbolic link named on the command line is the user's choice: it is read."""
    link = tmp_path / "resume.json"
    link.symlink_to(RESUME)
    done = run("import", "jsonresume", str(link), "cv", cwd=tmp_path)
    assert done.returncode == 0, _out(done)
    assert cvdata.validate(tmp_path / "cv", as_of=AS_OF).ok


def test_a_resume_from_standard_input(tmp_path: Path) -> None:
    done = run("import", "jsonresume", "-", "cv", cwd=tmp_path, stdin=RESUME.read_bytes())
    assert done.returncode == 0, _out(done)
    assert "standard input: " in done.stdout
    assert cvdata.validate(tmp_path / "cv", as_of=AS_OF).ok


def test_standard_input_is_read_up_to_the_limit(monkeypatch) -> None:
    import io

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"x" * 20)))
    with pytest.raises(_files.FileRefused, match="larger than 10 bytes"):
        _files.read_input("-", limit=10)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"x" * 10)))
    assert _files.read_input("-", limit=10) == b"x" * 10


def test_a_file_swapped_for_a_pipe_after_its_check_is_not_waited_for(tmp_path: Path) -> None:
    """The open itself does not wait for a writer, and the open file is checked again."""
    fifo = tmp_path / "t.csv"
    os.mkfifo(fifo)
    with _within(10), pytest.raises(_files.FileRefused, match="not a regular file"):
        _files._read_regular(fifo, 100, "a file")


# ---------------------------------------------------------------- item 8: the fingerprint


def _fingerprint_in_child(project: Path, data: Path) -> subprocess.CompletedProcess:
    code = (
        "import datetime as dt, json, sys\n"
        "from pathlib import Path\n"
        "from cvdata.quarto import prerender\n"
        "from cvdata.schema import read_package\n"
        "data = Path(sys.argv[2])\n"
        "tables = {t.name: t.path for t in read_package(data).tables}\n"
        f"print(json.dumps(prerender.fingerprint(Path(sys.argv[1]), data, "
        f"dt.date.fromisoformat({AS_OF.isoformat()!r}), tables)))\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code, str(project), str(data)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        preexec_fn=_cap_memory,
    )


def test_fingerprint_never_reads_a_link_to_proc_pagemap(tmp_path: Path, broken_copy) -> None:
    data = broken_copy()
    (data / "notes.txt").symlink_to("/proc/self/pagemap")
    assert cvdata.validate(data, as_of=AS_OF).ok  # the folder validates: the link is no table
    done = _fingerprint_in_child(tmp_path, data)
    assert done.returncode == 0, done.stderr[-2000:]
    assert set(json.loads(done.stdout)["tables"]) == {t.name for t in read_package(data).tables}


def test_fingerprint_does_not_read_files_outside_the_folder(tmp_path: Path, broken_copy) -> None:
    data = broken_copy()
    outside = tmp_path / "outside.txt"
    outside.write_text("one", encoding="utf-8")
    (data / "notes.txt").symlink_to(outside)
    os.mkfifo(data / "pipe")
    tables = {t.name: t.path for t in read_package(data).tables}
    with _within(20):  # the pipe is not waited on
        first = prerender.fingerprint(tmp_path, data, AS_OF, tables)
    stat = outside.stat()
    outside.write_text("two", encoding="utf-8")  # same size; same time stamp given back
    os.utime(outside, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    outside.write_text("TWO", encoding="utf-8")
    assert prerender.fingerprint(tmp_path, data, AS_OF, tables) == first


def test_fingerprint_still_sees_a_table_the_descriptor_and_a_new_file(
    tmp_path: Path, broken_copy
) -> None:
    data = broken_copy()
    tables = {t.name: t.path for t in read_package(data).tables}
    first = prerender.fingerprint(tmp_path, data, AS_OF, tables)
    skills = data / "skills.csv"
    skills.write_bytes(skills.read_bytes() + b"\n")
    second = prerender.fingerprint(tmp_path, data, AS_OF, tables)
    assert second["tables"]["skills"] != first["tables"]["skills"]
    assert second["everything"] == first["everything"]
    descriptor = data / "datapackage.json"
    descriptor.write_bytes(descriptor.read_bytes() + b"\n")
    third = prerender.fingerprint(tmp_path, data, AS_OF, tables)
    assert third["everything"] != second["everything"]
    (data / "notes.txt").write_text("a note", encoding="utf-8")
    assert prerender.fingerprint(tmp_path, data, AS_OF, tables)["everything"] != third["everything"]
    other_day = AS_OF + dt.timedelta(days=1)
    assert (
        prerender.fingerprint(tmp_path, data, other_day, tables)["everything"]
        != (prerender.fingerprint(tmp_path, data, AS_OF, tables)["everything"])
    )


# ---------------------------------------------------------------- item 12: schema, names


def _plant_schema(folder: Path, schema: object) -> None:
    planted = folder / ".cache/npm/node_modules/@jsonresume/schema/schema.json"
    planted.parent.mkdir(parents=True)
    planted.write_text(json.dumps(schema), encoding="utf-8")


def test_a_schema_planted_above_the_working_folder_is_not_used(tmp_path: Path, monkeypatch) -> None:
    # A schema that no resume passes: were it used, the import would be refused.
    _plant_schema(tmp_path, {"type": "string"})
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    assert jsonresume.find_schema() is None
    bundled = resources_schema()
    assert jsonresume.load_schema() == bundled
    done = run("import", "jsonresume", str(RESUME), "cv", cwd=work)
    assert done.returncode == 0, _out(done)


def resources_schema() -> dict:
    path = Path(cvdata.__file__).with_name("vendor") / "jsonresume-schema.json"
    return json.loads(path.read_text(encoding="utf-8"))


def test_a_schema_given_by_path_is_still_used(tmp_path: Path) -> None:
    strict = tmp_path / "strict.json"
    strict.write_text('{"type": "object"}', encoding="utf-8")
    assert jsonresume.load_schema(strict) == {"type": "object"}
    os.mkfifo(tmp_path / "pipe.json")
    with _within(10), pytest.raises(jsonresume.JsonResumeError, match="not a regular file"):
        jsonresume.load_schema(tmp_path / "pipe.json")


@pytest.mark.parametrize("value", ["../../escape", "a/b", "html.x", "..", " html", "typst\n"])
def test_a_format_that_is_not_a_name_is_refused(monkeypatch, value: str) -> None:
    monkeypatch.setenv(FORMAT_ENV, value)
    with pytest.raises(EnvNameError, match=r"CVDATA_FORMAT=.* is not a format name"):
        page.output_format()


@pytest.mark.parametrize("value", ["html", "typst", "gfm", "commonmark_x", "revealjs"])
def test_a_format_name_is_taken(monkeypatch, value: str) -> None:
    monkeypatch.setenv(FORMAT_ENV, value)
    assert page.output_format() == value


def test_a_format_with_dots_writes_no_reads_record_outside(tmp_path: Path, monkeypatch) -> None:
    """``page.setup`` refuses before any record is written (under Quarto's variables)."""
    project = tmp_path / "project"
    (project / "notebooks").mkdir(parents=True)
    (project / "_quarto.yml").write_text("project:\n  type: website\n", encoding="utf-8")
    info = tmp_path / "info.json"
    info.write_text(json.dumps({"format": {"identifier": {"base-format": "html"}}}))
    monkeypatch.chdir(project / "notebooks")
    monkeypatch.setenv(FORMAT_ENV, "../../../escaped")
    monkeypatch.setenv("QUARTO_EXECUTE_INFO", str(info))
    monkeypatch.setenv("QUARTO_PROJECT_ROOT", str(project))
    monkeypatch.setenv("QUARTO_DOCUMENT_PATH", str(project / "notebooks"))
    monkeypatch.setenv("QUARTO_DOCUMENT_FILE", "cv.ipynb")
    with pytest.raises(EnvNameError):
        page.setup(DATA_DIR, as_of=AS_OF.isoformat())
    assert not list(tmp_path.rglob("*escaped*"))
