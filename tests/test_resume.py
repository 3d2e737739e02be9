"""The short résumé: the ``resume`` column, the selection it makes, the ``resume`` Quarto
profile (and the preview's profiles), and the two-page PDF."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import AS_OF, DATA_DIR, PROJECT

import cvdata
from cvdata import page
from cvdata.document import build, build_resume, resume_selection
from cvdata.preview import active_profiles, input_files, load_config, merge_config

TAGGED_TABLES = ("roles", "projects", "project_contributions", "papers", "skills", "awards")


def _squash(text: str) -> str:
    return re.sub(r"-\s+", "-", re.sub(r"\s+", " ", text)).strip()


def _titles(sections) -> dict[str, list[str]]:
    def flat(entries):
        for e in entries:
            yield "".join(r.text for r in e.title)
            yield from flat(e.children)

    return {s.id: list(flat(s.entries)) for s in sections}


# ------------------------------------------------------------------------- the column


@pytest.mark.parametrize("table", TAGGED_TABLES)
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
    assert out.count("#let cv-entry") == 1 and out.count("#set text(size: 9pt)") == 1
    assert "## Selected publications" in out and "## Publications" not in out
    assert "Motivation" not in out and "Advisor" not in out
    assert "Rilke" not in out  # no quote


# ------------------------------------------------------------------------- profiles


def test_project_profiles_choose_what_is_rendered() -> None:
    out = PROJECT / "_site"
    full = load_config(PROJECT, None)
    assert full["_active-profiles"] == ["full"]
    names = sorted(p.relative_to(PROJECT).as_posix() for p in input_files(PROJECT, full, out))
    assert "resume.qmd" not in names
    assert {"index.qmd", "cv.qmd", "notebooks/timeline.ipynb"} <= set(names)
    resume = load_config(PROJECT, "resume")
    assert resume["_active-profiles"] == ["resume"]
    assert resume["project"]["output-dir"] == "_resume"
    assert [p.relative_to(PROJECT).as_posix() for p in input_files(PROJECT, resume, out)] == [
        "resume.qmd"
    ]
    assert resume["project"]["pre-render"] == full["project"]["pre-render"]


def test_active_profiles_follow_quarto(monkeypatch) -> None:
    config = {"profile": {"default": "full", "group": [["full", "resume"], ["a", "b"]]}}
    monkeypatch.delenv("QUARTO_PROFILE", raising=False)
    assert active_profiles(config) == ["full", "a"]
    assert active_profiles(config, "resume") == ["resume", "a"]
    assert active_profiles(config, "b,resume") == ["b", "resume"]
    monkeypatch.setenv("QUARTO_PROFILE", "resume")
    assert active_profiles(config) == ["resume", "a"]
    assert active_profiles({"profile": {"group": ["x", "y"]}}, "") == ["x"]


def test_merge_config_is_quartos_merge() -> None:
    base = {"project": {"render": ["a.qmd", "b.qmd"], "type": "website"}, "x": 1, "k": [1]}
    over = {"project": {"render": ["b.qmd", "c.qmd"], "output-dir": "_o"}, "x": 2, "k": None}
    assert merge_config(base, over) == {
        "project": {"render": ["a.qmd", "b.qmd", "c.qmd"], "type": "website", "output-dir": "_o"},
        "x": 2,
        "k": [1],
    }
    assert merge_config({"a": "s"}, {"a": ["t"]}) == {"a": ["s", "t"]}


PRINT_PROFILE = """\
---
title: {title}
---

```{{python}}
import os
print("P=" + os.environ["QUARTO_PROFILE"])
```
"""


@pytest.mark.render
def test_preview_profile_sets_quarto_profile_and_merges(tmp_path: Path) -> None:
    project = tmp_path / "p"
    files = {
        "_quarto.yml": """\
            profile:
              default: one
              group: [one, two]
            project:
              type: default
            format:
              html: {}
            """,
        "_quarto-one.yml": "project:\n  render: [a.qmd]\n",
        "_quarto-two.yml": "project:\n  render: [b.qmd]\n",
        "a.qmd": PRINT_PROFILE.format(title="A"),
        "b.qmd": PRINT_PROFILE.format(title="B"),
    }
    for name, text in files.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(textwrap.dedent(text), encoding="utf-8")
    for profile, doc in ((None, "a"), ("two", "b")):
        out = tmp_path / f"out-{doc}"
        cmd = [sys.executable, "-m", "cvdata.preview", "--project", str(project)]
        cmd += ["--out", str(out)] + (["--profile", profile] if profile else [])
        env = {k: v for k, v in os.environ.items() if k != "QUARTO_PROFILE"}
        done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        assert sorted(p.name for p in out.glob("*.html")) == [f"{doc}.html"]
        expected = "P=one" if profile is None else "P=two"
        assert expected in (out / f"{doc}.html").read_text(encoding="utf-8")


# ------------------------------------------------------------------------- the PDF


@pytest.fixture(scope="module")
def resume_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The résumé rendered once: ``quarto render --profile resume`` when Quarto is installed,
    else the offline preview with the same profile."""
    out = tmp_path_factory.mktemp("resume")
    env = {**os.environ, "CVDATA_AS_OF": AS_OF.isoformat()}
    for name in ("CVDATA_DIR", "QUARTO_PROJECT_ROOT", "QUARTO_PROFILE"):
        env.pop(name, None)
    if shutil.which("quarto"):
        cmd = ["quarto", "render", "--profile", "resume", "--output-dir", str(out)]
    else:
        cmd = [sys.executable, "-m", "cvdata.preview", "--out", str(out), "--profile", "resume"]
    done = subprocess.run(cmd, cwd=PROJECT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert sorted(p.name for p in out.glob("*.pdf")) == ["resume.pdf"]
    assert not list(out.glob("*.html"))  # the résumé profile renders nothing else
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
