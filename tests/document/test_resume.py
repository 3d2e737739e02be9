"""The short résumé: the ``resume`` column, the selection it makes, the ``resume`` Quarto
profile (``quarto render --profile resume``), and the two-page PDF."""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
from pathlib import Path

import pytest
from conftest import AS_OF, DATA_DIR, PROJECT, RenderedSite, copy_project, render

import cvdata
from cvdata import page
from cvdata.document import build, build_resume, resume_selection

TAGGED_TABLES = ("roles", "projects", "project_contributions", "papers", "skills", "awards")
#: Tables a résumé may also hold, which the seed CV does not tag.
ALSO_TAGGABLE = ("certifications", "volunteering")


def _squash(text: str) -> str:
    return re.sub(r"-\s+", "-", re.sub(r"\s+", " ", text)).strip()


def _titles(sections) -> dict[str, list[str]]:
    def flat(entries):
        for e in entries:
            # A compact entry (a skill category) lists its items after its title.
            yield "".join(r.text for r in e.title) + " ".join(e.items)
            yield from flat(e.children)

    return {s.id: list(flat(s.entries)) for s in sections}


# ------------------------------------------------------------------------- the column


@pytest.mark.parametrize("table", TAGGED_TABLES + ALSO_TAGGABLE)
def test_resume_column_is_declared(table: str) -> None:
    descriptor = json.loads((DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    resource = next(r for r in descriptor["resources"] if r["name"] == table)
    field = next(f for f in resource["schema"]["fields"] if f["name"] == "resume")
    assert field == {
        "name": "resume",
        "type": "boolean",
        "description": "true: include in the short résumé",
    }


def test_tagged_rows(cv: cvdata.CV) -> None:
    counts = {t: int(getattr(cv, t)["resume"].fillna(False).sum()) for t in TAGGED_TABLES}
    assert counts == {
        "roles": 7,
        "projects": 10,
        "project_contributions": 17,
        "papers": 9,
        "skills": 17,
        "awards": 5,
    }
    papers = cv.papers[cv.papers["resume"].fillna(False)]
    assert (papers["status"] == "published").all()
    assert "care" in set(papers["id"]) and "imitate-optimal-policy" not in set(papers["id"])


def test_empty_resume_cell_means_false(cv: cvdata.CV) -> None:
    assert cv.roles["resume"].dtype == "boolean"
    assert cv.roles["resume"].isna().sum() == 8  # written empty, read as missing = not tagged


# ------------------------------------------------------------------------- the selection


def test_selection_keeps_tagged_rows_and_what_belongs_to_them(cv: cvdata.CV) -> None:
    sel = resume_selection(cv)
    assert sel.roles["resume"].all() and len(sel.roles) == 7
    assert set(sel.education["role_id"]) == {"usyd-phd", "sysu-beng"}
    assert set(sel.projects["role_id"]) <= set(sel.roles["id"])
    assert set(sel.paper_authors["paper_id"]) == set(sel.papers["id"])
    assert sel.project_contributions["resume"].all()
    assert sel.talks.empty and sel.volunteering.empty and sel.service.empty
    assert len(sel.contacts) == len(cv.contacts)
    assert len(cv.papers) == 22  # the CV itself is untouched


def test_resume_document_has_only_tagged_items(cv: cvdata.CV) -> None:
    head, sections = build_resume(cv)
    titles = _titles(sections)
    assert list(titles) == [
        "experience",
        "education",
        "selected-publications",
        "skills",
        "honours",
    ]
    tagged = {t: getattr(cv, t)[getattr(cv, t)["resume"].fillna(False)] for t in TAGGED_TABLES}
    roles = set(tagged["roles"]["title"])
    projects = set(tagged["projects"]["title"])
    assert (
        set(titles["experience"])
        == roles
        - {
            "Doctor of Philosophy (Ph.D.)",
            "Bachelor of Engineering in Computer Science and Technology",
        }
        | projects
    )
    assert titles["selected-publications"] == list(
        tagged["papers"].sort_values("year", ascending=False, kind="stable")["title"]
    )
    skills = " ".join(titles["skills"])
    assert "PyTorch" in skills and "Pascal" not in skills and "MeteorJS" not in skills
    assert len(titles["honours"]) == 4  # five rows, two years of one scholarship on one line
    assert head.quote == "" and head.name == "Zhongzhu Zhou"
    full_head, _ = build(cv)
    assert full_head.quote


def test_page_prints_the_resume_with_its_layout(monkeypatch, tmp_path, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(page.FORMAT_ENV, "typst")
    monkeypatch.setenv("QUARTO_PROJECT_ROOT", str(PROJECT))
    p = page.setup(DATA_DIR, as_of=AS_OF.isoformat())
    p.header(resume=True)
    p.sections(resume=True)
    out = capsys.readouterr().out
    # One preamble, with the résumé's smaller type (the designs' values are #let lines).
    assert out.count("#let cv-entry(") == 1 and out.count("#let cv-size = 9pt") == 1
    assert "## Selected publications" in out and "## Publications" not in out
    assert "Motivation" not in out and "Advisor" not in out
    assert "Rilke" not in out  # no quote


# ------------------------------------------------------------------------- profiles


@pytest.mark.render
def test_the_default_profile_renders_the_site_without_the_resume(
    rendered_site: RenderedSite,
) -> None:
    assert rendered_site.page("cv.pdf").is_file()
    assert not list(rendered_site.root.rglob("resume.*"))
    assert not (rendered_site.project / "_resume").exists()


# ------------------------------------------------------------------------- the PDF


@pytest.fixture(scope="module")
def resume_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The résumé rendered once by ``quarto render --profile resume``, in a scratch project
    whose website was rendered before (the résumé must leave it alone)."""
    project = copy_project(tmp_path_factory.mktemp("resume") / "project")
    site = project / "_site" / "index.html"
    site.parent.mkdir()
    site.write_text("the website, rendered before", encoding="utf-8")
    done = render(project, "--profile", "resume")
    log = done.stdout + done.stderr
    assert done.returncode == 0, log[-5000:]
    assert not [ln for ln in log.splitlines() if re.search(r"WARN|ERROR|Traceback", ln)]
    out = project / "_resume"
    # Only the PDF: no index.html redirect, no plotly.js, no copy of the site.
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == ["resume.pdf"]
    assert site.read_text(encoding="utf-8") == "the website, rendered before"
    return out / "resume.pdf"


@pytest.fixture(scope="module")
def resume_text(resume_pdf: Path) -> str:
    done = subprocess.run(["pdftotext", "-raw", str(resume_pdf), "-"], capture_output=True)
    assert done.returncode == 0
    return _squash(done.stdout.decode("utf-8"))


@pytest.mark.render
def test_resume_fits_two_pages(resume_pdf: Path) -> None:
    info = subprocess.run(["pdfinfo", str(resume_pdf)], capture_output=True, text=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages == 2
    assert "595.276 x 841.89" in info or "595.28 x 841.89" in info  # A4


@pytest.mark.render
def test_resume_shows_only_tagged_items(resume_text: str, cv: cvdata.CV) -> None:
    def split(table: str, column: str) -> tuple[list[str], list[str]]:
        df = getattr(cv, table)
        on = df["resume"].fillna(False).astype(bool)
        return list(df[on][column]), list(df[~on][column])

    for table, column in (("papers", "title"), ("projects", "title")):
        tagged, untagged = split(table, column)
        assert [t for t in tagged if _squash(t) not in resume_text] == [], table
        assert [t for t in untagged if _squash(t) in resume_text] == [], table
    tagged, untagged = split("project_contributions", "text")
    assert [t for t in tagged if _squash(t) not in resume_text] == []
    assert [t for t in untagged if _squash(t) in resume_text] == []
    tagged, untagged = split("roles", "organisation")
    others = [o for o in untagged if not any(o in t for t in tagged)]
    assert others and [o for o in others if _squash(o) in resume_text] == []
    tagged, untagged = split("awards", "name")
    assert [t for t in tagged if _squash(t) not in resume_text] == []
    assert [t for t in untagged if _squash(t) in resume_text] == []
    for absent in ("Talks", "Professional service", "Volunteering", "Rilke", "Motivation"):
        assert absent not in resume_text


@pytest.mark.render
def test_resume_has_the_owner_and_no_private_contact(resume_text: str, cv: cvdata.CV) -> None:
    assert "Zhongzhu Zhou" in resume_text and "zhongzhu@together.ai" in resume_text
    private = cv.contacts[cv.contacts["visibility"] == "private"]
    assert [v for v in private["value"].dropna() if v in resume_text] == []


def test_certifications_and_volunteering_can_be_tagged(cv: cvdata.CV) -> None:
    # A career changer's strongest items: tagged, they get their own résumé sections.
    certs = cv.certifications.assign(resume=cv.certifications["id"] == "ielts-2020")
    volunteer = cv.volunteering.assign(resume=cv.volunteering["id"] == "changjun-volunteer")
    tagged = dataclasses.replace(cv, certifications=certs, volunteering=volunteer)
    _, sections = build_resume(tagged)
    titles = _titles(sections)
    assert [t for t in titles["certifications"]] == ["IELTS"]
    assert len(titles["volunteering"]) == 1 and "Volunteer" in titles["volunteering"][0]
    # Untagged (the seed as shipped): neither section.
    _, plain = build_resume(cv)
    assert not {"certifications", "volunteering"} & {s.id for s in plain}
