"""The PDF's typesetting: its faces embedded, the running footer, the designs, one-line
entries as items, the timeline without a "Figure n" caption, and text that stays text.

The unit tests compile the writer's Typst with the ``typst`` package (as Quarto does); the
render tests run the real ``quarto render`` of ``cv.qmd`` to Typst in a scratch copy of the
project, once per design, and read the PDF back with poppler (``pdftotext``, ``pdffonts``).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import typst
from conftest import AS_OF, copy_project, render

import cvdata
from cvdata import document
from cvdata.document import DESIGNS, Entry, Header, Run, Section, typst_header, typst_section
from cvdata.document.typst import typst_preamble
from cvdata.quarto.prerender import pdf_design_problem
from cvdata.theme import load_brand

PAGE = '#set page(paper: "a4")\n'
#: Each design's text face, as ``pdffonts`` names it (a subset prefix before the ``+``).
FACES = {"default": "Lato-Regular", "compact": "LinLibertineO"}


def _compile(body: str, tmp_path: Path, design: str = "default", name: str = "doc") -> Path:
    src = tmp_path / f"{name}.typ"
    src.write_text(PAGE + typst_preamble(design) + body, encoding="utf-8")
    pdf = tmp_path / f"{name}.pdf"
    typst.compile(str(src), output=str(pdf), font_paths=["/usr/share/fonts"])
    return pdf


def _pages_text(pdf: Path) -> list[str]:
    """The text of each page (``pdftotext`` separates pages with a form feed)."""
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
    return out.stdout.split("\f")[:-1]


def _fonts(pdf: Path) -> list[tuple[str, str]]:
    """(font name, embedded yes/no) of each font ``pdffonts`` lists."""
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    rows = out.stdout.splitlines()[2:]
    return [(r.split()[0], r.split()[-5]) for r in rows]


HEAD = Header(
    name="Ada Example",
    headline="Research engineer",
    contacts=((Run("ada@example.org", href="mailto:ada@example.org"),), (Run("Leeds, UK"),)),
    quote="",
    quote_author="",
    kinds=("email", "location"),
    updated="30 Nov 2026",
)


def _long_section(n: int = 60) -> Section:
    entries = tuple(
        Entry(
            title=(Run(f"Role {i}", strong=True),),
            subtitle=(Run(f"Organisation {i}"),),
            date="Jan 2020 – Present",
            place="San Francisco, United States · Remote & on-site",
            bullets=((Run(f"Did thing {i} " * 12),),),
        )
        for i in range(n)
    )
    return Section("experience", "Experience", entries)


@pytest.mark.parametrize("design", sorted(DESIGNS))
def test_footer_on_every_page_and_the_face_embedded(tmp_path: Path, design: str) -> None:
    body = typst_header(HEAD) + "\n= Experience\n" + typst_section(_long_section())
    pdf = _compile(body, tmp_path, design)
    pages = _pages_text(pdf)
    assert len(pages) >= 3
    for n, text in enumerate(pages, start=1):
        assert f"Ada Example – {n}/{len(pages)}" in text, (n, text[-200:])
    assert "Last updated 30 Nov 2026" in pages[0]
    # In the first page's footer, away from the name (at the top it sat against it).
    tail = [ln for ln in pages[0].splitlines() if ln.strip()][-2:]
    assert any("Last updated" in ln for ln in tail), tail
    assert "Last updated" not in "".join(pages[1:])
    fonts = _fonts(pdf)
    assert any(FACES[design] in name for name, _ in fonts), fonts
    assert all(emb == "yes" for _, emb in fonts), fonts


def _word_boxes(pdf: Path) -> list[tuple[str, float, float]]:
    """(word, left, right) of each word on the first page, from ``pdftotext -bbox``."""
    out = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [
        (m["w"], float(m["x0"]), float(m["x1"]))
        for m in re.finditer(
            r'<word xMin="(?P<x0>[\d.]+)" [^>]*xMax="(?P<x1>[\d.]+)"[^>]*>(?P<w>[^<]*)<', out
        )
    ]


@pytest.mark.parametrize("design", sorted(DESIGNS))
def test_the_date_column_never_runs_into_the_title(tmp_path: Path, design: str) -> None:
    """A long title wraps before the date column, a long place inside it: every word of
    the title and subtitle ends left of where every word of the date and place starts."""
    e = Entry(
        title=(Run(" ".join(f"Title{i}" for i in range(30)), strong=True),),
        date="Date1 2024 – Date2",
        place=" ".join(f"Place{i}-long" for i in range(8)),
        subtitle=(Run(" ".join(f"Unit{i}" for i in range(25))),),
    )
    words = _word_boxes(_compile(typst_section(Section("x", "X", (e,))), tmp_path, design))
    left = [x1 for w, _, x1 in words if w.startswith(("Title", "Unit"))]
    right = [x0 for w, x0, _ in words if w.startswith(("Date", "Place"))]
    assert len(left) == 55 and len(right) >= 9
    assert max(left) < min(right), (max(left), min(right))


@pytest.mark.parametrize("design", sorted(DESIGNS))
def test_a_long_place_breaks_after_its_dot(tmp_path: Path, design: str) -> None:
    """City and work mode on lines of their own when both do not fit the column, with no
    separator left at a line's end (readers saw "United States ·" as a stray dot); a short
    place stays on one line."""

    def lines(place: str) -> list[str]:
        e = Entry(title=(Run("Role", strong=True),), date="May 2024 – Present", place=place,
                  subtitle=(Run("Organisation"),))  # fmt: skip
        pdf = _compile(typst_section(Section("x", "X", (e,))), tmp_path, design)
        return "".join(_pages_text(pdf)).splitlines()

    long = lines("Leeds, United Kingdom · Remote & on-site")
    assert "Leeds, United Kingdom" in long and "Remote & on-site" in long
    assert not any(ln.rstrip().endswith("·") for ln in long), long
    assert "Berlin · Remote" in lines("Berlin · Remote")


@pytest.mark.parametrize("design", sorted(DESIGNS))
def test_no_heading_is_left_alone_at_a_pages_foot(tmp_path: Path, design: str) -> None:
    """Whatever the text before it, a section heading starts the page its first entry is
    on. The text before it grows a line at a time, so that in some run the heading falls
    on the last lines of page 1 (without sticky blocks: 56-58 lines in the default design,
    71-73 in the compact one)."""
    entry = Entry(title=(Run("First role", strong=True),), bullets=((Run("Did it"),),))
    section = typst_section(Section("x", "X", (entry,)))
    for filler in (*range(54, 60), *range(69, 75)):
        before = "".join(f"#cv-line[Line {i} of the text before.]\n" for i in range(filler))
        pdf = _compile(before + "= Experience\n" + section, tmp_path, design)
        pages = _pages_text(pdf)
        (heading,) = [n for n, t in enumerate(pages) if "Experience" in t]
        (first,) = [n for n, t in enumerate(pages) if "First role" in t]
        assert heading == first, filler


def test_contact_icons_are_drawn_not_text(tmp_path: Path) -> None:
    """Icons are pictures (artifacts): the contacts read back as their own words only."""
    typ = typst_header(HEAD)
    assert typ.count("#cv-icon(") == 2
    text = "".join(_pages_text(_compile(typ, tmp_path)))
    assert "ada@example.org" in text and "Leeds, UK" in text
    assert not re.search(r"[\ue000-\uf8ff]", text)  # no private-use glyphs (icon fonts)


def test_one_line_entries_are_items_not_headings() -> None:
    bare = tuple(Entry(title=(Run(f"Explored idea {i}.", strong=True),)) for i in range(3))
    full = Entry(title=(Run("Project", strong=True),), bullets=((Run("did"),),))
    typ = typst_section(Section("x", "X", (*bare, full)))
    assert typ.count("#cv-items(") == 1 and typ.count("#cv-entry(") == 1
    items = typ.split("#cv-items(")[1].split("#cv-entry(")[0]
    assert '#"Explored idea 0."' in items and "strong(" not in items


def test_one_liners_after_full_entries_have_a_label(tmp_path: Path) -> None:
    """A run of one-liners after a group's full entries sits under "More", so it does not
    read as the last entry's bullets; a group of one-liners only needs no label."""
    bare = tuple(Entry(title=(Run(f"Explored idea {i}.", strong=True),)) for i in range(2))
    full = Entry(title=(Run("Project", strong=True),), bullets=((Run("did"),),))
    typ = typst_section(Section("x", "X", (full, *bare)))
    assert typ.count('#cv-tail("More", ') == 1 and "#cv-items(" not in typ
    text = "".join(_pages_text(_compile(typ, tmp_path)))
    assert re.search(r"did\s+More\s+• Explored idea 0\.", text), text
    assert "#cv-tail(" not in typst_section(Section("x", "X", bare))


def test_a_compact_sections_one_liners_stay_lines() -> None:
    bare = Entry(title=(Run("Git (Advanced)", strong=True),))
    listed = Entry(title=(Run("Data: ", strong=True),), items=("pandas", "DuckDB"))
    typ = typst_section(Section("skills", "Skills", (listed, bare), compact=True))
    assert "#cv-items(" not in typ and typ.count("#cv-entry(") == 2


def test_items_follow_their_group() -> None:
    a = Entry(title=(Run("A", strong=True),), group="First")
    b = Entry(title=(Run("B", strong=True),), group="Second")
    typ = typst_section(Section("x", "X", (a, b)))
    assert re.search(r'cv-group\("First"\).*cv-items\(.*"A".*cv-group\("Second"\).*"B"', typ, re.S)


def test_an_unknown_design_is_refused_with_the_designs_named(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="default, compact"):
        typst_preamble("glossy")
    brand = tmp_path / "_brand.yml"
    brand.write_text("meta:\n  cvdata-pdf-design: glossy\n", encoding="utf-8")
    problem = pdf_design_problem(load_brand(brand))
    assert "_brand.yml" in problem and "'glossy'" in problem and "compact" in problem
    brand.write_text("meta:\n  cvdata-pdf-design: compact\n", encoding="utf-8")
    assert load_brand(brand).pdf_design == "compact"
    assert pdf_design_problem(load_brand(brand)) == ""


def test_the_header_carries_the_kinds_and_the_as_of_date(cv: cvdata.CV) -> None:
    head = document.header(cv)
    assert len(head.kinds) == len(head.contacts) and set(head.kinds) <= {"email", "location"} | {
        "website",
        "linkedin",
        "github",
        "scholar",
        "dblp",
        "orcid",
        "twitter",
        "other",
    }
    assert head.updated == f"{AS_OF.day} {AS_OF:%b %Y}"


# --------------------------------------------------------------------------- render


@pytest.fixture(scope="module")
def rendered_pdf(tmp_path_factory: pytest.TempPathFactory):
    """``cv.pdf`` of the seed rendered by Quarto in each design (once per design)."""
    done: dict[str, Path] = {}

    def run(design: str) -> Path:
        if design not in done:
            project = copy_project(tmp_path_factory.mktemp(f"pdf-{design}") / "project")
            brand = project / "_brand.yml"
            text = brand.read_text(encoding="utf-8")
            brand.write_text(
                re.sub(r"cvdata-pdf-design: \w+", f"cvdata-pdf-design: {design}", text),
                encoding="utf-8",
            )
            result = render(project, "cv.qmd", "--to", "typst")
            assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
            done[design] = project / "_site" / "cv.pdf"
        return done[design]

    return run


@pytest.mark.render
@pytest.mark.parametrize("design", ["default", "compact"])
def test_rendered_pdf_is_typeset(rendered_pdf, design: str) -> None:
    pdf = rendered_pdf(design)
    pages = _pages_text(pdf)
    assert len(pages) > 3
    # Footer on every page; the text is text (selectable, in reading order).
    for n, text in enumerate(pages, start=1):
        assert f"Zhongzhu Zhou – {n}/{len(pages)}" in text
    whole = "".join(pages)
    assert "Large-model inference under tensor parallelism" in whole
    assert f"Last updated {AS_OF.day} {AS_OF:%b %Y}" in pages[0]
    # The timeline under its heading, with no "Figure n" caption; the other charts keep
    # theirs, as the only name they have in the PDF.
    assert "Career at a glance" in whole
    assert not re.search(r"Figure \d+: Career timeline", whole)
    fonts = _fonts(pdf)
    assert any(FACES[design] in name for name, _ in fonts), fonts
    assert all(emb == "yes" for _, emb in fonts), fonts
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    assert re.search(r"^Tagged:\s+yes", info.stdout, re.M)


@pytest.mark.render
def test_compact_design_takes_fewer_pages(rendered_pdf) -> None:
    assert len(_pages_text(rendered_pdf("compact"))) < len(_pages_text(rendered_pdf("default")))


def test_a_bad_design_stops_the_render_before_quarto_draws(tmp_path: Path, capsys) -> None:
    """The pre-render step refuses an unknown design with the file, key and choices."""
    project = copy_project(tmp_path / "project")
    brand = project / "_brand.yml"
    brand.write_text(
        brand.read_text(encoding="utf-8").replace(
            "cvdata-pdf-design: default", "cvdata-pdf-design: glossy"
        ),
        encoding="utf-8",
    )
    from cvdata.quarto import prerender

    assert prerender.main(project) == 1
    err = capsys.readouterr().err
    assert "_brand.yml: meta: cvdata-pdf-design: 'glossy' is not a design" in err
    assert "default, compact" in err and "Traceback" not in err
