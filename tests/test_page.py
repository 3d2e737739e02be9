"""cvdata.page: the format a page renders for, and what a page prints."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest
from conftest import DATA_DIR, PROJECT

from cvdata import page


def _execute_info(tmp_path: Path, base: str) -> Path:
    info = tmp_path / "execute-info.json"
    info.write_text(json.dumps({"format": {"identifier": {"base-format": base}}}))
    return info


@pytest.mark.parametrize("base", ["html", "typst"])
def test_format_comes_from_quarto_execute_info(tmp_path, monkeypatch, base) -> None:
    monkeypatch.delenv(page.FORMAT_ENV, raising=False)
    monkeypatch.setenv("QUARTO_EXECUTE_INFO", str(_execute_info(tmp_path, base)))
    assert page.output_format() == base


def test_format_override_and_default(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("QUARTO_EXECUTE_INFO", raising=False)
    monkeypatch.delenv(page.FORMAT_ENV, raising=False)
    assert page.output_format() == "html"
    monkeypatch.setenv("QUARTO_EXECUTE_INFO", str(_execute_info(tmp_path, "html")))
    monkeypatch.setenv(page.FORMAT_ENV, "typst")
    assert page.output_format() == "typst"


def _page(monkeypatch, tmp_path: Path, fmt: str) -> page.Page:
    docdir = tmp_path / "notebooks"
    docdir.mkdir(exist_ok=True)
    monkeypatch.chdir(docdir)
    monkeypatch.setenv(page.FORMAT_ENV, fmt)
    monkeypatch.setenv("QUARTO_PROJECT_ROOT", str(PROJECT))
    monkeypatch.setenv("QUARTO_DOCUMENT_PATH", str(PROJECT / "notebooks"))
    monkeypatch.setenv("QUARTO_DOCUMENT_FILE", "x.ipynb")
    return page.setup(DATA_DIR, as_of="2026-11-26")


def test_html_figures_load_plotly_once_from_the_site(monkeypatch, tmp_path, capsys) -> None:
    p = _page(monkeypatch, tmp_path, "html")
    fig = go.Figure(go.Bar(x=[1, 2], y=[3, 4]))
    p.figure(fig, label="fig-a", caption="A caption", alt="Two bars")
    p.figure(fig, label="fig-b", caption="B caption", alt="Two bars again")
    out = capsys.readouterr().out
    assert out.count("<script src=") == 1
    assert '<script src="../assets/plotly.min.js"' in out
    assert out.count("Plotly.newPlot") == 2
    assert 'aria-label="Two bars"' in out and "::: {#fig-a}" in out
    assert "cdn.plot.ly" not in out


def test_figure_label_must_be_a_quarto_figure_label(monkeypatch, tmp_path) -> None:
    p = _page(monkeypatch, tmp_path, "html")
    with pytest.raises(ValueError, match="must start with 'fig-'"):
        p.figure(go.Figure(), label="timeline", caption="c", alt="a")


def test_typst_sections_are_raw_typst_with_markdown_headings(monkeypatch, tmp_path, capsys):
    p = _page(monkeypatch, tmp_path, "typst")
    p.sections(["experience", "publications-journal"])
    out = capsys.readouterr().out
    assert "```{=typst}" in out and "```{=html}" not in out
    assert "## Experience" in out and "## Publications" in out and "### Journal papers" in out
    assert out.count("#let cv-entry") == 1  # the preamble once per document
    assert "## Education" not in out


def test_headings_escape_markdown() -> None:
    assert page.md_escape("C# & *bold* [x](y)") == r"C\# & \*bold\* \[x\]\(y\)"


@pytest.mark.parametrize("fmt", ["html", "typst"])
def test_section_charts_sit_under_their_heading(monkeypatch, tmp_path, capsys, fmt) -> None:
    p = _page(monkeypatch, tmp_path, fmt)
    calls = []
    charts = {
        "publications": lambda: (calls.append("publications"), print("CHART-P")),
        "skills": lambda: (calls.append("skills"), print("CHART-S")),
        "no-such-section": lambda: calls.append("never"),
    }
    p.sections(["publications-conference", "publications-journal", "skills"], charts=charts)
    out = capsys.readouterr().out
    assert calls == ["publications", "skills"]  # once each; an absent section draws none
    assert out.index("## Publications") < out.index("CHART-P") < out.index("### Conference")
    assert out.index("## Skills") < out.index("CHART-S")


@pytest.mark.parametrize("fmt", ["html", "typst"])
def test_the_summary_follows_the_header_as_text(monkeypatch, tmp_path, capsys, fmt) -> None:
    p = _page(monkeypatch, tmp_path, fmt)
    person = p.cv.person.copy()
    person["summary"] = "First <b>part</b> #set page(fill: red) {{< meta >}}\n\nSecond part."
    p.cv = dataclasses.replace(p.cv, person=person)
    p.header()
    out = capsys.readouterr().out
    if fmt == "html":
        assert '<div class="cv-summary"><p>First &lt;b&gt;part&lt;/b&gt; #set page' in out
        assert "&#123;&#123;&lt; meta &gt;}}</p><p>Second part.</p></div>" in out
    else:
        assert '#block(above: 0.9em, below: 1.1em)[#"First <b>part</b> #set page' in out
        assert '#parbreak() #"Second part."]' in out
    # No summary, no block.
    p.cv = dataclasses.replace(p.cv, person=p.cv.person.assign(summary=pd.NA))
    p.header()
    assert "cv-summary" not in capsys.readouterr().out and "parbreak" not in out.split("]")[-1]


def test_a_floating_figure_may_move_in_the_pdf_only(monkeypatch, tmp_path, capsys) -> None:
    fig = go.Figure(go.Bar(x=[1, 2], y=[3, 4]))
    for fmt in ("typst", "html"):
        p = _page(monkeypatch, tmp_path, fmt)
        p.figure(fig, label="fig-f", caption="F", alt="Floats", floating=True)
        p.figure(fig, label="fig-g", caption="G", alt="Stays")
        out = capsys.readouterr().out
        assert out.count("placement: auto") == (1 if fmt == "typst" else 0)


def test_a_figure_may_float_to_the_foot_of_a_page_and_then_has_no_heading_in_the_pdf(
    monkeypatch, tmp_path, capsys
) -> None:
    monkeypatch.setattr(page, "static_export", lambda *a: None)  # the image is not needed
    fig = go.Figure(go.Bar(x=[1, 2], y=[3, 4]))
    for fmt in ("typst", "html"):
        p = _page(monkeypatch, tmp_path, fmt)
        p.figure(fig, label="fig-f", caption="F", alt="Floats", heading="At a glance",
                 floating="bottom")  # fmt: skip
        out = capsys.readouterr().out
        pdf = fmt == "typst"
        assert out.count("placement: bottom") == (1 if pdf else 0)
        # A heading cannot float with its chart: in the PDF the caption names it.
        assert ("## At a glance" in out) == (not pdf)
        assert ('caption: [#"F"]' in out) == pdf  # its caption names it
        p.figure(fig, label="fig-g", caption="G", alt="Stays", heading="Stays here")
        out = capsys.readouterr().out
        assert "## Stays here" in out
        # Under its heading, a PDF figure has no caption: no "Figure n" under the chart.
        assert ("caption: none" in out) == pdf and ('#"G"' in out) is False
    with pytest.raises(ValueError, match="floating='left'"):
        p = _page(monkeypatch, tmp_path, "typst")
        p.figure(fig, label="fig-h", caption="H", alt="Nowhere", floating="left")


def test_a_chart_of_one_thing_is_left_out_of_the_pdf_only(monkeypatch, tmp_path, capsys) -> None:
    from cvdata import charts, synth

    monkeypatch.setattr(page, "static_export", lambda *a: None)
    one_role = synth.make_cv(n_papers=3, n_roles=1, n_projects=1, n_skills=3, seed=1)
    alone = charts.timeline.figure(charts.timeline.table(one_role), as_of=one_role.as_of)
    venues = charts.venues.table(one_role)
    one_venue = venues[venues["venue"] == venues["venue"].iloc[0]]
    cases = {
        "fig-alone": alone,  # one role: one bar
        "fig-venue": charts.venues.figure(one_venue),
        # One skill without years: a single tile.
        "fig-untimed": charts.skills.figure(
            charts.skills.table(one_role).iloc[:1].assign(years=pd.NA, shown=True)
        ),
    }
    two = synth.make_cv(n_papers=3, n_roles=2, n_projects=1, n_skills=3, seed=1)
    pair = charts.timeline.figure(charts.timeline.table(two), as_of=two.as_of)
    for fmt in ("typst", "html"):
        p = _page(monkeypatch, tmp_path, fmt)
        for label, fig in cases.items():
            assert page.drawn_items(fig) < page.PDF_MIN_ITEMS
            p.figure(fig, label=label, caption="C", alt="A", heading=f"Heading {label[4:]}")
        out = capsys.readouterr().out
        for label in cases:
            # Left out of the PDF, heading and all; on the web page it stays.
            assert (f"{label}" in out) == (fmt == "html"), (fmt, label)
            assert (f"Heading {label[4:]}" in out) == (fmt == "html"), (fmt, label)
        p.figure(pair, label="fig-pair", caption="C", alt="A")
        assert "fig-pair" in capsys.readouterr().out
    assert page.drawn_items(go.Figure(go.Bar(x=[1]))) is None  # says nothing: shown


@pytest.mark.parametrize("fmt", ["html", "typst"])
def test_a_public_reference_is_printed_and_a_private_one_never(monkeypatch, tmp_path, capsys, fmt):
    import cvdata

    cv = cvdata.load(PROJECT / "examples" / "senior-engineer", as_of="2026-11-26")
    refs = cv.references.copy()
    refs.loc[refs.index[1], "visibility"] = "public"
    p = dataclasses.replace(
        _page(monkeypatch, tmp_path, fmt), cv=dataclasses.replace(cv, references=refs)
    )
    p.sections()
    out = capsys.readouterr().out
    assert "## References" in out and "Ingrid Holm, CTO of Nordvolt Cloud" in out
    assert "The engineer I call when data is at stake." in out
    assert "Hiroshi Mori" not in out and "crash consistency." not in out  # private
    assert "## Languages" in out and "## Interests" in out


def test_a_chart_is_drawn_by_name_as_the_recipe_drew_it(monkeypatch, tmp_path, capsys) -> None:
    from cvdata import charts

    p = _page(monkeypatch, tmp_path, "html")
    table = charts.venues.table(p.cv, top=15)
    caption, alt = charts.venues.describe(table)
    p.figure(charts.venues.figure(table, brand=p.brand), label="fig-venues", caption=caption,
             alt=alt, heading="Venues")  # fmt: skip
    by_hand = capsys.readouterr().out
    p = _page(monkeypatch, tmp_path, "html")
    p.chart("venues", top=15, heading="Venues")
    assert capsys.readouterr().out == by_hand
    assert "::: {#fig-venues}" in by_hand and page.md_escape(caption) in by_hand
    # Another label when the page names one; an unknown chart says which there are.
    p.chart("years", label="fig-per-year")
    assert "::: {#fig-per-year}" in capsys.readouterr().out
    with pytest.raises(KeyError, match="no chart named 'venue'; the charts are: timeline"):
        p.chart("venue")


def test_a_chart_may_float_by_what_it_drew(monkeypatch, tmp_path, capsys) -> None:
    monkeypatch.setattr(page, "static_export", lambda *a: None)  # the image is not needed
    p = _page(monkeypatch, tmp_path, "typst")
    heights = []

    def tall(fig: go.Figure) -> str | bool:
        heights.append(fig.layout.height)
        return "bottom" if fig.layout.height > page.SHORT_FIGURE else False

    p.chart("timeline", markers=False, compact=True, heading="Career", floating=tall)
    out = capsys.readouterr().out
    assert len(heights) == 1 and heights[0] > page.SHORT_FIGURE  # the shipped CV's 20+ roles
    assert "placement: bottom" in out and "<fig-timeline>" in out
    p.chart("years", floating=lambda fig: False)
    assert "placement" not in capsys.readouterr().out
