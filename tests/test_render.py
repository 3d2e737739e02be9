"""The rendered site and PDF: what a reader gets (real Quarto when installed, else the preview)."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import RenderedSite

import cvdata

pytestmark = pytest.mark.render

PAGES = ("index.html", "cv.html", "notebooks/timeline.html")
NEEDS_QUARTO = "only real Quarto draws the navbar and the format links (quarto not on PATH)"


def _squash(text: str) -> str:
    """Whitespace folded, so text wrapped across lines (also after a hyphen) still matches."""
    return re.sub(r"-\s+", "-", re.sub(r"\s+", " ", text)).strip()


@pytest.fixture(scope="module")
def pdf_text(rendered_site: RenderedSite) -> str:
    pdf = rendered_site.page("cv.pdf")
    out = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return out.stdout


@pytest.fixture(scope="module")
def cv_html_text(rendered_site: RenderedSite) -> str:
    raw = rendered_site.page("cv.html").read_text(encoding="utf-8")
    return _squash(html.unescape(re.sub(r"<[^>]+>", " ", raw)))


def test_every_page_and_the_pdf_exist(rendered_site: RenderedSite) -> None:
    for name in (*PAGES, "cv.pdf"):
        assert rendered_site.page(name).stat().st_size > 1000, name


def test_pdf_page_count_is_sensible(rendered_site: RenderedSite) -> None:
    info = subprocess.run(
        ["pdfinfo", str(rendered_site.page("cv.pdf"))], capture_output=True, text=True
    ).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert 5 <= pages <= 16, pages


def test_pdf_has_every_paper_title_and_role(pdf_text: str, cv: cvdata.CV) -> None:
    text = _squash(pdf_text)
    missing = [t for t in cv.papers["title"] if _squash(t) not in text]
    missing += [t for t in cv.roles["title"] if _squash(t) not in text]
    missing += [o for o in cv.roles["organisation"] if _squash(o) not in text]
    assert not missing


def test_pdf_chinese_title_is_text(pdf_text: str) -> None:
    assert "KUBERNETES 用户态应用中基于虚拟文件系统的小文件存储优化系统" in _squash(pdf_text)


def test_pdf_draws_the_figures_as_vectors_with_text(
    rendered_site: RenderedSite, pdf_text: str, cv: cvdata.CV
) -> None:
    # SVG charts: nothing rasterised (sharp at any print size), and their labels are text.
    listing = subprocess.run(
        ["pdfimages", "-list", str(rendered_site.page("cv.pdf"))], capture_output=True, text=True
    ).stdout
    assert [line for line in listing.splitlines()[2:] if line.strip()] == []
    text = _squash(pdf_text)
    assert f"as of {cv.as_of:%d %b %Y}" in text  # the timeline's own label
    categories = "|".join(re.escape(c) for c in cv.skills["category"].unique())
    assert re.search(rf"(?:{categories}) · top \d+ of \d+", text)  # a skills panel title


def test_owner_name_and_public_contacts_but_no_private_ones(
    pdf_text: str, cv_html_text: str, cv: cvdata.CV
) -> None:
    public = cv.contacts[cv.contacts["visibility"] == "public"]
    private = cv.contacts[cv.contacts["visibility"] == "private"]
    for text in (_squash(pdf_text), cv_html_text):
        assert cv.owner["name"] in text
        for email in public[public["kind"] == "email"]["value"]:
            assert email in text
        for value in private["value"].dropna():
            assert value not in text


def test_cv_html_has_every_role_project_and_paper(cv_html_text: str, cv: cvdata.CV) -> None:
    wanted = [*cv.roles["title"], *cv.projects["title"], *cv.papers["title"]]
    missing = [t for t in wanted if _squash(t) not in cv_html_text]
    assert not missing


def test_plotly_js_is_loaded_at_most_once_per_page_and_from_the_site(
    rendered_site: RenderedSite,
) -> None:
    for name in PAGES:
        page = rendered_site.page(name).read_text(encoding="utf-8")
        srcs = re.findall(r"<script[^>]+src=\"([^\"]*plotly[^\"]*)\"", page)
        assert len(srcs) <= 1, (name, srcs)
        for src in srcs:
            assert not src.startswith(("http:", "https:", "//")), src
            assert (rendered_site.page(name).parent / src).resolve().is_file(), src
        # plotly.js itself is never inlined into a page.
        assert page.count("Plotly.newPlot") >= 1, name
        assert len(page) < 1_000_000, (name, len(page))


def test_site_is_small(rendered_site: RenderedSite) -> None:
    total = sum(p.stat().st_size for p in rendered_site.root.rglob("*") if p.is_file())
    assert total < 15 * 1024 * 1024, total


def test_nothing_on_the_site_points_at_another_host(rendered_site: RenderedSite) -> None:
    for page in rendered_site.root.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for tag in re.findall(r"<(?:script|link|img|iframe)\b[^>]*>", text):
            src = re.search(r"(?:src|href)=\"([^\"]+)\"", tag)
            assert not (src and re.match(r"(https?:)?//", src.group(1))), (page.name, tag)


def test_preview_pages_say_they_are_a_preview(rendered_site: RenderedSite) -> None:
    if rendered_site.by_quarto:
        pytest.skip("rendered by real Quarto: no preview banner")
    for name in PAGES:
        assert "Preview rendered without Quarto" in rendered_site.page(name).read_text("utf-8")


def test_navbar_and_format_links(rendered_site: RenderedSite) -> None:
    if not rendered_site.by_quarto:
        pytest.skip(NEEDS_QUARTO)
    page = rendered_site.page("cv.html").read_text(encoding="utf-8")
    assert 'class="navbar' in page
    assert "cv.pdf" in page  # the "Other formats" link and the navbar's PDF item


# ------------------------------------------------------------------ pre-render step


def _prerender(project: Path, data: Path) -> subprocess.CompletedProcess[str]:
    env = {"CVDATA_DIR": str(data), "CVDATA_AS_OF": "2026-11-26", "PATH": ""}
    return subprocess.run(
        [sys.executable, "-m", "cvdata.prerender"],
        cwd=project,
        env={**env, "QUARTO_PROJECT_ROOT": str(project)},
        capture_output=True,
        text=True,
    )


def test_prerender_stops_on_bad_data_with_the_report(tmp_path: Path, broken_copy) -> None:
    data = broken_copy()
    papers = data / "papers.csv"
    papers.write_text(papers.read_text(encoding="utf-8").replace(",2024,", ",20x4,", 1), "utf-8")
    (tmp_path / "_quarto.yml").write_text("project:\n  type: website\n")
    done = _prerender(tmp_path, data)
    assert done.returncode == 1
    assert "year: '20x4' is not a year" in done.stderr
    assert "nothing was rendered" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert not (tmp_path / "assets" / "plotly.min.js").exists()


def test_prerender_clears_frozen_pages_when_data_changes(tmp_path: Path, broken_copy) -> None:
    data = broken_copy()
    (tmp_path / "_quarto.yml").write_text("project:\n  type: website\n")
    first = _prerender(tmp_path, data)
    assert first.returncode == 0, first.stderr
    assert (tmp_path / "assets" / "plotly.min.js").stat().st_size > 1_000_000
    frozen = tmp_path / "_freeze" / "index" / "execute-results"
    frozen.mkdir(parents=True)
    (frozen / "html.json").write_text("{}")
    # Same data: the frozen page stays.
    assert _prerender(tmp_path, data).returncode == 0
    assert (frozen / "html.json").exists()
    # Changed data: it goes, and the step says so.
    skills = data / "skills.csv"
    skills.write_text(skills.read_text(encoding="utf-8").replace("Pascal", "Pascal 2", 1), "utf-8")
    done = _prerender(tmp_path, data)
    assert done.returncode == 0
    assert not (frozen / "html.json").exists()
    assert "frozen pages cleared" in done.stdout


def test_pdf_tools_present() -> None:
    # The PDF tests above need poppler; fail loudly rather than skip if setup missed it.
    assert shutil.which("pdftotext") and shutil.which("pdfimages")
