"""The CV in its own language (issue 22, item 3): the catalogues, CLDR's dates and numbers,
the override file, the JSON Resume import, and a French and a Chinese CV rendered."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import string
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from babel.dates import format_skeleton
from conftest import AS_OF, PROJECT, append_row, copy_project, edit_cell, render

import cvdata
from cvdata import dates, i18n
from cvdata.document import (
    build,
    html_header,
    html_more,
    html_section,
    month_range,
    typst_header,
    typst_section,
)
from cvdata.formats import jsonresume

MULTILINGUAL = PROJECT / "examples" / "multilingual"

#: Words cvdata itself writes in an English CV (headings, labels, dates, notes) that a
#: French CV must not show. Checked only where the person's own text does not use them.
ENGLISH = [
    "Experience", "Education", "Skills", "Present", "Talks", "Teaching", "Languages",
    "Interests", "References", "Volunteering", "Activities", "Honours and awards",
    "Journal papers", "Conference papers", "Preprints", "Other projects",
    "Professional service", "Conferences attended", "Keywords", "Advisor", "Advisors",
    "Courses", "Result", "Member ID", "Career at a glance", "Showing", "lists them all",
    "Remote", "In person", "Online", "Under review", "Submitted", "Accepted", "Track",
    "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    "January", "February", "March", "April", "June", "July", "August", "September",
    "October", "November", "December", "year", "years", "month", "months",
]  # fmt: skip


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _with_language(folder: Path, tag: str, tmp_path: Path) -> Path:
    """A copy of ``folder`` whose ``meta.csv`` says the CV is in ``tag``."""
    data = tmp_path / f"data-{tag}"
    shutil.copytree(folder, data)
    meta = pd.read_csv(data / "meta.csv", dtype=str)
    if meta.empty:
        person = pd.read_csv(data / "person.csv", dtype=str)["id"].iloc[0]
        append_row(data / "meta.csv", {"person_id": person, "language": tag})
    else:
        edit_cell(data / "meta.csv", str(meta["person_id"].iloc[0]), "language", tag)
    return data


def _english_left(text: str, data: Path) -> list[str]:
    """The words of :data:`ENGLISH` in ``text`` that the person's own tables do not hold."""
    own = " ".join(p.read_text(encoding="utf-8") for p in data.glob("*.csv"))
    return [
        w
        for w in ENGLISH
        if re.search(rf"\b{re.escape(w)}\b", text) and not re.search(rf"\b{re.escape(w)}\b", own)
    ]


# ---------------------------------------------------------------- the catalogues


def test_every_language_has_every_key_with_its_placeholders() -> None:
    english = i18n.catalogue("en")
    assert len(english) > 80
    for lang in i18n.LANGUAGES:
        words = i18n.catalogue(lang)
        assert set(words) == set(english), (lang, set(english) ^ set(words))
        for key, text in words.items():
            assert isinstance(text, str) and text, (lang, key)
            assert _placeholders(text) == _placeholders(english[key]), (lang, key, text)


def test_the_shipped_languages_are_the_issues() -> None:
    assert set(i18n.LANGUAGES) >= {"en", "fr", "de", "es", "pt", "it", "zh", "ja"}
    for lang in i18n.LANGUAGES:
        assert i18n.Words(lang)("section.experience") == i18n.catalogue(lang)["section.experience"]
    assert i18n.Words("fr")("section.experience") == "Expérience"
    assert i18n.Words("zh")("section.experience") == "工作经历"


def test_a_regional_tag_uses_its_languages_words_and_its_own_cldr_data() -> None:
    brazil = i18n.Words("pt-BR")
    assert brazil("section.skills") == i18n.catalogue("pt")["section.skills"]
    assert str(brazil.locale) == "pt_BR"
    # A language without a catalogue: English words, its own dates.
    dutch = i18n.Words("nl")
    assert dutch("section.skills") == "Skills"
    assert dutch.date(dt.date(2019, 3, 1), "month") == format_skeleton(
        "yMMM", dt.date(2019, 3, 1), locale="nl"
    )


# ---------------------------------------------------------------- CLDR through Babel


@pytest.mark.parametrize("lang", ["fr", "de", "es", "pt", "it", "zh", "ja"])
def test_dates_are_babels_in_the_cvs_language(lang: str) -> None:
    day = pd.Timestamp(2019, 3, 21)
    with i18n.use(i18n.Words(lang)):
        assert dates.show(day, "month") == format_skeleton("yMMM", day.date(), locale=lang)
        assert dates.show(day, "day") == format_skeleton("yMMMd", day.date(), locale=lang)
        assert dates.show(day, "year") == format_skeleton("y", day.date(), locale=lang)
        present = i18n.catalogue(lang)["word.present"]
        assert month_range(day, None).endswith(f" – {present}")


def test_english_dates_print_as_the_cv_always_did() -> None:
    day = pd.Timestamp(2019, 9, 21)
    assert dates.show(day, "month") == "Sep 2019"
    assert dates.show(day, "day") == "21 Sep 2019"
    assert month_range(day, None) == "Sep 2019 – Present"
    assert dates.months_text(15) == "1 year 3 months"
    assert dates.months_text(0) == "less than a month"


def test_french_dates_durations_and_numbers() -> None:
    with i18n.use(i18n.Words("fr")):
        assert month_range(pd.Timestamp(2024, 5, 1), None) == "mai 2024 – aujourd’hui"
        assert dates.months_text(15) == "1\u00a0an 3\u00a0mois"  # CLDR: no-break spaces
        assert dates.months_text(0) == "moins d’un mois"
        assert i18n.current().number(3526) == "3\u202f526"  # CLDR: a narrow no-break space
    with i18n.use(i18n.Words("de")):
        assert dates.show(pd.Timestamp(2019, 3, 21), "day") == "21. März 2019"
        assert dates.months_text(24) == "2 Jahre"
    with i18n.use(i18n.Words("zh")):
        assert dates.show(pd.Timestamp(2019, 3, 1), "month") == "2019年3月"
        assert dates.months_text(15) == "1年3个月"


def test_the_web_note_under_a_long_section_is_in_the_cvs_language() -> None:
    with i18n.use(i18n.Words("fr")):
        note = html_more(350, 3526, "articles", "cv.pdf")
    assert "350 articles sur 3\u202f526" in note
    assert '<a href="cv.pdf">Le CV en PDF</a> les donne tous.' in note
    assert "Showing" not in note


# ---------------------------------------------------------------- a French CV, as data


def test_a_french_cv_document_has_french_words_only(tmp_path: Path) -> None:
    data = _with_language(MULTILINGUAL, "fr", tmp_path)
    cv = cvdata.load(data, as_of=AS_OF)
    head, sections = build(cv)
    titles = [s.title for s in sections]
    assert "Expérience" in titles and "Formation" in titles
    with i18n.use(cv):
        html = html_header(head) + "".join(html_section(s, 2, "cv.pdf") for s in sections)
        typst = typst_header(head) + "".join(typst_section(s) for s in sections)
    assert "aujourd’hui" in html and "aujourd’hui" in typst
    for text in (html, typst, " ".join(titles)):
        assert _english_left(text, data) == []
    # The same CV without the setting is English, so the words above are the setting's.
    english = cvdata.load(MULTILINGUAL, as_of=AS_OF)
    assert "Experience" in [s.title for s in build(english)[1]]


# ---------------------------------------------------------------- the override file


def test_words_json_overrides_any_word(tmp_path: Path) -> None:
    data = _with_language(MULTILINGUAL, "fr", tmp_path)
    (data / "words.json").write_text(
        json.dumps({"section.experience": "Parcours", "date.month": "MM/y"}), encoding="utf-8"
    )
    assert cvdata.validate(data, as_of=AS_OF).ok
    cv = cvdata.load(data, as_of=AS_OF)
    sections = {s.id: s for s in build(cv)[1]}
    assert sections["experience"].title == "Parcours"
    assert sections["education"].title == "Formation"  # the rest from the catalogue
    assert all(re.fullmatch(r"\d\d/\d{4}( – .+)?", e.date) for e in sections["experience"].entries)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"section.nope": "x"}', 'words.json: $["section.nope"]: is not a word cvdata writes'),
        ('{"section.skills": 3}', 'words.json: $["section.skills"]: must be text, not int'),
        (
            '{"more.pdf": "{pdf} {x}"}',
            'words.json: $["more.pdf"]: uses {pdf}, {x}; this word\'s placeholders: none',
        ),
        ('{"section.skills": "Outils",\n  }', "words.json:2: is not JSON"),
        ('["section.skills"]', "words.json: must be a JSON object of words by key"),
    ],
)
def test_a_bad_words_json_is_reported_by_file_and_json_path(
    content: str, expected: str, tmp_path: Path
) -> None:
    data = _with_language(MULTILINGUAL, "fr", tmp_path)
    (data / "words.json").write_text(content, encoding="utf-8")
    result = cvdata.validate(data, as_of=AS_OF)
    assert not result.ok
    said = [str(p) for p in result.problems]
    assert any(expected in line for line in said), said


def test_a_words_json_outside_the_folder_is_refused_not_read(tmp_path: Path) -> None:
    data = _with_language(MULTILINGUAL, "fr", tmp_path)
    secret = tmp_path / "secret.json"
    secret.write_text('{"section.skills": "leaked"}', encoding="utf-8")
    (data / "words.json").symlink_to(secret)
    said = [str(p) for p in cvdata.validate(data, as_of=AS_OF).problems]
    assert any("words.json: is a link to" in line for line in said), said


def test_an_unknown_language_is_reported_in_meta_csv(tmp_path: Path) -> None:
    data = _with_language(MULTILINGUAL, "qq", tmp_path)
    said = [str(p) for p in cvdata.validate(data, as_of=AS_OF).problems]
    assert any(
        line.endswith("meta.csv:2: language: 'qq' is not a language tag cvdata knows (a BCP 47 "
                      "tag such as fr, de-CH, pt-BR or zh-Hans)")
        for line in said
    ), said  # fmt: skip


# ---------------------------------------------------------------- the setting's sources


@pytest.mark.parametrize("key", ["language", "lang", "x-lang"])
def test_the_json_resume_import_fills_the_language(key: str) -> None:
    document = {"basics": {"name": "Ana Sousa"}, "meta": {key: "pt-BR"}}
    rows = jsonresume.to_tables(document)
    assert rows["meta"][0]["language"] == "pt-BR"


def test_the_pre_render_step_writes_quartos_lang(tmp_path: Path) -> None:
    data = _with_language(MULTILINGUAL, "zh-Hans", tmp_path)
    cv = cvdata.load(data, as_of=AS_OF)
    path = i18n.write_quarto_metadata(tmp_path / "_cvdata", cv)
    assert 'lang: "zh-Hans"\n' in path.read_text(encoding="utf-8")
    english = i18n.write_quarto_metadata(tmp_path / "en", cvdata.load(MULTILINGUAL, as_of=AS_OF))
    assert 'lang: "en"\n' in english.read_text(encoding="utf-8")


# ---------------------------------------------------------------- rendered


def _pdf_text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.render
def test_a_french_cv_renders_in_french(tmp_path: Path) -> None:
    data = _with_language(MULTILINGUAL, "fr", tmp_path)
    # Markdown in prose (item 4), rendered for real: bold in both, no asterisks left.
    marked = "Conçu le **protocole** d’évaluation, [code](https://example.org/omeros)."
    edit_cell(data / "project_contributions.csv", {"project_id": "omeros"}, "text", marked)
    project = copy_project(tmp_path / "project")
    done = render(project, "cv.qmd", data=data)
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
    page = (project / "_site" / "cv.html").read_text(encoding="utf-8")
    assert '<html xmlns="http://www.w3.org/1999/xhtml" lang="fr"' in page
    main = re.sub(r"<script\b.*?</script>", " ", page.split("<main", 1)[1], flags=re.S)
    text = re.sub(r"<[^>]+>", " ", main)
    assert "Expérience" in text and "aujourd’hui" in text
    assert _english_left(text, data) == []
    pdf = _pdf_text(project / "_site" / "cv.pdf")
    assert "Expérience" in pdf and "aujourd’hui" in pdf
    assert _english_left(pdf, data) == []
    link = r'<a href="https://example\.org/omeros"[^>]*>code</a>'
    assert re.search(rf"Conçu le <strong>protocole</strong> d’évaluation, {link}\.", page)
    assert "Conçu le protocole d’évaluation, code." in " ".join(pdf.split())
    assert "**" not in text and "**" not in pdf  # the page's text (its CSS has comments)


@pytest.mark.render
def test_a_chinese_cv_pdf_shows_its_characters(tmp_path: Path) -> None:
    data = _with_language(MULTILINGUAL, "zh", tmp_path)
    project = copy_project(tmp_path / "project")
    done = render(project, "cv.qmd", "--to", "typst", data=data)
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
    pdf = project / "_site" / "cv.pdf"
    # pdftotext spaces CJK characters from digits as the glyphs are placed: compare without.
    text = re.sub(r"\s+", "", _pdf_text(pdf))
    for word in ("工作经历", "教育背景", "至今", "清华大学", "2021年3月"):
        assert word in text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    assert "CJK" in fonts  # the characters come from a CJK face, not a missing-glyph box


# ---------------------------------------------------------------- charts, tiles, numbers


def test_charts_tiles_and_numbers_follow_the_language(cv) -> None:
    from cvdata import charts, dashboard
    from cvdata.charts.numbers import headline_numbers

    french = i18n.catalogue("fr")
    with i18n.use(i18n.Words("fr")):
        drawn = charts.draw("timeline", cv)
        # The caption says what this CV's timeline shows, in French (the generic sentence
        # of the catalogue is only a words.json override's key now).
        roles = int(charts.timeline.table(cv)["shown"].sum())
        assert drawn.caption.startswith(f"Chronologie du parcours : {roles} postes de ")
        assert drawn.caption != french["caption.timeline"]
        names = {t.name for t in drawn.figure.data if t.showlegend is not False and t.name}
        assert {"Entreprise", "Recherche", "Formation"} <= names
        assert french["chart.ongoing-hatched"] in names
        years = charts.draw("years", cv).figure
        assert years.layout.yaxis.title.text == "Articles"
        assert french["status.published"] in {t.name for t in years.data}
        labels = set(headline_numbers(cv)["label"])
        assert french["stat.roles"] in labels and "positions and degrees" not in labels
        titles = {b.title for b in dashboard.value_boxes(cv)}
        assert french["tile.papers"] in titles and "Papers" not in titles
    # English keeps the sentences each chart states from its data.
    english = charts.draw("timeline", cv)
    assert english.caption.startswith("Career timeline: ") and "roles" in english.caption
