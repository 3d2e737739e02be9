"""cvdata.transaction: an import changes every file it touches or none, whatever happens.

The crash tests run ``cvdata import`` as a real process and stop it at each step of the
commit (``CVDATA_CRASH_AT``, a hook for tests only) with SIGKILL or Ctrl-C (SIGINT); the
folder must then read as it was before or as fully imported, validate, and a re-run must
complete the import. Two imports at once must both land.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import AS_OF, CVDATA_ENV

import cvdata
from cvdata.formats import export
from cvdata.transaction import (
    CRASH_ENV,
    STAGING,
    TransactionError,
    csv_with_rows,
    data_transaction,
    reading,
    recover,
)

TABLES = ("papers.csv", "paper_authors.csv", "paper_identifiers.csv", "paper_links.csv")
#: Every step of a commit that touches the four tables, in order.
STEPS = [
    "locked",
    "checked",
    "staged",
    "journal-written",
    "committed",
    "replaced-1",
    "replaced-2",
    "replaced-3",
    "replaced-4",
    "replaced",
    "cleaned",
]
BEFORE_COMMIT = {"locked", "checked", "staged", "journal-written"}


def bib_text(n: int, tag: str) -> str:
    """``n`` new journal papers, each with two authors, a DOI and a URL."""
    return "\n".join(
        f"@article{{{tag}{i},\n  title = {{Paper {tag} number {i}}},\n"
        f"  author = {{Ann {tag.capitalize()} and Bo Li}},\n  journal = {{J}},\n"
        f"  year = {{2020}},\n  doi = {{10.1000/{tag}.{i}}},\n"
        f"  url = {{https://example.org/{tag}/{i}}},\n}}\n"
        for i in range(n)
    )


def run(
    *args: str, cwd: Path, env: dict[str, str] | None = None, stdout: int = subprocess.PIPE
) -> subprocess.Popen:
    base = {k: v for k, v in os.environ.items() if k not in CVDATA_ENV}
    return subprocess.Popen(
        [sys.executable, "-m", "cvdata", *args],
        cwd=cwd,
        env={**base, "CVDATA_AS_OF": AS_OF.isoformat(), **(env or {})},
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )


def finish(proc: subprocess.Popen) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=180)
    return proc.returncode, out, err


def cvdata_run(*args: str, cwd: Path, **env: str) -> tuple[int, str, str]:
    return finish(run(*args, cwd=cwd, env=env))


def tables(folder: Path) -> dict[str, str]:
    """The folder's files (not the staging folder) by name, as hashes."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and STAGING not in p.parts
    }


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, dict]:
    """A .bib, the data folder's files before and after a clean import of it."""
    root = tmp_path_factory.mktemp("reference")
    bib = root / "refs.bib"
    bib.write_text(bib_text(5, "crash"), encoding="utf-8")
    folder = root / "data"
    shutil.copytree(cvdata.find_data_dir(Path(__file__).parents[1] / "data"), folder)
    before = tables(folder)
    code, out, err = cvdata_run("import", "bibtex", str(bib), str(folder), cwd=root)
    assert code == 0, out + err
    after = tables(folder)
    assert {k for k in after if after[k] != before[k]} == set(TABLES)
    return bib, before, after


# ------------------------------------------------------------------------- crashes


@pytest.mark.parametrize("step", STEPS)
def test_a_kill_at_any_step_leaves_before_or_after_and_a_rerun_completes(
    step: str, reference, broken_copy, tmp_path: Path
) -> None:
    bib, before, after = reference
    folder = broken_copy()
    assert tables(folder) == before
    code, out, err = cvdata_run(
        "import", "bibtex", str(bib), str(folder), cwd=tmp_path, **{CRASH_ENV: step}
    )
    assert code == -signal.SIGKILL, out + err
    # Any reader first recovers: the folder reads as before or as fully imported.
    code, out, err = cvdata_run("validate", str(folder), cwd=tmp_path)
    assert code == 0, out + err
    assert "Traceback" not in err
    assert not (folder / STAGING).exists()
    assert tables(folder) == (before if step in BEFORE_COMMIT else after)
    # A re-run completes the import (or finds it complete).
    code, out, err = cvdata_run("import", "bibtex", str(bib), str(folder), cwd=tmp_path)
    assert code == 0, out + err
    assert tables(folder) == after
    assert not (folder / STAGING).exists()
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("step", ["committed", "replaced-2"])
def test_a_killed_commit_is_finished_by_the_next_import(
    step: str, reference, broken_copy, tmp_path: Path
) -> None:
    """No validate in between: the next import itself rolls the commit forward first."""
    bib, _, after = reference
    folder = broken_copy()
    code, _, _ = cvdata_run(
        "import", "bibtex", str(bib), str(folder), cwd=tmp_path, **{CRASH_ENV: step}
    )
    assert code == -signal.SIGKILL
    code, out, err = cvdata_run("import", "bibtex", str(bib), str(folder), cwd=tmp_path)
    assert code == 0, out + err
    assert "finished an import that was interrupted" in err
    assert "nothing to add (0 to add, 5 skipped)" in out
    assert tables(folder) == after


@pytest.mark.parametrize("step", ["replaced-1", "replaced-3"])
def test_a_killed_commit_is_finished_by_an_export(
    step: str, reference, broken_copy, tmp_path: Path, cv: cvdata.CV
) -> None:
    bib, _, after = reference
    folder = broken_copy()
    code, _, _ = cvdata_run(
        "import", "bibtex", str(bib), str(folder), cwd=tmp_path, **{CRASH_ENV: step}
    )
    assert code == -signal.SIGKILL
    assert (folder / STAGING).exists()
    code, out, err = cvdata_run("export", "bibtex", str(folder), cwd=tmp_path)
    assert code == 0, err
    assert out.count("\n@article{") == export.bibtex(cv).count("\n@article{") + 5
    assert tables(folder) == after


@pytest.mark.parametrize("step", ["locked", "checked", "journal-written", "replaced-1"])
def test_ctrl_c_at_any_step_leaves_before_or_after(
    step: str, reference, broken_copy, tmp_path: Path
) -> None:
    bib, before, after = reference
    folder = broken_copy()
    code, out, err = cvdata_run(
        "import", "bibtex", str(bib), str(folder), cwd=tmp_path, **{CRASH_ENV: f"{step}:INT"}
    )
    assert code == 130, out + err
    assert "Traceback" not in err
    assert err.endswith("cvdata: interrupted; no change was left half made\n")
    assert not (folder / STAGING).exists()
    # Ctrl-C is held back while a commit runs: the commit completes, then the process stops.
    assert tables(folder) == (before if step in {"locked", "checked"} else after)


@pytest.mark.parametrize(("step", "done"), [("checked", False), ("replaced-2", True)])
def test_sigterm_during_a_commit_waits_for_it(
    step: str, done: bool, reference, broken_copy, tmp_path: Path
) -> None:
    bib, before, after = reference
    folder = broken_copy()
    code, out, err = cvdata_run(
        "import", "bibtex", str(bib), str(folder), cwd=tmp_path, **{CRASH_ENV: f"{step}:TERM"}
    )
    assert code == -signal.SIGTERM, out + err
    # Before the commit: stopped at once, nothing written; inside it: finished, then stopped.
    assert tables(folder) == (after if done else before)
    code, out, err = cvdata_run("validate", str(folder), cwd=tmp_path)
    assert code == 0, out + err
    assert tables(folder) == (after if done else before)


def test_staging_leftovers_are_never_read_and_are_removed(broken_copy, tmp_path: Path) -> None:
    folder = broken_copy()
    before = tables(folder)
    junk = folder / STAGING / "tables"
    junk.mkdir(parents=True)
    (junk / "papers.csv").write_text("not,a,table\n", encoding="utf-8")
    (folder / STAGING / "COMMIT.json.tmp").write_text("{", encoding="utf-8")
    code, out, err = cvdata_run("validate", str(folder), cwd=tmp_path)
    assert code == 0, out + err
    assert "removed the staged files of an import that was interrupted" in err
    assert not (folder / STAGING).exists()
    assert tables(folder) == before
    # The library's validate (pages, the pre-render step) recovers too, before it reads.
    junk.mkdir(parents=True)
    (junk / "papers.csv").write_text("not,a,table\n", encoding="utf-8")
    assert cvdata.validate(folder, as_of=AS_OF).ok
    assert not (folder / STAGING).exists()
    assert tables(folder) == before


def test_a_damaged_journal_is_reported_not_guessed(broken_copy, tmp_path: Path) -> None:
    folder = broken_copy()
    (folder / STAGING).mkdir()
    (folder / STAGING / "COMMIT.json").write_text("{not json", encoding="utf-8")
    code, _, err = cvdata_run("validate", str(folder), cwd=tmp_path)
    assert code == 2
    assert "COMMIT.json: the record of an interrupted import cannot be read" in err
    assert "Traceback" not in err
    assert (folder / STAGING / "COMMIT.json").exists()  # kept for a person to look at


def test_a_killed_import_leaves_no_copy_of_the_data_in_tmp(broken_copy, tmp_path: Path) -> None:
    """Staging is inside the data folder: private contacts never land in $TMPDIR."""
    folder = broken_copy()
    bib = tmp_path / "big.bib"
    bib.write_text(bib_text(1500, "big"), encoding="utf-8")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    # Its output goes nowhere: a full pipe would stop it before it stages anything.
    proc = run(
        "import",
        "bibtex",
        str(bib),
        str(folder),
        cwd=tmp_path,
        env={"TMPDIR": str(tmp)},
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline:
        if any(tmp.iterdir()) or (folder / STAGING / "tables").exists():
            proc.kill()  # in the middle of staging and validating
            break
        time.sleep(0.005)
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL, "the import ended before it could be killed"
    assert list(tmp.iterdir()) == []


# ------------------------------------------------------------------------- two at once


@pytest.mark.parametrize("same", [False, True], ids=["different-files", "same-file"])
def test_imports_at_once_all_land(same: bool, broken_copy, tmp_path: Path, cv: cvdata.CV) -> None:
    """Four imports started together: each one's rows are there afterwards (or, for the
    same file, added once and skipped by the three that came later)."""
    folder = broken_copy()
    n, tags = 400, ("one", "two", "three", "four")
    bibs = []
    for tag in tags:
        bib = tmp_path / f"{tag}.bib"
        bib.write_text(bib_text(n, "one" if same else tag), encoding="utf-8")
        bibs.append(bib)
    procs = [run("import", "bibtex", str(b), str(folder), cwd=tmp_path) for b in bibs]
    results = [finish(p) for p in procs]
    for code, out, err in results:
        assert code == 0, out + err
        assert "Traceback" not in err
    loaded = cvdata.load(folder, as_of=AS_OF)
    new = n if same else len(tags) * n
    assert len(loaded.papers) == len(cv.papers) + new
    assert len(loaded.paper_authors) == len(cv.paper_authors) + 2 * new
    assert len(loaded.paper_links) == len(cv.paper_links) + new
    if same:  # the later ones saw the first one's rows and skipped them all
        skipped = sum(f"nothing to add (0 to add, {n} skipped)" in out for _, out, _ in results)
        assert skipped == len(tags) - 1


def test_a_second_transaction_waits_then_gives_up_clearly(broken_copy) -> None:
    folder = broken_copy()
    held = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with data_transaction(folder):
            held.set()
            release.wait(10)

    t = threading.Thread(target=hold)
    t.start()
    try:
        assert held.wait(10)
        told: list[str] = []
        busy = pytest.raises(TransactionError, match="another cvdata command is changing")
        with busy, data_transaction(folder, wait=0.3, on_wait=told.append):
            pass
        assert told and "waiting for another cvdata command" in told[0]
        with pytest.raises(TransactionError), reading(folder, wait=0.2):
            pass
    finally:
        release.set()
        t.join()
    with data_transaction(folder, wait=0.3):
        pass  # free again


# ------------------------------------------------------------------------- read-only


def test_read_only_csv_is_refused_by_name_and_nothing_changes(
    reference, broken_copy, tmp_path: Path
) -> None:
    bib, before, _ = reference
    folder = broken_copy()
    target = folder / "paper_links.csv"
    target.chmod(0o444)
    modes = {p.name: p.stat().st_mode for p in folder.iterdir()}
    code, out, err = cvdata_run("import", "bibtex", str(bib), str(folder), cwd=tmp_path)
    assert code == 1, out + err
    assert "Traceback" not in err
    assert folder == tmp_path / "data"  # shown as data/, relative to the working folder
    assert "cvdata: data/paper_links.csv: the file is read-only; make it writable" in err
    assert err.endswith("cvdata: data/ is unchanged\n")
    assert tables(folder) == before
    assert {p.name: p.stat().st_mode for p in folder.iterdir()} == modes
    assert stat.S_IMODE(target.stat().st_mode) == 0o444
    assert not (folder / STAGING).exists()


# ------------------------------------------------------------------------- the API


def test_transaction_api_commit_rollback_and_exceptions(broken_copy) -> None:
    folder = broken_copy()
    before = tables(folder)
    row = {"paper_id": "care", "scheme": "doi", "value": "10.1000/api.1", "label": "DOI"}
    with data_transaction(folder) as txn:
        assert txn.append_rows("paper_identifiers.csv", [row]) == 1
        assert tables(folder) == before  # staged only
        assert txn.check(AS_OF).ok
    assert tables(folder) == before  # no commit(): nothing changes
    with pytest.raises(RuntimeError), data_transaction(folder) as txn:
        txn.append_rows("paper_identifiers.csv", [row])
        raise RuntimeError("an importer fails halfway")
    assert tables(folder) == before
    assert not (folder / STAGING).exists()
    with data_transaction(folder) as txn:
        txn.append_rows("paper_identifiers.csv", [row])
        result = txn.check(AS_OF)
        assert result.ok
        txn.commit()
    after = tables(folder)
    assert {k for k in after if after[k] != before[k]} == {"paper_identifiers.csv"}
    assert (
        (folder / "paper_identifiers.csv")
        .read_text(encoding="utf-8")
        .endswith("care,doi,10.1000/api.1,DOI\n")
    )
    assert recover(folder) is None


def test_staged_problems_name_the_data_folder(broken_copy) -> None:
    folder = broken_copy()
    with data_transaction(folder) as txn:
        txn.append_rows("paper_identifiers.csv", [{"paper_id": "nope", "scheme": "doi"}])
        problems = txn.check(AS_OF).problems
    assert problems
    assert all(
        p.path.startswith(str(folder.as_posix())) and STAGING not in p.path for p in problems
    )


@pytest.mark.parametrize("name", ["../x.csv", "/etc/passwd", f"{STAGING}/tables/papers.csv"])
def test_paths_outside_the_folder_are_refused(broken_copy, name: str) -> None:
    folder = broken_copy()
    with data_transaction(folder) as txn, pytest.raises(TransactionError, match="not a file"):
        txn.write_bytes(name, b"x")


def test_reading_and_loading_inside_a_transaction_do_not_wait_for_it(broken_copy) -> None:
    """So that load() and validate() may call reading()/recover() (see the module notes):
    inside a transaction on the same folder they neither wait nor touch its staging."""
    folder = broken_copy()
    with data_transaction(folder, wait=0.2) as txn:
        txn.append_rows("paper_identifiers.csv", [{"paper_id": "care", "scheme": "doi"}])
        assert (folder / STAGING).exists()
        assert recover(folder, wait=0.2) is None
        with reading(folder, wait=0.2) as done:
            assert done is None
        assert (folder / STAGING).exists()  # still its own
        nested = pytest.raises(TransactionError, match="already open here")
        with nested, data_transaction(folder, wait=0.2):
            pass
    assert not (folder / STAGING).exists()


def test_leftovers_of_the_old_import_are_named_not_read(broken_copy, tmp_path: Path) -> None:
    """cvdata before transactions left .NAME.csv.cvdata-import files when killed."""
    folder = broken_copy()
    (folder / ".paper_authors.csv.cvdata-import").write_text("garbage\n", encoding="utf-8")
    code, out, err = cvdata_run("validate", str(folder), cwd=tmp_path)
    assert code == 0, out + err
    assert "data/.paper_authors.csv.cvdata-import: left by an interrupted import" in err
    assert "check paper_authors.csv" in err
    assert (folder / ".paper_authors.csv.cvdata-import").exists()  # a person decides


def test_the_hook_proposed_for_load_and_validate(
    reference, broken_copy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """validate.check() wrapped in reading() (the change proposed for validate.py, which this
    branch may not edit): load() finishes an interrupted commit, and still works inside a
    transaction on the same folder (no wait for itself) and on a staged copy."""
    load_module = sys.modules["cvdata.load"]
    validate_module = sys.modules["cvdata.validate"]  # (cvdata.validate is also a function)
    original = validate_module.check

    def hooked(data_dir, as_of):
        with reading(data_dir):
            return original(data_dir, as_of)

    monkeypatch.setattr(validate_module, "check", hooked)
    monkeypatch.setattr(load_module, "check", hooked)
    bib, _, after = reference
    folder = broken_copy()
    code, _, _ = cvdata_run(
        "import", "bibtex", str(bib), str(folder), cwd=tmp_path, **{CRASH_ENV: "replaced-2"}
    )
    assert code == -signal.SIGKILL
    loaded = cvdata.load(folder, as_of=AS_OF)  # recovers first
    assert tables(folder) == after
    assert len(loaded.paper_links) == len(cvdata.load(folder, as_of=AS_OF).paper_links)
    with data_transaction(folder, wait=0.5) as txn:
        cvdata.load(folder, as_of=AS_OF)
        txn.append_rows("paper_identifiers.csv", [{"paper_id": "care", "scheme": "x"}])
        assert not txn.check(AS_OF).ok  # 'x' is not a scheme: validated, in the copy
        cvdata.load(folder, as_of=AS_OF)  # its own staging is not "interrupted"
        assert (folder / STAGING).exists()
    assert tables(folder) == after


def test_appended_rows_keep_crlf_and_the_byte_order_mark() -> None:
    data = b'\xef\xbb\xbfid,title\r\na,"x, y"\r\nb,z'
    new, n = csv_with_rows(data, [{"title": "new, one", "id": "c"}, {"id": "d"}])
    assert n == 2
    assert new == b'\xef\xbb\xbfid,title\r\na,"x, y"\r\nb,z\r\nc,"new, one"\r\nd,\r\n'
