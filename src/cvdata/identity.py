"""Whose site it is: the person's name, description, favicon, photo and profile icons.

The pre-render step (:mod:`cvdata.quarto.prerender`) writes ``_cvdata/site.yml``, which
``_quarto.yml`` includes (``metadata-files``): the navbar title and every page's
``<title>`` name the person, the navbar lists the pages in the CV's language
(:func:`cvdata.quarto.site.navbar`), and Quarto writes the description and the Open Graph and
Twitter card tags from it. It also draws a favicon from the person's initials
(``assets/favicon.svg``) and copies their photo (``assets/photo.<ext>``) when
``person.csv``'s ``image`` names a file in the data folder. A photo at a web address is
never fetched: the pre-render step says so, and the site shows none.

Every cell may be hostile: the metadata is written as JSON strings (valid YAML, so no
YAML tag or anchor takes effect) with Markdown's special characters escaped (Quarto reads
metadata strings as Markdown), and the favicon's letters are XML-escaped.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from ._files import FileRefused, check_location, read_bytes
from ._paths import META_DIR
from .cells import text as _s
from .i18n import words_of
from .load import CV
from .quarto.site import md_literal, navbar

#: The generated site metadata, included by ``_quarto.yml``.
SITE_META = f"{META_DIR}/site.yml"
#: The favicon drawn from the person's initials, and where the photo is copied (its
#: suffix is the image's type). Both are listed as site resources in ``_quarto-full.yml``.
FAVICON = "assets/favicon.svg"
PHOTO_STEM = "assets/photo"
#: The largest photo copied: a portrait for the web is well under a megabyte.
MAX_PHOTO_BYTES = 5 * 1024 * 1024
#: A description (``<meta name="description">``, the card of a shared link) is read in
#: one glance: search engines and link previews show about this much.
DESCRIPTION_CHARS = 300
#: The image types a photo may be, by their first bytes (no SVG: it can carry script).
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", ".png"),
    (b"\xff\xd8\xff", ".jpg"),
    (b"GIF87a", ".gif"),
    (b"GIF89a", ".gif"),
)
_WEBP = (b"RIFF", b"WEBP")
#: Bootstrap Icons (shipped with Quarto's site) for a contact, by a word of its address
#: or label.
_ICONS: tuple[tuple[str, str], ...] = (
    ("github", "bi-github"),
    ("gitlab", "bi-gitlab"),
    ("linkedin", "bi-linkedin"),
    ("twitter", "bi-twitter-x"),
    ("x.com", "bi-twitter-x"),
    ("mastodon", "bi-mastodon"),
    ("bsky", "bi-bluesky"),
    ("bluesky", "bi-bluesky"),
    ("youtube", "bi-youtube"),
    ("stackoverflow", "bi-stack-overflow"),
    ("stack overflow", "bi-stack-overflow"),
    ("medium", "bi-medium"),
    ("scholar", "bi-mortarboard"),
    ("orcid", "bi-person-badge"),
    ("dblp", "bi-journal-text"),
    ("researchgate", "bi-journal-text"),
)


@dataclass(frozen=True)
class Photo:
    """The person's photo: its bytes and file suffix, or why there is none shown
    (``problem``, in the user's terms); all empty when ``person.csv`` names none."""

    data: bytes = b""
    suffix: str = ""
    problem: str = ""


def _image_type(data: bytes) -> str:
    """The file suffix of a PNG, JPEG, GIF or WebP image, '' for anything else."""
    for magic, suffix in _MAGIC:
        if data.startswith(magic):
            return suffix
    if data[:4] == _WEBP[0] and data[8:12] == _WEBP[1]:
        return ".webp"
    return ""


def photo_of(cv: CV) -> Photo:
    """The photo ``person.csv``'s ``image`` names, read from the data folder the checked
    way (:func:`cvdata._files.read_bytes`: a regular file inside the folder, at most
    ``MAX_PHOTO_BYTES``), when it is a PNG, JPEG, GIF or WebP image. A web address is
    never fetched."""
    image = _s(cv.owner.get("image")).strip()
    if not image:
        return Photo()
    where = f"person.csv: image: {image!r}"
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", image) or image.startswith("//"):
        return Photo(
            problem=f"{where} is a web address; the site never fetches a photo. Save the "
            "photo in the data folder and write its file name in the image column."
        )
    try:
        check_location(image, cv.data_dir)
        data = read_bytes(cv.data_dir / image, cv.data_dir, MAX_PHOTO_BYTES)
    except FileNotFoundError:
        return Photo(problem=f"{where}: no such file in the data folder")
    except FileRefused as e:
        return Photo(problem=f"{where}: {e.reason.replace('tables are', 'a photo is')}")
    suffix = _image_type(data)
    if not suffix:
        return Photo(problem=f"{where} is not a PNG, JPEG, GIF or WebP image")
    return Photo(data=data, suffix=suffix)


def initials(name: str) -> str:
    """Up to two letters for a favicon: the first letters of the first and last words
    ("Ada Lovelace" -> "AL"); a name without spaces (often Chinese or Japanese) gives its
    first character; "CV" when the name has no letter."""
    words = [w for w in re.split(r"[\s\-‐.,]+", name) if any(c.isalnum() for c in w)]
    firsts = ["".join(c for c in w if c.isalnum())[0] for w in words]
    if not firsts:
        return "CV"
    if len(firsts) == 1 or unicodedata.east_asian_width(firsts[0]) in "WF":
        return firsts[0].upper()
    return (firsts[0] + firsts[-1]).upper()


def favicon_svg(name: str, colour: str = "#0072B2") -> str:
    """A round favicon with the person's initials, as SVG text (the letters escaped)."""
    letters = xml_escape(initials(name))
    fill = colour if re.fullmatch(r"#[0-9A-Fa-f]{3,8}", colour) else "#0072B2"
    size = 30 if len(initials(name)) == 2 else 38
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">'
        f'<circle cx="32" cy="32" r="32" fill="{fill}"/>'
        f'<text x="32" y="33" fill="#fff" font-family="Liberation Sans, Arial, sans-serif" '
        f'font-size="{size}" font-weight="700" text-anchor="middle" '
        f'dominant-baseline="central">{letters}</text></svg>\n'
    )


def _plain(text: str) -> str:
    """One line of text, whitespace folded."""
    return re.sub(r"\s+", " ", text).strip()


def description(cv: CV) -> str:
    """What a shared link says of the person: their headline, then the start of their
    summary, at most ``DESCRIPTION_CHARS`` characters (cut at a word, with "…")."""
    parts = [_plain(_s(cv.owner.get(k))) for k in ("headline", "summary")]
    text = ". ".join(p.rstrip(".") for p in parts if p)
    if parts[1] and text and not text.endswith((".", "!", "?")):
        text += "."
    if len(text) > DESCRIPTION_CHARS:
        text = text[: DESCRIPTION_CHARS - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return text


def _md_literal(text: str) -> str:
    """Text that Quarto's Markdown reading of metadata shows as it is."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$@=:\"'&^])", r"\\\1", text)


def site_metadata(cv: CV, photo: str | None = None) -> dict[str, object]:
    """The metadata ``_quarto.yml`` includes: the site's title (the person's name),
    description, favicon and, with ``photo`` (a site path), the image of a shared link."""
    name = _plain(_s(cv.owner.get("name"))) or "CV"
    about = _md_literal(description(cv))
    card: dict[str, object] = {"description": about} if about else {}
    website: dict[str, object] = {
        # Quarto puts the site's title into each page's <title> as it is (escaped as
        # HTML), but reads the navbar's and the cards' as Markdown: each gets its own.
        "title": name,
        # The whole navbar, in the CV's language and with only the pages shown: a list
        # here would be added to one in _quarto.yml, so _quarto.yml has none.
        "navbar": {"title": _md_literal(name), **navbar(cv)},
        "favicon": FAVICON,
        "page-footer": {"center": md_literal(words_of(cv)("site.footer"))},
        # The card of a link shared on LinkedIn, Slack, Mastodon...: Quarto takes a
        # page's own description, else its first paragraph (on these pages, none).
        # (og:site_name is Quarto's rendering of the title as Markdown: a name that is
        # markup shows as text or not at all, never as markup.)
        "open-graph": card or True,
        "twitter-card": card or True,
    }
    meta: dict[str, object] = {"website": website}
    if about:
        website["description"] = about
        # Every page's <meta name="description"> (pandoc's template variable): not
        # ``description``, which Quarto would also print under each page's title.
        meta["description-meta"] = about
    if photo:
        website["image"] = photo
    return meta


def _write_if_changed(path: Path, data: bytes) -> None:
    """Written only when different, so that an unchanged CV leaves Quarto's view as it was."""
    if not path.is_file() or path.read_bytes() != data:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def photo_path(project: Path) -> Path | None:
    """The photo the pre-render step copied into the site's assets, if any."""
    found = sorted((project / PHOTO_STEM).parent.glob(Path(PHOTO_STEM).name + ".*"))
    return found[0] if found else None


def write_site(project: Path, cv: CV, colour: str = "#0072B2") -> list[str]:
    """Write the site metadata, the favicon and the photo; returns what to tell the user
    (why a photo named in ``person.csv`` is not shown)."""
    photo = photo_of(cv)
    wanted = project / (PHOTO_STEM + photo.suffix) if photo.data else None
    for old in (project / PHOTO_STEM).parent.glob(Path(PHOTO_STEM).name + ".*"):
        if old != wanted:
            old.unlink()  # a photo since removed or replaced must not stay on the site
    if wanted is not None:
        _write_if_changed(wanted, photo.data)
    name = _plain(_s(cv.owner.get("name")))
    _write_if_changed(project / FAVICON, favicon_svg(name, colour).encode("utf-8"))
    meta = site_metadata(cv, PHOTO_STEM + photo.suffix if photo.data else None)
    text = (
        "# Written by the pre-render step (cvdata.identity): whose site this is.\n"
        + json.dumps(meta, ensure_ascii=False, indent=1)
        + "\n"
    )
    _write_if_changed(project / SITE_META, text.encode("utf-8"))
    return [photo.problem] if photo.problem else []


def contact_icon(text: str, href: str | None) -> str:
    """The Bootstrap Icons class for a contact shown as ``text`` linking to ``href``:
    from the address's kind (``mailto:``, ``tel:``) or a profile's site named in the
    address or the label; a globe for another web address, '' for plain text."""
    address = (href or "").strip().lower()
    if address.startswith("mailto:"):
        return "bi-envelope"
    if address.startswith("tel:"):
        return "bi-telephone"
    host = re.sub(r"^[a-z]+://(www\.)?", "", address).split("/", 1)[0]
    label = text.lower()
    labels = host.split(".")
    for word, icon in _ICONS:
        on_host = word in labels or host == word or host.endswith("." + word)
        if on_host or (not host and re.search(rf"\b{re.escape(word)}\b", label)):
            return icon
    if "@" in text and not host and " " not in text.strip():
        return "bi-envelope"
    return "bi-globe" if host else ""
