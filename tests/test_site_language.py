"""The site in the CV's language (issue 22, item 3, "a French CV with French words only"):
the navbar, the pages' titles, their opening sentences and headings, the charts' captions
and alt texts, and the dashboard's h1, from the catalogues; rendered for real in French
(HTML and PDF) and Chinese."""

from __future__ import annotations

import dataclasses
import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from conftest import AS_OF, PROJECT, append_row, copy_project, render

import cvdata
from cvdata import charts, i18n
from cvdata.quarto import site

MULTILINGUAL = PROJECT / "examples" / "multilingual"
OTHER_LANGUAGES = [lang for lang in i18n.LANGUAGES if lang != i18n.DEFAULT]

#: Words the product writes in an English site (navbar, titles, intros, headings, captions,
#: alt texts, chart labels, notes, dates) that a French site must not show. "Publications"
#: is French too; checked only where the person's own tables do not use the word.
ENGLISH = [
    "Overview", "At a glance", "Full CV", "Timeline", "Career timeline", "Collaborators",
    "Projects", "Skills", "Experience", "Education", "Present", "Every role", "Every skill",
    "Time per kind of role", "Papers per year", "Authorship", "Made from", "Career at a glance",
    "Curriculum vitae", "papers", "paper", "roles", "role", "skills", "skill", "projects",
    "contributions", "categories", "venues", "stacked", "Horizontal", "Vertical", "Hover",
    "hover", "not shown", "each", "years", "yrs", "Most", "Longest", "ongoing", "hatched",
    "Below", "drawn", "shared", "together", "median", "level", "not given", "no venue",
    "Papers", "Years", "Level", "Industry", "Research", "Internship", "Other",
    "January", "February", "March", "April", "June", "July", "August", "September",
    "October", "November", "December", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug",
    "Sep", "Oct", "Nov", "Dec",
]  # fmt: skip
#: The same for the navbar and the titles of a Chinese site.
ENGLISH_NAV = [
    "Overview", "At a glance", "Full CV", "Timeline", "Publications", "Skills", "Projects",
    "Collaborators", "Career timeline", "Curriculum vitae",
]  # fmt: skip


def _with_language(folder: Path, tag: str, tmp_path: Path) -> Path:
    """A copy of ``folder`` whose ``meta.csv`` says the CV is in ``tag`` (its meta.csv
    has no row: one is added)."""
    data = tmp_path / f"data-{tag}"
    shutil.copytree(folder, data)
    assert pd.read_csv(data / "meta.csv", dtype=str).empty
    person = pd.read_csv(data / "person.csv", dtype=str)["id"].iloc[0]
    append_row(data / "meta.csv", {"person_id": person, "language": tag})
    return data


def _english_left(text: str, data: Path, words: list[str] = ENGLISH, lang: str = "fr") -> list[str]:
    """The words of ``words`` in ``text`` that neither the person's own tables nor the
    language ``lang`` itself (its catalogue, its month names: French "contributions",
    German "September") holds."""
    from babel.dates import get_month_names

    own = " ".join(p.read_text(encoding="utf-8") for p in data.glob("*.csv"))
    own += re.sub(r"\{\w*\}", " ", " ".join(i18n.catalogue(lang).values()))  # no {roles}
    own += " ".join(get_month_names("wide", locale=lang).values())
    return [
        w
        for w in words
        if re.search(rf"\b{re.escape(w)}\b", text) and not re.search(rf"\b{re.escape(w)}\b", own)
    ]


# ---------------------------------------------------------------- navbar and titles, as data


def test_the_navbar_lists_the_pages_shown_in_the_cvs_language(tmp_path: Path) -> None:
    english = cvdata.load(MULTILINGUAL, as_of=AS_OF)
    nav = site.navbar(english)
    # English keeps the navbar _quarto.yml had: order, words, the PDF on the right with
    # its icon.
    assert [(e["href"], e["text"]) for e in nav["left"]] == [
        ("index.qmd", "Overview"),
        ("dashboard.qmd", "At a glance"),
        ("cv.qmd", "Full CV"),
        ("notebooks/timeline.py", "Timeline"),
        ("notebooks/publications.py", "Publications"),
        ("notebooks/skills.py", "Skills"),
        ("notebooks/projects.py", "Projects"),
        ("notebooks/collaborators.py", "Collaborators"),
    ]
    assert nav["right"] == [{"href": "cv.pdf", "text": "PDF", "icon": "file-earmark-pdf"}]
    french = cvdata.load(_with_language(MULTILINGUAL, "fr", tmp_path), as_of=AS_OF)
    texts = [e["text"] for e in site.navbar(french)["left"]]
    assert texts[:4] == ["Aperçu", "En bref", "CV complet", "Chronologie"]
    assert _english_left(" ".join(texts), MULTILINGUAL, ENGLISH_NAV[:4]) == []
    # A page the CV has nothing for is not in the navbar (nor a second time: _quarto.yml
    # lists no page, since Quarto adds a metadata file's lists to its own).
    without = dataclasses.replace(french, papers=french.papers.iloc[0:0])
    hrefs = [e["href"] for e in site.navbar(without)["left"]]
    assert "notebooks/publications.py" not in hrefs and "index.qmd" in hrefs
    config = (PROJECT / "_quarto.yml").read_text(encoding="utf-8")
    assert not re.search(r"^\s*navbar:", config, re.M) and "href:" not in config


def test_page_titles_come_from_the_catalogues_and_words_json(tmp_path: Path) -> None:
    data = _with_language(MULTILINGUAL, "zh", tmp_path)
    (data / "words.json").write_text(
        json.dumps({"page.timeline": "我的*经历*", "nav.skills": "能力"}), encoding="utf-8"
    )
    cv = cvdata.load(data, as_of=AS_OF)
    site.write_page_metadata(tmp_path, cv)
    overview = (tmp_path / "_cvdata" / "overview.yml").read_text(encoding="utf-8")
    assert 'title: "概览"\npagetitle: "概览"\ndraft: false\n' in overview
    # An override is the person's text: its Markdown characters stay literal.
    timeline = (tmp_path / "_cvdata" / "timeline.yml").read_text(encoding="utf-8")
    assert 'title: "我的\\\\*经历\\\\*"' in timeline
    assert "能力" in [e["text"] for e in site.navbar(cv)["left"]]
    for name in site.SITE_PAGES:
        text = (tmp_path / "_cvdata" / f"{name}.yml").read_text(encoding="utf-8")
        assert _english_left(text, data, ENGLISH_NAV) == [], name


def _markdown_of(source: str, text: str) -> str:
    """The Markdown a page's author typed: a notebook's ``# %% [markdown]`` cells (their
    ``# `` taken off), a .qmd's text outside its code blocks; front matter left out."""
    if source.endswith(".py"):
        cells = re.split(r"^# %%", text, flags=re.M)
        md = [c.split("\n", 1)[1] for c in cells if c.startswith(" [markdown]")]
        md = [c for c in md if not c.startswith("# ---")]
        return "\n".join(re.sub(r"^# ?", "", ln) for c in md for ln in c.splitlines())
    body = text.split("---", 2)[2]
    return re.sub(r"^```.*?^```", "", body, flags=re.M | re.S)


def test_no_page_types_its_title_or_a_heading() -> None:
    """A title in a page's front matter would win over its generated one; a Markdown
    heading in a page would be promoted to its title by Quarto's Jupyter fix-up, now that
    the front matter has none. Each page includes its generated file instead."""
    for name, source in site.SITE_PAGES.items():
        text = (PROJECT / source).read_text(encoding="utf-8")
        front = text.split("---", 2)[1]
        assert not re.search(r"^(# )?(title|pagetitle):", front, re.M), source
        assert "pagetitle:" not in front, source
        prefix = "../" if "/" in source else ""
        assert f"  - {prefix}_cvdata/{name}.yml" in front, source
        assert not re.search(r"^#{1,6} ", _markdown_of(source, text), re.M), source
    # The check sees a heading where there is one.
    assert re.search(r"^#{1,6} ", _markdown_of("x.py", "# %% [markdown]\n# ## Hi\n"), re.M)


# ---------------------------------------------------------------- captions and alt texts


@pytest.mark.parametrize("lang", OTHER_LANGUAGES)
def test_every_charts_caption_and_alt_text_is_specific_in_every_language(
    cv: cvdata.CV, lang: str
) -> None:
    english = {name: charts.draw(name, cv) for name in charts.CHARTS}
    words = i18n.Words(lang)
    with i18n.use(words):
        for name in charts.CHARTS:
            drawn = charts.draw(name, cv)
            for text, generic, theirs in (
                (drawn.caption, f"caption.{charts.CHARTS[name].module}", english[name].caption),
                (drawn.alt, f"alt.{charts.CHARTS[name].module}", english[name].alt),
            ):
                assert text != theirs and text != words(generic), (name, text)
                # The seed's own text (titles, venues, names) may be English: only
                # cvdata's words are checked.
                left = _english_left(text, PROJECT / "data", lang=lang)
                assert left == [], (name, left, text)
    # Numbers are Babel's and counted nouns follow the language's plural rules.
    roles = int(charts.timeline.table(cv)["shown"].sum())
    with i18n.use(words):
        caption = charts.draw("timeline", cv).caption
    assert words.count("role", roles) in caption


def test_counted_nouns_follow_cldr_plural_rules() -> None:
    assert i18n.Words("en").count("paper", 1) == "1 paper"
    assert i18n.Words("en").count("paper", 3526) == "3,526 papers"
    # French: 0 and 1 are singular; a thousand has Babel's narrow no-break space.
    assert i18n.Words("fr").count("paper", 0) == "0 article"
    assert i18n.Words("fr").count("paper", 1526) == "1\u202f526 articles"
    assert i18n.Words("de").count("role", 2) == "2 Stellen"
    assert i18n.Words("zh").count("paper", 2) == "2 篇论文"


def test_a_words_json_sentence_still_replaces_a_charts_caption(tmp_path: Path) -> None:
    data = _with_language(MULTILINGUAL, "fr", tmp_path)
    (data / "words.json").write_text(
        json.dumps({"caption.timeline": "Mon parcours."}), encoding="utf-8"
    )
    cv = cvdata.load(data, as_of=AS_OF)
    with i18n.use(cv):
        assert charts.draw("timeline", cv).caption == "Mon parcours."
        assert charts.draw("timeline", cv).alt.startswith("Frise en barres horizontales de ")


# ---------------------------------------------------------------- rendered


def _visible(page: str) -> str:
    """A page's text as a reader sees it, its navbar and footer included (no scripts)."""
    raw = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", raw)).split())


def _pdf_text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def _chart_texts(page: str) -> list[str]:
    """Every caption (figcaption, dashboard card footers) and alt text (aria-label) of a
    page's charts."""
    captions = re.findall(r"<figcaption\b[^>]*>(.*?)</figcaption>", page, re.S)
    captions += re.findall(r'class="card-footer[^"]*"[^>]*>(.*?)</div>', page, re.S)
    alts = re.findall(r'aria-label="([^"]*)"', page)
    return [html.unescape(re.sub(r"<[^>]+>", " ", t)) for t in captions + alts]


@pytest.mark.render
def test_a_french_site_and_pdf_have_french_words_only(tmp_path: Path) -> None:
    data = _with_language(MULTILINGUAL, "fr", tmp_path)
    project = copy_project(tmp_path / "project")
    done = render(project, data=data)
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
    out = project / "_site"
    pages = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html"))
    assert len(pages) == 8, pages
    captions = 0
    for name in pages:
        page = (out / name).read_text(encoding="utf-8")
        nav = re.search(r'<nav class="navbar.*?</nav>', page, re.S).group(0)
        menu = re.findall(r'<span class="menu-text">([^<]*)</span>', nav)
        assert menu[:3] == ["Aperçu", "En bref", "CV complet"] and menu[-1] == "PDF", name
        assert _english_left(" ".join(menu), data) == [], name
        title = html.unescape(re.search(r"<title>(.*?)</title>", page, re.S)[1])
        assert title.endswith("– Zoë Ångström-Novák") and _english_left(title, data) == []
        heads = re.findall(r"<h([12])\b[^>]*>(.*?)</h\1>", page, re.S)
        heads_text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", h)) for _, h in heads)
        assert any(level == "1" for level, _ in heads), name  # the dashboard's too
        assert _english_left(heads_text, data) == [], (name, heads_text)
        texts = _chart_texts(page)
        captions += len(texts)
        assert _english_left(" ".join(texts), data) == [], name
        assert _english_left(_visible(page), data) == [], name
    assert captions > 10
    dashboard = (out / "dashboard.html").read_text(encoding="utf-8")
    assert '<h1 class="cvdata-name">Zoë Ångström-Novák</h1>' in dashboard
    timeline = (out / "notebooks/timeline.html").read_text("utf-8")
    assert "Chronologie du parcours : " in timeline
    # A shared link's card names the page in French and the person, as English's does.
    card = "Chronologie du parcours – Zoë Ångström-Novák"
    assert f'<meta property="og:title" content="{card}">' in timeline
    assert f'<meta name="twitter:title" content="{card}">' in timeline
    pdf = _pdf_text(out / "cv.pdf")
    assert "Expérience" in pdf and _english_left(pdf, data) == []


@pytest.mark.render
def test_a_chinese_sites_navbar_and_titles_are_chinese(tmp_path: Path) -> None:
    data = _with_language(MULTILINGUAL, "zh", tmp_path)
    project = copy_project(tmp_path / "project")
    done = render(project, "index.qmd", data=data)
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
    page = (project / "_site" / "index.html").read_text(encoding="utf-8")
    nav = re.search(r'<nav class="navbar.*?</nav>', page, re.S).group(0)
    menu = re.findall(r'<span class="menu-text">([^<]*)</span>', nav)
    assert menu == ["概览", "一览", "完整简历", "时间线", "出版物", "技能", "项目", "合作者", "PDF"]
    assert "<title>概览 – Zoë Ångström-Novák</title>" in page
    assert _english_left(_visible(page), data, ENGLISH_NAV) == []


def test_chart_labels_and_titles_follow_the_language(cv: cvdata.CV) -> None:
    # The slot of the papers without a year, and the overview's panel title, in French;
    # English's figures are its snapshots (tests/charts/snapshots), unchanged.
    papers = cv.papers.copy()
    papers.loc[papers.index[0], "year"] = None
    undated = dataclasses.replace(cv, papers=papers)
    with i18n.use(i18n.Words("fr")):
        years = charts.draw("years", undated).figure
        overview = charts.draw("skills_overview", cv).figure
    assert years.layout.xaxis.ticktext[-1] == "sans année"
    titles = [a.text for a in overview.layout.annotations]
    assert "<b>Années par compétence</b> : médiane ● et étendue" in titles
    assert "<b>Compétences listées</b>" in titles


def test_headline_numbers_are_babels_in_the_cvs_language(cv: cvdata.CV) -> None:
    from cvdata import dashboard

    years = next(b for b in dashboard.value_boxes(cv) if b.key == "experience_years")
    with i18n.use(i18n.Words("fr")):
        french = next(b for b in dashboard.value_boxes(cv) if b.key == "experience_years")
    assert "." in years.value and french.value == years.value.replace(".", ",")


def test_a_card_title_never_carries_a_shortcode(cv: cvdata.CV) -> None:
    named = dataclasses.replace(cv, person=cv.person.assign(name="Ada {{< meta >}}"))
    assert "open-graph" not in site.page_metadata(named, "timeline")
    assert "open-graph" in site.page_metadata(cv, "timeline")
    assert "open-graph" not in site.page_metadata(cv, "overview")  # as Quarto wrote it
