"""cvdata.load: finding the data folder, the typed bundle it returns, and how it fails."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from conftest import PROJECT, TABLES, edit_cell

import cvdata
from cvdata import CV, DataDirError, ValidationError
from cvdata import load as load_module


def _descriptor_names(data_dir: Path) -> list[str]:
    descriptor = json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))
    return [r["name"] for r in descriptor["resources"]]


def _mark(folder: Path) -> Path:
    """Give a copy a headline of its own, so a test can tell which folder was loaded."""
    edit_cell(folder / "person.csv", "zhongzhu-zhou", "headline", f"copy in {folder.name}")
    return folder


def _headline(cv: CV) -> str:
    return cv.owner["headline"]


def test_load_returns_every_table_in_descriptor_order(data_dir: Path, as_of: dt.date) -> None:
    cv = cvdata.load(data_dir, as_of=as_of)
    assert isinstance(cv, CV)
    assert list(cv.tables()) == _descriptor_names(data_dir)
    assert len(cv.tables()) == TABLES
    assert all(isinstance(df, pd.DataFrame) for df in cv.tables().values())
    assert cv.as_of == as_of
    assert cv.data_dir == data_dir
    assert cv.owner["id"] == "zhongzhu-zhou"


def test_cv_is_frozen(cv: CV) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        cv.papers = pd.DataFrame()  # type: ignore[misc]


def test_columns_follow_the_descriptor(data_dir: Path, cv: CV) -> None:
    descriptor = json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))
    for r in descriptor["resources"]:
        expected = [f["name"] for f in r["schema"]["fields"]]
        # Then each date column's precision (cvdata.dates), in the same order.
        expected += [f["name"] + "_precision" for f in r["schema"]["fields"] if f["type"] == "date"]
        assert list(cv.tables()[r["name"]].columns) == expected, r["name"]


def test_rows_keep_file_order(data_dir: Path, cv: CV) -> None:
    ids = [line.split(",", 1)[0] for line in (data_dir / "skills.csv").read_text().splitlines()]
    assert cv.skills["id"].tolist() == ids[1:]
    assert cv.skills.index.tolist() == list(range(len(ids) - 1))


def test_missing_end_means_ongoing(cv: CV) -> None:
    together = cv.roles.set_index("id").loc["together-ai"]
    assert together["start"] == pd.Timestamp("2024-05-01")
    assert pd.isna(together["end"])


def test_validate_returns_a_result(data_dir: Path, as_of: dt.date) -> None:
    result = cvdata.validate(data_dir, as_of=as_of)
    assert result.ok
    assert result.problems == []
    assert list(result.tables) == _descriptor_names(data_dir)
    assert result.rows == sum(len(df) for df in result.tables.values())


# --------------------------------------------------------------------------- finding data/


def test_load_from_a_subfolder_finds_data(
    monkeypatch: pytest.MonkeyPatch, data_dir: Path, as_of: dt.date
) -> None:
    notebooks = PROJECT / "notebooks"
    os.makedirs(notebooks, exist_ok=True)
    monkeypatch.chdir(notebooks)
    cv = cvdata.load(as_of=as_of)
    assert cv.data_dir.resolve() == data_dir.resolve()
    assert len(cv.papers) == 22


def test_load_from_the_project_folder_finds_data(
    monkeypatch: pytest.MonkeyPatch, data_dir: Path
) -> None:
    monkeypatch.chdir(PROJECT)
    assert cvdata.find_data_dir().resolve() == data_dir.resolve()


def test_cvdata_dir_env_beats_the_working_folder(
    monkeypatch: pytest.MonkeyPatch, broken_copy, as_of: dt.date
) -> None:
    folder = _mark(broken_copy("elsewhere"))
    monkeypatch.chdir(PROJECT)
    monkeypatch.setenv("CVDATA_DIR", str(folder))
    cv = cvdata.load(as_of=as_of)
    assert cv.data_dir == folder
    assert _headline(cv) == "copy in elsewhere"


def test_explicit_folder_beats_cvdata_dir(
    monkeypatch: pytest.MonkeyPatch, broken_copy, data_dir: Path
) -> None:
    monkeypatch.setenv("CVDATA_DIR", str(broken_copy("elsewhere")))
    assert cvdata.find_data_dir(data_dir) == data_dir


def test_quarto_project_root_beats_the_working_folder(
    monkeypatch: pytest.MonkeyPatch, broken_copy, tmp_path: Path, as_of: dt.date
) -> None:
    folder = _mark(broken_copy("data"))
    monkeypatch.chdir(PROJECT)
    monkeypatch.setenv("QUARTO_PROJECT_ROOT", str(tmp_path))
    cv = cvdata.load(as_of=as_of)
    assert cv.data_dir == folder
    assert _headline(cv) == "copy in data"


def test_cvdata_dir_beats_quarto_project_root(
    monkeypatch: pytest.MonkeyPatch, broken_copy, tmp_path: Path
) -> None:
    broken_copy("data")
    other = broken_copy("other")
    monkeypatch.setenv("QUARTO_PROJECT_ROOT", str(tmp_path))
    monkeypatch.setenv("CVDATA_DIR", str(other))
    assert cvdata.find_data_dir() == other


def test_quarto_project_root_without_data_falls_back_to_the_search(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, data_dir: Path
) -> None:
    monkeypatch.setenv("QUARTO_PROJECT_ROOT", str(tmp_path))
    monkeypatch.chdir(PROJECT)
    assert cvdata.find_data_dir().resolve() == data_dir.resolve()


def test_explicit_missing_folder_raises(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder"
    with pytest.raises(DataDirError, match=r"no-such-folder.*does not exist"):
        cvdata.load(missing)
    with pytest.raises(FileNotFoundError):
        cvdata.validate(missing)


def test_cvdata_dir_naming_a_missing_folder_raises(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(PROJECT)  # data/ is here, but the variable wins and is wrong
    monkeypatch.setenv("CVDATA_DIR", str(tmp_path / "gone"))
    with pytest.raises(DataDirError, match="gone"):
        cvdata.load()


def test_no_data_folder_anywhere_raises(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert not any(
        (p / "data" / "datapackage.json").exists() for p in (tmp_path, *tmp_path.parents)
    )
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DataDirError, match="CVDATA_DIR") as err:
        cvdata.load()
    assert err.value._render_traceback_() == [str(err.value)]


def test_folder_without_descriptor_is_found_only_when_named(
    monkeypatch: pytest.MonkeyPatch, broken_copy, tmp_path: Path, as_of: dt.date
) -> None:
    folder = broken_copy()
    (folder / "datapackage.json").unlink()
    assert len(cvdata.load(folder, as_of=as_of).tables()) == TABLES  # the shipped descriptor
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DataDirError):
        cvdata.find_data_dir()


# --------------------------------------------------------------------------- failures


def _broken(broken_copy) -> Path:
    folder = broken_copy()
    edit_cell(folder / "papers.csv", "jsidentify", "year", "20x4")
    edit_cell(folder / "skills.csv", "cpp", "years", "-1")
    edit_cell(folder / "roles.csv", "dolby", "end", "2023-09")
    return folder


def test_load_on_broken_data_raises_with_every_problem(broken_copy, as_of: dt.date) -> None:
    folder = _broken(broken_copy)
    problems = cvdata.validate(folder, as_of=as_of).problems
    assert len(problems) == 3
    with pytest.raises(ValidationError) as err:
        cvdata.load(folder, as_of=as_of)
    assert err.value.problems == problems
    text = str(err.value)
    for p in problems:
        assert str(p) in text
    assert text.splitlines()[0] == "the CV data does not validate:"
    assert text.splitlines()[-1] == "3 problems in 3 files"


def test_a_command_that_loads_broken_data_reports_it_without_a_traceback(
    broken_copy, as_of: dt.date, capsys: pytest.CaptureFixture[str]
) -> None:
    # The CLI catches what load raises (a ValidationError is a ValueError) and prints the
    # report: every problem, exit status 1, no traceback.
    from cvdata.cli import main

    folder = _broken(broken_copy)
    problems = cvdata.validate(folder, as_of=as_of).problems
    assert main(["export", "bibtex", str(folder), "--as-of", as_of.isoformat()]) == 1
    out = capsys.readouterr()
    for p in problems:
        assert str(p) in out.out
    assert "does not validate" in out.err and "Traceback" not in out.out + out.err


def test_validation_error_renders_without_traceback(broken_copy, as_of: dt.date) -> None:
    folder = _broken(broken_copy)
    with pytest.raises(ValidationError) as err:
        cvdata.load(folder, as_of=as_of)
    rendered = err.value._render_traceback_()
    assert isinstance(rendered, list)
    assert all(isinstance(line, str) for line in rendered)
    text = "\n".join(rendered)
    assert text == str(err.value)
    assert cvdata.format_report(err.value.problems) in text
    assert "Traceback" not in text


def test_validation_error_sorts_its_problems() -> None:
    later = cvdata.Problem("data/b.csv", 2, "x", "bad")
    earlier = cvdata.Problem("data/a.csv", 9, "y", "bad")
    first = cvdata.Problem("data/a.csv", None, None, "missing file")
    assert ValidationError([later, earlier, first]).problems == [first, earlier, later]


# --------------------------------------------------------------------------- as-of date


def test_as_of_from_the_environment(monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> None:
    monkeypatch.setenv("CVDATA_AS_OF", "2026-11-26")
    assert cvdata.load(data_dir).as_of == dt.date(2026, 11, 26)


def test_as_of_from_the_environment_is_used_to_validate(
    monkeypatch: pytest.MonkeyPatch, data_dir: Path
) -> None:
    monkeypatch.setenv("CVDATA_AS_OF", "2025-01-01")
    with pytest.raises(ValidationError, match="is after the as-of date 2025-01-01"):
        cvdata.load(data_dir)


def test_explicit_as_of_beats_the_environment(
    monkeypatch: pytest.MonkeyPatch, data_dir: Path, as_of: dt.date
) -> None:
    monkeypatch.setenv("CVDATA_AS_OF", "2025-01-01")
    assert cvdata.load(data_dir, as_of=as_of).as_of == as_of


def test_as_of_defaults_to_today() -> None:
    assert cvdata.resolve_as_of() == dt.date.today()


@pytest.mark.parametrize(
    "value",
    [dt.date(2026, 11, 26), "2026-11-26", dt.datetime(2026, 11, 26, 23, 59)],
    ids=["date", "string", "datetime"],
)
def test_as_of_forms(data_dir: Path, value) -> None:
    cv = cvdata.load(data_dir, as_of=value)
    assert cv.as_of == dt.date(2026, 11, 26)
    assert type(cv.as_of) is dt.date


@pytest.mark.parametrize("bad", ["2026-13-01", "26/11/2026", "tomorrow"])
def test_bad_as_of_string_raises(data_dir: Path, bad: str) -> None:
    message = f"as-of date '{bad}' is not a date in the form YYYY-MM-DD"
    with pytest.raises(ValueError) as err:
        cvdata.load(data_dir, as_of=bad)
    assert str(err.value) == message
    assert not isinstance(err.value, ValidationError)


def test_bad_as_of_in_the_environment_raises(
    monkeypatch: pytest.MonkeyPatch, data_dir: Path
) -> None:
    monkeypatch.setenv("CVDATA_AS_OF", "2026-02-30")
    with pytest.raises(ValueError, match=r"^as-of date '2026-02-30' is not a date in the form"):
        cvdata.load(data_dir)


# -- a load made ahead (the warm kernels' fork server) --------------------------------


@pytest.fixture
def ahead_cleared() -> Iterator[None]:
    yield
    load_module._ahead = None


def _copy(data_dir: Path, target: Path) -> Path:
    shutil.copytree(data_dir, target)
    return target


def test_a_load_made_ahead_is_taken_once_by_the_next_load_of_that_folder(
    data_dir: Path, as_of: dt.date, tmp_path: Path, ahead_cleared: None
) -> None:
    folder = _copy(data_dir, tmp_path / "data")
    assert load_module.load_ahead(folder, as_of=as_of)
    kept = load_module._ahead
    assert kept is not None
    first = cvdata.load(folder, as_of=as_of)
    assert first.papers is kept[3].papers  # the tables read ahead, not read again
    assert first.data_dir == folder
    again = cvdata.load(folder, as_of=as_of)
    assert again.papers is not first.papers  # taken once: no two loads share a table
    pd.testing.assert_frame_equal(again.papers, first.papers)


@pytest.mark.parametrize("change", ["edited", "other date", "other folder"])
def test_a_load_made_ahead_is_not_taken_when_it_no_longer_fits(
    data_dir: Path, as_of: dt.date, tmp_path: Path, ahead_cleared: None, change: str
) -> None:
    folder = _mark(_copy(data_dir, tmp_path / "data"))
    load_module.load_ahead(folder, as_of=as_of)
    kept = load_module._ahead
    assert kept is not None
    when, target = as_of, folder
    if change == "edited":  # saved after the read: same size, the file's time moves on
        edit_cell(folder / "person.csv", "zhongzhu-zhou", "headline", f"copy in {folder.name}!")
    elif change == "other date":
        when = as_of - dt.timedelta(days=1)
    else:
        target = _mark(_copy(data_dir, tmp_path / "other"))
    cv = cvdata.load(target, as_of=when)
    assert cv.papers is not kept[3].papers
    assert cv.as_of == when
    expected = {"edited": f"copy in {folder.name}!", "other date": "copy in data"}
    assert _headline(cv) == expected.get(change, "copy in other")
    assert load_module._ahead is None  # not kept for a later load either


def test_bad_data_is_not_loaded_ahead_and_the_load_reports_it(
    broken_copy, as_of: dt.date, ahead_cleared: None
) -> None:
    folder = broken_copy()
    edit_cell(folder / "papers.csv", "jsidentify", "year", "20x4")
    assert load_module.load_ahead(folder, as_of=as_of) is False
    assert load_module._ahead is None
    with pytest.raises(ValidationError):
        cvdata.load(folder, as_of=as_of)
