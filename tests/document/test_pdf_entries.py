"""The PDF lists every entry, however long; the web page shortens compact sections too.

Each PDF test compiles the section's Typst (with the project's preamble, on A4 like the
CV) and counts what ``pdftotext`` reads back: a block that cannot break across pages is
clipped at the page's end, which once dropped 549 of 1,000 skills in one category.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
from pathlib import Path

import pytest
import typst
from conftest import AS_OF, edit_cell

import cvdata
from cvdata import document
from cvdata.document import HTML_SECTION_LIMIT, TYPST_PREAMBLE, html_section, typst_section

PAGE = '#set page(paper: "a4", margin: (x: 1.6cm, y: 1.5cm))\n'


def _pdf_text(body: str, tmp_path: Path, name: str = "doc") -> str:
    src = tmp_path / f"{name}.typ"
    src.write_text(PAGE + TYPST_PREAMBLE + body, encoding="utf-8")
    pdf = tmp_path / f"{name}.pdf"
    typst.compile(str(src), output=str(pdf), font_paths=["/usr/share/fonts"])
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
    return out.stdout


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))


def _with_skills(folder: Path, n: int, categories: int = 1) -> list[str]:
    """Replace the skills with ``n`` numbered ones in ``categories`` categories."""
    header = ["id", "category", "skill", "years", "note", "resume", "notes"]
    names = [f"skill{i:06d}x" for i in range(n)]
    out = io.StringIO(newline="")
    w = csv.writer(out, lineterminator="\n")
    w.writerow(header)
    for i, name in enumerate(names):
        w.writerow([f"s{i}", f"Category {i % categories}", name, i % 30 or "", "", "", ""])
    (folder / "skills.csv").write_text(out.getvalue(), encoding="utf-8")
    return names


def _skills_section(folder: Path) -> document.Section:
    cv = cvdata.load(folder, as_of=AS_OF)
    (section,) = document.build(cv, ["skills"])[1]
    return section


@pytest.mark.parametrize(("n", "categories"), [(1000, 1), (3000, 2), (600, 40)])
def test_every_skill_is_in_the_pdf(broken_copy, tmp_path: Path, n: int, categories: int) -> None:
    folder = broken_copy()
    names = _with_skills(folder, n, categories)
    text = _pdf_text(typst_section(_skills_section(folder)), tmp_path)
    found = re.findall(r"skill\d{6}x", text)
    assert sorted(found) == sorted(names)  # each exactly once
    for c in range(categories):
        assert f"Category {c}:" in text


def test_a_huge_category_breaks_across_pages(broken_copy, tmp_path: Path) -> None:
    folder = broken_copy()
    names = _with_skills(folder, 100_000)
    section = _skills_section(folder)
    text = _pdf_text(typst_section(section), tmp_path, "huge")
    assert len(set(re.findall(r"skill\d{6}x", text))) == len(names)
    assert _pages(tmp_path / "huge.pdf") > 20


def test_a_huge_category_is_shortened_on_the_web(broken_copy) -> None:
    folder = broken_copy()
    names = _with_skills(folder, 100_000)
    section = _skills_section(folder)
    out = html_section(section, HTML_SECTION_LIMIT, "cv.pdf")
    assert len(out.encode()) < 100_000  # it was 42 MB
    shown = re.findall(r"skill\d{6}x", out)
    assert shown == names[:HTML_SECTION_LIMIT]  # the first ones, in order
    assert (
        f"Showing {HTML_SECTION_LIMIT:,} of {len(names):,} skills. "
        '<a href="cv.pdf">The PDF CV</a> lists them all.' in out
    )
    assert len(re.findall(r"skill\d{6}x", html_section(section, None))) == len(names)


def test_a_section_of_many_small_categories_is_cut_by_items(broken_copy) -> None:
    folder = broken_copy()
    _with_skills(folder, 1000, 100)  # 10 skills in each of 100 categories
    section = _skills_section(folder)
    out = html_section(section, HTML_SECTION_LIMIT, "cv.pdf")
    assert len(re.findall(r"skill\d{6}x", out)) == HTML_SECTION_LIMIT
    assert out.count('<div class="cv-entry">') == 35
    assert f"Showing {HTML_SECTION_LIMIT:,} of 1,000 skills." in out


def test_a_120_kb_title_is_printed_whole(broken_copy, tmp_path: Path) -> None:
    folder = broken_copy()
    words = [f"w{i:05d}" for i in range(17_000)]  # 120 KB
    title = " ".join(words)
    edit_cell(folder / "papers.csv", "jsidentify", "title", title)
    cv = cvdata.load(folder, as_of=AS_OF)
    sections = document.build(cv)[1]
    papers = next(
        s for s in sections if any("w00000" in r.text for e in s.entries for r in e.title)
    )
    text = _pdf_text(typst_section(papers), tmp_path, "title")
    assert re.findall(r"w\d{5}", text) == words
    # The entries after it are there too.
    later = [r.text for e in papers.entries for r in e.title if "w00000" not in r.text]
    for t in later:
        assert " ".join(t.split()[:3]) in " ".join(text.split())


def test_a_long_role_title_and_long_bullets_are_printed_whole(broken_copy, tmp_path) -> None:
    folder = broken_copy()
    words = [f"r{i:05d}" for i in range(6000)]
    edit_cell(folder / "roles.csv", "dolby", "title", " ".join(words))
    cv = cvdata.load(folder, as_of=AS_OF)
    (exp,) = document.build(cv, ["experience"])[1]
    text = _pdf_text(typst_section(exp), tmp_path, "role")
    assert re.findall(r"r\d{5}", text) == words


@pytest.fixture
def csv_default_limit():
    """The csv module's own limit (some libraries, frictionless among them, lift it for
    the whole process on import)."""
    was = csv.field_size_limit(131_072)
    yield
    csv.field_size_limit(was)


def test_a_cell_past_the_csv_limit_is_named(
    broken_copy, as_of, monkeypatch, csv_default_limit
) -> None:
    folder = broken_copy()
    monkeypatch.chdir(folder.parent)
    line = edit_cell(folder / "papers.csv", "jsidentify", "title", "x")
    data = (folder / "papers.csv").read_text(encoding="utf-8")
    (folder / "papers.csv").write_text(data.replace(",x,", "," + "x" * 140_000 + ",", 1))
    problems = [str(p) for p in cvdata.validate(folder, as_of=as_of).problems]
    assert (
        f"data/papers.csv:{line}: cannot read this row: a cell is longer than 131,072 "
        "characters, the most one may hold"
    ) in problems


def test_short_titles_keep_their_block_whole() -> None:
    # Only long headers may break: a two-line title never splits from its date.
    from cvdata.document import LONG_HEADER, Entry, Run, typst_entry

    short = Entry(title=(Run("x" * (LONG_HEADER - 10)),), date="2024")
    long = Entry(title=(Run("x" * (LONG_HEADER + 10)),), date="2024")
    assert "long: true" not in typst_entry(short)
    assert "long: true" in typst_entry(long)
    items = Entry(title=(Run("Cat: "),), items=tuple(f"s{i}" for i in range(400)))
    assert "long: true" in typst_entry(items)
