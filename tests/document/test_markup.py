"""Markdown in prose, the safe subset (issue 22, item 4): emphasis, strong, code and links,
the same in HTML and Typst; raw HTML, Typst and unsafe links stay inert text."""

from __future__ import annotations

import dataclasses

import pytest
import typst

from cvdata.document import build, html_section, html_text, typst_section, typst_text
from cvdata.document._markup import expand, prose
from cvdata.document._model import Run


def _compiles(content: str) -> str:
    """Typst content compiled to SVG (raises on a syntax error)."""
    return typst.compile(f"#set page(width: 10cm, height: auto)\n#{content}".encode(), format="svg")


def test_strong_emphasis_code_and_links_become_runs() -> None:
    runs = expand(prose("Built in **Kotlin**, *fast*, with `gradle` and [docs](https://x.org)"))
    assert [(r.text, r.strong, r.emph, r.code, r.href) for r in runs] == [
        ("Built in ", False, False, False, None),
        ("Kotlin", True, False, False, None),
        (", ", False, False, False, None),
        ("fast", False, True, False, None),
        (", with ", False, False, False, None),
        ("gradle", False, False, True, None),
        (" and ", False, False, False, None),
        ("docs", False, False, False, "https://x.org"),
    ]


def test_markdown_bold_is_strong_in_html_and_in_typst() -> None:
    runs = prose("Shipped **Kotlin** apps")
    html = html_text(runs)
    assert html == "Shipped <strong>Kotlin</strong> apps"
    code = typst_text(runs)
    assert code == '[#"Shipped "#strong("Kotlin")#" apps"]'
    _compiles(code)
    assert "**" not in html and "**" not in code


def test_code_and_links_in_both_writers() -> None:
    runs = prose("`x < y` in [the paper](https://doi.org/10.1/x)")
    assert html_text(runs) == (
        '<code>x &lt; y</code> in <a href="https://doi.org/10.1/x">the paper</a>'
    )
    code = typst_text(runs)
    assert code == '[#raw("x < y")#" in "#link("https://doi.org/10.1/x")[#"the paper"]]'
    _compiles(code)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("[click](javascript:alert(1))", "click"),
        ("[x](data:text/html;base64,PHNjcmlwdD4=)", "x"),
        ("[x](file:///etc/passwd)", "x"),
    ],
)
def test_an_unsafe_link_is_its_text_unlinked(text: str, shown: str) -> None:
    html = html_text(prose(text))
    code = typst_text(prose(text))
    # Inert either way: markdown-it leaves a link it refuses as text, safe_href drops one
    # it keeps; never an anchor or a Typst link.
    assert "<a " not in html and shown in html
    assert "link(" not in code
    _compiles(code)


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script> **bold**",
        '<a href="https://evil.example">x</a>',
        '#import "x.typ": * and #set page(width: 1cm) **b**',
        '" ] #panic("x") [ "',
        "{{< include /etc/passwd >}} and `{{< x >}}`",
        "&amp; &lt;b&gt; ![img](https://x.org/a.png)",
        "# Heading\n- list item\n1. numbered",
    ],
)
def test_raw_html_and_typst_stay_literal_text(text: str) -> None:
    html = html_text(prose(text))
    assert "<script" not in html and "evil.example" not in html.split("&lt;a href=")[0]
    assert '<a href="https://evil' not in html and "<img" not in html
    assert "<h1" not in html and "<li" not in html
    assert "{{<" not in html  # braces escaped: no Quarto shortcode forms
    code = typst_text(prose(text))
    svg = _compiles(code)  # compiles: every piece of text is a string literal
    assert b"<svg" in svg[:200]
    shown = "".join(r.text for r in expand(prose(text)))
    for literal in ("<script>", "#import", "#set", "&amp;", "# Heading", "{{<"):
        if literal in text:
            assert literal in shown  # shown, as the text it is


def test_prose_without_marks_is_left_as_it_is() -> None:
    text = "A plain sentence, 3 * 4 = 12 and snake_case_name."
    assert expand(prose(text)) == (Run(text),)
    assert html_text(prose("a_b_c and 2*3*4")) == "a_b_c and 2<em>3</em>4"  # CommonMark


def test_a_linked_run_keeps_its_link_around_markdown() -> None:
    runs = expand((Run("**New** tool", href="https://x.org", markdown=True),))
    assert all(r.href == "https://x.org" for r in runs)
    assert runs[0].strong


def test_highlights_and_motivations_of_a_cv_are_rendered_as_markdown(cv) -> None:
    highlights = cv.role_highlights.copy()
    highlights.loc[highlights.index[0], "text"] = "Ported to **Kotlin** ([post](https://x.org))"
    projects = cv.projects.copy()
    shown = projects["listing"] == "experience"
    projects.loc[projects.index[shown][0], "motivation"] = "Make it *fast*"
    marked = dataclasses.replace(cv, role_highlights=highlights, projects=projects)
    _, sections = build(marked, ["experience"])
    html = html_section(sections[0])
    assert 'Ported to <strong>Kotlin</strong> (<a href="https://x.org">post</a>)' in html
    assert "<em>fast</em>" in html
    assert "**" not in html
    code = typst_section(sections[0])
    assert '#strong("Kotlin")' in code and '#emph("fast")' in code
    assert "**" not in code
