"""Pages that fit the person: a CV without papers gets no empty chart, no "nothing here"
text, and no Publications or Collaborators page."""

from __future__ import annotations

import html
import json
import re
import subprocess
from pathlib import Path

import plotly.graph_objects as go
import pytest
from conftest import DATA_DIR, PROJECT

from cvdata import charts, load, page, synth
from cvdata.quarto import site


def _page(monkeypatch, tmp_path: Path, fmt: str) -> page.Page:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(page.FORMAT_ENV, fmt)
    monkeypatch.setenv("QUARTO_PROJECT_ROOT", str(PROJECT))
    monkeypatch.setenv("QUARTO_DOCUMENT_PATH", str(tmp_path))
    monkeypatch.setenv("QUARTO_DOCUMENT_FILE", "x.ipynb")
    return page.setup(DATA_DIR, as_of="2026-11-26")


@pytest.mark.parametrize("fmt", ["html", "typst"])
def test_a_figure_with_nothing_to_draw_is_left_out_with_its_heading(
    monkeypatch, tmp_path, capsys, fmt
):
    p = _page(monkeypatch, tmp_path, fmt)
    empty = charts.venues.table(synth.make_cv(n_papers=0, n_roles=2))
    caption, alt = charts.venues.describe(empty)
    fig = charts.venues.figure(empty)
    p.figure(fig, label="fig-v", caption=caption, alt=alt, heading="Publications by venue")
    assert capsys.readouterr().out == ""
    assert not (tmp_path / "_figures").exists()
    # A figure with data is drawn as before, under its heading.
    p.figure(go.Figure(go.Bar(x=[1], y=[2])), label="fig-b", caption="B", alt="One", heading="H")
    out = capsys.readouterr().out
    assert out.startswith("## H\n") and "fig-b" in out


def test_stat_tiles_leave_out_what_is_zero(monkeypatch, tmp_path, capsys) -> None:
    p = _page(monkeypatch, tmp_path, "html")
    p.cv = synth.make_cv(n_papers=0, n_roles=3)
    p.stats()
    out = capsys.readouterr().out
    assert 'data-key="roles"' in out
    assert 'data-key="papers"' not in out and 'data-key="first_author"' not in out


def test_pages_follow_the_data(tmp_path: Path) -> None:
    cv = synth.make_cv(n_papers=0, n_roles=4, n_projects=2)
    assert site.shown_pages(cv) == {
        "dashboard": True,
        "timeline": True,
        "publications": False,
        "skills": True,
        "projects": True,
        "collaborators": False,
    }
    assert site.write_page_metadata(tmp_path, cv) == ["publications", "collaborators"]
    assert "\ndraft: true\n" in (tmp_path / "_cvdata" / "publications.yml").read_text()
    assert "\ndraft: false\n" in (tmp_path / "_cvdata" / "skills.yml").read_text()
    seed = load(DATA_DIR, as_of="2026-11-26")
    assert site.write_page_metadata(tmp_path, seed) == []
    assert all(site.shown_pages(seed).values())
    # Every page of the site that the data can leave out includes its metadata file.
    for name in site.PAGES:
        notebook = PROJECT / "notebooks" / f"{name}.py"
        if notebook.is_file():
            source = notebook.read_text(encoding="utf-8")
            assert f"#   - ../_cvdata/{name}.yml" in source, name
        else:  # a page at the site's root (the dashboard)
            source = (PROJECT / f"{name}.qmd").read_text(encoding="utf-8")
            assert f"  - _cvdata/{name}.yml" in source, name


def _visible_text(path: Path) -> str:
    raw = re.sub(r"<script\b.*?</script>", " ", path.read_text(encoding="utf-8"), flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", raw)).split())


@pytest.mark.render
def test_a_cv_without_papers_has_no_paper_pages_and_no_empty_chart(
    tmp_path_factory, render_data
) -> None:
    data = synth.write_cv(
        tmp_path_factory.mktemp("synth") / "data", n_papers=0, n_roles=12, n_projects=10
    )
    out = render_data(data)
    pages = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html"))
    assert "notebooks/publications.html" not in pages
    assert "notebooks/collaborators.html" not in pages
    charts = {}
    for name in pages:
        text = (out / name).read_text(encoding="utf-8")
        nav = re.search(r'<nav class="navbar.*?</nav>', text, re.S).group(0)
        assert "Publications" not in nav and "Collaborators" not in nav, name
        assert "Timeline" in nav and "Skills" in nav, name
        specs = re.findall(r"Plotly\.newPlot\(\s*\"[^\"]+\",\s*(\[.*?\]),\s*\{", text, re.S)
        for spec in specs:
            assert any(t.get("x") or t.get("y") for t in json.loads(spec)), name
        charts[name] = len(specs)
        assert not re.search(r"\byet\b", _visible_text(out / name)), name
    # Timeline and skills on the overview (no venue chart, no heading for it).
    assert charts["index.html"] == 2
    assert charts["notebooks/timeline.html"] == 2
    assert charts["notebooks/skills.html"] == 2 and charts["notebooks/projects.html"] == 1
    overview = _visible_text(out / "index.html")
    assert "Publications by venue" not in overview
    assert "publications and manuscripts" not in overview and "as first author" not in overview
    search = json.loads((out / "search.json").read_text(encoding="utf-8"))
    assert not [e for e in search if "publications" in e["href"] or "collab" in e["href"]]
    pdf = subprocess.run(
        ["pdftotext", str(out / "cv.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert not re.search(r"\byet\b", pdf) and "Publications by venue" not in pdf
