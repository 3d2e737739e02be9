"""The synthetic CV generator: deterministic, valid, and shaped like real CVs."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import cvdata
from cvdata import charts, synth
from cvdata.schema import default_package


def test_same_seed_same_cv_other_seed_other_cv(tmp_path: Path) -> None:
    a = synth.write_cv(tmp_path / "a", seed=7)
    b = synth.write_cv(tmp_path / "b", seed=7)
    c = synth.write_cv(tmp_path / "c", seed=8)
    files = sorted(p.name for p in a.iterdir())
    assert files == sorted(p.name for p in b.iterdir())
    assert all((a / f).read_bytes() == (b / f).read_bytes() for f in files)
    assert (a / "papers.csv").read_bytes() != (c / "papers.csv").read_bytes()


def test_writes_every_table_of_the_package(tmp_path: Path) -> None:
    folder = synth.write_cv(tmp_path / "cv")
    for table in default_package().tables:
        header = (folder / table.path).read_text(encoding="utf-8").splitlines()[0]
        assert header.split(",") == list(table.field_names)
    assert (folder / "datapackage.json").is_file()


@pytest.mark.parametrize(
    "sizes",
    [
        {},
        {"n_papers": 0, "n_roles": 1, "n_projects": 0, "n_skills": 0},
        {"n_papers": 40, "n_roles": 100, "n_projects": 200, "n_skills": 20},
        {"n_papers": 300, "n_roles": 5, "all_ongoing": True},
    ],
)
def test_passes_validation(tmp_path: Path, sizes: dict) -> None:
    folder = synth.write_cv(tmp_path / "cv", **sizes)
    result = cvdata.validate(folder, as_of=synth.AS_OF)
    assert result.ok, cvdata.format_report(result.problems)
    cv = synth.make_cv(**sizes)
    assert len(cv.papers) == sizes.get("n_papers", 22)
    assert len(cv.roles) == sizes.get("n_roles", 15)
    assert len(cv.projects) == sizes.get("n_projects", 40)
    assert len(cv.skills) == sizes.get("n_skills", 107)


def test_shaped_like_a_real_cv() -> None:
    cv = synth.make_cv(n_papers=400, n_roles=30, n_projects=60, n_skills=60, seed=0)
    roles = charts.timeline.table(cv)
    # Roles overlap, some are ongoing, every kind occurs.
    assert charts.numbers.covered_years(roles["start"], roles["end"]) < (
        (roles["end"] - roles["start"]).dt.days.sum() / 365.25
    )
    assert roles["ongoing"].any() and not roles["ongoing"].all()
    assert set(roles["kind"]) == set(charts._tables.KIND_LABELS)
    # Papers: several venues, some with acronyms and some without; every status; some
    # papers without a venue or a year; nothing published after the as-of year.
    papers = charts._tables.papers_table(cv)
    assert papers["venue"].nunique() > 10
    assert cv.venues["acronym"].isna().any() and cv.venues["acronym"].notna().any()
    assert {"published", "submitted", "preprint", "forthcoming"} <= set(papers["status"])
    assert (~papers["has_venue"]).any() and papers["year"].isna().any()
    assert papers["first_author"].any() and papers["equal_contribution"].any()
    # Co-authors recur, and some names come in other case or spacing.
    people = charts.coauthors.table(cv, top=None).drop_duplicates("key")
    assert people["total"].max() >= 20 and (people["total"] == 1).any()
    raw = cv.paper_authors[~cv.paper_authors["is_owner"]]["name"]
    assert raw.nunique() > len(people)
    # Projects belong to roles or stand alone; skills in categories, some without years.
    assert cv.projects["role_id"].notna().any() and cv.projects["role_id"].isna().any()
    assert cv.skills["category"].nunique() > 3 and cv.skills["years"].isna().any()


def test_make_cv_into_a_folder_keeps_it(tmp_path: Path) -> None:
    cv = synth.make_cv(n_papers=5, folder=tmp_path / "kept")
    assert cv.data_dir == tmp_path / "kept"
    again = cvdata.load(tmp_path / "kept", as_of=synth.AS_OF)
    pd.testing.assert_frame_equal(cv.papers, again.papers)
