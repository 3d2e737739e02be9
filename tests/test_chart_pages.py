"""The chart pages with other data: what a CV without papers gets instead of empty charts."""

from __future__ import annotations

import json
import re
from pathlib import Path

import plotly.graph_objects as go
import pytest
from conftest import DATA_DIR, PROJECT

from cvdata import figures, page, shape, synth


def _page(monkeypatch, tmp_path: Path, fmt: str) -> page.Page:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(page.FORMAT_ENV, fmt)
    monkeypatch.setenv("QUARTO_PROJECT_ROOT", str(PROJECT))
    monkeypatch.setenv("QUARTO_DOCUMENT_PATH", str(tmp_path))
    monkeypatch.setenv("QUARTO_DOCUMENT_FILE", "x.ipynb")
    return page.setup(DATA_DIR, as_of="2026-11-26")


@pytest.mark.parametrize("fmt", ["html", "typst"])
def test_a_figure_with_nothing_to_draw_becomes_its_caption(monkeypatch, tmp_path, capsys, fmt):
    p = _page(monkeypatch, tmp_path, fmt)
    empty = shape.venue_counts(synth.make_cv(n_papers=0, n_roles=2))
    caption, alt = figures.describe_publications_by_venue(empty)
    p.figure(figures.publications_by_venue(empty), label="fig-v", caption=caption, alt=alt)
    out = capsys.readouterr().out
    assert out.strip() == "No papers yet\\."
    assert not (tmp_path / "_figures").exists()
    # A figure with data is drawn as before.
    p.figure(go.Figure(go.Bar(x=[1], y=[2])), label="fig-b", caption="B", alt="One bar")
    assert "fig-b" in capsys.readouterr().out


@pytest.mark.render
def test_pages_of_a_cv_without_papers_draw_no_empty_chart(tmp_path_factory, render_data) -> None:
    data = synth.write_cv(
        tmp_path_factory.mktemp("synth") / "data", n_papers=0, n_roles=12, n_projects=10
    )
    out = render_data(data)
    charts = {}
    for html in sorted(out.rglob("*.html")):
        text = html.read_text(encoding="utf-8")
        specs = re.findall(r"Plotly\.newPlot\(\s*\"[^\"]+\",\s*(\[.*?\]),\s*\{", text, re.S)
        for spec in specs:
            assert any(t.get("x") or t.get("y") for t in json.loads(spec)), html.name
        charts[html.relative_to(out).as_posix()] = len(specs)
    # Timeline, career time, skills and projects are drawn; papers and co-authors are not.
    assert charts["index.html"] == 2  # timeline, skills (no venue chart)
    assert charts["notebooks/timeline.html"] == 2
    assert charts["notebooks/publications.html"] == 0
    assert charts["notebooks/collaborators.html"] == 0
    assert charts["notebooks/skills.html"] == 2 and charts["notebooks/projects.html"] == 1
    publications = (out / "notebooks" / "publications.html").read_text(encoding="utf-8")
    assert publications.count("No papers yet.") == 3
    assert "No co-authors yet." in (out / "notebooks" / "collaborators.html").read_text("utf-8")
