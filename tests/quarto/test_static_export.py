"""Static figures for the PDF: one kaleido browser per kernel, offline, started early."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
import textwrap
import threading
from pathlib import Path
from xml.etree import ElementTree

import plotly.graph_objects as go
import pytest
from conftest import DATA_DIR

from cvdata import _plotlyjs, page
from cvdata._files import write_whole
from cvdata.quarto import static


def test_kaleido_is_started_without_mathjax_from_a_cdn(monkeypatch) -> None:
    # kaleido's default page loads MathJax from cdnjs: a request at render time.
    calls: list[dict] = []

    class Recorder:
        def __init__(self, **options: object) -> None:
            calls.append(options)

        def close(self) -> None:
            pass

    monkeypatch.setattr(static, "_Browser", Recorder)
    monkeypatch.setattr(static, "_browser", None)
    static._start_browser()
    static._start_browser()  # once per process
    # and plotly.js from disk: the site's own bundle (see cvdata._plotlyjs)
    assert calls == [{"mathjax": False, "plotlyjs": str(_plotlyjs.bundle())}]


def test_the_tab_goes_back_to_kaleidos_queue_without_a_reload() -> None:
    reloaded: list[object] = []

    class Base:
        def __init__(self) -> None:
            self.tabs_ready: asyncio.Queue = asyncio.Queue()

        async def _return_kaleido_tab(self, tab: object) -> None:
            reloaded.append(tab)

    async def scenario() -> object:
        k = static._one_page(Base)()
        await k._return_kaleido_tab("tab-1")
        return k.tabs_ready.get_nowait()

    assert asyncio.run(scenario()) == "tab-1" and reloaded == []


def test_a_kaleido_without_that_step_is_used_as_it_is() -> None:
    class Other:
        pass

    assert static._one_page(Other) is Other


def test_a_figure_is_the_same_svg_whatever_the_browser_drew_before(tmp_path) -> None:
    # Every figure on one page (no reload): what was drawn before leaves nothing behind.
    bars = go.Figure(go.Bar(x=["a", "b"], y=[3, 1]), layout={"title": {"text": "Bars"}})
    scatter = go.Figure(
        go.Scatter(x=[1, 2, 3], y=[2, 1, 3], mode="markers+text", text=["x", "y", "z"])
    )
    options = {"mathjax": False, "plotlyjs": str(_plotlyjs.bundle())}

    def draw(*figures: go.Figure) -> list[bytes]:
        browser = static._Browser(**options)
        try:
            return [
                static._stable_svg(browser.image(static._still(f), "svg", 500, 300, 1))
                for f in figures
            ]
        finally:
            browser.close()

    after_others = draw(bars, scatter, bars)
    assert after_others[2] == after_others[0]
    assert draw(scatter) == [after_others[1]]


def _svg_size(path: Path) -> tuple[str, str, str]:
    root = ElementTree.parse(path).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    return root.get("width"), root.get("height"), root.get("viewBox")


def test_typst_page_starts_the_browser_for_its_first_chart_and_exports_svgs(tmp_path) -> None:
    # In a fresh interpreter, as a kernel would be: setup() starts no browser (the charts
    # may all be drawn already); the first chart drawn starts it, as an SVG of its size.
    script = textwrap.dedent(
        f"""
        import json, os, sys
        from pathlib import Path
        import plotly.graph_objects as go
        from cvdata import _plotlyjs, page
        from cvdata.quarto import static
        os.chdir({str(tmp_path)!r})
        os.environ["CVDATA_FORMAT"] = "typst"
        p = page.setup({str(DATA_DIR)!r}, as_of="2026-11-26")
        p.project_root = Path({str(tmp_path)!r})  # a figure cache of its own: cold
        before = static._browser is not None
        p.figure(go.Figure(go.Bar(y=[3, 1, 2])), label="fig-x", caption="c", alt="a", width=400)
        print(json.dumps({{"before": before, "after": static._browser is not None}}))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=240, check=False
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert json.loads(lines[-1]) == {"before": False, "after": True}
    assert any(line.startswith("#figure(image(") for line in lines)
    svg = tmp_path / "_figures" / "figure" / "fig-x.svg"
    assert _svg_size(svg) == ("400", "450", "0 0 400 450")  # 450: plotly's default height


def test_a_page_whose_charts_are_drawn_already_starts_no_browser(
    monkeypatch, tmp_path, capsys
) -> None:
    monkeypatch.setenv(page.FORMAT_ENV, "typst")
    monkeypatch.chdir(tmp_path)
    p = page.setup(DATA_DIR, as_of="2026-11-26")
    p.project_root = tmp_path
    fig = go.Figure(go.Bar(y=[3, 1, 2]))
    spec = static._still(fig)
    drawn = tmp_path / page.FIGURE_CACHE / f"{static._figure_key(spec, 820, 450)}.svg"
    write_whole(drawn, b"<svg>drawn before</svg>")

    def no_browser() -> None:
        raise AssertionError("a browser was started")

    monkeypatch.setattr(static, "_start_browser", no_browser)
    p._typst_ready = True
    p.figure(fig, label="fig-x", caption="c", alt="a")
    assert "#figure(image(" in capsys.readouterr().out
    assert (
        tmp_path / "_figures" / "figure" / "fig-x.svg"
    ).read_bytes() == b"<svg>drawn before</svg>"


class _HeldBrowser:
    """Draws when let go; a width in ``fail`` cannot be drawn."""

    def __init__(self, fail: tuple[int, ...] = ()) -> None:
        self.go, self.fail, self.drawn = threading.Event(), fail, []

    def image(self, spec: dict, fmt: str, width: int, height: int, scale: float) -> bytes:
        assert self.go.wait(30)
        if width in self.fail:
            raise RuntimeError(f"no {width}")
        self.drawn.append(width)
        return f'<svg width="{width}"></svg>'.encode()  # written as it is (canonical)


def test_in_the_background_the_page_goes_on_while_its_figures_are_drawn(
    monkeypatch, tmp_path
) -> None:
    browser = _HeldBrowser()
    monkeypatch.setattr(static, "_start_browser", lambda: browser)
    fig = go.Figure(go.Bar(y=[3, 1, 2]))
    a, b = tmp_path / "a.svg", tmp_path / "b.svg"
    with static.drawing_in_background():
        static.static_export(fig, a, 300, 200)
        static.static_export(fig, b, 400, 200)  # returns: the first is not drawn yet
        assert not a.exists() and not b.exists()
        browser.go.set()
    # Leaving waits for both, drawn one at a time in the order asked.
    assert browser.drawn == [300, 400]
    assert (
        a.read_bytes() == b'<svg width="300"></svg>'
        and b.read_bytes() == b'<svg width="400"></svg>'
    )
    # Outside, a figure is drawn before its call returns (a Jupyter kernel's page).
    static.static_export(fig, tmp_path / "c.svg", 500, 200)
    assert (tmp_path / "c.svg").read_bytes() == b'<svg width="500"></svg>'


def test_a_figure_that_could_not_be_drawn_is_named_on_leaving(monkeypatch, tmp_path) -> None:
    browser = _HeldBrowser(fail=(400,))
    browser.go.set()
    monkeypatch.setattr(static, "_start_browser", lambda: browser)
    fig = go.Figure(go.Bar(y=[3, 1, 2]))
    with (
        pytest.raises(static.DrawingError, match=r"^b\.svg: RuntimeError: no 400$"),
        static.drawing_in_background(),
    ):
        static.static_export(fig, tmp_path / "b.svg", 400, 200)
        static.static_export(fig, tmp_path / "a.svg", 300, 200)
    assert (tmp_path / "a.svg").is_file() and not (tmp_path / "b.svg").exists()
    static.wait_drawn()  # nothing is left for a later wait


def test_leaving_on_an_error_waits_for_no_figure(monkeypatch, tmp_path) -> None:
    browser = _HeldBrowser()
    monkeypatch.setattr(static, "_start_browser", lambda: browser)
    with pytest.raises(ValueError, match="the page failed"), static.drawing_in_background():
        static.static_export(go.Figure(go.Bar(y=[1])), tmp_path / "a.svg", 300, 200)
        raise ValueError("the page failed")
    assert not static._background
    static.wait_drawn()  # returns at once: the figure is not waited for
    browser.go.set()


def _typst_figure(monkeypatch, tmp_path: Path, capsys, fig) -> str:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(page, "static_export", lambda *a: None)  # the image is not needed
    p = page.Page(cv=None, format="typst", brand=None, project_root=tmp_path, _typst_ready=True)
    p.figure(fig, label="fig-x", caption="c", alt="a")
    return capsys.readouterr().out


def test_tall_figures_take_a_share_of_the_page_height(monkeypatch, tmp_path, capsys) -> None:
    wide = go.Figure(go.Bar(y=[1]), layout={"height": 800})  # 820 wide: full width
    tall = go.Figure(go.Bar(y=[1]), layout={"height": 1136})
    assert 'image("_figures/figure/fig-x.svg", width: 100%,' in _typst_figure(
        monkeypatch, tmp_path, capsys, wide
    )
    out = _typst_figure(monkeypatch, tmp_path, capsys, tall)
    assert f'image("_figures/figure/fig-x.svg", height: {page.TALL_FIGURE_HEIGHT},' in out


def test_a_tall_figure_fits_under_its_heading_on_the_first_page(tmp_path) -> None:
    # What went wrong at 5,000 papers: the timeline (820 x 1136) at full width did not fit
    # under the name and heading, so page 1 held the name, page 2 the heading alone.
    import typst

    from cvdata.document import TYPST_PREAMBLE

    (tmp_path / "tall.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="820" height="1136" '
        'viewBox="0 0 820 1136"><rect width="820" height="1136" fill="#ccc"/></svg>'
    )
    body = (
        '#set page(paper: "a4", margin: (x: 1.6cm, y: 1.5cm))\n'
        f"{TYPST_PREAMBLE}\n"
        '#align(center, text(size: 22pt, weight: "bold")[Name])\n#v(3cm)\n'
        "= Career at a glance\n"
        f'#figure(image("tall.svg", height: {page.TALL_FIGURE_HEIGHT}), caption: [{"c " * 80}])\n'
    )
    (tmp_path / "doc.typ").write_text(body, encoding="utf-8")
    pdf = tmp_path / "doc.pdf"
    typst.compile(str(tmp_path / "doc.typ"), output=str(pdf), font_paths=["/usr/share/fonts"])
    pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    assert re.search(r"^Pages:\s+1$", pages.stdout, re.M), pages.stdout


def test_still_figures_drop_only_what_hovering_shows() -> None:
    fig = go.Figure(
        go.Bar(
            x=[1, 2],
            y=["a", "b"],
            text=["1", "2"],
            hovertext=["long title one", "long title two"],
            hovertemplate="%{hovertext}<extra></extra>",
            customdata=[["x"], ["y"]],
            orientation="h",
        )
    )
    fig.add_trace(go.Scatter(x=[1], y=["a"], texttemplate="%{customdata}", customdata=["z"]))
    bar, scatter = static._still(fig)["data"]
    assert "hovertext" not in bar and "hovertemplate" not in bar and "customdata" not in bar
    assert bar["text"] == ("1", "2") or list(bar["text"]) == ["1", "2"]  # drawn text stays
    assert bar["hoverinfo"] == "skip"
    assert list(scatter["customdata"]) == ["z"]  # it feeds visible text here


def test_still_figure_draws_the_same_picture_as_the_whole_figure(cv) -> None:
    # The hover-free figure is what we send to kaleido; the picture must not change.
    from chart_helpers import all_figures

    fig, _ = all_figures(cv)["coauthors"]  # the one with the most hover text
    height = int(fig.layout.height or 450)
    browser = static._start_browser()
    with static._export_lock:
        ours = browser.image(static._still(fig), "png", 820, height, 1)
        whole = browser.image(fig.to_dict(), "png", 820, height, 1)
    assert ours[:8] == b"\x89PNG\r\n\x1a\n"
    assert ours == whole


def test_the_same_figure_is_the_same_svg_file_on_every_render(tmp_path, cv) -> None:
    # plotly.js draws clip paths and patterns with random ids; the file must not change
    # from one render to the next (the timeline has both: clipped panels, hatched bars).
    from chart_helpers import all_figures

    fig, _ = all_figures(cv)["timeline"]
    first, second = tmp_path / "first.svg", tmp_path / "second.svg"
    for path in (first, second):
        static.static_export(fig, path, 820, int(fig.layout.height or 450))
    text = first.read_text(encoding="utf-8")
    assert 'id="defs-cvdata"' in text and "url(#clipcvdata" in text and "url('#pcvdata-" in text
    assert first.read_bytes() == second.read_bytes()


def test_stable_svg_renames_only_the_drawing_id() -> None:
    svg = (
        b'<svg><defs id="defs-a1b2c3"><clipPath id="clipa1b2c3xy"/>'
        b'<pattern id="pa1b2c3-legend-trace0"/></defs>'
        b'<g clip-path="url(#clipa1b2c3xy)" style="fill: url(\'#pa1b2c3-legend-trace0\')">'
        b"<text>a1b2c3</text></g></svg>"
    )
    assert static._stable_svg(svg) == (
        b'<svg><defs id="defs-cvdata"><clipPath id="clipcvdataxy"></clipPath>'
        b'<pattern id="pcvdata-legend-trace0"></pattern></defs>'
        b'<g clip-path="url(#clipcvdataxy)" style="fill: url(\'#pcvdata-legend-trace0\')">'
        b"<text>a1b2c3</text></g></svg>"
    )


def test_stable_svg_keeps_what_is_not_xml_as_it_came() -> None:
    # Chromium writes a label's control character as it is: not XML, so not canonical.
    svg = b'<svg><defs id="defs-a1"></defs><text x="1" id="a1">a\x01b</text></svg>'
    assert static._stable_svg(svg) == svg.replace(b"a1", b"cvdata")


def test_stable_svg_writes_attributes_in_one_order() -> None:
    # plotly.js sets a legend box's size before or after its style, depending on what the
    # page drew before: the same picture, one file.
    a = b'<svg><rect class="bg" style="fill: red;" width="4" height="5"/></svg>'
    b = b'<svg><rect class="bg" width="4" height="5" style="fill: red;"/></svg>'
    assert (
        static._stable_svg(a)
        == static._stable_svg(b)
        == (b'<svg><rect class="bg" height="5" style="fill: red;" width="4"></rect></svg>')
    )
