"""Whose site it is (cvdata.identity): the title, description, favicon, photo and profile
icons the pre-render step writes, and the charts' mode bar; then the rendered site."""

from __future__ import annotations

import dataclasses
import html
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest
import yaml
from conftest import AS_OF, DATA_DIR, PROJECT, RenderedSite, copy_project, edit_cell, read_csv

import cvdata
from cvdata import identity, page
from cvdata.document import header_of, html_header

HOSTILE = '<script>alert(1)</script> *Ada* & "Lo\\ve" [x](javascript:alert(1)) {{< meta >}}'


def png(width: int = 4, height: int = 4) -> bytes:
    """A real (tiny, red) PNG image."""
    import struct
    import zlib

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def set_person(folder: Path, column: str, value: str) -> None:
    """Set a cell of the one row of ``folder/person.csv``."""
    path = folder / "person.csv"
    edit_cell(path, read_csv(path)[1][0][0], column, value)


def with_person(cv: cvdata.CV, folder: Path | None = None, **cells: str) -> cvdata.CV:
    """``cv`` with ``person.csv``'s cells replaced (and its data folder, when given)."""
    person = cv.person.copy()
    for column, value in cells.items():
        person[column] = pd.Series([value], index=person.index[:1], dtype="string")
    changed = dataclasses.replace(cv, person=person)
    if folder is not None:
        changed = dataclasses.replace(changed, data_dir=folder)
    return changed


# ------------------------------------------------------------------ name, favicon, text


@pytest.mark.parametrize(
    ("name", "letters"),
    [
        ("Ada Lovelace", "AL"),
        ("Zhongzhu Zhou", "ZZ"),
        ("ada king lovelace", "AL"),
        ("周忠柱", "周"),
        ("Madonna", "M"),
        ("", "CV"),
        ("<&>", "CV"),
        ("Jean-Luc Picard", "JP"),
    ],
)
def test_initials(name: str, letters: str) -> None:
    assert identity.initials(name) == letters


def test_favicon_is_valid_svg_with_the_letters_escaped() -> None:
    svg = identity.favicon_svg("<b>&amp; Zed", colour='red" onload="x')
    root = ET.fromstring(svg)  # well-formed: nothing in the name breaks out
    text = root.find("{http://www.w3.org/2000/svg}text")
    assert text is not None and text.text == "BZ"  # letters only, never markup
    assert "onload" not in svg  # a colour that is not a colour is not written
    assert 'fill="#0072B2"' in svg


def test_description_is_the_headline_and_the_start_of_the_summary() -> None:
    cv = cvdata.load(DATA_DIR, as_of=AS_OF)
    short = with_person(cv, headline="Data engineer", summary="I build  tools.\n\nMore.")
    assert identity.description(short) == "Data engineer. I build tools. More."
    long = with_person(cv, headline="Data engineer", summary="word " * 200)
    said = identity.description(long)
    assert len(said) <= identity.DESCRIPTION_CHARS and said.endswith("word…")
    assert identity.description(with_person(cv, headline="", summary="")) == ""


def test_site_metadata_keeps_markup_literal() -> None:
    cv = with_person(cvdata.load(DATA_DIR, as_of=AS_OF), name=HOSTILE, headline="*x* <b>")
    meta = identity.site_metadata(cv, "assets/photo.png")
    site = meta["website"]
    assert site["title"] == HOSTILE  # <title>: Quarto escapes it as HTML, no Markdown
    # Read as Markdown by Quarto: every special character escaped.
    assert site["navbar"]["title"].startswith(r"\<script\>alert\(1\)")
    assert r"\*x\* \<b\>" in site["open-graph"]["description"]
    assert site["image"] == "assets/photo.png"
    assert site["favicon"] == identity.FAVICON


# ------------------------------------------------------------------ the photo


@pytest.fixture
def folder(broken_copy) -> Path:
    return broken_copy()


def test_photo_from_a_file_in_the_data_folder(folder: Path) -> None:
    (folder / "me.png").write_bytes(png())
    cv = with_person(cvdata.load(DATA_DIR, as_of=AS_OF), folder, image="me.png")
    photo = identity.photo_of(cv)
    assert (photo.suffix, photo.problem) == (".png", "")
    assert photo.data == png()


@pytest.mark.parametrize(
    ("image", "said"),
    [
        ("https://example.org/me.jpg", "is a web address; the site never fetches a photo"),
        ("//example.org/me.jpg", "is a web address"),
        ("file:///etc/passwd", "is a web address"),
        ("missing.png", "no such file in the data folder"),
        ("../me.png", "leaves the data folder"),
        ("/etc/hostname", "is absolute"),
        ("notes.txt", "is not a PNG, JPEG, GIF or WebP image"),
        ("face.svg", "is not a PNG, JPEG, GIF or WebP image"),
    ],
)
def test_photo_refused_with_a_message_in_the_users_terms(
    folder: Path, image: str, said: str
) -> None:
    (folder / "notes.txt").write_text("not an image", encoding="utf-8")
    (folder / "face.svg").write_text("<svg onload='alert(1)'/>", encoding="utf-8")
    cv = with_person(cvdata.load(DATA_DIR, as_of=AS_OF), folder, image=image)
    photo = identity.photo_of(cv)
    assert photo.data == b""
    assert photo.problem.startswith(f"person.csv: image: {image!r}")
    assert said in photo.problem


def test_photo_outside_the_folder_or_too_big_is_refused(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outside = tmp_path / "elsewhere.png"
    outside.write_bytes(png())
    (folder / "link.png").symlink_to(outside)
    cv = cvdata.load(DATA_DIR, as_of=AS_OF)
    linked = identity.photo_of(with_person(cv, folder, image="link.png"))
    assert linked.data == b"" and "outside" in linked.problem
    (folder / "big.png").write_bytes(png(64, 64))
    monkeypatch.setattr(identity, "MAX_PHOTO_BYTES", 100)
    big = identity.photo_of(with_person(cv, folder, image="big.png"))
    assert big.data == b"" and "100 bytes" in big.problem


def test_write_site_writes_the_metadata_favicon_and_photo_and_drops_an_old_photo(
    folder: Path, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    (folder / "me.png").write_bytes(png())
    cv = with_person(cvdata.load(DATA_DIR, as_of=AS_OF), folder, image="me.png")
    assert identity.write_site(project, cv) == []
    meta = yaml.safe_load((project / identity.SITE_META).read_text(encoding="utf-8"))
    assert meta["website"]["title"] == "Zhongzhu Zhou"
    assert meta["website"]["image"] == "assets/photo.png"
    assert meta["description-meta"].startswith("Senior Research Scientist")
    assert (project / "assets/photo.png").read_bytes() == png()
    assert "ZZ" in (project / identity.FAVICON).read_text(encoding="utf-8")
    assert identity.photo_path(project) == project / "assets/photo.png"
    # The photo taken out of person.csv (or at an address): gone from the site.
    notes = identity.write_site(project, with_person(cv, image="https://x.org/me.png"))
    assert len(notes) == 1 and "web address" in notes[0]
    assert identity.photo_path(project) is None
    meta = yaml.safe_load((project / identity.SITE_META).read_text(encoding="utf-8"))
    assert "image" not in meta["website"]


# ------------------------------------------------------------------ the header, the charts


@pytest.mark.parametrize(
    ("text", "href", "icon"),
    [
        ("ytberg", "https://github.com/ytberg", "bi-github"),
        ("Github", None, "bi-github"),
        ("LinkedIn: ada", "https://www.linkedin.com/in/ada", "bi-linkedin"),
        ("ada@example.org", "mailto:ada@example.org", "bi-envelope"),
        ("Scholar", "https://scholar.google.com/citations?user=x", "bi-mortarboard"),
        ("@ada", "https://x.com/ada", "bi-twitter-x"),
        ("linux.com", "https://linux.com/", "bi-globe"),
        ("Homepage", "https://ada.example.org", "bi-globe"),
        ("Leeds, GB", None, ""),
    ],
)
def test_contact_icon(text: str, href: str | None, icon: str) -> None:
    assert identity.contact_icon(text, href) == icon


def test_header_names_the_person_in_an_h1_with_profile_icons() -> None:
    cv = cvdata.load(PROJECT / "examples/senior-engineer", as_of=AS_OF)
    out = html_header(header_of(cv))
    assert re.search(r'<h1 class="cv-name">[^<]+</h1>', out)
    assert '<i class="bi bi-envelope" aria-hidden="true"></i>' in out
    hostile = with_person(cv, name=HOSTILE)
    assert "<script>" not in html_header(header_of(hostile))


def _page(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, project: Path) -> page.Page:
    docdir = tmp_path / "notebooks"
    docdir.mkdir(exist_ok=True)
    monkeypatch.chdir(docdir)
    monkeypatch.setenv(page.FORMAT_ENV, "html")
    monkeypatch.setenv("QUARTO_PROJECT_ROOT", str(project))
    monkeypatch.setenv("QUARTO_DOCUMENT_PATH", str(project / "notebooks"))
    monkeypatch.setenv("QUARTO_DOCUMENT_FILE", "x.ipynb")
    return page.setup(DATA_DIR, as_of=AS_OF.isoformat())


def test_charts_keep_only_download_as_image_and_load_the_phone_script_once(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    p = _page(monkeypatch, tmp_path, PROJECT)
    fig = go.Figure(go.Bar(x=[1, 2], y=[3, 4]))
    p.figure(fig, label="fig-a", caption="A", alt="Two bars")
    p.figure(fig, label="fig-b", caption="B", alt="Two bars")
    out = capsys.readouterr().out
    configs = re.findall(r'\{"displaylogo": [^{}]*\}', out)  # each newPlot's config
    assert len(configs) == 2
    for config in configs:
        assert json.loads(config) == {
            "displaylogo": False,
            "responsive": True,
            "modeBarButtons": [["toImage"]],
        }
    assert out.count("var PHONE = 600") == 1


def test_header_shows_the_photo_the_pre_render_step_copied(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "project"
    (project / "assets").mkdir(parents=True)
    (project / "_quarto.yml").write_text("project:\n  type: website\n", encoding="utf-8")
    p = _page(monkeypatch, tmp_path, project)
    p.header()
    assert "cv-photo" not in capsys.readouterr().out
    (project / "assets/photo.jpg").write_bytes(b"\xff\xd8\xff")
    p.header()
    out = capsys.readouterr().out
    assert '<img class="cv-photo" src="../assets/photo.jpg" alt="Zhongzhu Zhou">' in out


def test_pre_render_says_why_a_photo_at_an_address_is_not_shown(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    set_person(project / "data", "image", "https://example.org/me.jpg")
    done = subprocess.run(
        [sys.executable, "scripts/prerender.py"],
        cwd=project,
        capture_output=True,
        text=True,
        env={
            "PATH": str(Path(sys.executable).parent),
            "CVDATA_NO_PREFETCH": "1",
            "CVDATA_AS_OF": AS_OF.isoformat(),
            "HOME": str(tmp_path),
        },
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert (
        "pre-render: person.csv: image: 'https://example.org/me.jpg' is a web address; the "
        "site never fetches a photo." in done.stderr
    )
    assert not list((project / "assets").glob("photo.*"))
    assert (project / identity.FAVICON).is_file()


# ------------------------------------------------------------------ the rendered site

NOTEBOOKS = ("collaborators", "projects", "publications", "skills", "timeline")
SITE_PAGES = (
    "index.html",
    "cv.html",
    "dashboard.html",
    *(f"notebooks/{n}.html" for n in NOTEBOOKS),
)


def _meta(page_html: str) -> dict[str, str]:
    """The page's <meta> tags: name or property -> content (unescaped)."""
    out = {}
    for tag in re.findall(r"<meta\b[^>]*>", page_html):
        key = re.search(r'(?:name|property)="([^"]+)"', tag)
        content = re.search(r'content="([^"]*)"', tag)
        if key and content:
            out[key[1]] = html.unescape(content[1])
    return out


@pytest.mark.render
@pytest.mark.parametrize("name", SITE_PAGES)
def test_every_page_is_the_persons(rendered_site: RenderedSite, name: str) -> None:
    cv = cvdata.load(DATA_DIR, as_of=AS_OF)
    person = cv.owner["name"]
    text = rendered_site.page(name).read_text(encoding="utf-8")
    title = re.search(r"<title>(.*?)</title>", text, re.S)[1]
    assert html.unescape(title).endswith(f"– {person}"), title
    assert f'<span class="navbar-title">{person}</span>' in text
    h1 = [
        html.unescape(re.sub(r"<[^>]+>", "", h)).strip()
        for h in re.findall(r"<h1\b[^>]*>(.*?)</h1>", text, re.S)
    ]
    h1 = [h for h in h1 if h]
    if name in ("index.html", "cv.html", "dashboard.html"):
        assert h1 == [person]  # the dashboard's too, above its value boxes
    else:
        assert len(h1) == 1, h1
    meta = _meta(text)
    about = identity.description(cv)
    assert meta["description"] == about
    assert meta["og:description"] == about
    assert meta["twitter:description"] == about
    assert meta["og:site_name"] == person
    assert meta["og:title"] and meta["twitter:card"]
    icon = re.search(r'<link href="([^"]+)" rel="icon" type="image/svg\+xml">', text)
    assert icon and (rendered_site.page(name).parent / icon[1]).resolve().is_file()
    # Every chart's mode bar is the download button alone.
    assert text.count('"modeBarButtons": [["toImage"]]') == text.count("Plotly.newPlot(")


@pytest.mark.render
def test_the_photo_from_the_data_folder_is_on_the_site_and_in_the_card(
    tmp_path_factory: pytest.TempPathFactory, render_data
) -> None:
    folder = tmp_path_factory.mktemp("photo") / "data"
    import shutil

    shutil.copytree(PROJECT / "examples/new-graduate", folder)
    (folder / "me.png").write_bytes(png())
    set_person(folder, "image", "me.png")
    set_person(folder, "name", HOSTILE)
    site = render_data(folder)
    assert (site / "assets/photo.png").read_bytes() == png()
    index = (site / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<img class="cv-photo" src="assets/photo.png" alt="[^"]*"', index)
    meta = _meta(index)
    assert meta["og:image"].endswith("assets/photo.png")
    assert meta["twitter:card"] == "summary_large_image"
    # The name is text wherever it is shown, never markup.
    assert "<script>alert" not in re.sub(r'"[^"]*"', "", index)
    title = html.unescape(re.search(r"<title>(.*?)</title>", index, re.S)[1])
    assert title == f"Overview – {HOSTILE}"
    navbar = re.search(r'<span class="navbar-title">(.*?)</span>', index, re.S)[1]
    assert html.unescape(navbar) == HOSTILE
