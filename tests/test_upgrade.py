"""``cvdata.upgrade``: a data folder made for an older cvdata, brought up to date.

The older folder is ``tests/fixtures/older-cvdata/data``: the data folder as cvdata shipped
it with 25 tables (``git archive efe4d97^ data``). Case A is that folder as it is (its old
descriptor); case B is the same folder after its owner merged upstream's
``datapackage.json`` (the new descriptor, the old CSV files).
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import AS_OF, DATA_DIR, PROJECT, edit_cell, edit_rows

import cvdata
from cvdata import upgrade as up
from cvdata.problems import Problem
from cvdata.schema import default_package
from cvdata.validate import check

OLDER = PROJECT / "tests" / "fixtures" / "older-cvdata" / "data"
REFERENCE = PROJECT / "src" / "cvdata" / "datapackage.json"


def older(tmp_path: Path, case: str = "A") -> Path:
    """A copy of the older folder: case A with its own descriptor, B with upstream's."""
    folder = tmp_path / f"fork-{case}"
    shutil.copytree(OLDER, folder)
    if case == "B":
        shutil.copyfile(REFERENCE, folder / "datapackage.json")
    return folder


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (links as their target's name), by relative path."""
    out = {}
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder).as_posix()
        if p.is_symlink():
            out[rel] = b"-> " + os.readlink(p).encode()
        elif p.is_file():
            out[rel] = p.read_bytes()
        else:
            out[rel] = b"<folder>"
    return out


def rows(path: Path) -> list[dict[str, str]]:
    text = path.read_bytes().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def assert_cells_kept(before: Path, after: Path) -> None:
    """Every row and cell of every CSV in ``before`` is in ``after``, column by column;
    the columns ``after`` adds are empty in every row."""
    tables = sorted(before.glob("*.csv"))
    assert len(tables) == 25
    for old in tables:
        new = after / old.name
        old_rows, new_rows = rows(old), rows(new)
        assert len(new_rows) == len(old_rows), old.name
        for a, b in zip(old_rows, new_rows, strict=True):
            assert {k: b[k] for k in a} == a, old.name
            assert all(b[k] == "" for k in b.keys() - a.keys()), old.name


def header(path: Path) -> list[str]:
    return next(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


# --------------------------------------------------------------------------- cases A and B


@pytest.mark.parametrize("case", ["A", "B"])
def test_an_older_folder_upgrades_to_one_that_loads_with_every_cell(
    tmp_path: Path, case: str
) -> None:
    folder = older(tmp_path, case)
    assert not check(folder, AS_OF).ok

    done = up.upgrade(folder, AS_OF)

    assert done.ok and done.written, done.problems
    cv = cvdata.load(folder, as_of=AS_OF)
    assert len(cv.tables()) == len(default_package().tables)
    assert done.rows == sum(len(df) for df in cv.tables().values())
    assert_cells_kept(OLDER, folder)
    # An unedited older descriptor becomes this cvdata's, byte for byte.
    assert (folder / "datapackage.json").read_bytes() == REFERENCE.read_bytes()
    for table in default_package().tables:
        assert header(folder / table.path) == list(table.field_names), table.name
    assert (folder / "languages.csv").read_bytes() == b"id,language,fluency,notes\n"
    assert not (folder / ".cvdata-transaction").exists()


def test_what_changed_is_said_file_by_file(tmp_path: Path) -> None:
    done = up.upgrade(older(tmp_path, "B"), AS_OF)
    said = {c.path.rsplit("/", 1)[-1]: c.what for c in done.changes}
    assert said["languages.csv"] == "new table (header only)"
    assert said["roles.csv"] == "new columns description, summary, url"
    assert said["volunteering.csv"] == "new columns url, summary, resume"
    assert "datapackage.json" not in said  # case B's descriptor is already this one
    assert len(done.changes) == 17  # 9 new tables, 8 tables with new columns


def test_case_a_names_the_descriptor_changes(tmp_path: Path) -> None:
    done = up.upgrade(older(tmp_path, "A"), AS_OF, dry_run=True)
    notes = [c.what for c in done.changes if c.path.endswith("datapackage.json")]
    assert notes[0].startswith("new tables education_courses, project_roles, ")
    assert "roles: new fields description, summary, url" in notes
    assert "roles.start, roles.end" in notes[-1]


def test_a_second_upgrade_changes_nothing(tmp_path: Path) -> None:
    folder = older(tmp_path, "A")
    assert up.upgrade(folder, AS_OF).written
    before = snapshot(folder)

    again = up.upgrade(folder, AS_OF)

    assert again.ok and again.changes == [] and not again.written
    assert again.rows == up.upgrade(folder, AS_OF, dry_run=True).rows > 0
    assert snapshot(folder) == before


@pytest.mark.parametrize("case", ["A", "B"])
def test_a_dry_run_writes_nothing(tmp_path: Path, case: str) -> None:
    folder = older(tmp_path, case)
    before = snapshot(folder)

    done = up.upgrade(folder, AS_OF, dry_run=True)

    assert done.ok and done.changes and not done.written
    assert snapshot(folder) == before


def test_a_folder_without_a_descriptor_gets_this_cvdatas(tmp_path: Path) -> None:
    folder = older(tmp_path, "A")
    (folder / "datapackage.json").unlink()

    done = up.upgrade(folder, AS_OF)

    assert done.ok and done.written
    assert (folder / "datapackage.json").read_bytes() == REFERENCE.read_bytes()
    assert done.changes[0].what == "new descriptor (the one this cvdata ships)"
    assert_cells_kept(OLDER, folder)


# --------------------------------------------------------------------------- the fork's own


def _customise(folder: Path) -> None:
    """What a fork may do on purpose: a new enum value (used by a row), a field of its
    own (with values), an edited definition of a field an older cvdata shipped."""
    path = folder / "datapackage.json"
    d = json.loads(path.read_text(encoding="utf-8"))
    roles = next(r for r in d["resources"] if r["name"] == "roles")
    fields = roles["schema"]["fields"]
    kind = next(f for f in fields if f["name"] == "kind")
    kind["constraints"]["enum"].append("sabbatical")
    start = next(f for f in fields if f["name"] == "start")
    start["description"] = "Month we started, YYYY-MM."  # kept: type and all
    at = [f["name"] for f in fields].index("work_mode")
    fields.insert(at + 1, {"name": "internal_ref", "type": "string"})
    path.write_text(json.dumps(d, indent=4), encoding="utf-8")  # the fork's own spacing

    def add_column(head: list[str], body: list[list[str]]) -> None:
        pos = head.index("work_mode") + 1
        head.insert(pos, "internal_ref")
        for n, row in enumerate(body):
            row.insert(pos, f"ref-{n}")

    edit_rows(folder / "roles.csv", add_column)
    edit_cell(folder / "roles.csv", "dolby", "kind", "sabbatical")


def test_the_forks_own_choices_are_kept(tmp_path: Path) -> None:
    folder = older(tmp_path, "A")
    _customise(folder)
    assert check(folder, AS_OF).ok is False  # still the older folder
    original = tmp_path / "original"
    shutil.copytree(folder, original)

    done = up.upgrade(folder, AS_OF)

    assert done.ok and done.written, done.problems
    d = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    roles = next(r for r in d["resources"] if r["name"] == "roles")
    fields = {f["name"]: f for f in roles["schema"]["fields"]}
    assert "sabbatical" in fields["kind"]["constraints"]["enum"]
    assert fields["start"] == {
        "name": "start",
        "type": "yearmonth",
        "description": "Month we started, YYYY-MM.",
        "constraints": {"required": True},
    }
    # The new fields come where the reference has them: right after work_mode, then the
    # fork's own field that followed it.
    names = [f["name"] for f in roles["schema"]["fields"]]
    assert names[names.index("work_mode") :][:5] == [
        "work_mode",
        "description",
        "summary",
        "url",
        "internal_ref",
    ]
    # roles.end was not edited: it takes this cvdata's definition.
    assert fields["end"]["format"] == "any"
    assert header(folder / "roles.csv") == names
    cv = cvdata.load(folder, as_of=AS_OF)
    assert cv.roles.set_index("id").at["dolby", "kind"] == "sabbatical"
    assert cv.roles["internal_ref"].str.startswith("ref-").all()
    for a, b in zip(rows(original / "roles.csv"), rows(folder / "roles.csv"), strict=True):
        assert {k: b[k] for k in a} == a


def test_the_forks_own_choices_are_kept_with_upstreams_descriptor(tmp_path: Path) -> None:
    """Case B with an edit of the merged descriptor: a new enum value and a new column."""
    folder = older(tmp_path, "B")
    path = folder / "datapackage.json"
    d = json.loads(path.read_text(encoding="utf-8"))
    papers = next(r for r in d["resources"] if r["name"] == "papers")
    kind = next(f for f in papers["schema"]["fields"] if f["name"] == "type")
    kind["constraints"]["enum"].append("zine")
    papers["schema"]["fields"].append({"name": "doi_checked", "type": "boolean"})
    path.write_text(json.dumps(d, indent=2), encoding="utf-8")

    done = up.upgrade(folder, AS_OF)

    assert done.ok, done.problems
    assert json.loads(path.read_text(encoding="utf-8")) == d  # nothing to add to it
    said = {c.path.rsplit("/", 1)[-1]: c.what for c in done.changes}
    assert said["papers.csv"] == "new columns date, summary, doi_checked"
    assert header(folder / "papers.csv")[-3:] == ["summary", "notes", "doi_checked"]
    assert_cells_kept(OLDER, folder)


def test_merge_descriptor_keeps_a_table_the_fork_added() -> None:
    reference = json.loads(REFERENCE.read_text(encoding="utf-8"))
    theirs = json.loads((OLDER / "datapackage.json").read_text(encoding="utf-8"))
    own = {"name": "patents", "path": "patents.csv", "schema": {"fields": [{"name": "id"}]}}
    theirs["resources"].insert(3, own)
    theirs["resources"][0]["title"] = "Me"

    merged, notes = up.merge_descriptor(theirs, reference)
    assert notes[0].startswith("new tables education_courses")

    names = [r["name"] for r in merged["resources"]]
    assert names[:5] == ["person", "contacts", "roles", "patents", "education"]
    assert names.index("education_courses") == names.index("education") + 1
    assert merged["resources"][0]["title"] == "Me"
    assert len(names) == 35
    assert theirs["resources"][3] is own and len(theirs["resources"]) == 26  # not modified


# --------------------------------------------------------------------------- CSV bytes


def test_new_columns_keep_every_byte_line_endings_and_quotes() -> None:
    data = (
        b"\xef\xbb\xbfid,title,notes\r\n"
        b'a,"multi\nline, ""quoted""",n1\r\n'
        b"\r\n"
        b"short,row\r\n"
        b"b, spaced ,\n"
        b'c,"",last'
    )

    new, added = up.with_columns(data, ["id", "kind", "title", "notes", "url"])

    assert added == ["kind", "url"]
    assert new == (
        b"\xef\xbb\xbfid,kind,title,notes,url\r\n"
        b'a,,"multi\nline, ""quoted""",n1,\r\n'
        b"\r\n"
        b"short,row\r\n"  # another width: left as it is (validation reports it)
        b"b,, spaced ,,\n"
        b'c,,"",last,'
    )


def test_a_file_that_is_not_csv_is_left_to_validation() -> None:
    assert up.with_columns(b'id,title\na,"never closed\n', ["id", "title", "x"]) is None
    assert up.with_columns(b'id,title\na,"x"y\n', ["id", "title", "x"]) is None
    assert up.with_columns(b"\xff\xfeid\n", ["id", "x"]) is None
    assert up.with_columns(b"id,title\n", ["title", "id"]) == (b"id,title\n", [])


# --------------------------------------------------------------------------- all or nothing


def test_a_bad_row_elsewhere_means_nothing_is_written(tmp_path: Path) -> None:
    folder = older(tmp_path, "B")
    line = edit_cell(folder / "papers.csv", "jsidentify", "year", "20x4")
    before = snapshot(folder)

    done = up.upgrade(folder, AS_OF)

    assert not done.ok and not done.written
    assert done.changes  # what it would have done
    assert (
        Problem(f"{folder.as_posix()}/papers.csv", line, "year", "'20x4' is not a year")
        in done.problems
    )
    assert len(done.problems) == 1
    assert snapshot(folder) == before


# --------------------------------------------------------------------------- refused


def _refused(folder: Path, match: str) -> None:
    before = snapshot(folder)
    with pytest.raises(up.UpgradeRefused, match=match):
        up.upgrade(folder, AS_OF)
    assert snapshot(folder) == before


def test_a_table_linked_outside_the_folder_is_refused(tmp_path: Path) -> None:
    folder = older(tmp_path, "B")
    secret = tmp_path / "secret.csv"
    secret.write_text("id,organisation\nx,y\n", encoding="utf-8")
    (folder / "roles.csv").unlink()
    (folder / "roles.csv").symlink_to(secret)
    _refused(folder, r"roles\.csv: is a link to .*secret\.csv, outside the data folder")
    assert secret.read_text(encoding="utf-8") == "id,organisation\nx,y\n"


def test_a_table_linked_inside_the_folder_is_not_replaced(tmp_path: Path) -> None:
    folder = older(tmp_path, "B")
    (folder / "shared").mkdir()
    (folder / "roles.csv").rename(folder / "shared" / "roles.csv")
    (folder / "roles.csv").symlink_to(Path("shared") / "roles.csv")
    _refused(folder, r"roles\.csv: is a symbolic link \(to shared/roles\.csv\)")


def test_a_pipe_as_a_table_is_refused(tmp_path: Path) -> None:
    folder = older(tmp_path, "B")
    (folder / "roles.csv").unlink()
    os.mkfifo(folder / "roles.csv")
    _refused(folder, r"roles\.csv: is not a regular file")


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("{oops", r"datapackage\.json: not JSON \(Expecting property name"),
        ("<<<<<<< HEAD\n{}\n=======\n{}\n>>>>>>> upstream\n", r"conflict markers of a git merge"),
        ("[1, 2]", r"not a data package descriptor"),
    ],
)
def test_a_descriptor_that_is_not_one_is_refused(tmp_path: Path, text: str, match: str) -> None:
    folder = older(tmp_path, "A")
    (folder / "datapackage.json").write_text(text, encoding="utf-8")
    _refused(folder, match)


def test_a_descriptor_that_cannot_be_read_is_refused(tmp_path: Path) -> None:
    folder = older(tmp_path, "A")
    (folder / "datapackage.json").unlink()
    (folder / "datapackage.json").mkdir()
    _refused(folder, r"datapackage\.json: is a folder, not a file")


def test_an_unreadable_descriptor_is_refused(tmp_path: Path, monkeypatch) -> None:
    # chmod 0 stops no one running as root (CI does): the file's open is refused instead,
    # as the operating system refuses it to anyone else.
    from cvdata import _files

    folder = older(tmp_path, "A")
    real_open = _files.os.open

    def denied(file, *args, **kwargs):
        if Path(file).name == "datapackage.json":
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    # _files opens with os.open (so that a pipe is never waited for).
    monkeypatch.setattr(_files.os, "open", denied)
    before = (folder / "datapackage.json").read_bytes()
    _refused(folder, r"datapackage\.json: cannot be read: Permission denied")
    assert (folder / "datapackage.json").read_bytes() == before


def test_an_interrupted_import_is_undone_first_and_said(tmp_path: Path) -> None:
    folder = older(tmp_path, "B")
    (folder / ".cvdata-transaction" / "tables").mkdir(parents=True)  # staged, never committed

    done = up.upgrade(folder, AS_OF)

    assert done.written
    assert done.notes == [
        f"{folder.as_posix()}: removed the staged files of an import that was interrupted"
    ]
    assert not (folder / ".cvdata-transaction").exists()


def test_a_path_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    folder = older(tmp_path, "A")
    path = folder / "datapackage.json"
    d = json.loads(path.read_text(encoding="utf-8"))
    d["resources"][1]["path"] = "../contacts.csv"
    path.write_text(json.dumps(d), encoding="utf-8")
    _refused(folder, r"leaves the data folder")
    assert not (tmp_path / "contacts.csv").exists()


# --------------------------------------------------------------------------- the hint


@pytest.mark.parametrize("case", ["A", "B"])
def test_an_older_folders_problems_are_ones_upgrade_fixes(tmp_path: Path, case: str) -> None:
    folder = older(tmp_path, case)
    result = check(folder, AS_OF)
    assert len(result.problems) >= 9
    assert up.made_for_older(result.problems)
    assert up.hint(result.problems, folder) == up.HINT.format(folder=folder.as_posix())


def test_other_problems_get_no_hint(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR, folder)
    edit_cell(folder / "papers.csv", "jsidentify", "year", "20x4")
    assert not up.made_for_older(check(folder, AS_OF).problems)
    assert not up.made_for_older([])
    older_one = check(older(tmp_path, "B"), AS_OF).problems
    # One problem of another kind among the older folder's: no hint.
    assert not up.made_for_older([*older_one, Problem("x/papers.csv", 3, "year", "bad")])
    # A required column missing, or person.csv: upgrade would add them empty, which fails.
    assert not up.made_for_older([Problem("d/roles.csv", 1, "title", "missing column")])
    assert not up.made_for_older([Problem("d/person.csv", None, None, "missing file (the P)")])
    assert up.made_for_older([Problem("d/roles.csv", 1, "url", "missing column")])


# --------------------------------------------------------------------------- rendered


@pytest.fixture(scope="session")
def upgraded_b(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Case B, upgraded (one folder for the session, so the render runs once)."""
    folder = older(tmp_path_factory.mktemp("upgraded"), "B")
    assert up.upgrade(folder, AS_OF).written
    return folder


@pytest.mark.render
def test_an_upgraded_folder_renders(upgraded_b: Path, render_data) -> None:
    site = render_data(upgraded_b)  # the whole site and the PDF; fails on any error
    cv = cvdata.load(upgraded_b, as_of=AS_OF)
    page = (site / "cv.html").read_text(encoding="utf-8")
    for title in cv.papers["title"].head(3):
        assert html.escape(title, quote=False) in page
    assert (site / "cv.pdf").stat().st_size > 10_000
    assert (site / "index.html").is_file()
