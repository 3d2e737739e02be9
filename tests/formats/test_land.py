"""The one landing path of every import (``cvdata.formats._land.land``): all or nothing, a
second import adds nothing, the input's problems in its own terms, a new folder whole or
not at all. A fake format (registered in the test) stands for any format module."""

from __future__ import annotations

import argparse
import datetime as dt
import fcntl
import os
import sys
import types
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from conftest import AS_OF

import cvdata
from cvdata._files import read_input
from cvdata.formats._format import ImportFormat, Incoming, Report
from cvdata.formats._land import land
from cvdata.problems import Problem

FAKE = ImportFormat("fake", "fake_for_tests", "rows from a fake file", "FAKE.txt")
OPTIONS = argparse.Namespace()

#: A paper and its one author, new to the seed CV.
PAPER = {
    "papers": [{"id": "land-test", "title": "Landing", "type": "journal", "status": "published",
                "year": "2024", "authors_truncated": "false"}],
    "paper_authors": [{"paper_id": "land-test", "position": "1", "name": "A. Person",
                       "equal_contribution": "false", "is_owner": "false"}],
}  # fmt: skip
#: The one row a new CV needs.
PERSON = {"person": [{"id": "ada", "name": "Ada Lovelace"}]}


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Callable[..., list]:
    """Register ``cvdata.formats.fake_for_tests``; ``fake(read)`` sets what its ``read``
    does and returns the list of calls made to it (inputs, existing)."""
    calls: list[tuple[Sequence[str], object]] = []
    module = types.ModuleType("cvdata.formats.fake_for_tests")
    monkeypatch.setitem(sys.modules, module.__name__, module)

    def install(
        body: Callable[[Sequence[str], cvdata.CV | None], Incoming],
    ) -> list[tuple[Sequence[str], object]]:
        def read(
            inputs: Sequence[str], options: argparse.Namespace, existing, as_of: dt.date
        ) -> Incoming:
            calls.append((inputs, existing))
            return body(inputs, existing)

        module.read = read  # type: ignore[attr-defined]
        return calls

    return install


def _rows(tables: dict) -> Callable[..., Incoming]:
    def body(inputs: Sequence[str], existing: object) -> Incoming:
        report = Report()
        report.section("papers").came_in = len(tables.get("papers", []))
        return Incoming(tables={k: [dict(r) for r in v] for k, v in tables.items()}, report=report)

    return body


@pytest.fixture
def source(tmp_path: Path) -> str:
    path = tmp_path / "in.txt"
    path.write_text("anything\n", encoding="utf-8")
    return str(path)


def test_rows_land_and_a_second_import_adds_nothing(broken_copy, fake, source: str) -> None:
    folder = broken_copy()
    calls = fake(_rows(PAPER))
    before = _snapshot(folder)
    done = land(FAKE, [source], folder, OPTIONS, AS_OF)
    assert done.ok and done.written, done.problems
    assert done.added == {"papers": 1, "paper_authors": 1}
    assert done.report.sections["papers"].came_in == 1  # the format's report, handed back
    changed = {n for n, data in _snapshot(folder).items() if before[n] != data}
    assert changed == {"papers.csv", "paper_authors.csv"}
    assert isinstance(calls[0][1], cvdata.CV)  # the CV already there, to merge against
    after = _snapshot(folder)
    again = land(FAKE, [source], folder, OPTIONS, AS_OF)
    assert again.ok and not again.written and again.rows == 0
    assert again.skipped == {"papers": 1, "paper_authors": 1}
    assert _snapshot(folder) == after


def test_a_result_that_does_not_validate_writes_nothing(broken_copy, fake, source: str) -> None:
    folder = broken_copy()
    bad = {
        "papers": PAPER["papers"],
        "paper_authors": [{**PAPER["paper_authors"][0], "paper_id": "no-such-paper"}],
    }
    fake(_rows(bad))
    before = _snapshot(folder)
    done = land(FAKE, [source], folder, OPTIONS, AS_OF)
    assert done.stage == "result" and not done.written
    assert any("no-such-paper" in p.message for p in done.problems), done.problems
    # Named as the data folder's own file, never the staged copy.
    assert {p.path for p in done.problems} == {f"{folder.as_posix()}/paper_authors.csv"}
    assert _snapshot(folder) == before  # all or nothing: papers.csv unchanged too
    assert [p.name for p in folder.iterdir() if p.name.startswith(".")] == []


def test_a_dry_run_validates_and_changes_nothing(broken_copy, fake, source: str) -> None:
    folder = broken_copy()
    fake(_rows(PAPER))
    before = _snapshot(folder)
    done = land(FAKE, [source], folder, OPTIONS, AS_OF, dry_run=True)
    assert done.ok and done.added == {"papers": 1, "paper_authors": 1} and not done.written
    assert _snapshot(folder) == before


def test_the_inputs_problems_stop_it_in_the_inputs_terms(broken_copy, fake, source: str) -> None:
    folder = broken_copy()
    problems = [Problem("in.txt", 3, None, "not a row"), Problem("in.txt", 9, None, "nor this")]
    fake(lambda inputs, existing: Incoming(tables=PAPER, problems=problems))
    before = _snapshot(folder)
    done = land(FAKE, [source], folder, OPTIONS, AS_OF)
    assert done.stage == "input" and done.problems == problems  # all of them, as given
    assert _snapshot(folder) == before


def test_a_missing_or_hostile_input_is_refused_before_the_lock(
    broken_copy, fake, tmp_path: Path
) -> None:
    folder = broken_copy()
    calls = fake(_rows(PAPER))
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    waited: list[str] = []
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # another command holds the folder
        done = land(FAKE, [str(fifo), str(tmp_path / "gone.txt")], folder, OPTIONS, AS_OF,
                    on_wait=waited.append)  # fmt: skip
    finally:
        os.close(fd)
    assert done.stage == "input" and not waited and not calls
    messages = [str(p) for p in done.problems]
    assert len(messages) == 2
    assert "pipe.txt: is not a regular file" in messages[0]
    assert messages[1].endswith("gone.txt: cannot read the file: no such file")


def test_standard_input_is_read_first_and_handed_to_the_format(
    broken_copy, fake, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    folder = broken_copy()
    seen: list[bytes] = []

    def body(inputs: Sequence[str], existing: object) -> Incoming:
        seen.append(read_input(inputs[0]))
        return _rows(PAPER)(inputs, existing)

    fake(body)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"from stdin\n")))
    assert land(FAKE, ["-"], folder, OPTIONS, AS_OF).ok
    assert seen == [b"from stdin\n"]


def test_a_new_folder_is_made_whole(fake, source: str, tmp_path: Path) -> None:
    calls = fake(_rows(PERSON))
    target = tmp_path / "new" / "cv"
    done = land(FAKE, [source], target, OPTIONS, AS_OF)
    assert done.ok and done.created and done.written, done.problems
    assert calls[0][1] is None  # no CV there before
    assert cvdata.validate(target, as_of=AS_OF).ok
    assert [p.name for p in target.parent.iterdir()] == ["cv"]  # no scratch folder left


def test_a_new_folder_is_never_half_made(fake, source: str, tmp_path: Path) -> None:
    # Rows that do not validate (a person without a name): nothing appears at the target,
    # and the problems name the target, never the scratch folder beside it.
    fake(_rows({"person": [{"id": "ada"}]}))
    target = tmp_path / "cv"
    done = land(FAKE, [source], target, OPTIONS, AS_OF)
    assert done.stage == "result" and not done.written
    assert not target.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["in.txt"]
    assert done.problems and all(p.path.startswith(target.as_posix()) for p in done.problems)
    assert not any(".cvdata-new-" in str(p) for p in done.problems)


def test_an_empty_folder_is_filled_whole(fake, source: str, tmp_path: Path) -> None:
    fake(_rows(PERSON))
    target = tmp_path / "cv"
    target.mkdir()
    done = land(FAKE, [source], target, OPTIONS, AS_OF)
    assert done.ok and done.created and done.written
    assert cvdata.validate(target, as_of=AS_OF).ok


def test_a_folder_that_does_not_validate_stays_as_it_is(broken_copy, fake, source: str) -> None:
    """The format gets the CV as it is; the result must validate, so its problems stop
    the import, named in the folder's own files."""
    folder = broken_copy()
    with (folder / "papers.csv").open("a", encoding="utf-8") as f:
        f.write("broken-row,,,,,,,,\n")
    calls = fake(_rows(PAPER))
    before = _snapshot(folder)
    done = land(FAKE, [source], folder, OPTIONS, AS_OF)
    assert isinstance(calls[0][1], cvdata.CV)
    assert done.stage == "result" and not done.written
    assert any(p.path == f"{folder.as_posix()}/papers.csv" for p in done.problems)
    assert _snapshot(folder) == before


def test_a_format_that_cannot_start_a_cv_leaves_no_folder(tmp_path: Path) -> None:
    """BibTeX adds papers to a CV: into a folder that does not exist it says so, in the
    input's terms, and nothing is made."""
    from cvdata.formats import IMPORTS

    bib = tmp_path / "refs.bib"
    bib.write_text("@article{a1, title={A}, author={B C}, journal={J}, year={2020}}\n")
    done = land(IMPORTS["bibtex"], [str(bib)], tmp_path / "cv", OPTIONS, AS_OF)
    assert done.stage == "input" and not done.written
    assert "make one first" in done.problems[0].message
    assert done.problems[0].path.endswith("refs.bib")
    assert [p.name for p in tmp_path.iterdir()] == ["refs.bib"]
