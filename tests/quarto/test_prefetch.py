"""The PDF's charts drawn ahead by the pre-render step (cvdata.quarto.prefetch) and the
figure cache the pages read them from (cvdata.quarto.static)."""

from __future__ import annotations

import fcntl
import json
import os
import re
import threading
import time
from pathlib import Path

import plotly.graph_objects as go
import pytest
from conftest import PROJECT, copy_project, render, render_site

from cvdata import page
from cvdata._files import write_whole
from cvdata._paths import PREFETCH_LOCK
from cvdata.quarto import prefetch, prerender, static


def test_the_cells_of_a_document_are_its_python_code_blocks() -> None:
    text = "---\ntitle: x\n---\n\n```{python}\n#| output: asis\na = 1\n```\n\ntext\n\n" + (
        "```{python}\nb = a + 1\nprint(b)\n```\n\n```{r}\nno\n```\n"
    )
    assert prefetch.code_cells(text) == ["#| output: asis\na = 1\n", "b = a + 1\nprint(b)\n"]


def test_only_documents_with_a_typst_format_and_figures_are_drawn_ahead() -> None:
    assert prefetch.draws_static_figures(PROJECT / "cv.qmd")
    assert not prefetch.draws_static_figures(PROJECT / "index.qmd")  # HTML only
    assert not prefetch.draws_static_figures(PROJECT / "resume.qmd")  # Typst, no chart
    assert not prefetch.draws_static_figures(PROJECT / "notebooks" / "skills.py")
    assert not prefetch.draws_static_figures(PROJECT / "missing.qmd")


def _fig(n: int = 3) -> go.Figure:
    return go.Figure(go.Bar(x=list(range(n)), y=list(range(n)), hovertext=["h"] * n))


def test_a_figure_drawn_before_is_not_drawn_again(tmp_path: Path, monkeypatch) -> None:
    cache = tmp_path / "cache"
    static.static_export(_fig(), tmp_path / "a.svg", 400, 300, cache)
    [drawn] = cache.glob("*.svg")
    assert (tmp_path / "a.svg").read_bytes() == drawn.read_bytes()
    assert drawn.read_bytes().startswith(b"<svg")

    def no_browser() -> None:
        raise AssertionError("the browser was started for a figure drawn before")

    monkeypatch.setattr(static, "_start_browser", no_browser)
    static.static_export(_fig(), tmp_path / "b.svg", 400, 300, cache)
    assert (tmp_path / "b.svg").read_bytes() == drawn.read_bytes()
    # Another figure, or the same at another size, is another image.
    with pytest.raises(AssertionError, match="browser was started"):
        static.static_export(_fig(4), tmp_path / "c.svg", 400, 300, cache)
    with pytest.raises(AssertionError, match="browser was started"):
        static.static_export(_fig(), tmp_path / "d.svg", 401, 300, cache)


def test_the_name_of_a_figure_ignores_what_a_still_image_does_not_show() -> None:
    a, b = _fig(), _fig()
    b.data[0].hovertext = ["another hover"] * 3
    key = static._figure_key
    assert key(static._still(a), 820, 450) == key(static._still(b), 820, 450)
    assert key(static._still(a), 820, 450) != key(static._still(_fig(4)), 820, 450)


def _hold_lock(cache: Path) -> int:
    cache.mkdir(parents=True, exist_ok=True)
    fd = os.open(cache / PREFETCH_LOCK, os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def test_a_page_waits_for_a_figure_being_drawn_ahead(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    fd = _hold_lock(cache)
    drawn = cache / "x.svg"

    def draw() -> None:
        time.sleep(0.4)
        write_whole(drawn, b"<svg>ahead</svg>")

    threading.Thread(target=draw).start()
    began = time.monotonic()
    assert static._prefetch_running(cache)
    assert static._drawn_before(drawn) == b"<svg>ahead</svg>"
    assert time.monotonic() - began >= 0.3
    # The drawing ends without this figure (it failed, or drew another): no more waiting.
    threading.Timer(0.3, os.close, (fd,)).start()
    began = time.monotonic()
    assert static._drawn_before(cache / "other.svg") is None
    assert 0.2 <= time.monotonic() - began < 5
    assert not static._prefetch_running(cache)


def test_the_cache_keeps_the_most_recently_used_figures(tmp_path: Path) -> None:
    for i in range(5):
        (tmp_path / f"{i}.svg").write_text("<svg/>")
        os.utime(tmp_path / f"{i}.svg", (1000 + i, 1000 + i))
    prefetch.prune(tmp_path, keep=2)
    assert sorted(p.name for p in tmp_path.glob("*.svg")) == ["3.svg", "4.svg"]


def _cache_and_figures(project: Path) -> tuple[dict[bytes, str], dict[bytes, str]]:
    cache = {p.read_bytes(): p.name for p in (project / page.FIGURE_CACHE).glob("*.svg")}
    used = {p.read_bytes(): p.name for p in (project / page.FIGURE_DIR / "cv").glob("*.svg")}
    return cache, used


@pytest.mark.render
def test_the_whole_render_takes_the_pdf_charts_drawn_ahead(tmp_path: Path) -> None:
    # A project of its own: the session's rendered site is rendered again by other tests,
    # with other data, which leaves other charts in its cache.
    project = render_site(tmp_path / "project").project
    cache, used = _cache_and_figures(project)
    # Every chart of the PDF came from the cache, and the page drew none of its own (it
    # would have added an image of another name).
    assert len(used) == 3 and cache.keys() == used.keys()
    log = (project / page.FIGURE_CACHE / prefetch.LOG).read_text()
    # The drawing's own line: its time, not a failure (kaleido's browser may log noise of
    # its own while it closes, after the charts are drawn).
    assert re.search(r"^prefetch: cv\.qmd: [\d.]+ s$", log, re.M), log
    # The post-render step waited for it: nothing holds the lock after the render.
    assert not static._prefetch_running(project / page.FIGURE_CACHE)


@pytest.mark.render
def test_the_pdf_alone_is_the_same_with_and_without_drawing_ahead(tmp_path: Path) -> None:
    # "0": drawn ahead (switched on); "1": never; unset: a render of some files (this one)
    # draws nothing ahead, and the page starts its browser at once.
    images = []
    for off in ("0", "1", None):
        project = copy_project(tmp_path / f"off-{off}")
        switch = {prefetch.OFF_ENV: off} if off else {}
        done = render(project, "cv.qmd", "--to", "typst", env=switch)
        assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
        cache, used = _cache_and_figures(project)
        assert len(used) == 3 and cache.keys() == used.keys()
        drawn_ahead = (project / page.FIGURE_CACHE / prefetch.LOG).is_file()
        assert drawn_ahead == (off == "0")
        images.append(sorted(used))
    assert images[0] == images[1] == images[2]  # the same charts, byte for byte


@pytest.mark.render
def test_a_drawing_that_fails_costs_nothing_but_time(tmp_path: Path) -> None:
    # The cells fail in the process that draws ahead (and only there): the page draws
    # every chart itself and the render succeeds.
    project = copy_project(tmp_path / "project")
    cv = project / "cv.qmd"
    text = cv.read_text(encoding="utf-8")
    broken = "```{python}\nimport os\n\nif os.environ.get('CVDATA_PREFETCH'):\n"
    broken += "    raise RuntimeError('broken ahead')\n```\n\n"
    cv.write_text(text.replace("```{python}", broken + "```{python}", 1), encoding="utf-8")
    done = render(project, "cv.qmd", "--to", "typst", env={prefetch.OFF_ENV: "0"})
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    log = (project / page.FIGURE_CACHE / prefetch.LOG).read_text()
    assert "RuntimeError: broken ahead" in log
    cache, used = _cache_and_figures(project)
    assert len(used) == 3 and cache.keys() == used.keys()


def test_the_drawing_starts_before_the_data_is_validated(tmp_path: Path, monkeypatch) -> None:
    # Where the PDF's pass will run whatever the data says (a render of cv.qmd alone, with
    # the drawing ahead switched on), the drawing overlaps the pre-render step's
    # validation; for data that does not validate the render stops there anyway.
    project = copy_project(tmp_path / "project")
    order: list[str] = []
    monkeypatch.setattr(prefetch, "start", lambda p, docs: order.append(f"start {docs}"))
    real_check = prerender.check
    monkeypatch.setattr(prerender, "check", lambda *a: order.append("check") or real_check(*a))
    monkeypatch.setenv("QUARTO_PROJECT_INPUT_FILES", "cv.qmd")
    monkeypatch.delenv("QUARTO_PROJECT_RENDER_ALL", raising=False)
    monkeypatch.setenv(prefetch.OFF_ENV, "0")
    monkeypatch.setenv("CVDATA_AS_OF", "2026-11-26")
    assert prerender.main(project) == 0
    assert order[:2] == ["start ['cv.qmd']", "check"]
    # By default a render of some files draws nothing ahead: the page draws its own.
    order.clear()
    monkeypatch.delenv(prefetch.OFF_ENV)
    assert prerender.main(project) == 0
    assert order == ["check"]
    # A whole render with a frozen PDF pass: drawn only once the data says it runs again.
    order.clear()
    monkeypatch.setenv("QUARTO_PROJECT_RENDER_ALL", "1")
    frozen = project / "_freeze" / "cv" / "execute-results"
    frozen.mkdir(parents=True)
    (frozen / "typ.json").write_text("{}")
    assert prerender.main(project) == 0
    assert order == ["start []", "check", "start []"]  # the data as frozen: nothing to draw
    order.clear()
    talks = project / "data" / "talks.csv"
    talks.write_text(talks.read_text(encoding="utf-8").replace("Panel Discussion", "Panel"))
    assert prerender.main(project) == 0
    assert order == ["start []", "check", "start ['cv.qmd']"]  # its data changed: it runs


def test_the_drawing_starts_its_browser_before_its_cells(tmp_path: Path, monkeypatch) -> None:
    # Chromium's start (1.3-1.9 s) overlaps the imports, the data and the first figure:
    # the browser is asked for before the first cell runs, and starts in another thread.
    order: list[str] = []
    threads: list[str] = []
    started = threading.Event()

    def start() -> None:
        threads.append(threading.current_thread().name)
        started.set()

    monkeypatch.setattr(static, "_start_browser", start)
    real_early = static.start_browser_early
    monkeypatch.setattr(
        static, "start_browser_early", lambda: order.append("browser") or real_early()
    )
    monkeypatch.setattr(prefetch, "run", lambda project, doc: order.append(f"run {doc.name}"))
    monkeypatch.delenv(prefetch.LOCK_FD_ENV, raising=False)
    assert prefetch.main([str(tmp_path), "cv.qmd", "resume.qmd"]) == 0
    assert order == ["browser", "run cv.qmd", "run resume.qmd"]
    assert started.wait(5) and threads == ["cvdata-browser-start"]


def test_a_browser_that_cannot_start_early_is_started_by_the_first_figure(
    tmp_path: Path, monkeypatch
) -> None:
    # The early start swallows its failure: the first figure starts the browser again and
    # reports what is wrong there.
    calls: list[int] = []

    def failing() -> None:
        calls.append(1)
        raise RuntimeError("no Chromium")

    monkeypatch.setattr(static, "_start_browser", failing)
    static.start_browser_early()
    deadline = time.monotonic() + 5
    while not calls and time.monotonic() < deadline:
        time.sleep(0.01)
    assert calls == [1]
    with pytest.raises(RuntimeError, match="no Chromium"):  # the figure says what is wrong
        static.static_export(_fig(), tmp_path / "a.svg", 400, 300)
    assert calls == [1, 1]


def test_only_a_whole_project_render_draws_ahead_unless_switched(monkeypatch) -> None:
    from cvdata.quarto import fastpath

    for render_all, switch, wanted in [
        ("1", None, True),  # the other pages overlap the drawing
        (None, None, False),  # `quarto render cv.qmd --to typst`: the page draws its own
        ("1", "1", False),
        (None, "0", True),
        ("1", "0", True),
    ]:
        for name, value in (("QUARTO_PROJECT_RENDER_ALL", render_all), (prefetch.OFF_ENV, switch)):
            if value is None:
                monkeypatch.delenv(name, raising=False)
            else:
                monkeypatch.setenv(name, value)
        assert fastpath.drawing_ahead_wanted() is wanted, (render_all, switch)


def test_a_page_starts_its_browser_at_once_only_when_it_will_draw(
    tmp_path: Path, monkeypatch
) -> None:
    started: list[int] = []
    monkeypatch.setattr(static, "start_browser_early", lambda: started.append(1))
    real = static._browser  # the exports below draw with this process's browser
    monkeypatch.setattr(static, "_browser", None)
    monkeypatch.setattr(static, "_used", {})
    cache = tmp_path / "cache"
    cv = copy_project(tmp_path / "project") / "cv.qmd"
    # Never rendered: its charts will be drawn.
    assert static.start_browser_if_needed(cache, cv) and started == [1]
    # The figures it takes are noted, in order, for its next render.
    monkeypatch.setattr(static, "_browser", real)
    for n in (3, 4):
        static.static_export(_fig(n), tmp_path / f"{n}.svg", 400, 300, cache, used_by=cv)
    static.static_export(_fig(3), tmp_path / "3.svg", 400, 300, cache, used_by=cv)
    used = json.loads(static._used_file(cache, cv).read_text())
    assert used == [static._figure_key(static._still(_fig(n)), 400, 300) for n in (3, 4)]
    monkeypatch.setattr(static, "_browser", None)  # as in the next render's process
    # Every chart of its last render is drawn already: no browser (an edit of a talk).
    assert not static.start_browser_if_needed(cache, cv)
    # One of them is gone (pruned, or the data changed what it draws): it starts one.
    (cache / f"{used[1]}.svg").unlink()
    assert static.start_browser_if_needed(cache, cv) and started == [1, 1]
    # Something else than a list of names: as if never rendered.
    static._used_file(cache, cv).write_text('{"../x": 1}')
    assert static.start_browser_if_needed(cache, cv)
    # While the drawing ahead runs, it draws them: the page starts none.
    monkeypatch.setattr(static, "_prefetch_running", lambda c: True)
    assert not static.start_browser_if_needed(cache, cv)
