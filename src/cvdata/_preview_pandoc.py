"""Assembly for the preview: Markdown -> HTML page (pandoc) or PDF (pandoc -t typst, then Typst).

The templates are ours, not Quarto's: a plain page with a nav bar and a banner, and a plain
A4 Typst page. Neither loads anything from the network (no CDN, web font or MathJax).
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

NOTE = "Preview rendered without Quarto — for testing; publish with quarto render"

HTML_TEMPLATE = """\
<!DOCTYPE html>
<html lang="$if(lang)$$lang$$else$en$endif$">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="cvdata.preview (not Quarto)">
<title>$pagetitle$</title>
<style>
body { margin: 0; font: 16px/1.5 "Liberation Sans", Arial, sans-serif; color: #222; }
.preview-banner { background: #fff3cd; border-bottom: 1px solid #e0c36a; padding: .4em 1em;
  font-size: .9em; text-align: center; }
.preview-nav { display: flex; flex-wrap: wrap; gap: 1em; align-items: center;
  padding: .5em 1em; background: #f4f4f4; border-bottom: 1px solid #ddd; }
.preview-nav ul { display: flex; gap: 1em; list-style: none; margin: 0; padding: 0; }
.preview-nav .right { margin-left: auto; }
.preview-nav a { text-decoration: none; color: #0b5394; }
.preview-nav a[aria-current] { font-weight: bold; }
.preview-nav .brand { font-weight: bold; color: #222; }
main { max-width: 60em; margin: 0 auto; padding: 1em; }
pre { background: #f7f7f7; padding: .6em; overflow-x: auto; }
.cell-output-stderr pre { background: #fdf0f0; }
img, svg { max-width: 100%; height: auto; }
table { border-collapse: collapse; } th, td { border: 1px solid #ccc; padding: .2em .5em; }
$if(highlighting-css)$
$highlighting-css$
$endif$
</style>
$for(css)$
<link rel="stylesheet" href="$css$">
$endfor$
</head>
<body>
<div class="preview-banner" role="note">$preview-note$</div>
$nav$
<main>
$if(title)$
<header><h1 class="title">$title$</h1>
$if(subtitle)$<p class="subtitle">$subtitle$</p>$endif$
</header>
$endif$
$body$
</main>
</body>
</html>
"""

TYPST_TEMPLATE = """\
// cvdata.preview: a small Typst page (not Quarto's typst template)
#let horizontalrule = line(start: (25%, 0%), end: (75%, 0%))
$if(title)$
#set document(title: [$title$])
$endif$
#set page(
  paper: "$if(papersize)$$papersize$$else$a4$endif$",
$if(margin)$
  margin: ($for(margin/pairs)$$margin.key$: $margin.value$, $endfor$),
$else$
  margin: (x: 2cm, top: 2cm, bottom: 2.4cm),
$endif$
  footer: align(center, text(size: 7pt, fill: luma(110))[$preview-note$]),
)
#set text(
  font: ("Liberation Sans", "Noto Sans CJK SC"),
  size: $if(fontsize)$$fontsize$$else$10pt$endif$,
  lang: "$if(lang)$$lang$$else$en$endif$",
)
#show raw: set text(font: ("Liberation Mono", "Noto Sans CJK SC"), size: 8.5pt)
#set table(inset: 5pt, stroke: 0.5pt + luma(180))
$if(highlighting-definitions)$
$highlighting-definitions$
$endif$
$if(title)$
#align(center, text(size: 18pt, weight: "bold")[$title$])
$if(subtitle)$
#align(center, text(size: 12pt)[$subtitle$])
$endif$
$endif$

$body$
"""

# Quarto rewrites links to documents into links to their HTML pages.
LINKS_LUA = """\
local function fix(target)
  if target:match("^%a[%w+.-]*:") or target:match("^//") then return target end
  local path, rest = target:match("^([^#?]*)(.*)$")
  for _, ext in ipairs({".qmd", ".ipynb"}) do
    if path:sub(-#ext) == ext then return path:sub(1, -#ext - 1) .. ".html" .. rest end
  end
  return target
end
function Link(el) el.target = fix(el.target) return el end
"""


class AssemblyError(Exception):
    """pandoc or Typst failed; the message is meant for a person."""


def pandoc_path() -> str:
    import pypandoc

    return pypandoc.get_pandoc_path()


def _pandoc(args: list[str], label: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        [pandoc_path(), *args], input=stdin, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise AssemblyError(f"{label}: pandoc failed: {done.stderr.strip()}")
    return done.stdout


def write_templates(build: Path) -> None:
    build.mkdir(parents=True, exist_ok=True)
    (build / "template.html").write_text(HTML_TEMPLATE, encoding="utf-8")
    (build / "template.typ").write_text(TYPST_TEMPLATE, encoding="utf-8")
    (build / "links.lua").write_text(LINKS_LUA, encoding="utf-8")


def html_page(
    md: Path, out: Path, build: Path, pagetitle: str, nav: str, label: str, css: list[str] = ()
) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    args = [str(md), "-f", "markdown", "-t", "html5", "--standalone"]
    args += ["--template", str(build / "template.html"), "--lua-filter", str(build / "links.lua")]
    args += ["-V", f"pagetitle={pagetitle}", "-V", f"nav={nav}", "-V", f"preview-note={NOTE}"]
    for href in css:
        args += ["-V", f"css={href}"]
    _pandoc([*args, "-o", str(out)], label)


def typst_source(md: Path, typ: Path, build: Path, label: str) -> str:
    """pandoc -t typst into our template; returns the Typst text."""
    text = md.read_text(encoding="utf-8")
    args = [str(md), "-f", "markdown", "-t", "typst", "--standalone", "--wrap", "none"]
    args += ["--template", str(build / "template.typ"), "-V", f"preview-note={NOTE}"]
    if not re.search(r"^#\s", text, re.M):  # format-typst.ts: no level-1 headings -> shift
        args.append("--shift-heading-level-by=-1")
    typ.parent.mkdir(parents=True, exist_ok=True)
    _pandoc([*args, "-o", str(typ)], label)
    return typ.read_text(encoding="utf-8")


def compile_typst(typ: Path, pdf: Path, root: Path, label: str) -> None:
    """Typst from PyPI, offline, with the system fonts (Liberation, Noto CJK)."""
    import typst

    pdf.parent.mkdir(parents=True, exist_ok=True)
    try:
        typst.compile(str(typ), output=str(pdf), root=str(root), font_paths=["/usr/share/fonts"])
    except Exception as exc:  # typst raises its own error types
        raise AssemblyError(f"{label}: typst failed: {str(exc).strip()}") from None


def html_to_markdown(fragment: str) -> str:
    """Read an HTML table (e.g. a pandas DataFrame) into Markdown, as Quarto's filters do."""
    return _pandoc(["-f", "html", "-t", "markdown", "--wrap", "none"], "html table", fragment)


def nav_html(site_title: str, brand_href: str, left: list, right: list) -> str:
    """The nav bar: ``left``/``right`` are (href, text, current) triples."""

    def items(entries: list, css: str) -> str:
        lis = []
        for href, text, current in entries:
            attr = ' aria-current="page"' if current else ""
            lis.append(f'<li><a href="{html.escape(href)}"{attr}>{html.escape(text)}</a></li>')
        return f'<ul class="{css}">' + "".join(lis) + "</ul>" if lis else ""

    brand = f'<a class="brand" href="{html.escape(brand_href)}">{html.escape(site_title)}</a>'
    return f'<nav class="preview-nav">{brand}{items(left, "left")}{items(right, "right")}</nav>'


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []  # (tag, attribute, value)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        for name, value in attrs:
            if name in ("src", "href") and value:
                self.refs.append((tag, name, value))


def html_refs(text: str) -> list[tuple[str, str, str]]:
    parser = _Refs()
    parser.feed(text)
    return parser.refs


def external_resources(text: str) -> list[str]:
    """URLs a page loads from the network (script, link, img, iframe, source)."""
    loading = {"script", "link", "img", "iframe", "source", "video", "audio"}
    return [
        v for tag, _, v in html_refs(text) if tag in loading and re.match(r"^(https?:)?//", v, re.I)
    ]


def typst_images(text: str) -> list[str]:
    found = re.findall(r'image\("((?:[^"\\]|\\.)*)"', text)
    return [re.sub(r"\\(.)", r"\1", m) for m in found]


def copy_local(refs: list[str], page_src_dir: Path, project: Path, dest_root: Path) -> list[Path]:
    """Copy files a page refers to (relative paths that exist beside the source document)
    to the same place under dest_root. Returns the files copied."""
    copied = []
    for ref in refs:
        if re.match(r"^([a-z][a-z0-9+.-]*:|//|#|/)", ref, re.I):
            continue
        path = ref.split("#")[0].split("?")[0]
        if not path:
            continue
        src = (page_src_dir / path).resolve()
        if not src.is_file() or not src.is_relative_to(project):
            continue
        dest = dest_root / src.relative_to(project)
        if not dest.exists():
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest)
            copied.append(dest)
    return copied
