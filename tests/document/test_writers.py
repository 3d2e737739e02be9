"""cvdata.document.html and .typst: user text is shown, never interpreted, in HTML and in Typst."""

from __future__ import annotations

import subprocess

import pytest
import typst

from cvdata.document import (
    TYPST_PREAMBLE,
    Entry,
    Run,
    html_entry,
    html_text,
    typst_entry,
    typst_str,
    typst_text,
)

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"quotes" and \\backslash\\',
    "#set text(red) $x^2$ @label <tag> = heading * star _u_",
    "{{< include /etc/passwd >}}",
    "```{=html}\n<b>x</b>\n```",
    "emoji 🎓 and 中文 and Кириллица",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_html_escapes(text: str) -> None:
    out = html_text((Run(text),))
    assert "<script" not in out and "<img" not in out and "{{<" not in out and "```" not in out


def test_only_safe_schemes_become_links() -> None:
    assert "href" not in html_text((Run("x", href="javascript:alert(1)"),))
    assert 'href="https://a.example/"' in html_text((Run("x", href="https://a.example/"),))
    assert "link(" not in typst_text((Run("x", href="javascript:alert(1)"),))


def test_typst_string_literal_round_trips_through_a_real_compile(tmp_path) -> None:
    # Each hostile string is compiled by Typst and must come out as exactly that text.
    body = "\n".join(f"#{typst_str(t)}\n" for t in HOSTILE)
    src = tmp_path / "t.typ"
    src.write_text(TYPST_PREAMBLE + body, encoding="utf-8")
    pdf = tmp_path / "t.pdf"
    typst.compile(str(src), output=str(pdf), font_paths=["/usr/share/fonts"])
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    text = " ".join(out.split())
    for t in HOSTILE:
        assert " ".join(t.split()) in text, t


def test_entries_render_in_both_formats() -> None:
    e = Entry(
        title=(Run("Title & co", strong=True),),
        subtitle=(Run("Org"),),
        date="May 2024 – Present",
        place="Sydney",
        lines=((Run("line"),),),
        bullets=((Run("bullet <b>"),),),
        children=(Entry(title=(Run("child"),), group="Group"),),
    )
    html = html_entry(e)
    assert "Title &amp; co" in html and "bullet &lt;b&gt;" in html and "cv-group" in html
    typ = typst_entry(e)
    assert typ.startswith("#cv-entry(") and '"bullet <b>"' in typ and "#cv-group(" in typ
