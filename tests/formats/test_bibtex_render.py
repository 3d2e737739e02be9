"""Rendered checks of imported BibTeX (issue 21, "Done when"): a DBLP-style CV whose venue
chart names its venues and counts its preprints as preprints, with every title's math
intact; an al-folio CV whose owner is recognised. Each is a new folder made with
``cvdata init`` and one import, rendered by Quarto (cv.qmd: the web page and the PDF)."""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

import pytest
from conftest import render_site

pytestmark = pytest.mark.render

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bibtex"


def _cv(tmp_path: Path, run_cvdata, name: str, bib: str) -> Path:
    folder = tmp_path / "data"
    assert run_cvdata("init", str(folder), "--name", name).returncode == 0
    proc = run_cvdata("import", "bibtex", str(FIXTURES / bib), str(folder))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return folder


def _rendered(tmp_path: Path, data: Path) -> tuple[str, str]:
    site = render_site(tmp_path / "project", data, "cv.qmd").root
    page = (site / "cv.html").read_text(encoding="utf-8")
    pdf = subprocess.run(
        ["pdftotext", str(site / "cv.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    return page, pdf


def test_dblp_cv_renders_venues_preprints_and_math(tmp_path: Path, run_cvdata) -> None:
    page, pdf = _rendered(tmp_path, _cv(tmp_path, run_cvdata, "Avery B. Quinn", "dblp.bib"))
    text = html.unescape(page)
    caption = re.search(r"Publications by venue: [^<]*", text)
    assert caption, "no venue chart on the page"
    assert caption.group(0).startswith("Publications by venue: 7 papers at 5 venues")
    assert "none with a venue given" not in text + pdf
    for venue in ("ICML", "arXiv", "ECCC", "STOC"):
        assert f'"{venue}"' in page  # a bar of the chart's data
    assert "Preprints" in text and "Preprints" in pdf  # the preprints' own section
    for title in (
        "Lower Bounds for #NC¹ and AC⁰[⊕] Circuits",
        "TallFormerᵀᴹ: Scaling Laws Revisited",
        "Rank-One Updates in O(n log n) Time with α-Smoothing",
    ):
        assert title in text, title
        assert title in " ".join(pdf.split()), title
    assert "#NC^" not in text + pdf


def test_alfolio_cv_recognises_its_owner(tmp_path: Path, run_cvdata) -> None:
    page, pdf = _rendered(tmp_path, _cv(tmp_path, run_cvdata, "Zoë Ångström-Lind", "alfolio.bib"))
    text = html.unescape(page)
    # The owner in bold in every author list, in each spelling the papers use.
    for name in ("Zoë Ångström-Lind", "Zoe Angstrom-Lind", "Z. Ångström-Lind"):
        assert re.search(rf"<strong>{re.escape(name)}\*?</strong>", text), name
    assert "Tomás Ferreira*" in text  # the equal-contribution mark read, shown once
    assert "Outstanding Paper Award" in text and "Outstanding Paper Award" in pdf
