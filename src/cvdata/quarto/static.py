"""Static figures for the PDF: SVG through kaleido, one browser per process, and the
figure cache (:data:`cvdata._paths.FIGURE_CACHE`) that the pre-render step's drawing ahead
(:mod:`cvdata.quarto.prefetch`) fills and the pages read.

A figure is named by what it draws (:func:`_figure_key`: its still spec, its size, the
versions of what draws it), so a name never means two images and an unchanged chart is
not drawn again by a later render.

In a page run by cvdata's engine, figures are drawn in the background
(:func:`drawing_in_background`): the page goes on while the browser starts and draws, and
is handed back to Quarto once every figure is written.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import contextlib
import functools
import hashlib
import importlib.metadata
import inspect
import json
import os
import re
import threading
import time
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import TypeVar
from xml.etree import ElementTree

import plotly.graph_objects as go

from .. import _plotlyjs, env
from .._files import write_whole
from .._paths import PREFETCH_ENV, prefetch_running

#: How long a page waits for a figure being drawn ahead before drawing it itself.
PREFETCH_WAIT = 120.0
T = TypeVar("T")

_browser: _Browser | None = None
# One export at a time: a page may draw from more than one thread.
_export_lock = threading.Lock()


def _one_page(base: type) -> type:
    """kaleido's ``Kaleido`` drawing every figure on the page it loaded once.

    kaleido 1.x reloads its tab (its page, plotly.js's 1.2 MB parsed again) after every
    figure, before the next may be drawn: here 0.1-0.25 s of each figure, on the path of
    a PDF's render. plotly.js's ``toImage`` draws each figure in a div of its own and
    removes it, as kaleido 0.2 drew every figure on one page; a figure is the same bytes
    whatever was drawn before it (tests/quarto/test_static_export.py). The tab goes back to
    kaleido's queue as it is. ``_return_kaleido_tab`` and ``tabs_ready`` are kaleido's own
    (private); where a kaleido version lacks them, it reloads as it does.
    """
    original = getattr(base, "_return_kaleido_tab", None)
    if not inspect.iscoroutinefunction(original):
        return base

    class _Kaleido(base):  # type: ignore[misc, valid-type]
        async def _return_kaleido_tab(self, tab: object) -> None:
            ready = getattr(self, "tabs_ready", None)
            if isinstance(ready, asyncio.Queue):
                await ready.put(tab)
            else:
                await original(self, tab)

    return _Kaleido


class _Browser:
    """kaleido (one Chromium) on an event loop of our own, in a daemon thread."""

    def __init__(self, **options: object) -> None:
        import kaleido

        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="cvdata-kaleido", daemon=True
        )
        self._thread.start()
        self._kaleido = _one_page(kaleido.Kaleido)(**options)
        self._run(self._kaleido.__aenter__())

    def _run(self, coro: Coroutine[object, object, T], timeout: float | None = None) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    def image(self, spec: dict, fmt: str, width: int, height: int, scale: float) -> bytes:
        opts = {"format": fmt, "width": width, "height": height, "scale": scale}
        return self._run(self._kaleido.calc_fig(spec, opts=opts))

    def close(self) -> None:
        try:
            self._run(self._kaleido.__aexit__(None, None, None), timeout=30)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=5)


def _start_browser() -> _Browser:
    """The one browser for this process, started on first use.

    ``mathjax=False``: kaleido's page would otherwise load MathJax from a CDN, a network
    request at render time (our figures use no LaTeX). plotly.js is the site's own, on
    disk: kaleido reloads its page after every figure, so a smaller bundle is faster.
    """
    global _browser
    with _export_lock:
        if _browser is None:
            _browser = _Browser(mathjax=False, plotlyjs=str(_plotlyjs.bundle()))
            atexit.register(_browser.close)
        return _browser


def start_browser_early() -> None:
    """Start the browser now, in the background: Chromium's start (1.3-1.9 s) then overlaps
    the imports, the validation and the building of the first figure, which waits for it.
    Where it fails, the first figure starts it again and reports what is wrong."""

    def start() -> None:
        with contextlib.suppress(Exception):
            _start_browser()

    threading.Thread(target=start, name="cvdata-browser-start", daemon=True).start()


#: What each document of this process took from the cache (its figures' names), in order.
_used: dict[Path, list[str]] = {}


def _used_file(cache: Path, document: Path) -> Path:
    """Where the names of the figures ``document`` used in its last render are kept."""
    name = hashlib.sha256(str(document.resolve()).encode("utf-8", "surrogateescape"))
    return cache / "used" / f"{name.hexdigest()[:16]}.json"


def start_browser_if_needed(cache: Path, document: Path) -> bool:
    """Start the browser now, in the background (:func:`start_browser_early`), when
    ``document`` (whose cells draw figures) will likely draw one: nothing draws them ahead
    for it, and a figure it used in its last render is not in ``cache`` (or it has not
    been rendered yet). After an edit that leaves the charts alone, every figure is taken
    from the cache and no browser is started. Returns whether it started one."""
    if _browser is not None or _prefetch_running(cache):
        return False
    try:
        used = json.loads(_used_file(cache, document).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        used = None
    if (
        isinstance(used, list)
        and used
        and all(
            isinstance(key, str) and key.isalnum() and (cache / f"{key}.svg").is_file()
            for key in used
        )
    ):
        return False
    start_browser_early()
    return True


def static_export(
    fig: go.Figure,
    path: Path,
    width: int,
    height: int,
    cache: Path | None = None,
    used_by: Path | None = None,
) -> None:
    """SVG through kaleido, reusing one browser for every figure of the process.

    SVG rather than PNG: vector charts print sharp at any size, their labels stay text in
    the PDF, and kaleido skips rasterising (about 40% less time per figure than a PNG at
    scale 2). With ``cache`` (a folder), a figure drawn before, by this render's pre-render
    step or by an earlier render, is taken from there instead of drawn again; ``used_by``
    (the document) notes its name there for the document's next render
    (:func:`start_browser_if_needed`).

    Within :func:`drawing_in_background`, the figure is drawn (or taken from the cache) in a
    thread of this process while the caller goes on, and ``path`` is written by the time
    :func:`wait_drawn` returns.
    """
    spec = _still(fig)  # now: the caller may change the figure after this call
    drawn = None
    if cache is not None:
        drawn = cache / f"{_figure_key(spec, width, height)}.svg"
        if used_by is not None:
            keys = _used.setdefault(used_by, [])
            if drawn.stem not in keys:
                keys.append(drawn.stem)
                write_whole(_used_file(cache, used_by), json.dumps(keys).encode("utf-8"))
    if _background:
        with _pending_lock:
            _pending.append((path, _drawer().submit(_draw, spec, path, width, height, drawn)))
    else:
        _draw(spec, path, width, height, drawn)


def _draw(spec: dict, path: Path, width: int, height: int, drawn: Path | None) -> None:
    """Write ``path``: the SVG from the cache (``drawn``), else drawn by the browser."""
    svg = _drawn_before(drawn) if drawn is not None else None
    if svg is None:
        browser = _start_browser()
        with _export_lock:
            svg = _stable_svg(browser.image(spec, "svg", width, height, 1))
        if drawn is not None:
            write_whole(drawn, svg)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(svg)


class DrawingError(RuntimeError):
    """A figure drawn in the background could not be drawn (:func:`wait_drawn`)."""


#: Drawing in the background (:func:`drawing_in_background`), and what is being drawn.
_background = False
_pending: list[tuple[Path, concurrent.futures.Future[None]]] = []
_pending_lock = threading.Lock()
_drawing: concurrent.futures.ThreadPoolExecutor | None = None


def _drawer() -> concurrent.futures.ThreadPoolExecutor:
    """The one thread that draws, in order: the browser draws one figure at a time."""
    global _drawing
    if _drawing is None:
        _drawing = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="cvdata-drawing")
    return _drawing


@contextlib.contextmanager
def drawing_in_background() -> Iterator[None]:
    """Within, :func:`static_export` returns before its figure is drawn: the page builds
    its next figure and writes the rest of its text while the browser starts and draws
    (two cores: the browser's and the page's). Leaving, it waits for every figure
    (:func:`wait_drawn`), so the figures are written before anything reads them; leaving
    on an error, it waits for none (the page failed).

    cvdata's runner runs a page's cells within (:mod:`cvdata.quarto.runner`), and so does
    the drawing ahead (:mod:`cvdata.quarto.prefetch`). A Jupyter kernel runs a page's
    cells one request at a time, with nothing of ours at the end, so there each figure is
    drawn before its call returns.

    Raises
    ------
    DrawingError
        Leaving, naming each figure that could not be drawn, and why.
    """
    global _background
    before, _background = _background, True
    try:
        yield
    except BaseException:
        with _pending_lock:
            _pending.clear()  # what is being drawn ends by itself; nobody reads it
        raise
    finally:
        _background = before
    wait_drawn()


def wait_drawn() -> None:
    """Wait for every figure :func:`static_export` is drawing in the background.

    Raises
    ------
    DrawingError
        Naming each figure that could not be drawn, and why.
    """
    with _pending_lock:
        pending = list(_pending)
        _pending.clear()
    failed = []
    for path, future in pending:
        try:
            future.result()
        except Exception as e:
            failed.append(f"{path.name}: {type(e).__name__}: {e}")
    if failed:
        raise DrawingError("; ".join(failed))


@functools.cache
def _drawn_by() -> list[str]:
    """What draws the static figures, once per process."""
    return [
        importlib.metadata.version("plotly"),
        importlib.metadata.version("kaleido"),
        str(_plotlyjs.bundle().stat().st_size),
        "c14n",  # the form the SVG is written in (_stable_svg)
    ]


def _figure_key(spec: dict, width: int, height: int) -> str:
    """A name for what a static figure draws: its spec, its size, and the versions of
    what draws it (plotly.js bundle, kaleido), so that a name never means two images."""
    from plotly.utils import PlotlyJSONEncoder

    text = json.dumps([spec, width, height, _drawn_by()], sort_keys=True, cls=PlotlyJSONEncoder)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _prefetch_running(cache: Path) -> bool:
    """Whether the pre-render step's process is still drawing this project's figures."""
    if env.get(PREFETCH_ENV):
        return False  # that process itself
    return prefetch_running(cache)


def _drawn_before(drawn: Path) -> bytes | None:
    """The figure's SVG when it was drawn before; while the pre-render step is drawing
    figures, waits for it (it draws each at most once)."""
    deadline = time.monotonic() + PREFETCH_WAIT
    while True:
        if drawn.is_file():
            with contextlib.suppress(OSError):
                os.utime(drawn)  # in use: the pre-render step keeps recent ones
            return drawn.read_bytes()
        if not _prefetch_running(drawn.parent) or time.monotonic() > deadline:
            return drawn.read_bytes() if drawn.is_file() else None
        time.sleep(0.03)


def _stable_svg(svg: bytes) -> bytes:
    """The same figure as the same file on every render, whatever was drawn before it.

    plotly.js names the SVG's clip paths and patterns after a random id per drawing: one
    fixed name here. And it sets some attributes in another order when the page drew a
    figure before (a legend's box: its size before or after its style), so the SVG is
    written in its canonical form (C14N 2.0: attributes sorted, one way to write each
    element), which draws the same picture. What is not well-formed XML (plotly.js writes a
    control character of a label as it is; the data's validation refuses those) is written
    as it came."""
    text = svg.decode("utf-8")
    found = re.search(r'<defs id="defs-(\w+)"', text)
    if found:
        text = re.sub(rf'((?:id="|#)[\w-]*?){found[1]}', r"\1cvdata", text)
    try:
        return ElementTree.canonicalize(text).encode("utf-8")
    except ElementTree.ParseError:  # not XML (a control character in a label): as it came
        return text.encode("utf-8")


def _still(fig: go.Figure) -> dict:
    """The figure without what only hovering shows: a still image has no hover, and the
    hover text (e.g. every shared paper's title) can be most of the figure's JSON."""
    spec = fig.to_dict()
    for i, trace in enumerate(spec.get("data", [])):
        trace.setdefault("uid", f"trace{i}")  # not random: the same figure, the same file
        for key in ("hovertext", "hovertemplate"):
            trace.pop(key, None)
        if "texttemplate" not in trace:  # customdata may feed visible text
            trace.pop("customdata", None)
        trace["hoverinfo"] = "skip"
    return spec
