"""Property: whatever ``validate`` accepts renders.

Hypothesis draws whole CVs that validate (strategies derived from the descriptor, see
``cv_strategies.py``) and runs everything a render runs on them: every shaped table,
every figure builder with its caption and alt text, every document section (the full CV
and the short résumé) through both writers, the Typst of the whole document compiled by
Typst, and, in the second property, every figure exported to SVG by Chromium (kaleido)
and compiled into a Typst document, as the PDF CV embeds them.

The examples are bounded (``max_examples``) to keep both properties under two minutes on
two cores; ``CVDATA_PROPERTY_EXAMPLES`` raises the count for a longer hunt.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
import typst
from chart_helpers import all_figures
from conftest import AS_OF
from cv_strategies import cv_tables, write_tables
from hypothesis import HealthCheck, assume, given, note, settings

import cvdata
from cvdata import charts, document
from cvdata.document import (
    HTML_SECTION_LIMIT,
    TYPST_PREAMBLE,
    TYPST_RESUME,
    html_header,
    html_section,
    typst_header,
    typst_section,
)
from cvdata.problems import format_report

EXAMPLES = int(os.environ.get("CVDATA_PROPERTY_EXAMPLES", "0")) or None
SETTINGS = {
    "deadline": None,
    "suppress_health_check": [
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
    # The same examples on every run (CVDATA_PROPERTY_RANDOM=1 for new ones), and no
    # example database left in the working folder.
    "derandomize": os.environ.get("CVDATA_PROPERTY_RANDOM", "") == "",
    "database": None,
}
PAGE = '#set page(paper: "a4", margin: (x: 1.6cm, y: 1.5cm))\n'
FONTS = ["/usr/share/fonts"]


def _load(tables: dict, folder: Path) -> cvdata.CV:
    """The CV, when it validates (the rest are not the property's business)."""
    write_tables(folder, tables)
    result = cvdata.validate(folder, as_of=AS_OF)
    note(format_report(result.problems))
    assume(result.ok)
    return cvdata.load(folder, as_of=AS_OF)


def _shapes(cv: cvdata.CV) -> None:
    markers = charts.timeline.markers(cv)
    charts.timeline.markers_per_year(markers)
    charts.timeline.table(cv)
    charts.timeline.table(cv, top=None)
    charts.numbers.headline_numbers(cv)
    charts.career_time.table(cv)
    charts._tables.papers_table(cv)
    charts.venues.table(cv)
    charts.venues.table(cv, top=None)
    charts.years.table(cv)
    charts.authorship.table(cv)
    charts.coauthors.table(cv)
    charts.skills.table(cv)
    charts.skills.table(cv, per_category=1)
    charts.skills_overview.table(cv)
    charts.projects.table(cv)
    charts.projects.roles_without_projects(cv)


def _compile(source: str, folder: Path, name: str) -> None:
    (folder / f"{name}.typ").write_text(source, encoding="utf-8")
    typst.compile(str(folder / f"{name}.typ"), output=str(folder / f"{name}.pdf"), font_paths=FONTS)


def _documents(cv: cvdata.CV, folder: Path) -> None:
    for name, (head, sections) in {
        "cv": document.build(cv),
        "resume": document.build_resume(cv),
    }.items():
        html_header(head)
        body = [typst_header(head)]
        for s in sections:
            html_section(s)
            html_section(s, HTML_SECTION_LIMIT, "cv.pdf")
            html_section(s, 1, "cv.pdf")
            body.append(f"= {s.title.replace('=', ' ')}\n" if s.title.isascii() else "= S\n")
            body.append(typst_section(s))
        extra = TYPST_RESUME if name == "resume" else ""
        _compile(PAGE + TYPST_PREAMBLE + extra + "\n".join(body), folder, name)


@settings(max_examples=EXAMPLES or 40, **SETTINGS)
@given(tables=cv_tables(AS_OF))
def test_every_valid_cv_shapes_draws_and_prints(tables: dict) -> None:
    with tempfile.TemporaryDirectory(prefix="cvdata-prop-") as tmp:
        folder = Path(tmp)
        cv = _load(tables, folder / "data")
        _shapes(cv)
        for fig, (caption, alt) in all_figures(cv).values():
            fig.to_json()
            # Every chart says what it shows, an empty one too ("No papers yet."): a
            # caption to read and an alt text for a screen reader, never blank.
            assert caption.strip() and alt.strip(), (caption, alt)
        _documents(cv, folder)


@pytest.fixture(scope="module")
def export():
    from cvdata.quarto.static import static_export

    return static_export


@settings(max_examples=EXAMPLES or 10, **SETTINGS)
@given(tables=cv_tables(AS_OF, max_rows=3))
def test_every_valid_cv_exports_charts_that_typst_compiles(export, tables: dict) -> None:
    with tempfile.TemporaryDirectory(prefix="cvdata-svg-") as tmp:
        folder = Path(tmp)
        cv = _load(tables, folder / "data")
        images = []
        for name, (fig, _) in all_figures(cv).items():
            export(fig, folder / f"{name}.svg", 820, int(fig.layout.height or 450))
            images.append(f'#image("{name}.svg", width: 100%)')
        _compile(PAGE + "\n".join(images), folder, "charts")
