"""No cut label a reader cannot recover (issue 22 item 5): a skill category's name over
its panel and a role's label in the projects chart wrap, as the timeline's do."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import AS_OF, PROJECT, edit_rows

import cvdata
from cvdata import charts

LONG_CATEGORY = "Software & Programmierung in verteilten Systemen mit sehr langen Namen"
LONG_TITLE = "Research Intern, Testing, Technical-Architecture Department"
LONG_ORG = "Tencent Holdings Ltd. & UIUC, Weixin Group & Department of Computer Science"


def _words(markup: str) -> str:
    """The text a reader sees: tags gone, each line break a space, entities unescaped."""
    import html

    return html.unescape(re.sub(r"<[^>]+>", "", markup.replace("<br>", " ")))


def _renamed(tmp_path: Path, example: str) -> Path:
    """An example's data folder with its first skill category renamed to LONG_CATEGORY."""
    folder = tmp_path / example
    shutil.copytree(PROJECT / "examples" / example, folder)
    first: list[str] = []

    def rename(header: list[str], rows: list[list[str]]) -> None:
        col = header.index("category" if "category" in header else "name")
        first.append(first[0] if first else rows[0][col])
        for row in rows:
            if row[col] == first[0]:
                row[col] = LONG_CATEGORY

    edit_rows(folder / "skills.csv", rename)
    if (folder / "skill_categories.csv").read_text(encoding="utf-8").count("\n") > 1:
        edit_rows(folder / "skill_categories.csv", rename)
    return folder


@pytest.mark.parametrize(
    ("example", "name"),
    [("new-graduate", "skills"), ("multilingual", "skills"), ("new-graduate", "skills_top")],
)
def test_a_long_skill_category_is_shown_whole(tmp_path: Path, example: str, name: str) -> None:
    cv = cvdata.load(_renamed(tmp_path, example), as_of=AS_OF)
    fig = charts.draw(name, cv).figure
    titles = [_words(a.text or "") for a in fig.layout.annotations]
    shown = [t for t in titles if LONG_CATEGORY in t]
    assert shown, titles
    assert not any("…" in t for t in titles)
    # Wrapped: no line of a panel's title is wider than its panel.
    for a in fig.layout.annotations:
        if LONG_CATEGORY.split()[0] in (a.text or ""):
            assert max(len(_words(line)) for line in a.text.split("<br>")) <= 104


def test_the_projects_chart_shows_each_role_whole(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    shutil.copytree(PROJECT / "data", folder)

    def retitle(header: list[str], rows: list[list[str]]) -> None:
        rows[0][header.index("title")] = LONG_TITLE
        rows[0][header.index("organisation")] = LONG_ORG
        rows[0][header.index("unit")] = ""

    edit_rows(folder / "roles.csv", retitle)
    cv = cvdata.load(folder, as_of=AS_OF)
    fig = charts.draw("projects", cv).figure
    labels = list(fig.layout.yaxis.categoryarray)
    assert not any("…" in label for label in labels)
    whole = [label for label in labels if LONG_TITLE in _words(label)]
    assert cv.projects["role_id"].eq(cv.roles["id"].iloc[0]).any()  # the role has projects
    assert whole and LONG_ORG in _words(whole[0])
    assert "<br>" in whole[0]  # wrapped, so the bars keep their width
    assert all(
        len(_words(line)) <= charts.projects.LABEL_CELLS
        for label in labels
        for line in label.split("<br>")
    )
