"""Long sections on the web page: the first entries and a note that links to the PDF CV.

The PDF (Typst) always lists every entry; only the HTML page shortens a section that has
more entries than ``Page.sections(limit=...)``.
"""

from __future__ import annotations

import dataclasses
import html
import re
from pathlib import Path

import pytest
from conftest import DATA_DIR, PROJECT

from cvdata import page, synth
from cvdata.document import (
    HTML_SECTION_LIMIT,
    Entry,
    Run,
    Section,
    build,
    entry_count,
    esc_html,
    first_entries,
    html_section,
)


def _page(monkeypatch, tmp_path: Path, fmt: str, cv=None) -> page.Page:
    """A page of a notebook in notebooks/ (so the PDF is at ../cv.pdf), for ``cv``."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(page.FORMAT_ENV, fmt)
    monkeypatch.setenv("QUARTO_PROJECT_ROOT", str(PROJECT))
    monkeypatch.setenv("QUARTO_DOCUMENT_PATH", str(PROJECT / "notebooks"))
    monkeypatch.setenv("QUARTO_DOCUMENT_FILE", "x.ipynb")
    p = page.setup(DATA_DIR, as_of="2026-11-26")
    return p if cv is None else dataclasses.replace(p, cv=cv)


def _sections_out(p: page.Page, capsys, *args, **kwargs) -> str:
    p.sections(*args, **kwargs)
    return capsys.readouterr().out


def _section_html(out: str, sid: str) -> str:
    """The raw HTML of one section in a page's output."""
    m = re.search(
        rf'<div class="cv-section[^"]*" data-section="{re.escape(sid)}">.*?\n```', out, re.S
    )
    assert m, f"no section {sid}"
    return m.group(0)


def _titles(entries: tuple[Entry, ...]) -> list[str]:
    return ["".join(r.text for r in e.title) for e in entries]


@pytest.fixture(scope="module")
def cv():
    return synth.make_cv(n_papers=40, n_roles=8, n_projects=20, n_skills=12, seed=3)


def test_a_long_section_shows_its_first_entries_and_a_note(cv, monkeypatch, tmp_path, capsys):
    limit = 5
    total = int((cv.papers["type"] == "conference").sum())  # counted from the data
    assert total > limit
    p = _page(monkeypatch, tmp_path, "html", cv)
    out = _section_html(
        _sections_out(p, capsys, ["publications-conference"], limit=limit),
        "publications-conference",
    )
    assert out.count('<div class="cv-entry">') == limit
    # The note: counts from the data, the noun of the section, a link to the site's PDF.
    note = re.findall(r'<p class="cv-more[^"]*">(.*?)</p>', out)
    assert len(note) == 1
    text = html.unescape(re.sub(r"<[^>]+>", "", note[0]))
    assert text == f"Showing {limit:,} of {total:,} conference papers. The PDF CV lists them all."
    assert '<a href="../cv.pdf">The PDF CV</a>' in note[0]
    assert out.index("cv-more") > out.rindex('<div class="cv-entry">')  # after the entries
    # The first ones in the section's own order (newest first) are there, the rest not.
    (section,) = build(cv, ["publications-conference"])[1]
    titles = _titles(section.entries)
    shown, rest = titles[:limit], [t for t in titles[limit:] if t not in titles[:limit]]
    assert rest
    positions = [out.index(f'<span class="cv-title"><strong>{esc_html(t)}</strong>') for t in shown]
    assert positions == sorted(positions)
    for t in rest:
        assert f"<strong>{esc_html(t)}</strong>" not in out


def test_roles_are_cut_whole_counting_their_projects(cv, monkeypatch, tmp_path, capsys):
    (exp,) = build(cv, ["experience"])[1]
    sizes = [entry_count(e) for e in exp.entries]
    assert any(n > 1 for n in sizes)  # roles with projects
    limit = sizes[0] + sizes[1]  # exactly the first two roles and their projects
    assert sum(sizes) > limit
    p = _page(monkeypatch, tmp_path, "html", cv)
    out = _section_html(_sections_out(p, capsys, ["experience"], limit=limit), "experience")
    assert out.count('<div class="cv-entry">') == limit
    assert out.count('<div class="cv-children">') == sum(1 for n in sizes[:2] if n > 1)
    assert f"Showing 2 of {len(exp.entries)} roles." in out


def test_the_pdf_lists_every_entry(cv, monkeypatch, tmp_path, capsys):
    p = _page(monkeypatch, tmp_path, "typst", cv)
    short = _sections_out(p, capsys, limit=3)
    p = _page(monkeypatch, tmp_path, "typst", cv)
    full = _sections_out(p, capsys, limit=None)
    assert short == full
    assert "Showing" not in short and "cv-more" not in short
    entries = sum(entry_count(e) for s in build(cv)[1] for e in s.entries)
    assert short.count("#cv-entry(") == entries


def test_shipped_cv_and_a_cv_the_size_of_m_are_not_cut(monkeypatch, tmp_path, capsys) -> None:
    p = _page(monkeypatch, tmp_path, "html")
    out = _sections_out(p, capsys)
    assert "cv-more" not in out
    assert out == _sections_out(p, capsys, limit=None)
    # M of `make bench`: 500 papers, 200 projects, 50 roles, 300 skills.
    m = synth.make_cv(n_papers=500, n_roles=50, n_projects=200, n_skills=300, seed=0)
    biggest = max(sum(entry_count(e) for e in s.entries) for s in build(m)[1])
    assert biggest <= HTML_SECTION_LIMIT
    p = _page(monkeypatch, tmp_path, "html", m)
    assert "cv-more" not in _sections_out(p, capsys)


def test_first_entries() -> None:
    def e(name: str, kids: int = 0) -> Entry:
        return Entry(title=(Run(name),), children=tuple(e(f"{name}.{i}") for i in range(kids)))

    s = Section("x", "X", (e("a", 2), e("b"), e("c", 1)), noun="things")
    assert first_entries(s, 10) is s
    assert first_entries(s, 6) is s  # 3 + 1 + 2 entries
    assert _titles(first_entries(s, 5).entries) == ["a", "b"]
    assert _titles(first_entries(s, 4).entries) == ["a", "b"]
    assert _titles(first_entries(s, 3).entries) == ["a"]
    assert _titles(first_entries(s, 1).entries) == ["a"]  # the first entry, whole, always
    with pytest.raises(ValueError, match="at least 1"):
        first_entries(s, 0)
    out = html_section(s, 3, "cv.pdf")
    assert "Showing 1 of 3 things." in out and '<a href="cv.pdf">' in out
    assert html_section(s, None) == html_section(s, 6)


def test_note_escapes_its_noun() -> None:
    s = Section("x", "X", (Entry(title=(Run("a"),)), Entry(title=(Run("b"),))), noun="<b>{x}")
    out = html_section(s, 1, "../cv.pdf")
    assert "<b>" not in out and "{x}" not in out and "&lt;b&gt;&#123;x}" in out
