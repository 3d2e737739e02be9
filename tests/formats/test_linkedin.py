"""``cvdata import linkedin``: LinkedIn's data export (a ZIP or its folder) as CV tables.

The fixtures (``tests/fixtures/linkedin/``) are folders shaped like real exports of three
vintages, with invented people; the ZIPs are built here from them, as LinkedIn builds its
own: CSV files at the archive's root.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import AS_OF, DATA_DIR, PROJECT

import cvdata
from cvdata.formats import IMPORTS, linkedin
from cvdata.formats._format import Incoming
from cvdata.formats._land import init_data_dir, land
from cvdata.load import check

FIXTURES = PROJECT / "tests" / "fixtures" / "linkedin"
VINTAGES = ("current", "2018", "no-profile")
NONE = argparse.Namespace()


def zip_folder(folder: Path, target: Path, prefix: str = "") -> Path:
    """The folder as a ZIP: its files at the root (``prefix``: inside one folder)."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, prefix + path.relative_to(folder).as_posix())
    return target


def read(source: Path | str, existing=None) -> Incoming:
    return linkedin.read([str(source)], NONE, existing, AS_OF)


def land_in(source: Path | str, folder: Path):
    """The export landed in ``folder`` the one way every import lands."""
    return land(IMPORTS["linkedin"], [str(source)], folder, NONE, AS_OF)


def with_person(folder: Path) -> Path:
    """A data folder as ``cvdata init DIR --name`` makes it."""
    return init_data_dir(folder, {"id": "ines-carvalho", "name": "Inês Carvalho"})


def rows(incoming: Incoming, table: str, **match: str) -> list[dict[str, str]]:
    return [r for r in incoming.tables.get(table, []) if all(r[k] == v for k, v in match.items())]


def aside(incoming: Incoming, section: str) -> list[tuple[str, str]]:
    return incoming.report.sections[section].set_aside


@pytest.fixture(scope="module")
def current(tmp_path_factory: pytest.TempPathFactory) -> Incoming:
    archive = zip_folder(FIXTURES / "current", tmp_path_factory.mktemp("zip") / "export.zip")
    return read(archive)


# ---------------------------------------------------------------- dates and text


@pytest.mark.parametrize(
    ("written", "iso"),
    [
        ("Jun 2018", "2018-06"),
        ("2018", "2018"),
        ("Apr 3, 2023", "2023-04-03"),
        ("6/19/15, 10:16 AM", "2015-06-19"),
        ("10/25/21, 08:17 PM", "2021-10-25"),
        ("  Sept 2019 ", "2019-09"),
        ("", ""),
    ],
)
def test_dates_as_linkedin_writes_them(written: str, iso: str) -> None:
    assert linkedin.parse_date(written, AS_OF) == iso


@pytest.mark.parametrize(
    ("written", "why"),
    [("Apr 22", "gives no year"), ("Feb 30, 2020", "not a day"), ("soon", "not a date")],
)
def test_a_date_that_is_none_says_why(written: str, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        linkedin.parse_date(written, AS_OF)


def test_a_two_digit_year_is_never_after_the_as_of_date() -> None:
    assert linkedin.parse_date("1/2/99, 1:00 PM", AS_OF) == "1999-01-02"
    assert linkedin.parse_date("1/2/26, 1:00 PM", AS_OF) == "2026-01-02"


def test_flattened_line_breaks_and_bullets_become_highlights() -> None:
    text = "Lead the team.   • Migrated 40 pipelines   • Cut costs by 30%"
    assert linkedin.split_description(text) == (
        "Lead the team.",
        ["Migrated 40 pipelines", "Cut costs by 30%"],
    )
    assert linkedin.split_description("One line only.") == ("One line only.", [])
    assert linkedin.split_description("• a • b") == ("", ["a", "b"])
    assert linkedin.paragraph(" First.    Second.\tThird. ") == "First.\nSecond.\nThird."
    assert linkedin.line("  Senior    Engineer ") == "Senior Engineer"


# ---------------------------------------------------------------- a current export


def test_positions_become_roles_with_highlights(current: Incoming) -> None:
    (senior,) = rows(current, "roles", title="Senior Data Engineer")
    assert (senior["organisation"], senior["start"], senior["end"]) == (
        "Northwind Analytics",
        "2021-06",
        "",
    )  # an empty end: current
    highlights = rows(current, "role_highlights", role_id=senior["id"])
    assert [h["text"] for h in highlights] == [
        "Migrated 40 pipelines to Airflow",
        "Cut warehouse costs by 30% 📉",
        "Mentored two graduates",
    ]
    (intern,) = rows(current, "roles", title="Data Engineering Intern")
    assert intern["kind"] == "internship"
    (note,) = rows(current, "role_highlights", role_id=intern["id"])
    assert note["text"] == "Documented the warehouse in English, العربية and 中文."
    assert current.report.sections["Positions.csv"].came_in == 3  # the row of commas is none


def test_education_notes_and_activities_are_the_degree_summary(current: Incoming) -> None:
    (bsc,) = rows(current, "roles", organisation="University of Edinburgh")
    assert bsc["summary"] == (
        "Dissertation on stream processing.\n"
        "Activities and societies: Hillwalking club, Tech society"
    )


def test_undated_rows_are_kept_undated(current: Incoming) -> None:
    (codebar,) = rows(current, "roles", organisation="Codebar")
    assert (codebar["kind"], codebar["start"], codebar["end"]) == ("education", "", "")
    (meetup,) = rows(current, "projects", title="Community meetup website")
    assert meetup["start"] == ""
    (aid,) = rows(current, "certifications", name="First Aid at Work")
    assert aid["date"] == ""


def test_the_profile_fills_the_person_and_its_contacts(current: Incoming) -> None:
    (person,) = current.tables["person"]
    assert person["name"] == "Amara Okonkwo-Lind"
    assert person["headline"] == "Data engineer — pipelines & ML platforms 🚀"
    assert person["summary"].splitlines()[1] == "Previously at two start-ups."
    websites = {r["label"]: r["url"] for r in rows(current, "contacts", kind="website")}
    assert websites == {
        "Website": "https://amara.example.org",
        "Company website": "https://www.northwind.example.com",
    }
    (address,) = rows(current, "contacts", kind="address")
    assert (address["value"], address["visibility"]) == (
        "12 Harbour Street, Flat 3, EH6 6LT",
        "private",
    )
    assert ("Profile.csv:2: Birth Date", "a birth date is not part of the CV: not stored") in (
        aside(current, "Profile.csv")
    )
    assert not any("Apr 22" in str(r) for t in current.tables.values() for r in t)
    profile = current.report.sections["Profile.csv"]
    assert (profile.came_in, profile.stored) == (5, 5)  # the person and four contacts


def test_phones_are_private_and_one_number_in_two_forms_is_stored_once(
    current: Incoming,
) -> None:
    (phone,) = rows(current, "contacts", kind="phone")
    assert (phone["value"], phone["visibility"]) == ("+44 7700 900123", "private")
    section = current.report.sections["PhoneNumbers.csv"]
    assert (section.came_in, section.stored, section.merged) == (3, 1, 1)
    assert section.set_aside == [("PhoneNumbers.csv:4", "no Number: not imported")]


def test_only_the_primary_email_is_public(current: Incoming) -> None:
    emails = {r["value"]: r["visibility"] for r in rows(current, "contacts", kind="email")}
    assert emails == {
        "amara@example.org": "public",
        "a.okonkwo@oldwork.example.com": "private",
    }


def test_a_duplicated_certification_is_stored_once(current: Incoming) -> None:
    found = rows(current, "certifications", name="Google Cloud Professional Data Engineer")
    assert len(found) == 1
    assert found[0]["description"] == "Licence number ABC-123; valid until Jan 2026"
    assert current.report.sections["Certifications.csv"].merged == 1


def test_every_cv_file_lands_in_its_table(current: Incoming) -> None:
    assert [r["skill"] for r in current.tables["skills"]] == [
        "Python",
        "Apache Airflow",
        "SQL",
        "Kafka",
    ]
    assert [r["language"] for r in current.tables["languages"]] == ["English", "Arabic", "Mandarin"]
    (award,) = current.tables["awards"]
    assert (award["name"], award["date"], award["year"]) == (
        "Best Dissertation Prize",
        "2017-07",
        "2017",
    )
    (membership,) = current.tables["service"]
    assert (membership["category"], membership["organisation"]) == (
        "membership",
        "British Computer Society",
    )
    (coach,) = current.tables["volunteering"]
    assert rows(current, "volunteering_items", volunteering_id=coach["id"])[0]["text"] == (
        "Cause: Education"
    )
    assert {r["name"] for r in current.tables["references"]} == {"Ruth Abernathy"}
    assert {r["visibility"] for r in current.tables["references"]} == {"private"}
    courses = {r["name"]: r["description"] for r in current.tables["certifications"]}
    assert courses["Distributed Systems"] == "Course INF4-DS"
    (link,) = current.tables["project_links"]
    assert link["url"] == "https://github.com/example/tides"


def test_publications_kinds_are_flagged_as_guessed(current: Incoming) -> None:
    kinds = {r["title"]: (r["type"], r["status"]) for r in current.tables["papers"]}
    assert kinds == {
        "Cheap Exactly-Once Delivery for Small Teams": ("conference", "published"),
        "Tide gauges as open data": ("preprint", "preprint"),
    }
    flagged = [w for w in current.report.warnings if "LinkedIn gives no kind" in w]
    assert len(flagged) == 2


def test_every_other_file_is_named_in_the_report(current: Incoming) -> None:
    for name, count in (("Connections.csv", 2), ("Registration.csv", 1)):
        section = current.report.sections[name]
        assert section.came_in == count
        assert section.set_aside == [(name, linkedin.NOT_CV)]
    assert current.report.sections["Jobs/Saved Jobs.csv"].set_aside == [
        ("Jobs/Saved Jobs.csv", linkedin.NOT_CV)
    ]
    assert current.problems == []


def test_the_zip_and_its_folder_read_the_same(current: Incoming, tmp_path: Path) -> None:
    assert read(FIXTURES / "current").tables == current.tables
    # A ZIP of the folder itself (one folder deep) reads the same too.
    wrapped = zip_folder(FIXTURES / "current", tmp_path / "w.zip", prefix="Export/")
    assert read(wrapped).tables == current.tables


# ---------------------------------------------------------------- other vintages


def test_the_2018_vintage_is_read_by_column_names(tmp_path: Path) -> None:
    got = read(zip_folder(FIXTURES / "2018", tmp_path / "2018.zip"))
    assert got.problems == []
    (phone,) = rows(got, "contacts", kind="phone")  # Phone Numbers.csv, two blank rows
    assert phone["value"] == "+33 6 12 34 56 78"
    (bridge,) = got.tables["projects"]  # Start Date / End Date
    assert (bridge["start"], bridge["end"]) == ("2016-03", "2017-10")
    (prize,) = got.tables["awards"]  # Honors with Issuer
    assert prize["issuer"] == "Syntec Ingénierie"
    extra = [where for where, _ in aside(got, "Profile.csv")]
    assert "Profile.csv: column 'Marital Status'" in extra
    assert "Profile.csv: column 'Contact Instructions'" in extra
    (portfolio,) = rows(got, "contacts", kind="website")
    assert portfolio["url"] == "https://www.verany-bridges.example.fr"
    assert got.report.sections["Skills.csv"].came_in == 2  # the trailing blank line is none


def test_an_export_without_a_profile_needs_a_folder_with_a_person() -> None:
    refused = read(FIXTURES / "no-profile")
    assert [p.message for p in refused.problems] == [
        "has no Profile.csv, so no name for person.csv: make the folder first "
        "(cvdata init DATA_DIR --name 'Your Name'), then import into it"
    ]


def test_an_export_without_a_profile_merges_into_a_folder_with_a_person(
    tmp_path: Path,
) -> None:
    folder = with_person(tmp_path / "cv")
    got = read(FIXTURES / "no-profile", existing=cvdata.load(folder, as_of=AS_OF))
    assert got.problems == []
    assert "person" not in got.tables
    blank = got.report.sections["PhoneNumbers.csv"]
    assert (blank.came_in, blank.stored) == (1, 0)  # ",,Mobile": no number; ",,": no row
    assert land_in(FIXTURES / "no-profile", folder).ok


# ---------------------------------------------------------------- unsafe archives


def _zip(tmp_path: Path, members: dict[str, bytes]) -> Path:
    target = tmp_path / "x.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return target


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("../Positions.csv", "climbs out of the archive"),
        ("/etc/Positions.csv", "absolute"),
        ("C:/x/Positions.csv", "absolute"),
    ],
)
def test_member_names_that_leave_the_archive_are_refused(
    tmp_path: Path, name: str, why: str
) -> None:
    got = read(_zip(tmp_path, {"Skills.csv": b"Name\nSQL\n", name: b"x"}))
    assert len(got.problems) == 1
    assert why in got.problems[0].message
    assert got.tables == {}


def test_a_zip_bomb_is_refused_by_the_total_size_cap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(linkedin._export, "MAX_TOTAL_BYTES", 100_000)
    bomb = _zip(tmp_path, {"Skills.csv": b"Name\n" + b"A" * 1_000_000})
    assert bomb.stat().st_size < 10_000
    (problem,) = read(bomb).problems
    assert "ZIP bomb" in problem.message


def test_a_member_larger_than_its_directory_says_is_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(linkedin._export, "MAX_TOTAL_BYTES", 100_000)
    archive = _zip(tmp_path, {"Skills.csv": b"Name\n" + b"A" * 1_000_000})
    data = bytearray(archive.read_bytes())
    # Rewrite the central directory's uncompressed size to a small lie.
    at = data.rfind(b"PK\x01\x02")
    data[at + 24 : at + 28] = (10).to_bytes(4, "little")
    archive.write_bytes(bytes(data))
    (problem,) = read(archive).problems
    assert "ZIP bomb" in problem.message or "cannot be read" in problem.message


def test_deeper_members_and_not_a_zip(tmp_path: Path, cv: cvdata.CV) -> None:
    members = {"Skills.csv": b"Name\nSQL\n", "a/b/c.csv": b"x\n1\n"}
    got = read(_zip(tmp_path, members), existing=cv)
    assert got.problems == []
    assert got.report.sections["a/b/c.csv"].set_aside == [
        ("a/b/c.csv", "more than one folder deep: not read")
    ]
    text = tmp_path / "notes.txt"
    text.write_text("not a zip")
    (problem,) = read(text).problems
    assert "is not a ZIP archive" in problem.message
    (missing,) = read(tmp_path / "nothing.zip").problems
    assert missing.message == "no such file or folder"


def test_a_link_out_of_the_export_folder_is_refused(tmp_path: Path) -> None:
    folder = shutil.copytree(FIXTURES / "2018", tmp_path / "export")
    secret = tmp_path / "secret.csv"
    secret.write_text("Name\nsecret\n")
    (folder / "Skills.csv").unlink()
    os.symlink(secret, folder / "Skills.csv")
    (problem,) = read(folder).problems
    assert "outside the export's folder" in problem.message
    assert "secret" not in str(read(folder).tables)


def test_a_csv_that_is_not_utf8_names_its_file_and_line(tmp_path: Path) -> None:
    folder = shutil.copytree(FIXTURES / "2018", tmp_path / "export")
    (folder / "Skills.csv").write_bytes(b"Name\nStructural analysis\nCaf\xe9\n")
    (problem,) = read(folder).problems
    assert problem.message == "Skills.csv:3: not UTF-8 (a LinkedIn export is)"


# ---------------------------------------------------------------- landing in a folder


def _table(folder: Path, name: str) -> list[list[str]]:
    with open(folder / f"{name}.csv", encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def test_registry_line() -> None:
    line = IMPORTS["linkedin"]
    assert (line.module, line.metavar, line.many) == ("linkedin", "EXPORT", False)


@pytest.mark.parametrize("vintage", VINTAGES)
def test_each_export_lands_valid_and_a_second_import_adds_nothing(
    vintage: str, tmp_path: Path
) -> None:
    archive = zip_folder(FIXTURES / vintage, tmp_path / f"{vintage}.zip")
    target = tmp_path / "cv"
    if vintage == "no-profile":
        with_person(target)
    first = land_in(archive, target)
    assert first.ok, [str(p) for p in first.problems]
    assert first.added["roles"] >= 2
    assert check(target, AS_OF).ok
    again = land_in(archive, target)
    assert again.ok and again.rows == 0 and not again.written
    assert sum(s.stored for s in again.report.sections.values()) == 0


def test_the_folder_of_an_export_lands_too(tmp_path: Path) -> None:
    landed = land_in(FIXTURES / "2018", tmp_path / "cv")
    assert landed.ok, [str(p) for p in landed.problems]
    assert landed.added["roles"] == 3


def test_an_export_merged_into_the_seed_keeps_every_row_cell_for_cell(tmp_path: Path) -> None:
    folder = shutil.copytree(DATA_DIR, tmp_path / "data")
    before = {p.stem: _table(folder, p.stem) for p in folder.glob("*.csv")}
    archive = zip_folder(FIXTURES / "current", tmp_path / "export.zip")
    landed = land_in(archive, folder)
    assert landed.ok, [str(p) for p in landed.problems]
    assert "person" not in landed.added  # the seed has its person
    for name, old in before.items():
        new = _table(folder, name)
        assert new[: len(old)] == old, name
    assert len(_table(folder, "roles")) == len(before["roles"]) + 5
    assert check(folder, AS_OF).ok
    again = land_in(archive, folder)
    assert again.ok and again.rows == 0


def test_ids_taken_by_other_rows_of_the_folder_are_not_reused(tmp_path: Path) -> None:
    folder = with_person(tmp_path / "cv")
    assert land_in(FIXTURES / "no-profile", folder).ok
    roles = folder / "roles.csv"
    text = roles.read_text(encoding="utf-8")
    # Another role now holds the id the export's role would get.
    roles.write_text(text.replace("Shift Manager", "Head Barista", 1), encoding="utf-8")
    got = read(FIXTURES / "no-profile", existing=cvdata.load(folder, as_of=AS_OF))
    (shift,) = got.tables["roles"]
    assert shift["id"] == "blue-yonder-cafes-shift-manager-2"
    assert land_in(FIXTURES / "no-profile", folder).added == {"roles": 1}
    assert land_in(FIXTURES / "no-profile", folder).rows == 0


def test_the_command_line_imports_an_export(run_cvdata, tmp_path: Path) -> None:
    archive = zip_folder(FIXTURES / "current", tmp_path / "export.zip")
    done = run_cvdata("import", "linkedin", str(archive), "cv", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Positions.csv" in done.stdout and "Connections.csv" in done.stdout
    assert check(tmp_path / "cv", AS_OF).ok


def test_the_report_holds_nothing_unaccounted(current: Incoming) -> None:
    for name, section in current.report.sections.items():
        whole_file = (name, linkedin.NOT_CV) in section.set_aside
        accounted = section.stored + section.merged + len(section.set_aside)
        assert whole_file or accounted >= section.came_in, name


def test_zip_members_are_never_written_to_disk(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    archive = zip_folder(FIXTURES / "current", tmp_path / "export.zip")
    before = sorted(p.name for p in tmp_path.iterdir())
    read(archive)
    assert sorted(p.name for p in tmp_path.iterdir()) == before


# ---------------------------------------------------------------- rendered


@pytest.mark.render
def test_a_linkedin_cv_renders_whole_and_keeps_private_values_out(
    tmp_path_factory: pytest.TempPathFactory, render_data
) -> None:
    from test_hostile import _leaks, _reconcile, _text_of_html, _text_of_pdf

    folder = tmp_path_factory.mktemp("linkedin") / "cv"
    assert land_in(FIXTURES / "current", folder).ok
    out = render_data(folder)
    page, pdf = _text_of_html(out / "cv.html"), _text_of_pdf(out / "cv.pdf")
    # pdftotext wraps right-to-left text (Arabic) in embedding marks: not the CV's text.
    pdf = re.sub("[\u202a-\u202e\u2066-\u2069]", "", pdf)
    assert _reconcile(cvdata.load(folder, as_of=AS_OF), page, pdf) == []
    for fact in (
        "Amara Okonkwo-Lind",
        "Migrated 40 pipelines to Airflow",
        "Codebar",  # undated
        "Community meetup website",  # undated
        "Cause: Education",
        "Best Dissertation Prize",
        "Cheap Exactly-Once Delivery for Small Teams",
        "English, العربية and 中文",
        "Activities and societies: Hillwalking club, Tech society",  # under the degree
    ):
        assert fact in page, fact
        assert fact in pdf, fact
    private = ["7700 900123", "12 Harbour Street", "oldwork.example.com", "hire her again"]
    assert _leaks(out, private) == []


def test_control_characters_are_removed_and_reported(tmp_path: Path) -> None:
    folder = shutil.copytree(FIXTURES / "2018", tmp_path / "export")
    (folder / "Skills.csv").write_text("Name\nEuro\x07codes\n", encoding="utf-8")
    got = read(folder)
    assert [r["skill"] for r in got.tables["skills"]] == ["Eurocodes"]
    assert "Skills.csv:2: Name: control characters removed (no cell may hold them)" in (
        got.report.warnings
    )


def test_a_degree_may_end_ahead_and_a_position_ending_ahead_is_current(tmp_path: Path) -> None:
    folder = shutil.copytree(FIXTURES / "2018", tmp_path / "export")
    (folder / "Education.csv").write_text(
        "School Name,Start Date,End Date,Notes,Degree Name,Activities\n"
        "Open University,2024,2029,,MSc Data Science,\n",
        encoding="utf-8",
    )
    (folder / "Positions.csv").write_text(
        "Company Name,Title,Description,Location,Started On,Finished On\n"
        "Arup Example SAS,Associate,,Lyon,Jun 2014,Dec 2027\n",
        encoding="utf-8",
    )
    got = read(folder)
    (degree,) = rows(got, "roles", kind="education")
    assert degree["end"] == "2029"  # expected 2029
    (job,) = rows(got, "roles", kind="industry")
    assert job["end"] == ""  # ends after the as-of date: current as of it
    assert land_in(folder, tmp_path / "cv").ok


def test_a_problem_only_the_whole_folder_finds_names_the_exports_row(
    run_cvdata, tmp_path: Path
) -> None:
    # An end before its start is found by validating the tables the rows make: it is told
    # as the export's file and line (the row a spreadsheet shows), never as
    # 'cv/roles.csv:3' of a folder that does not exist yet.
    export = tmp_path / "export"
    export.mkdir()
    (export / "Profile.csv").write_text("First Name,Last Name\nAnn,Example\n", encoding="utf-8")
    (export / "Positions.csv").write_text(
        "Company Name,Title,Description,Location,Started On,Finished On\n"
        "Initech,Analyst,,,Jan 2015,Jan 2016\n"
        ",,,,,\n"
        "Acme,Engineer,Built things.,,May 2020,Jan 2019\n",
        encoding="utf-8",
    )
    done = run_cvdata("import", "linkedin", "export", "cv", cwd=tmp_path)
    assert done.returncode == 1, done.stdout
    assert "export: Positions.csv:4: end: 2019-01 is before start 2020-05" in done.stdout
    assert "roles.csv" not in done.stdout + done.stderr
    assert not (tmp_path / "cv").exists()


def test_a_websites_kind_is_read_from_its_host(tmp_path: Path) -> None:
    # 'x.com' inside 'dropbox.com' once made a Dropbox link a Twitter profile.
    (tmp_path / "Profile.csv").write_text(
        "First Name,Last Name,Websites\n"
        'Ann,Example,"[PORTFOLIO:https://www.dropbox.com/sh/ann,OTHER:https://x.com/ann,'
        'OTHER:https://scholar.google.co.uk/citations?user=abc]"\n',
        encoding="utf-8",
    )
    kinds = {r["url"]: r["kind"] for r in read(tmp_path).tables["contacts"]}
    assert kinds == {
        "https://www.dropbox.com/sh/ann": "website",
        "https://x.com/ann": "twitter",
        "https://scholar.google.co.uk/citations?user=abc": "scholar",
    }


def test_html_escaped_cells_are_read_as_written(tmp_path: Path) -> None:
    # Some exports write cells HTML-escaped (seen in a published parser's fixtures of a real
    # export): '&amp;' is '&' in every cell, a name and a link's text alike.
    incoming = read(FIXTURES / "student")
    (person,) = incoming.tables["person"]
    assert person["summary"] == 'Curious about "small" data & models.'
    (degree,) = rows(incoming, "roles", kind="education")
    assert degree["summary"].startswith("Dean's List & more.")
    assert degree["end"] == "2028-05"  # an expected end
    assert rows(incoming, "roles", organisation="Harbor & Co")
    highlights = [r["text"] for r in incoming.tables["role_highlights"]]
    assert "Built a model & its tests." in highlights
    (volunteering,) = incoming.tables["volunteering"]
    assert volunteering["summary"] == "Shelved books & ran the reading hour."
    assert volunteering["start"] == "2019-06"  # Cause before the dates: read by name
    undated = rows(incoming, "awards", name="Dean's List")
    assert undated and undated[0]["date"] == "" and undated[0]["summary"] == "Spring 2024"
    folder = land_in(FIXTURES / "student", tmp_path / "cv")
    assert folder.ok, folder.problems


def test_the_summary_from_profile_summary_csv(tmp_path: Path) -> None:
    # Later exports keep the summary in its own file, Profile.csv's Summary left empty; it
    # was named "not part of a CV (activity and account data)" and lost.
    (tmp_path / "Profile.csv").write_text(
        "First Name,Last Name,Headline,Summary\nAnn,Example,Engineer,\n", encoding="utf-8"
    )
    (tmp_path / "Profile Summary.csv").write_text(
        'Profile Summary\n"I build things.\nAnd teach."\n', encoding="utf-8"
    )
    incoming = read(tmp_path)
    assert incoming.tables["person"][0]["summary"] == "I build things.\nAnd teach."
    section = incoming.report.sections["Profile Summary.csv"]
    assert (section.came_in, section.stored, section.set_aside) == (1, 1, [])
    # Profile.csv's own summary wins; the other is named, with why.
    (tmp_path / "Profile.csv").write_text(
        "First Name,Last Name,Headline,Summary\nAnn,Example,Engineer,Mine.\n", encoding="utf-8"
    )
    incoming = read(tmp_path)
    assert incoming.tables["person"][0]["summary"] == "Mine."
    assert incoming.report.sections["Profile Summary.csv"].set_aside == [
        ("Profile Summary.csv", "Profile.csv gives its own summary: that one is kept")
    ]
