"""Which pages of the website fit the CV: a page with nothing to show is left out.

A CV without papers has no Publications or Collaborators page: the pre-render step writes
one metadata file per page into ``_cvdata/`` (git-ignored) that the page's front matter
includes (``metadata-files: [../_cvdata/publications.yml]``), with ``draft: true`` where the
CV has nothing for the page. Quarto's ``draft-mode: gone`` then keeps the page out of the
navbar and the search index and renders it empty; the post-render step deletes that empty
file (:func:`cvdata.quarto.postrender.remove_hidden_pages`), so the site has no such page at all.

The same files give each page its title in the CV's language (``title`` and ``pagetitle``,
catalogue keys ``page.<name>``), and :func:`navbar` the site's navbar (``nav.<name>``),
which :mod:`cvdata.identity` writes into ``_cvdata/site.yml``. Neither is typed in the
pages or in ``_quarto.yml``: a page's own front matter wins over its metadata files, and
Quarto joins the lists of ``metadata-files`` to those of ``_quarto.yml`` (a navbar in both
would show every entry twice).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from .. import i18n
from .._paths import META_DIR
from ..cells import text as text_of
from ..charts._tables import coauthor_rows
from ..load import CV

#: Each page of ``notebooks/`` (and the dashboard) and what the CV must hold for it to be
#: shown.
PAGES: dict[str, Callable[[CV], bool]] = {
    "dashboard": lambda cv: not (cv.roles.empty and cv.papers.empty and cv.skills.empty),
    "timeline": lambda cv: bool(cv.roles["start"].notna().any()),  # undated: not drawn
    "publications": lambda cv: not cv.papers.empty,
    "skills": lambda cv: not cv.skills.empty,
    "projects": lambda cv: not cv.projects.empty,
    "collaborators": lambda cv: not coauthor_rows(cv).empty,
}


#: Every page of the site in the navbar's order: its name (the catalogue's ``nav.<name>``
#: and ``page.<name>``, and its metadata file ``_cvdata/<name>.yml``) and its source.
SITE_PAGES: dict[str, str] = {
    "overview": "index.qmd",
    "dashboard": "dashboard.qmd",
    "cv": "cv.qmd",
    "timeline": "notebooks/timeline.py",
    "publications": "notebooks/publications.py",
    "skills": "notebooks/skills.py",
    "projects": "notebooks/projects.py",
    "collaborators": "notebooks/collaborators.py",
}
#: The navbar's right-hand side: the PDF CV.
PDF_LINK = {"href": "cv.pdf", "key": "nav.pdf", "icon": "file-earmark-pdf"}


def shown_pages(cv: CV) -> dict[str, bool]:
    """For each page of ``notebooks/``, whether the CV has something for it."""
    return {name: bool(has(cv)) for name, has in PAGES.items()}


def md_literal(text: str) -> str:
    """Text that Quarto's Markdown reading of metadata shows as it is (a word of
    ``words.json`` may hold any character)."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$@=:\"'&^])", r"\\\1", text)


def navbar(cv: CV) -> dict[str, list[dict[str, str]]]:
    """The site's navbar: the pages the CV has something for, in :data:`SITE_PAGES`'
    order, then the PDF, each named in the CV's language (``nav.<name>``)."""
    words = i18n.words_of(cv)
    shown = shown_pages(cv)
    left = [
        {"href": source, "text": md_literal(words(f"nav.{name}"))}
        for name, source in SITE_PAGES.items()
        if shown.get(name, True)
    ]
    pdf = {"href": PDF_LINK["href"], "text": md_literal(words(PDF_LINK["key"]))}
    return {"left": left, "right": [{**pdf, "icon": PDF_LINK["icon"]}]}


def page_metadata(cv: CV, name: str, shown: bool = True) -> str:
    """The text of ``_cvdata/<name>.yml``: the page's title in the CV's language (the
    page's heading and, with the site's title, its ``<title>``) and whether it is shown.
    Strings are written as JSON (valid YAML: no tag or anchor of an override takes
    effect)."""
    words = i18n.words_of(cv)(f"page.{name}")
    title = json.dumps(md_literal(words), ensure_ascii=False)
    text = (
        "# Written by the pre-render step (cvdata.quarto.site): the page's title in the\n"
        "# CV's language, and is the page shown?\n"
        f"title: {title}\n"
        f"pagetitle: {title}\n"
        f"draft: {'false' if shown else 'true'}\n"
    )
    person = " ".join(text_of(cv.owner.get("name")).split()) or "CV"
    # Quarto reads "{{" in a card's title as a shortcode even escaped: such a name leaves
    # the card its page's title alone.
    if name in PAGES and "{{" not in person:
        # A shared link's title names the person on the pages whose title is shown (as
        # Quarto wrote it when the title was the front matter's; from a metadata file it
        # would write the page's title alone).
        card = json.dumps({"title": md_literal(f"{words} – {person}")}, ensure_ascii=False)
        text += f"open-graph: {card}\ntwitter-card: {card}\n"
    return text


def write_page_metadata(project: Path, cv: CV) -> list[str]:
    """Write ``_cvdata/<page>.yml`` for every page; returns the pages left out.

    A file is rewritten only when its content changes, so that an unchanged CV leaves
    every file (and Quarto's view of it) as it was.
    """
    folder = project / META_DIR
    folder.mkdir(exist_ok=True)
    hidden = []
    shown_by_name = shown_pages(cv)
    for name in SITE_PAGES:
        shown = shown_by_name.get(name, True)
        path = folder / f"{name}.yml"
        text = page_metadata(cv, name, shown)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        if not shown:
            hidden.append(name)
    return hidden
