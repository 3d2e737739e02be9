"""The rendered site and PDF, as ``quarto render`` makes them: what a reader gets, and what
Quarto itself adds (navbar, search index, format links, brand, freeze)."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PROJECT, RenderedSite, copy_project, edit_cell, render

import cvdata

pytestmark = pytest.mark.render

PAGES = ("index.html", "cv.html", "notebooks/timeline.html")
NOTEBOOKS = ("collaborators", "projects", "publications", "skills", "timeline")
#: Every file of the site, as uploaded to Quarto Pub (site_libs/ is Quarto's own).
SITE = {
    "index.html",
    "dashboard.html",
    "dashboard.css",
    "cv.html",
    "cv.pdf",
    "search.json",
    "styles.css",
    "assets/plotly.min.js",
    "assets/favicon.svg",
    *(f"notebooks/{n}.html" for n in NOTEBOOKS),
}


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


def _ink(pgm: bytes) -> float:
    """Share of the pixels of a binary PGM (pdftoppm -gray) that are not white."""
    _, width, height, _, pixels = re.match(
        rb"(P5)\s+(\d+)\s+(\d+)\s+(\d+)\s(.*)", pgm, re.S
    ).groups()
    return sum(1 for b in pixels if b < 200) / (int(width) * int(height))


def test_pdf_pages_are_drawn(rendered_site: RenderedSite) -> None:
    # The pages as a printer gets them: no blank page, and the first (the person, the text
    # and the timeline) well filled.
    pdf = str(rendered_site.page("cv.pdf"))
    info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    for page in range(1, pages + 1):
        image = subprocess.run(
            ["pdftoppm", "-gray", "-r", "30", "-f", str(page), "-l", str(page), pdf],
            capture_output=True,
            check=True,
        ).stdout
        # The last page may hold only the CV's last few lines (not blank, though).
        least = 0.04 if page == 1 else 0.005 if page == pages else 0.02
        assert _ink(image) > least, page


def test_pdf_opens_with_the_person_and_leaves_no_page_a_third_blank(
    rendered_site: RenderedSite, cv: cvdata.CV
) -> None:
    from test_examples import blank_stretches, opens_with_the_person

    pdf = rendered_site.page("cv.pdf")
    opens_with_the_person(pdf, cv)
    assert blank_stretches(pdf) == []


def test_ink_is_measured() -> None:
    assert _ink(b"P5 2 1 255\n" + bytes([255, 0])) == 0.5


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


# ------------------------------------------------------------------ Quarto's own outputs


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_render_log_has_no_warning_or_error(rendered_site: RenderedSite) -> None:
    # Quarto's log names every document it renders; none may warn, fail or be noisy.
    log = rendered_site.log
    assert "Output created: _site/index.html" in log
    for name in ("index.qmd", "cv.qmd", *(f"notebooks/{n}.py" for n in NOTEBOOKS)):
        assert name in log, name
    # "warning:" is pandoc's; "Warning:" Python's (a RuntimeWarning of runpy, say)
    bad = [ln for ln in log.splitlines() if re.search(r"WARN|ERROR|Traceback|[Ww]arning:", ln)]
    assert bad == []
    assert "without encryption" not in log  # ipykernel's line at every kernel start


def test_render_leaves_the_git_tree_clean(rendered_site: RenderedSite) -> None:
    # No outputs written into tracked files (an executed .ipynb is), and a .gitignore that
    # already holds the lines Quarto would append.
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=rendered_site.project,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert status == ""
    gitignore = _text(PROJECT / ".gitignore").splitlines()
    assert "/.quarto/" in gitignore and "**/*.quarto_ipynb" in gitignore


def test_site_holds_the_site_and_nothing_else(rendered_site: RenderedSite) -> None:
    # What Quarto Pub would get: the pages, the PDF, the search index, plotly.js and
    # Quarto's own libraries; no test fixture, example, data table or note.
    files = {
        p.relative_to(rendered_site.root).as_posix()
        for p in rendered_site.root.rglob("*")
        if p.is_file()
    }
    assert {f for f in files if not f.startswith("site_libs/")} == SITE
    total = sum(p.stat().st_size for p in rendered_site.root.rglob("*") if p.is_file())
    assert total < 100 * 1024 * 1024  # Quarto Pub's limit (and far below it)


def test_pages_have_their_title_and_keep_their_first_heading(
    rendered_site: RenderedSite, cv: cvdata.CV
) -> None:
    # Quarto's Jupyter fix-up promotes the first `##` heading of a document without a title
    # to its title; every page has one, named after the person (issue 22), whose name is
    # the h1 of the CV pages.
    owner = html.escape(cv.owner["name"], quote=False)
    titles = {
        "index.html": "Overview",
        "cv.html": "Curriculum vitae",
        "notebooks/timeline.html": "Career timeline",
        "notebooks/skills.html": "Skills",
        "dashboard.html": "At a glance",
    }
    for name, title in titles.items():
        page = _text(rendered_site.page(name))
        assert re.search(rf"<title>{re.escape(title)} – {re.escape(owner)}</title>", page), name
    for name in ("index.html", "cv.html"):
        page = _text(rendered_site.page(name))
        assert re.search(rf"<h1[^>]*>\s*{re.escape(owner)}", page), name
        assert re.search(r'<h2[^>]*id="career-at-a-glance"|id="career-at-a-glance"', page), name
        assert ">Career at a glance</h2>" in page, name
    toc = re.search(r'<nav id="TOC".*?</nav>', _text(rendered_site.page("cv.html")), re.S)
    assert toc and "Career at a glance" in toc.group(0)
    first = subprocess.run(
        ["pdftotext", "-l", "1", str(rendered_site.page("cv.pdf")), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    # The name opens the page; the "last updated" date is in the first page's footer.
    lines = [ln.strip() for ln in first.split("\n") if ln.strip()]
    assert lines[0] == cv.owner["name"], lines[:3]
    assert any("Last updated" in ln for ln in lines[-2:]), lines[-2:]


def test_navbar_links_every_page_and_the_pdf(rendered_site: RenderedSite) -> None:
    pages = ("index.html", "dashboard.html", "cv.html", *(f"notebooks/{n}.html" for n in NOTEBOOKS))
    for name in pages:
        page = rendered_site.page(name)
        nav = re.search(r'<nav class="navbar.*?</nav>', _text(page), re.S)
        assert nav, name
        hrefs = re.findall(r'class="nav-link[^"]*" href="([^"]+)"', nav.group(0))
        targets = {(page.parent / h).resolve().relative_to(rendered_site.root) for h in hrefs}
        wanted = {"index.html", "dashboard.html", "cv.html", "cv.pdf"}
        wanted |= {f"notebooks/{n}.html" for n in NOTEBOOKS}
        assert {t.as_posix() for t in targets} == wanted, name
        labels = ("Overview", "At a glance", "Full CV", "Timeline", "Publications", "Skills", "PDF")
        for text in labels:
            assert f'<span class="menu-text">{text}</span>' in nav.group(0), (name, text)


def test_cv_page_links_its_pdf_under_other_formats(rendered_site: RenderedSite) -> None:
    page = _text(rendered_site.page("cv.html"))
    other = re.search(r"<h2>Other Formats</h2>.*?</ul>", page, re.S)
    assert other and 'href="cv.pdf"' in other.group(0)


def test_search_index_covers_every_page(rendered_site: RenderedSite, cv: cvdata.CV) -> None:
    entries = json.loads(_text(rendered_site.page("search.json")))
    hrefs = {e["href"].split("#")[0] for e in entries}
    assert {"index.html", "cv.html", *(f"notebooks/{n}.html" for n in NOTEBOOKS)} <= hrefs
    text = " ".join(f"{e['title']} {e['text']}" for e in entries)
    # The CV's text is searchable: a role, a paper and a skill.
    for value in (cv.roles["title"].iloc[0], cv.papers["title"].iloc[0], "PyTorch"):
        assert _squash(value) in _squash(text), value
    assert not list(rendered_site.root.glob("sitemap.xml"))  # only with a site-url


def test_brand_reaches_the_html_and_the_pdf(rendered_site: RenderedSite) -> None:
    # _brand.yml: its primary colour and fonts in the site's Bootstrap theme; the PDF in
    # its design's face (Lato by default, the charts' labels too), CJK from Noto.
    css = "".join(_text(p) for p in (rendered_site.root / "site_libs").rglob("bootstrap*.css"))
    assert re.search(r"--bs-primary:\s*#0072B2", css, re.I)
    assert "Liberation Sans" in css
    fonts = subprocess.run(
        ["pdffonts", str(rendered_site.page("cv.pdf"))], capture_output=True, text=True
    ).stdout
    assert "Lato-Regular" in fonts and "NotoSansCJK" in fonts


def _linked(page: Path, link_id: str) -> list[Path]:
    """The files a page links as stylesheets with Quarto's ``id``, in order."""
    hrefs = re.findall(rf'<link href="([^"]+)"[^>]*id="{link_id}"', _text(page))
    return [page.parent / h for h in hrefs]


def test_pages_link_the_brand_css_once(rendered_site: RenderedSite) -> None:
    # _brand.yml is the light brand only (_quarto.yml): Quarto read it alone as a light and
    # an identical dark brand, and each page linked the same Bootstrap CSS three times and
    # the code colours' light, dark and light again, all built again at every render. The
    # dashboard's format always adds a dark sheet: its own brand makes that the same CSS.
    for name in sorted(n for n in SITE if n.endswith(".html")):
        page = rendered_site.page(name)
        sheets = _linked(page, "quarto-bootstrap")
        assert sheets and len({s.read_bytes() for s in sheets}) == 1, (name, sheets)
        if name != "dashboard.html":
            assert len(sheets) == 1, (name, sheets)
            assert len(_linked(page, "quarto-text-highlighting-styles")) == 1, name
            assert "quarto-color-scheme" not in _text(page), name
        assert re.search(r"--bs-primary:\s*#0072B2", _text(sheets[0]), re.I), name


# ------------------------------------------------------------------ freeze and the data


def test_freeze_reuses_pages_until_the_data_they_read_changes(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    data = project / "data"
    first = render(project)
    assert first.returncode == 0, first.stderr[-3000:]
    assert "Executing 'cv" in first.stdout + first.stderr
    # Nothing changed: every page comes from _freeze, no cell runs.
    again = render(project)
    log = again.stdout + again.stderr
    assert again.returncode == 0, log[-3000:]
    assert "Executing" not in log and "Starting python3 kernel" not in log
    assert "unchanged since the last render" in log  # the pre-render step's fast path
    # skills.csv changed: the pages that show skills run again, the others stay frozen.
    edit_cell(data / "skills.csv", "pascal", "skill", "Pascal of Tidy Data")
    third = render(project)
    log = third.stdout + third.stderr
    assert third.returncode == 0, log[-3000:]
    assert re.search(r"re-running .*notebooks/skills.* \(their data changed\)", log)
    for page in ("index", "cv", "skills"):
        assert f"Executing '{page}" in log, page
    for page in ("timeline", "publications", "collaborators"):
        assert f"Executing '{page}" not in log, page
    for name in ("cv.html", "index.html", "notebooks/skills.html"):
        assert "Pascal of Tidy Data" in _text(project / "_site" / name), name
    # roles.csv changed: the pages that read roles show the new title, in HTML and the PDF.
    edit_cell(data / "roles.csv", "together-ai", "title", "Principal Scientist of Tidy Data")
    fourth = render(project)
    log = fourth.stdout + fourth.stderr
    assert fourth.returncode == 0, log[-3000:]
    for name in ("cv.html", "index.html", "notebooks/timeline.html"):
        assert "Principal Scientist of Tidy Data" in _text(project / "_site" / name), name
    pdf = subprocess.run(
        ["pdftotext", str(project / "_site" / "cv.pdf"), "-"], capture_output=True, text=True
    ).stdout
    assert "Principal Scientist of Tidy Data" in _squash(pdf)
    assert "Pascal of Tidy Data" in _squash(pdf)


# ------------------------------------------------------------------ pre-render step


def _prerender(
    project: Path, data: Path, as_of: str = "2026-11-26"
) -> subprocess.CompletedProcess[str]:
    env = {"CVDATA_DIR": str(data), "CVDATA_AS_OF": as_of, "PATH": ""}
    if "PYTHONPATH" in os.environ:  # the cvdata under test, when it is not the installed one
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    return subprocess.run(
        [sys.executable, "-m", "cvdata.quarto.prerender"],
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


def test_prerender_says_when_upgrade_fixes_the_folder(tmp_path: Path) -> None:
    """A folder made for an older cvdata: the report, then the line saying what to run."""
    data = tmp_path / "older"
    shutil.copytree(PROJECT / "tests" / "fixtures" / "older-cvdata" / "data", data)
    (tmp_path / "_quarto.yml").write_text("project:\n  type: website\n")
    done = _prerender(tmp_path, data)
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert "table 'languages' is missing from the descriptor" in done.stderr
    assert lines[-2] == "9 problems in 1 file"
    assert lines[-1] == (
        "This folder was made for an older cvdata: `cvdata upgrade older` adds "
        "the new tables and columns (empty)."
    )


def _frozen(project: Path, page: str, reads: list[str] | None) -> Path:
    """A frozen page, as Quarto leaves it, with the tables its kernel recorded reading."""
    results = project / "_freeze" / page / "execute-results"
    results.mkdir(parents=True)
    (results / "html.json").write_text("{}")
    if reads is not None:
        record = project / "_cvdata" / "reads" / f"{page}.html.json"
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_text(json.dumps(reads))
    return results / "html.json"


def test_prerender_clears_the_frozen_pages_whose_data_changed(tmp_path: Path, broken_copy) -> None:
    data = broken_copy()
    (tmp_path / "_quarto.yml").write_text("project:\n  type: website\n")
    (tmp_path / "_brand.yml").write_text("color:\n  primary: '#0072B2'\n")
    first = _prerender(tmp_path, data)
    assert first.returncode == 0, first.stderr
    assert (tmp_path / "assets" / "plotly.min.js").stat().st_size > 1_000_000

    def pages() -> dict[str, Path]:
        return {
            "skills": _frozen(tmp_path, "notebooks/skills", ["person", "skills"]),
            "timeline": _frozen(tmp_path, "notebooks/timeline", ["roles", "papers"]),
            "unknown": _frozen(tmp_path, "notebooks/unknown", None),
        }

    frozen = pages()
    # Same data: every frozen page stays.
    assert _prerender(tmp_path, data).returncode == 0
    assert all(p.exists() for p in frozen.values())
    # skills.csv changed: the page that read it goes, and so does the one with no record.
    skills = data / "skills.csv"
    skills.write_text(skills.read_text(encoding="utf-8").replace("Pascal", "Pascal 2", 1), "utf-8")
    done = _prerender(tmp_path, data)
    assert done.returncode == 0
    assert not frozen["skills"].exists() and not frozen["unknown"].exists()
    assert frozen["timeline"].exists()
    assert "re-running notebooks/skills, notebooks/unknown (their data changed)" in done.stdout
    # Another day (pages say "as of" and count up to it), the brand, a new data file:
    # every page goes.
    for change in (
        lambda: {"as_of": "2026-11-27"},
        lambda: (tmp_path / "_brand.yml").write_text("color:\n  primary: '#D55E00'\n") and {},
        lambda: (data / "notes.txt").write_text("a note") and {},
    ):
        shutil.rmtree(tmp_path / "_freeze" / "notebooks")
        frozen = pages()
        assert _prerender(tmp_path, data, **change()).returncode == 0
        assert not [p for p in frozen.values() if p.exists()]
        _prerender(tmp_path, data)  # back to the tests' as-of date


def test_pdf_tools_present() -> None:
    # The PDF tests above need poppler; fail loudly rather than skip if setup missed it.
    assert shutil.which("pdftotext") and shutil.which("pdfimages")
