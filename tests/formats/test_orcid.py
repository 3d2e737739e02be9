"""``cvdata import orcid RECORD.json [WORKS...]``: an ORCID record as CV tables.

The fixtures (``tests/fixtures/orcid/``) are an invented researcher's record, shaped on
ORCID's published samples and the public API's JSON.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
from pathlib import Path

import pytest
from conftest import AS_OF, DATA_DIR, PROJECT

import cvdata
from cvdata.formats import IMPORTS, orcid
from cvdata.formats._format import Incoming
from cvdata.formats._land import land
from cvdata.load import check

FIXTURES = PROJECT / "tests" / "fixtures" / "orcid"
RECORD = FIXTURES / "record.json"
WORKS = (FIXTURES / "works.json", FIXTURES / "work-9004.json")
NONE = argparse.Namespace()


def read(*inputs: Path | str, existing=None) -> Incoming:
    return orcid.read([str(i) for i in inputs], NONE, existing, AS_OF)


def land_in(folder: Path, *inputs: Path):
    """The record (and works) landed in ``folder`` the one way every import lands."""
    return land(IMPORTS["orcid"], [str(i) for i in inputs or (RECORD, *WORKS)], folder, NONE, AS_OF)


def rows(incoming: Incoming, table: str, **match: str) -> list[dict[str, str]]:
    return [r for r in incoming.tables.get(table, []) if all(r[k] == v for k, v in match.items())]


@pytest.fixture(scope="module")
def full() -> Incoming:
    return read(RECORD, *WORKS)


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("node", "iso", "warning"),
    [
        (
            {"year": {"value": "2022"}, "month": {"value": "05"}, "day": {"value": "24"}},
            "2022-05-24",
            "",
        ),
        ({"year": {"value": "2022"}, "month": None, "day": None}, "2022", ""),
        ({"year": {"value": "2022"}, "month": {"value": "5"}, "day": None}, "2022-05", ""),
        ({"year": {"value": "2022"}, "month": None, "day": {"value": "3"}}, "2022", ""),
        ({"year": None, "month": {"value": "05"}, "day": None}, "", ""),
        (None, "", ""),
        (
            {"year": {"value": "1929"}, "month": {"value": "02"}, "day": {"value": "29"}},
            "1929-02",
            "1929-02-29 is not a day of the calendar: kept as 1929-02",
        ),
        (
            {"year": {"value": "2022"}, "month": {"value": "13"}},
            "2022",
            "month '13' is not a month: kept as 2022",
        ),
    ],
)
def test_dates_at_the_precision_given(node: object, iso: str, warning: str) -> None:
    assert orcid.fuzzy_date(node) == (iso, warning)


def test_an_impossible_day_is_reported_not_crashed(full: Incoming) -> None:
    (medal,) = rows(full, "awards", name="Early Career Medal")
    assert medal["date"] == "2019-02"
    assert any("2019-02-29 is not a day of the calendar" in w for w in full.report.warnings)


# ---------------------------------------------------------------- the person


def test_the_person_and_their_contacts(full: Incoming) -> None:
    (person,) = full.tables["person"]
    assert person["name"] == "Ilse Marrow-Quint"
    assert person["summary"].startswith("Coastal geomorphologist")
    assert person["country_code"] == "NL"
    assert person["notes"] == "Other names (ORCID): I. Marrow-Quint; Ilse M. Quint"
    kinds = {r["kind"]: r["url"] for r in full.tables["contacts"]}
    assert kinds["orcid"] == "https://orcid.org/8888-8888-8888-8880"
    assert kinds["github"] == "https://github.com/example-imq"
    assert kinds["website"] == "https://marrow-quint.example.org"
    assert kinds["email"] == "mailto:ilse@marrow-quint.example.org"
    (scopus,) = rows(full, "contacts", kind="other")
    assert (scopus["label"], scopus["value"]) == ("Scopus Author ID", "99999999999")
    assert [r["name"] for r in full.tables["interests"]] == [
        "coastal geomorphology",
        "sediment transport",
    ]


# ---------------------------------------------------------------- activities


def test_affiliations_become_roles_with_dates_at_their_precision(full: Incoming) -> None:
    roles = {r["title"]: r for r in full.tables["roles"]}
    prof = roles["Assistant Professor"]
    assert (prof["kind"], prof["unit"], prof["start"], prof["end"]) == (
        "research",
        "Coastal Systems Group",
        "2019-09-01",
        "",
    )
    assert roles["Hydrographic Analyst"]["kind"] == "industry"
    assert roles["Visiting Researcher"]["kind"] == "research"
    phd = roles["PhD"]
    assert (phd["kind"], phd["start"], phd["end"]) == ("education", "2011-09", "2015")
    assert roles["MSc"]["start"] == ""  # a start date ORCID left null: undated
    (grades,) = rows(full, "education", role_id=phd["id"])
    assert grades["area"] == "Department of Physical Geography"
    assert any("'research' or 'industry' guessed" in w for w in full.report.warnings)


def test_honours_fundings_and_qualifications(full: Incoming) -> None:
    (grant,) = rows(full, "awards", name="Sediment budgets of barrier islands")
    assert (grant["issuer"], grant["period"], grant["date"]) == (
        "Example Research Council",
        "2020-2023",
        "2020-01",
    )  # two sources of one grant: one row
    (chartered,) = full.tables["certifications"]
    assert (chartered["name"], chartered["issuer"], chartered["date"]) == (
        "Chartered Geologist",
        "Geological Society of Example",
        "2017-06",
    )


def test_service_memberships_and_peer_reviews_counted(full: Incoming) -> None:
    service = {(r["category"], r["organisation"]): r["role"] for r in full.tables["service"]}
    assert service == {
        ("membership", "Geological Society of Example"): "Fellow",
        ("chair", "Coastal Dynamics Letters"): "Associate Editor",
        ("membership", "Example Research Council"): "Panel member",
        ("reviewer", "Coastal Dynamics Letters"): "Reviewer (2 reviews, 2019-2022)",
        ("reviewer", "Example Marine Press"): "Reviewer (1 review, 2021)",
    }
    assert full.report.sections["peer-reviews"].came_in == 3
    assert any("filed as 'membership'" in w for w in full.report.warnings)


# ---------------------------------------------------------------- works


def test_works_are_grouped_and_a_work_listed_twice_is_stored_once(full: Incoming) -> None:
    overwash = [p for p in full.tables["papers"] if "overwash" in p["title"].lower()]
    assert len(overwash) == 1
    (paper,) = overwash
    assert (paper["type"], paper["status"], paper["date"], paper["venue_display"]) == (
        "journal",
        "published",
        "2020-05",  # the most precise date any source gives
        "Coastal Dynamics Letters",
    )
    (doi,) = rows(full, "paper_identifiers", paper_id=paper["id"])
    assert (doi["scheme"], doi["value"]) == ("doi", "10.5555/coast.2020.001")  # lower-cased
    works = full.report.sections["works"]
    assert (works.came_in, works.stored, works.merged) == (7, 6, 1)


def test_types_map_and_uncertain_ones_are_flagged(full: Incoming) -> None:
    kinds = {p["title"]: (p["type"], p["status"]) for p in full.tables["papers"]}
    assert kinds["Storm Surge Memory: How Barriers Recover"] == ("conference", "published")
    assert kinds["Tidal inlets under sea-level rise"] == ("preprint", "preprint")
    assert kinds["Barrier islands in a changing climate"] == ("thesis", "published")
    assert kinds["Dune monitoring with low-cost lidar"] == ("preprint", "published")
    flagged = [w for w in full.report.warnings if "ORCID type 'report'" in w]
    assert len(flagged) == 1
    (arxiv,) = rows(full, "paper_identifiers", scheme="arxiv")
    assert arxiv["value"] == "2302.01234"


def test_a_subtitle_given_as_a_bare_string_or_a_value(full: Incoming) -> None:
    titles = {p["title"] for p in full.tables["papers"]}
    assert "Storm Surge Memory: How Barriers Recover" in titles  # a bare string
    assert any(t.startswith("Flash-LLM: Enabling Cost-Effective") for t in titles)  # {"value"}


def test_authors_come_from_the_full_records_and_the_owner_is_found(full: Incoming) -> None:
    papers = {p["title"]: p["id"] for p in full.tables["papers"]}
    authors = rows(full, "paper_authors", paper_id=papers["Overwash fans on a retreating barrier"])
    assert [(a["name"], a["is_owner"]) for a in authors] == [
        ("Ilse Marrow-Quint", "true"),  # by ORCID iD
        ("Pieter de Vries-Example", "false"),
        ("Ana Exemplo", "false"),
    ]
    storm = rows(full, "paper_authors", paper_id=papers["Storm Surge Memory: How Barriers Recover"])
    assert [(a["name"], a["is_owner"]) for a in storm] == [
        ("Ana Exemplo", "false"),
        ("Ilse M. Quint", "true"),  # one of the record's other names
    ]
    assert not rows(full, "paper_authors", paper_id=papers["Dune monitoring with low-cost lidar"])
    assert any("3 without authors" in w for w in full.report.warnings)
    errors = [why for _, why in full.report.sections["works"].set_aside if "ORCID's API" in why]
    assert errors == ["an error from ORCID's API: 404 Not Found: The resource was not found."]


def test_without_full_records_works_have_no_authors_and_the_report_says_how_to_add_them() -> None:
    got = read(RECORD)
    assert "paper_authors" not in got.tables
    assert any("6 without authors" in w and "WORKS.json" in w for w in got.report.warnings)


def test_works_dedupe_against_the_folder_by_doi_then_title_and_year(
    tmp_path: Path, cv: cvdata.CV
) -> None:
    got = read(RECORD, existing=cv)  # the seed has Flash-LLM (2024), without a DOI
    assert not any(p["title"].startswith("Flash-LLM") for p in got.tables["papers"])
    assert got.report.sections["works"].merged == 2
    # A folder that has one of the works under another title, with its DOI in capitals.
    folder = shutil.copytree(DATA_DIR, tmp_path / "data")
    with open(folder / "papers.csv", "a", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerow(
            [
                "overwash-bib",
                "Overwash fans (BibTeX title)",
                "journal",
                "published",
                "",
                "",
                "2020",
                "",
                "",
                "false",
                "",
                "",
                "",
                "",
            ]
        )
    with open(folder / "paper_identifiers.csv", "a", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerow(
            ["overwash-bib", "doi", "10.5555/COAST.2020.001", ""]
        )
    got = read(RECORD, existing=cvdata.load(folder, as_of=AS_OF))
    assert not any("overwash" in p["title"].lower() for p in got.tables["papers"])


# ---------------------------------------------------------------- bad input


def test_files_that_are_not_orcid_records_say_so(tmp_path: Path) -> None:
    broken = tmp_path / "record.json"
    broken.write_text('{"person": {\n  "name": ,\n}}', encoding="utf-8")
    (problem,) = read(broken).problems
    assert (problem.path, problem.line) == (str(broken), 2)
    assert "not valid JSON" in problem.message
    other = tmp_path / "resume.json"
    other.write_text(json.dumps({"basics": {"name": "X"}}), encoding="utf-8")
    (problem,) = read(other).problems
    assert "is not an ORCID record" in problem.message
    (missing,) = read(tmp_path / "none.json").problems
    assert missing.message == "no such file"
    work = tmp_path / "work.json"
    work.write_text(json.dumps({"title": {"title": {"value": "T"}}}), encoding="utf-8")
    (problem,) = read(RECORD, work).problems
    assert problem.message == "is not an ORCID work (no put-code)"


def test_a_record_with_nulls_everywhere_reads(tmp_path: Path) -> None:
    record = json.loads(RECORD.read_text(encoding="utf-8"))
    summaries = record["activities-summary"]
    summaries["employments"]["affiliation-group"][0]["summaries"][0]["employment-summary"].update(
        {"start-date": None, "end-date": {"year": None, "month": None, "day": None}, "url": None}
    )
    summaries["works"]["group"][3]["work-summary"][0].update(
        {"publication-date": None, "journal-title": None, "external-ids": None, "type": None}
    )
    record["person"]["biography"] = None
    record["person"]["name"]["credit-name"] = {"value": "I. Marrow-Quint"}
    path = tmp_path / "record.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    got = read(path)
    assert got.problems == []
    (person,) = got.tables["person"]
    assert (person["name"], person["summary"]) == ("I. Marrow-Quint", "")
    (prof,) = rows(got, "roles", title="Assistant Professor")
    assert (prof["start"], prof["end"]) == ("", "")
    (tidal,) = [p for p in got.tables["papers"] if p["title"].startswith("Tidal")]
    assert (tidal["year"], tidal["type"]) == ("", "journal")
    assert any("ORCID type '(none)'" in w for w in got.report.warnings)


# ---------------------------------------------------------------- landing in a folder


def _table(folder: Path, name: str) -> list[list[str]]:
    with open(folder / f"{name}.csv", encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def test_registry_line() -> None:
    line = IMPORTS["orcid"]
    assert (line.module, line.metavar, line.many) == ("orcid", "RECORD.json", True)


def test_a_record_makes_a_valid_new_folder_and_a_second_import_adds_nothing(
    tmp_path: Path,
) -> None:
    target = tmp_path / "cv"
    landed = land_in(target)
    assert landed.ok, [str(p) for p in landed.problems]
    assert landed.added["papers"] == 6
    assert check(target, AS_OF).ok
    again = land_in(target)
    assert again.ok and again.rows == 0 and not again.written


def test_a_record_merged_into_the_seed_keeps_every_row_cell_for_cell(tmp_path: Path) -> None:
    folder = shutil.copytree(DATA_DIR, tmp_path / "data")
    before = {p.stem: _table(folder, p.stem) for p in folder.glob("*.csv")}
    landed = land_in(folder)
    assert landed.ok, [str(p) for p in landed.problems]
    assert "person" not in landed.added
    assert landed.added["papers"] == 5  # Flash-LLM is the seed's already
    for name, old in before.items():
        assert _table(folder, name)[: len(old)] == old, name
    assert check(folder, AS_OF).ok
    assert land_in(folder).rows == 0


def test_the_command_line_imports_a_record_and_its_works(run_cvdata, tmp_path: Path) -> None:
    done = run_cvdata(
        "import", "orcid", str(RECORD), *map(str, WORKS), "--data-dir", "cv", cwd=tmp_path
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "works" in done.stdout and "peer-reviews" in done.stdout
    assert check(tmp_path / "cv", AS_OF).ok


# ---------------------------------------------------------------- rendered


@pytest.mark.render
def test_an_orcid_cv_renders_whole(tmp_path_factory: pytest.TempPathFactory, render_data) -> None:
    from test_hostile import _reconcile, _text_of_html, _text_of_pdf

    folder = tmp_path_factory.mktemp("orcid") / "cv"
    assert land_in(folder).ok
    out = render_data(folder)
    page, pdf = _text_of_html(out / "cv.html"), _text_of_pdf(out / "cv.pdf")
    assert _reconcile(cvdata.load(folder, as_of=AS_OF), page, pdf) == []
    for fact in (
        "Ilse Marrow-Quint",
        "Overwash fans on a retreating barrier",
        "Storm Surge Memory: How Barriers Recover",
        "Reviewer (2 reviews, 2019-2022)",
        "Sediment budgets of barrier islands",
        "Universidade Exemplo de Lisboa",  # its start is null
        "Pieter de Vries-Example",
    ):
        assert fact in page, fact
        assert fact in pdf, fact
    assert (out / "notebooks" / "publications.html").is_file()  # a CV with papers has one


def test_a_translated_title_is_named_in_the_report(tmp_path: Path) -> None:
    record = json.loads(RECORD.read_text(encoding="utf-8"))
    work = record["activities-summary"]["works"]["group"][4]["work-summary"][0]
    work["title"]["translated-title"] = {"value": "Duinmonitoring", "language-code": "nl"}
    path = tmp_path / "record.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    assert (
        "works.group[4]",
        "translated title 'Duinmonitoring': no column for it",
    ) in read(path).report.sections["works"].set_aside


def test_a_degree_may_end_ahead_and_a_post_ending_ahead_is_current(tmp_path: Path) -> None:
    record = json.loads(RECORD.read_text(encoding="utf-8"))
    summaries = record["activities-summary"]
    later = {"year": {"value": "2029"}, "month": None, "day": None}
    summaries["educations"]["affiliation-group"][0]["summaries"][0]["education-summary"][
        "end-date"
    ] = later
    summaries["employments"]["affiliation-group"][0]["summaries"][0]["employment-summary"][
        "end-date"
    ] = later
    path = tmp_path / "record.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    got = read(path)
    assert rows(got, "roles", title="PhD")[0]["end"] == "2029"
    assert rows(got, "roles", title="Assistant Professor")[0]["end"] == ""
    assert land_in(tmp_path / "cv", path).ok


def test_a_degree_with_only_its_end_is_printed_not_drawn(tmp_path: Path) -> None:
    from cvdata.charts import timeline
    from cvdata.document._format import role_range

    folder = tmp_path / "cv"
    assert land_in(folder).ok
    cv = cvdata.load(folder, as_of=AS_OF)
    drawn = timeline.draw(cv)  # an end without a start once crashed the timeline (NaT)
    assert drawn is not None
    shown = set(timeline.table(cv, AS_OF)["organisation"])
    assert not any("Lisboa" in o for o in shown)  # the MSc: only its end year is known
    (msc,) = cv.roles[cv.roles["title"] == "MSc"].itertuples()
    assert role_range(msc, AS_OF) == "2011"


def _employment(org: str, start: tuple[str, str], end: tuple[str, str]) -> dict:
    def date(year: str, month: str) -> dict:
        return {"year": {"value": year}, "month": {"value": month}, "day": None}

    summary = {
        "role-title": "Engineer",
        "organization": {"name": org},
        "start-date": date(*start),
        "end-date": date(*end),
    }
    return {"summaries": [{"employment-summary": summary}]}


def test_a_problem_only_the_whole_folder_finds_names_the_records_json_path(
    run_cvdata, broken_copy, tmp_path: Path
) -> None:
    # An end before its start is found by validating the tables, after the rows are made:
    # into a new folder and into the seed's, the message names the record's JSON path,
    # never a line of roles.csv.
    record = {
        "person": {"name": {"given-names": {"value": "Ann"}, "family-name": {"value": "Ex"}}},
        "activities-summary": {
            "employments": {
                "affiliation-group": [
                    _employment("Initech", ("2015", "01"), ("2016", "01")),
                    _employment("Acme", ("2020", "05"), ("2019", "01")),
                ]
            }
        },
    }
    (tmp_path / "r.json").write_text(json.dumps(record), encoding="utf-8")
    seed = broken_copy("seed")
    for folder in ("cv", "seed"):
        done = run_cvdata("import", "orcid", "r.json", "--data-dir", folder, cwd=tmp_path)
        assert done.returncode == 1, done.stdout
        where = "r.json: employments.affiliation-group[1].summaries[0]"
        assert f"{where}: end: 2019-01 is before start 2020-05" in done.stdout
        assert "roles.csv:" not in done.stdout + done.stderr
    assert not (tmp_path / "cv").exists()
    assert (seed / "roles.csv").read_bytes() == (DATA_DIR / "roles.csv").read_bytes()


def test_a_biographys_paragraphs_are_kept(tmp_path: Path) -> None:
    # ORCID keeps the blank line the person typed between paragraphs ("\r\n\r\n", as in
    # ORCID's own demonstration record); the CV's summary is prose and keeps them too.
    record = {
        "person": {
            "name": {"given-names": {"value": "Ann"}, "family-name": {"value": "Ex"}},
            "biography": {"content": "Ann studies  pots.\r\n\r\n\r\nShe also\r\nteaches.  "},
        }
    }
    (tmp_path / "r.json").write_text(json.dumps(record), encoding="utf-8")
    (person,) = read(tmp_path / "r.json").tables["person"]
    assert person["summary"] == "Ann studies pots.\n\nShe also teaches."
