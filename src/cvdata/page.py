"""What a Quarto page calls: one setup cell, then one call per block of output.

Pages stay thin::

    from cvdata import page
    p = page.setup()        # load + validate data/, pick the output format
    p.sections()            # the whole CV (in a cell with ``output: asis``)
    p.sections(resume=True) # the short résumé: the rows tagged in the ``resume`` column
    p.figure(fig, label="fig-timeline", caption=..., alt=...)

Quarto's Jupyter engine sets plotly's renderer to an HTML one for every format, which a
Typst/PDF render cannot use. :func:`setup` asks :mod:`cvdata.quarto.execution` which
format this execution is for and draws charts accordingly: interactive plotly for HTML
(plotly.js loaded once per page, from the site itself), static SVG through kaleido for
Typst/PDF (:mod:`cvdata.quarto.static`: one browser for all figures of a document).
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import plotly.graph_objects as go

from . import _plotlyjs, charts, env, i18n
from ._paths import FIGURE_CACHE, FORMAT_ENV, PLOTLY_JS, find_project_root
from .charts import ITEMS
from .charts.numbers import headline_numbers
from .document import (
    HTML_SECTION_LIMIT,
    build,
    build_resume,
    esc_html,
    header_of,
    html_header,
    html_section,
    typst_header,
    typst_preamble,
    typst_section,
    typst_str,
)
from .document.typst import CHART_FONTS
from .identity import photo_path
from .load import CV, load
from .quarto.execution import current as current_execution
from .quarto.execution import output_format
from .quarto.freeze import track_reads
from .quarto.prefetch import draws_static_figures
from .quarto.static import start_browser_if_needed, static_export
from .theme import Brand, load_brand

#: Where a figure may float in the PDF (see :meth:`Page.figure`).
Floating = bool | Literal["auto", "top", "bottom"]
#: Static figures for non-HTML formats, relative to the document's folder.
FIGURE_DIR = "_figures"
#: Height of a static figure that is taller than wide, as a share of the page's body.
TALL_FIGURE_HEIGHT = "65%"
#: In the PDF, a chart that says it draws fewer things than this (``layout.meta``'s
#: ``items``, set by :mod:`cvdata.charts`: one role, one venue, no skill with years) is
#: left out: a still image of one bar says nothing the CV's text does not.
PDF_MIN_ITEMS = 2
#: The charts' configuration: of plotly's mode bar only what a reader uses, saving the chart
#: as an image (no zoom, pan or lasso), and no plotly logo; sized to their box.
PLOT_CONFIG: dict[str, object] = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtons": [["toImage"]],
}
#: Reflows every chart of a page below a phone's width (inlined once per page).
PHONE_JS = (Path(__file__).parent / "phone.js").read_text(encoding="utf-8")
#: A chart at most this tall (pixels at the export width, 820: about a quarter of an A4
#: page's body) is small enough to stand between the CV's header and its text; a taller
#: one is better floated (see :meth:`Page.figure`), so the text starts under the header.
SHORT_FIGURE = 300
#: The PDF's timeline is exported this wide (pixels) and printed at the page's width: its
#: 11-pixel labels then print at about 8 points, near the text's size (820 gives 6.5).
PDF_TIMELINE_WIDTH = 660


def drawn_items(fig: go.Figure) -> int | None:
    """How many things a figure says it draws (rows, bars, skills with years); None when
    it does not say."""
    meta = fig.layout.meta
    items = meta.get(ITEMS) if isinstance(meta, dict) else None
    return int(items) if isinstance(items, int | float) else None


def md_escape(text: str) -> str:
    """Markdown text that shows ``text`` literally (headings written by pages)."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$@=:\"'])", r"\\\1", text)


@dataclass
class Page:
    """One page being executed: the data, the target format and what it has printed."""

    cv: CV
    format: str
    brand: Brand
    project_root: Path
    document: Path | None = None
    #: False when the notebook is run in Jupyter itself: output is then displayed
    #: (rich HTML, live charts) instead of printed as Markdown for Quarto.
    quarto: bool = True
    _plotly_loaded: bool = field(default=False, repr=False)
    _typst_ready: bool = field(default=False, repr=False)

    @property
    def is_html(self) -> bool:
        # A dashboard (Quarto's ``format: dashboard``) is an HTML page too.
        return self.format in ("html", "dashboard")

    @property
    def chart_brand(self) -> Brand:
        """The brand the page's charts are drawn in: in the PDF, with the design's face
        (:data:`cvdata.document.typst.CHART_FONTS`), so that their labels match the text."""
        face = CHART_FONTS.get(self.brand.pdf_design)
        if self.is_html or not face:
            return self.brand
        return dataclasses.replace(self.brand, font_family=face)

    @property
    def raw_format(self) -> str:
        return "html" if self.is_html else "typst"

    # -- writing ---------------------------------------------------------------

    def markdown(self, text: str) -> None:
        """Markdown for the page (cell with ``output: asis``)."""
        if self.quarto:
            print(text.rstrip() + "\n")
        else:
            from IPython.display import Markdown, display

            display(Markdown(text))

    def raw(self, content: str) -> None:
        """A raw block in the page's format; the other formats skip it."""
        if self.quarto:
            self.markdown(f"```{{={self.raw_format}}}\n{content}\n```")
        elif self.is_html:
            from IPython.display import HTML, display

            display(HTML(content))

    @property
    def words(self) -> i18n.Words:
        """The words of the CV's language, for the headings a page writes:
        ``p.words("heading.career")`` (:mod:`cvdata.i18n`)."""
        return i18n.current()

    def intro(self, page: str) -> None:
        """The opening sentences of a page of the site (``intro.<page>`` of the
        catalogues), in the CV's language; printed literally (``words.json`` may hold
        any character)."""
        self.markdown(md_escape(self.words(f"intro.{page}")))

    def heading(self, text: str, level: int = 2, ident: str | None = None) -> None:
        attr = f" {{#{ident}}}" if ident else ""
        self.markdown(f"{'#' * level} {md_escape(text)}{attr}")

    def _typst_preamble(self, resume: bool = False) -> None:
        """The Typst definitions, once per document (with the résumé's tighter layout)."""
        if not self.is_html and not self._typst_ready:
            self.raw(typst_preamble(self.brand.pdf_design, resume=resume))
            self._typst_ready = True

    # -- the CV --------------------------------------------------------------

    def header(self, resume: bool = False) -> None:
        """Name, headline, public contacts and quote (no quote in the résumé), then the
        person's summary when the CV has one (``person.summary``)."""
        head = header_of(self.cv, resume=resume)  # not the whole CV: it can be large
        self._typst_preamble(resume)
        self.raw(self._photo(html_header(head)) if self.is_html else typst_header(head))
        summary = self.cv.owner.get("summary")
        if isinstance(summary, str) and summary.strip():
            # Paragraphs as the person wrote them; text, never markup, in both formats.
            paragraphs = [p.strip() for p in re.split(r"\n\s*\n", summary) if p.strip()]
            if self.is_html:
                body = "".join(f"<p>{esc_html(p)}</p>" for p in paragraphs)
                self.raw(f'<div class="cv-summary">{body}</div>')
            else:
                body = " #parbreak() ".join(f"#{typst_str(p)}" for p in paragraphs)
                self.raw(f"#block(above: 0.9em, below: 1.1em)[{body}]")

    def _photo(self, header: str) -> str:
        """The HTML header with the person's photo, when the pre-render step copied one
        into the site (:mod:`cvdata.identity`)."""
        photo = photo_path(self.project_root)
        if photo is None:
            return header
        name = self.cv.owner.get("name")
        src = self._site_href(photo.relative_to(self.project_root).as_posix())
        alt = name if isinstance(name, str) else ""
        img = f'<img class="cv-photo" src="{esc_html(src)}" alt="{esc_html(alt)}">'
        return header.replace('<header class="cv-header">', f'<header class="cv-header">{img}', 1)

    def sections(
        self,
        ids: list[str] | None = None,
        resume: bool = False,
        *,
        limit: int | None = HTML_SECTION_LIMIT,
        charts: Mapping[str, Callable[[], None]] | None = None,
    ) -> None:
        """The CV's sections (all, or those whose ids are given), with their headings.

        ``charts``: for a section id (or ``publications``, the heading over every kind of
        paper), a function that draws its chart, called right under the heading. A chart
        sits with the entries it sums up, and a section the CV does not have draws none.

        ``resume=True``: the short résumé's sections instead (the rows tagged in the
        ``resume`` column; see :func:`cvdata.document.build_resume`).

        ``limit``: on a web page, a section with more entries than this (a role's
        projects included) shows its first ones, in its own order (most recent first),
        and a note that the PDF CV lists them all, with a link to it. ``None``: every
        entry. The PDF always has every entry.
        """
        if isinstance(ids, str):
            ids = [ids]
        charts = charts or {}
        # Only the sections asked for are built (the whole CV can be large).
        _, all_sections = build_resume(self.cv) if resume else build(self.cv, ids)
        self._typst_preamble(resume)
        pdf = self._site_href("cv.pdf")  # at the site root, as the navbar links it
        parent = ""
        for s in all_sections:
            if ids is not None and s.id not in ids:
                continue
            if s.id.startswith("publications-"):
                if parent != "publications":
                    self.heading(i18n.current()("section.publications"), 2, "publications")
                    parent = "publications"
                    if "publications" in charts:
                        charts["publications"]()
                self.heading(s.title, 3, s.id)
            else:
                parent = ""
                self.heading(s.title, 2, s.id)
            if s.id in charts:
                charts[s.id]()
            if self.is_html:
                self.raw(html_section(s, limit, pdf))
            else:
                self.raw(typst_section(s))

    def _site_href(self, path: str) -> str:
        """A file of the site (``path`` from its root), relative from this document's
        output."""
        here = self.document.parent if self.document else Path.cwd()
        return Path(os.path.relpath(self.project_root / path, here.resolve())).as_posix()

    def stats(self) -> None:
        """Headline numbers as a row of cards (HTML) or a grid (PDF)."""
        numbers = headline_numbers(self.cv)
        numbers = numbers[numbers["value"] > 0]  # no "0 publications" tile
        if numbers.empty:
            return
        stat = i18n.current().stat  # 9.3, 9,3 in French
        if self.is_html:
            cards = "".join(
                f'<div class="cvdata-stat" data-key="{esc_html(r.key)}">'
                f'<span class="cvdata-stat-value">{stat(r.value)}</span>'
                f'<span class="cvdata-stat-label">{esc_html(r.label)}</span></div>'
                for r in numbers.itertuples()
            )
            self.raw(f'<div class="cvdata-stats">{cards}</div>')
        else:
            self._typst_preamble()
            cells = ", ".join(
                f'[#text(size: 16pt, weight: "bold", fill: cv-accent)[#{typst_str(stat(r.value))}]'
                f"\\ #text(fill: cv-muted)[#{typst_str(r.label)}]]"
                for r in numbers.itertuples()
            )
            self.raw(f"#grid(columns: (1fr,) * 4, row-gutter: 0.8em, {cells})")

    # -- figures ---------------------------------------------------------------

    def figure(
        self,
        fig: go.Figure,
        *,
        label: str,
        caption: str,
        alt: str,
        width: int = 820,
        heading: str | None = None,
        floating: bool | Literal["auto", "top", "bottom"] = False,
    ) -> None:
        """A figure with a caption and alt text: interactive in HTML, an SVG elsewhere.

        ``heading``: a ``##`` heading above the figure. A figure with nothing to draw
        (e.g. papers by venue in a CV without papers) is left out, heading and all: the
        page shows no empty chart and no "nothing here" text. So is, in the PDF, a figure
        that draws fewer than ``PDF_MIN_ITEMS`` things (:func:`drawn_items`).

        ``floating``: in the PDF, the chart may move to the top or bottom of a page (Typst's
        ``placement: auto``; ``"bottom"`` or ``"top"``: that end of a page) while the text
        goes on, instead of leaving the rest of a page blank when it does not fit there;
        if it does not fit on this page, it goes to the next. A heading cannot move with
        it, so a floating figure has none in the PDF (its caption names it).
        """
        if not label.startswith("fig-"):
            raise ValueError(f"figure label {label!r} must start with 'fig-' (Quarto cross-refs)")
        if floating not in (False, True, "auto", "top", "bottom"):
            raise ValueError(f"floating={floating!r}: True, 'auto', 'top' or 'bottom'")
        missing = _plotlyjs.unsupported_traces({t.type for t in fig.data})
        if missing:
            raise ValueError(
                f"figure {label!r} has {', '.join(sorted(missing))} traces, which the site's "
                f"plotly.js basic bundle ({', '.join(sorted(_plotlyjs.BASIC_TRACES))}) does "
                f"not draw; set {_plotlyjs.ENV}=full to use plotly's full bundle"
            )
        if not fig.data:
            return
        items = drawn_items(fig)
        if not self.is_html and items is not None and items < PDF_MIN_ITEMS:
            return
        if heading and (self.is_html or not floating):
            self.heading(heading, 2)
        height = int(fig.layout.height or 450)
        if not self.quarto:
            from IPython.display import display

            display(fig)
            self.markdown(f"*{md_escape(caption)}*")
            return
        if self.is_html:
            self.markdown(
                f"::: {{#{label}}}\n\n```{{=html}}\n{self.plot_html(fig, label, alt)}\n"
                f"```\n\n{md_escape(caption)}\n\n:::"
            )
        else:
            stem = self.document.stem if self.document else "figure"
            rel = Path(FIGURE_DIR) / stem / f"{label}.svg"
            cache = self.project_root / FIGURE_CACHE
            static_export(fig, Path.cwd() / rel, width, height, cache, self.document)
            # Full width, unless the chart is taller than wide: at full width it would not
            # fit on a page under its heading, leaving the heading alone on a page. Then a
            # share of the page's height (the width follows, keeping the aspect ratio).
            size = "width: 100%" if height <= width else f"height: {TALL_FIGURE_HEIGHT}"
            # A raw Typst figure: caption and alt text go in as string literals, so no
            # Markdown, shortcode or Typst markup in the data can take effect.
            where = "auto" if floating is True else floating
            place = f"placement: {where}, " if where else ""
            # Under its own heading (a floating chart has none), the heading names the
            # chart: no "Figure n" caption.
            shown = "none" if heading and not floating else f"[#{typst_str(caption)}]"
            self.raw(
                f"#figure(image({typst_str(rel.as_posix())}, {size}, "
                f"alt: {typst_str(alt)}), {place}caption: {shown}) <{label}>"
            )

    def chart(
        self,
        name: str,
        *,
        label: str | None = None,
        heading: str | None = None,
        floating: Floating | Callable[[go.Figure], Floating] = False,
        width: int = 820,
        **options: Any,
    ) -> None:
        """The chart registered as ``name`` (:data:`cvdata.charts.CHARTS`), drawn from this
        page's CV in the brand's colours, with its caption and alt text, as :meth:`figure`
        shows a figure.

        ``label``: the Quarto label, by default the chart's own (``fig-timeline``).
        ``options`` go to the chart's ``draw`` (e.g. ``top=15``, ``compact=True``).
        ``floating`` may be a function of the drawn figure (e.g. float only a tall one).

        Raises
        ------
        KeyError
            When no chart is registered as ``name`` (the message lists those there are).
        """
        drawn = charts.draw(name, self.cv, brand=self.chart_brand, **options)
        self.figure(
            drawn.figure,
            label=label or charts.chart(name).label,
            caption=drawn.caption,
            alt=drawn.alt,
            width=width,
            heading=heading,
            floating=floating(drawn.figure) if callable(floating) else floating,
        )

    def chart_height(
        self,
        name: str,
        *,
        label: str | None = None,
        heading: str | None = None,
        floating: object = False,
        width: int = 820,
        **options: Any,
    ) -> int:
        """The height in pixels of the chart :meth:`chart` draws with the same arguments
        (the page's own are ignored); 0 when it has nothing to draw. A page places a tall
        chart elsewhere than a short one (``cv.qmd``'s timeline)."""
        fig = charts.draw(name, self.cv, brand=self.chart_brand, **options).figure
        return int(fig.layout.height or 450) if fig.data else 0

    def plot_html(self, fig: go.Figure, label: str, alt: str, deferred: bool = False) -> str:
        """The interactive chart as HTML (plotly.js from the site, once per page), in a
        box that names it for screen readers.

        ``deferred``: drawn once the page is shown, not while it is parsed. A dashboard
        hides the page until its layout is done, and plotly.js measures text while
        drawing (and keeps what it measured): drawn hidden, its legend's labels overlap.
        """
        script = ""
        if not self._plotly_loaded:
            src = esc_html(self._site_href(PLOTLY_JS))
            # With it, the script that reflows the charts on a phone (phone.js).
            script = f'<script src="{src}" charset="utf-8"></script><script>{PHONE_JS}</script>'
            self._plotly_loaded = True
        plot = fig.to_html(
            full_html=False,
            include_plotlyjs=False,
            include_mathjax=False,
            div_id=label.removeprefix("fig-") + "-plot",
            config=PLOT_CONFIG,
        )
        if deferred:
            # Listeners run in order: Quarto's dashboard script, which shows the page on
            # DOMContentLoaded, registered its own before this inline script runs.
            plot = re.sub(
                r"(<script[^>]*>)(.*?)(</script>)",
                r'\1document.addEventListener("DOMContentLoaded", function () {\2});\3',
                plot,
                flags=re.DOTALL,
            )
        box = f'<div class="cvdata-plot" role="img" aria-label="{esc_html(alt)}">'
        return f"{script}{box}{plot}</div>"


def setup(
    data_dir: str | os.PathLike[str] | None = None,
    *,
    as_of: str | None = None,
) -> Page:
    """Load the data and prepare the page for the format being rendered.

    In a static format (PDF) the charts' browser starts at once, in the background, when
    the page will likely draw a chart (:func:`cvdata.quarto.static.start_browser_if_needed`:
    not when a whole-project render draws them ahead, see :mod:`cvdata.quarto.prefetch`, nor
    when every chart of its last render is drawn already); else at the first chart that is
    not drawn already.

    Raises
    ------
    cvdata.ValidationError
        With every problem in the data; shown in a notebook as the report, not a traceback.
    """
    # Per execution, not from the environment a reused kernel keeps (Quarto's daemon).
    execution = current_execution()
    fmt = execution.format
    quarto = bool(
        execution.source == "comm"
        or env.get(env.EXECUTE_INFO)
        or env.get(env.DOCUMENT_PATH)
        or env.get(FORMAT_ENV)
    )
    cv = load(data_dir if data_dir is not None else execution.data_dir, as_of=as_of)
    root = (execution.project_root or find_project_root() or cv.data_dir.resolve().parent).resolve()
    document = execution.document
    if execution.by_quarto and document is not None and document.resolve().is_relative_to(root):
        # Which tables this page reads, so that the pre-render step re-runs it only when
        # one of them changes (cvdata.quarto.freeze).
        cv = track_reads(cv, root, document, fmt)
    # Every word the page writes, in the CV's language (meta.csv's language, words.json):
    # read after the tracking starts, so that a change of language re-runs every page.
    i18n.activate(cv)
    page = Page(
        cv=cv,
        format=fmt,
        brand=load_brand(root / "_brand.yml"),
        project_root=root,
        document=document,
        quarto=quarto,
    )
    if quarto and not page.is_html and document is not None and draws_static_figures(document):
        start_browser_if_needed(root / FIGURE_CACHE, document)
    return page


__all__ = ["Page", "drawn_items", "md_escape", "output_format", "setup", "typst_str"]
