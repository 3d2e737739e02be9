"""``cvdata import jsonresume`` and ``cvdata init``: a resume in one command, all or nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import AS_OF, DATA_DIR, PROJECT

import cvdata
from cvdata.formats import jsonresume

FIXTURES = PROJECT / "tests" / "fixtures" / "jsonresume"
RESUMES = sorted(p.stem for p in FIXTURES.glob("*.json"))


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def _leaves(node: object, path: str = "") -> set[tuple[str, str]]:
    """Every leaf value of a JSON document, with the keys on its way (list positions left
    out: sections are compared as sets of values)."""
    if isinstance(node, dict):
        return {leaf for k, v in node.items() for leaf in _leaves(v, f"{path}.{k}")}
    if isinstance(node, list):
        return {leaf for v in node for leaf in _leaves(v, path)}
    return {(path, str(node).strip())} if str(node).strip() else set()


@pytest.mark.parametrize("name", RESUMES)
def test_a_resume_becomes_a_cv_in_one_command_and_comes_back(
    run_cvdata, name: str, tmp_path: Path
) -> None:
    source = FIXTURES / f"{name}.json"
    done = run_cvdata("import", "jsonresume", str(source), "cv", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "created the data folder" in done.stdout and "the data validates" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr
    folder = tmp_path / "cv"
    assert cvdata.validate(folder, as_of=AS_OF).ok
    # Every leaf value of the resume is in the export of the tables it became (private
    # values too, when asked for).
    original = json.loads(source.read_text(encoding="utf-8"))
    back = jsonresume.from_cv(cvdata.load(folder, as_of=AS_OF), include_private=True)
    missing = _leaves(original) - _leaves(back)
    assert missing == set(), f"{len(missing)} of {len(_leaves(original))} leaves lost"
    # The CLI's own export writes a document without the private values.
    out = run_cvdata("export", "jsonresume", "cv", "-o", "back.json", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    exported = json.loads((tmp_path / "back.json").read_text(encoding="utf-8"))
    phones = {c["value"] for c in cvdata.load(folder, as_of=AS_OF).contacts.to_dict("records")
              if c["kind"] == "phone"}  # fmt: skip
    assert not [v for _, v in _leaves(exported) if v in phones]


def test_importing_the_same_resume_again_adds_nothing(run_cvdata, tmp_path: Path) -> None:
    source = FIXTURES / "career-changer.json"
    assert run_cvdata("import", "jsonresume", str(source), "cv", cwd=tmp_path).returncode == 0
    before = _snapshot(tmp_path / "cv")
    again = run_cvdata("import", "jsonresume", str(source), "cv", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "nothing to add" in again.stdout and "no file changed" in again.stdout
    assert _snapshot(tmp_path / "cv") == before


def test_phone_and_street_address_come_in_private(run_cvdata, tmp_path: Path) -> None:
    source = FIXTURES / "official-sample.json"
    assert run_cvdata("import", "jsonresume", str(source), "cv", cwd=tmp_path).returncode == 0
    contacts = cvdata.load(tmp_path / "cv", as_of=AS_OF).contacts
    private = contacts[contacts["visibility"] == "private"]
    assert set(private["kind"]) == {"phone", "address"}


def test_a_resume_of_another_person_is_refused_and_changes_nothing(
    run_cvdata, tmp_path: Path, broken_copy
) -> None:
    data = broken_copy()
    before = _snapshot(data)
    done = run_cvdata("import", "jsonresume", str(FIXTURES / "senior-engineer.json"), str(data),
                   cwd=tmp_path)  # fmt: skip
    assert done.returncode == 1
    assert "kept person.csv as it is" in done.stdout
    assert "is not an id in person.csv" in done.stdout and "nothing was imported" in done.stdout
    assert _snapshot(data) == before


def test_a_resume_that_breaks_the_schema_names_the_json_path(run_cvdata, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    document = json.loads((FIXTURES / "new-graduate.json").read_text(encoding="utf-8"))
    document["work"] = [{"name": "Acme", "startDate": "March 2020"}]
    document["basics"]["url"] = "javascript:alert(1)"
    bad.write_text(json.dumps(document), encoding="utf-8")
    done = run_cvdata("import", "jsonresume", str(bad), "cv", cwd=tmp_path)
    assert done.returncode == 1
    assert "work[0].startDate" in done.stderr and "bad.json" in done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert not (tmp_path / "cv").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["bad.json"]  # no half-made folder


@pytest.mark.parametrize("step", ["staged", "journal-written", "replaced-1"])
def test_a_killed_import_into_a_new_folder_leaves_no_half_folder(
    run_cvdata, step: str, tmp_path: Path
) -> None:
    source = FIXTURES / "career-changer.json"
    done = run_cvdata("import", "jsonresume", str(source), "cv", cwd=tmp_path,
                   env={"CVDATA_CRASH_AT": step})  # fmt: skip
    assert done.returncode != 0
    assert not (tmp_path / "cv").exists()  # the target appears whole or not at all
    again = run_cvdata("import", "jsonresume", str(source), "cv", cwd=tmp_path)
    assert again.returncode == 0, again.stdout + again.stderr
    assert cvdata.validate(tmp_path / "cv", as_of=AS_OF).ok


def test_init_makes_a_valid_empty_cv(run_cvdata, tmp_path: Path) -> None:
    done = run_cvdata("init", "cv", "--name", "Ada Lovelace", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    cv = cvdata.load(tmp_path / "cv", as_of=AS_OF)
    assert cv.owner["name"] == "Ada Lovelace" and cv.roles.empty
    assert sorted(p.name for p in (tmp_path / "cv").iterdir()) == sorted(
        p.name for p in DATA_DIR.iterdir() if p.is_file()
    )
    again = run_cvdata("init", "cv", "--name", "Ada Lovelace", cwd=tmp_path)
    assert again.returncode == 1 and "not an empty folder" in again.stderr


@pytest.mark.parametrize(
    "image",
    ["javascript:alert(1)", "data:image/svg+xml,<svg onload=alert(1)>", "file:///etc/passwd",
     "/etc/passwd", "../../secret.png"],
)  # fmt: skip
def test_an_image_that_is_not_a_web_address_or_a_file_name_is_refused(
    run_cvdata, tmp_path: Path, image: str
) -> None:
    resume = {"basics": {"name": "Eve", "image": image}}
    (tmp_path / "r.json").write_text(json.dumps(resume), encoding="utf-8")
    done = run_cvdata("import", "jsonresume", "r.json", "cv", cwd=tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"r.json: basics.image: {image!r} is not an http:// or https:// address" in done.stderr
    assert not (tmp_path / "cv").exists()


@pytest.mark.parametrize("image", ["https://example.org/eve.jpg", "photos/eve.jpg"])
def test_an_image_address_or_file_name_is_imported(run_cvdata, tmp_path: Path, image: str) -> None:
    resume = {"basics": {"name": "Eve", "image": image}}
    (tmp_path / "r.json").write_text(json.dumps(resume), encoding="utf-8")
    done = run_cvdata("import", "jsonresume", "r.json", "cv", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    person = cvdata.load(tmp_path / "cv", as_of=AS_OF).person
    assert person.iloc[0]["image"] == image


def _resume(work: list[dict]) -> str:
    return json.dumps({"basics": {"name": "Ann Example"}, "work": work})


def test_a_problem_only_the_whole_folder_shows_is_told_by_json_path(
    run_cvdata, tmp_path: Path
) -> None:
    # An end before its start is found by validating the tables, after the rows are made:
    # the message names the resume's entry, never 'cv/roles.csv:2' of a folder that does
    # not exist (issue 21 item 1).
    bad = {"name": "Acme", "position": "Engineer", "startDate": "2020-05", "endDate": "2019-01"}
    (tmp_path / "r.json").write_text(_resume([bad]), encoding="utf-8")
    done = run_cvdata("import", "jsonresume", "r.json", "cv", cwd=tmp_path)
    assert done.returncode == 1
    assert "r.json: work[0]: end: 2019-01 is before start 2020-05" in done.stdout
    assert "roles.csv" not in done.stdout + done.stderr
    assert not (tmp_path / "cv").exists()


def test_into_a_folder_a_new_rows_problem_names_its_entry_after_multiline_cells(
    run_cvdata, tmp_path: Path
) -> None:
    # The folder's own rows and a highlight over three lines come first: the entry is
    # still found by the record its row starts on, not by counting lines.
    good = {
        "name": "Initech",
        "position": "Analyst",
        "startDate": "2015-01",
        "endDate": "2016-01",
        "summary": "first line\nsecond line\nthird line",
    }
    (tmp_path / "a.json").write_text(_resume([good]), encoding="utf-8")
    assert run_cvdata("import", "jsonresume", "a.json", "cv", cwd=tmp_path).returncode == 0
    bad = {"name": "Acme", "position": "Engineer", "startDate": "2020-05", "endDate": "2019-01"}
    (tmp_path / "b.json").write_text(_resume([good, bad]), encoding="utf-8")
    before = _snapshot(tmp_path / "cv")
    done = run_cvdata("import", "jsonresume", "b.json", "cv", cwd=tmp_path)
    assert done.returncode == 1
    assert "b.json: work[1]: end: 2019-01 is before start 2020-05" in done.stdout
    assert _snapshot(tmp_path / "cv") == before
