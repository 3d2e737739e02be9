"""The shipped data: it validates, and it holds exactly what the CV holds."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import frictionless
import pandas as pd
import pytest
from conftest import TABLES, edit_cell

import cvdata

#: Rows per table, counted from the CV.
ROW_COUNTS = {
    "roles": 15,
    "education": 6,
    "advisors": 18,
    "role_highlights": 2,
    "projects": 40,
    "project_contributions": 96,
    "project_links": 37,
    "venues": 13,
    "papers": 22,
    "paper_authors": 193,
    "paper_links": 32,
    "paper_identifiers": 4,
    "events": 15,
    "talks": 2,
    "person": 1,
    "contacts": 12,
    "awards": 23,
    "skills": 107,
    "service": 9,
    "teaching": 1,
    "certifications": 4,
    "certification_scores": 10,
    "activities": 9,
    "volunteering": 3,
    "volunteering_items": 4,
    # The JSON Resume tables (issue #14): the shipped CV has nothing for them yet.
    "education_courses": 0,
    "project_roles": 0,
    "project_keywords": 0,
    "skill_categories": 0,
    "languages": 0,
    "interests": 0,
    "interest_keywords": 0,
    "references": 0,
    "meta": 0,
}

PATENT_TITLE = "KUBERNETES 用户态应用中基于虚拟文件系统的小文件存储优化系统"


def test_shipped_data_validates(data_dir: Path, as_of: dt.date) -> None:
    result = cvdata.validate(data_dir, as_of=as_of)
    assert [str(p) for p in result.problems] == []
    assert result.ok
    assert len(result.tables) == TABLES
    assert result.rows == sum(ROW_COUNTS.values())


def test_every_table_has_a_row_count(cv: cvdata.CV) -> None:
    assert set(cv.tables()) == set(ROW_COUNTS)


@pytest.mark.parametrize(("table", "rows"), ROW_COUNTS.items())
def test_row_count(cv: cvdata.CV, table: str, rows: int) -> None:
    assert len(cv.tables()[table]) == rows


def test_projects_by_listing(cv: cvdata.CV) -> None:
    assert cv.projects["listing"].value_counts().to_dict() == {"experience": 33, "other": 7}


def test_papers_by_type(cv: cvdata.CV) -> None:
    assert cv.papers["type"].value_counts().to_dict() == {
        "book": 1,
        "journal": 2,
        "preprint": 2,
        "patent": 1,
        "thesis": 1,
        "blog": 1,
        "conference": 14,
    }


def test_papers_by_status(cv: cvdata.CV) -> None:
    assert cv.papers["status"].value_counts().to_dict() == {
        "published": 12,
        "forthcoming": 4,
        "submitted": 3,
        "preprint": 2,
        "under-review": 1,
    }


def test_every_paper_with_authors_has_exactly_one_owner(cv: cvdata.CV) -> None:
    owners = cv.paper_authors.groupby("paper_id")["is_owner"].sum()
    assert len(owners) > 0
    assert owners[owners != 1].to_dict() == {}
    assert set(owners.index) <= set(cv.papers["id"])


def test_author_positions_run_from_one_without_gaps(cv: cvdata.CV) -> None:
    for paper, positions in cv.paper_authors.groupby("paper_id")["position"]:
        assert sorted(positions) == list(range(1, len(positions) + 1)), paper


def test_chinese_patent_title_is_kept_exactly(cv: cvdata.CV) -> None:
    patents = cv.papers[cv.papers["type"] == "patent"]
    assert patents["title"].tolist() == [PATENT_TITLE]
    assert (cv.papers["title"] == PATENT_TITLE).sum() == 1


def test_sysu_research_associate_starts_2019_09_and_notes_2018(cv: cvdata.CV) -> None:
    row = cv.roles.set_index("id").loc["sysu-research-associate"]
    assert row["start"] == pd.Timestamp("2019-09-01")
    assert "2018" in row["notes"]


def test_phone_numbers_are_private(cv: cvdata.CV) -> None:
    phones = cv.contacts[cv.contacts["kind"] == "phone"]
    assert len(phones) > 0
    assert set(phones["visibility"]) == {"private"}


def test_dtypes(cv: cvdata.CV) -> None:
    assert pd.api.types.is_datetime64_any_dtype(cv.roles["start"])
    assert pd.api.types.is_datetime64_any_dtype(cv.roles["end"])
    assert cv.skills["years"].dtype == "Int64"
    assert cv.paper_authors["is_owner"].dtype == "boolean"
    assert cv.education["gpa"].dtype == "Float64"
    assert cv.papers["title"].dtype == "string"


def test_shipped_descriptor_is_the_data_descriptor(data_dir: Path) -> None:
    shipped = Path(cvdata.__file__).with_name("datapackage.json")
    assert shipped.read_bytes() == (data_dir / "datapackage.json").read_bytes()


def test_descriptor_lists_every_csv_file(data_dir: Path) -> None:
    descriptor = json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))
    paths = sorted(r["path"] for r in descriptor["resources"])
    assert paths == sorted(p.name for p in data_dir.glob("*.csv"))


def test_descriptor_is_a_valid_frictionless_package(data_dir: Path) -> None:
    descriptor = json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))
    errors = [e.message for e in frictionless.Package.metadata_validate(descriptor)]
    assert errors == []
    assert len(frictionless.Package(str(data_dir / "datapackage.json")).resources) == TABLES


def test_frictionless_accepts_the_shipped_data(data_dir: Path) -> None:
    report = frictionless.validate(str(data_dir / "datapackage.json"))
    assert report.flatten(["taskNumber", "rowNumber", "fieldName", "type", "note"]) == []
    assert report.valid
    assert report.stats["tasks"] == TABLES


def test_frictionless_cross_check_can_fail(broken_copy) -> None:
    """The cross-check above is not vacuous: frictionless does see a broken value."""
    folder = broken_copy()
    edit_cell(folder / "papers.csv", "jsidentify", "type", "workshop")
    report = frictionless.validate(str(folder / "datapackage.json"))
    assert not report.valid
    assert [e[0] for e in report.flatten(["type"])] == ["constraint-error"]
