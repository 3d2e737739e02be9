"""cvdata's engine and the warm kernels in real renders: the PDF's charts are the same bytes
through the engine and through Jupyter, with and without forked processes; pages rendered
by forked runs or kernels share nothing; a render whose server is not running gets plain
ones and passes."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import PROJECT, copy_project, render

from cvdata import env
from cvdata.quarto import kernel_launcher, kernels

pytestmark = [
    pytest.mark.render,
    pytest.mark.skipif(not kernel_launcher.supported(), reason="Linux only"),
]


def _forked(project: Path) -> list[str]:
    """The documents the project's fork server forked a kernel for (its log)."""
    log = project / kernels.LOG
    text = log.read_text(encoding="utf-8") if log.is_file() else ""
    return re.findall(r"(?:kernel|runner) \d+ for (\S+)", text)


#: How a page runs: cvdata's engine or Quarto's Jupyter engine, forked or plain (each named
#: outright: the suite itself may run with either switched); the line Quarto's log shows
#: as it starts.
WAYS = {
    "engine": ({env.ENGINE: "", env.WARM_KERNELS: "1"}, "Starting cvdata runner"),
    "engine-plain": ({env.ENGINE: "", env.WARM_KERNELS: "0"}, "Starting cvdata runner"),
    "jupyter": ({env.ENGINE: "jupyter", env.WARM_KERNELS: "1"}, "Starting cvdata kernel"),
    "jupyter-plain": ({env.ENGINE: "jupyter", env.WARM_KERNELS: "0"}, "Starting cvdata kernel"),
}


def test_the_pdfs_charts_are_the_same_bytes_through_either_engine_forked_or_not(
    tmp_path,
) -> None:
    charts: dict[str, dict[str, bytes]] = {}
    for way, (extra, started) in WAYS.items():
        project = copy_project(tmp_path / way)
        # The page's own run draws every chart (not the drawing ahead).
        done = render(project, "cv.qmd", "--to", "typst", env={env.NO_PREFETCH: "1", **extra})
        assert done.returncode == 0, (done.stdout + done.stderr)[-5000:]
        assert started in done.stdout + done.stderr
        assert _forked(project) == ([] if way.endswith("plain") else ["cv.qmd"])
        figures = project / "_figures" / "cv"
        charts[way] = {p.name: p.read_bytes() for p in sorted(figures.iterdir())}
        assert (project / "_site" / "cv.pdf").is_file()
    assert len(charts["engine"]) >= 2 and any(n.endswith(".svg") for n in charts["engine"])
    for way in WAYS:
        assert charts[way].keys() == charts["engine"].keys(), way
        for name in charts["engine"]:
            assert charts[way][name] == charts["engine"][name], (way, name)


_PAGE = """---
title: "{name}"
jupyter: cvdata
---

```{{python}}
#| echo: false
import json, os
import cvdata

info = json.load(open(os.environ["QUARTO_EXECUTE_INFO"]))
seen = getattr(cvdata, "h30_mark", "nothing")
cvdata.h30_mark = "{name}"
doc = os.path.basename(info["document-path"])
print(f"PAGE {name} SAW {{seen}} PID {{os.getpid()}} DOC {{doc}}")
```
"""


def _pages_project(folder: Path, *, steps: bool, engine: bool = False) -> Path:
    """Two pages that leave a mark in a module the server imported (cvdata) and print
    what they found; with ``steps``, pre- and post-render steps that start and stop the
    fork server as the project's do; with ``engine``, cvdata's engine extension."""
    folder.mkdir(parents=True)
    if engine:
        shutil.copytree(PROJECT / "_extensions", folder / "_extensions")
    quarto = "project:\n  type: default\n"
    if steps:
        quarto += "  pre-render: start.py\n  post-render: stop.py\n"
        start = "import os\nfrom pathlib import Path\nfrom cvdata.quarto import kernels\n"
        (folder / "start.py").write_text(start + "kernels.start(Path.cwd(), os.getppid())\n")
        (folder / "stop.py").write_text(start + "kernels.stop(Path.cwd())\n")
    (folder / "_quarto.yml").write_text(quarto + "format: gfm\n", encoding="utf-8")
    for name in ("a", "b"):
        (folder / f"{name}.qmd").write_text(_PAGE.format(name=name), encoding="utf-8")
    return folder


def _seen(project: Path) -> dict[str, tuple[str, str, str]]:
    out = {}
    for name in ("a", "b"):
        text = (project / f"{name}.md").read_text(encoding="utf-8")
        m = re.search(r"PAGE (\w) SAW (\w+) PID (\d+) DOC (\S+)", text)
        assert m, text
        out[name] = (m[2], m[3], m[4])
    return out


@pytest.mark.parametrize("engine", [True, False], ids=["engine", "jupyter"])
def test_pages_rendered_by_forked_runs_share_no_state_and_see_their_own_execute_info(
    tmp_path, engine: bool
) -> None:
    project = _pages_project(tmp_path / "pages", steps=True, engine=engine)
    done = render(project, env=(WAYS["engine"] if engine else WAYS["jupyter"])[0])
    assert done.returncode == 0, (done.stdout + done.stderr)[-5000:]
    said = "Starting cvdata runner" if engine else "Starting cvdata kernel"
    assert said in done.stdout + done.stderr
    assert sorted(_forked(project)) == ["a.qmd", "b.qmd"]  # both forked from the server
    seen = _seen(project)
    assert seen["a"][0] == seen["b"][0] == "nothing"  # b never sees a's mark
    assert seen["a"][1] != seen["b"][1]
    assert (seen["a"][2], seen["b"][2]) == ("a.qmd", "b.qmd")
    assert not kernels.running(project)  # the post-render step stopped it


@pytest.mark.parametrize("engine", [True, False], ids=["engine", "jupyter"])
def test_without_a_running_server_the_pages_run_plain_and_render(tmp_path, engine: bool) -> None:
    project = _pages_project(tmp_path / "pages", steps=False, engine=engine)
    done = render(project, env=(WAYS["engine"] if engine else WAYS["jupyter"])[0])
    assert done.returncode == 0, (done.stdout + done.stderr)[-5000:]
    said = "Starting cvdata runner" if engine else "Starting cvdata kernel"
    assert said in done.stdout + done.stderr and _forked(project) == []
    seen = _seen(project)
    assert seen["a"][0] == seen["b"][0] == "nothing"
    assert (seen["a"][2], seen["b"][2]) == ("a.qmd", "b.qmd")


def test_the_cv_page_is_the_same_bytes_through_cvdata_engine_and_jupyter(tmp_path) -> None:
    pages = {}
    for way in ("engine", "jupyter"):
        project = copy_project(tmp_path / way)
        done = render(project, "cv.qmd", "--to", "html", env=WAYS[way][0])
        assert done.returncode == 0, (done.stdout + done.stderr)[-5000:]
        assert WAYS[way][1] in done.stdout + done.stderr
        pages[way] = (project / "_site" / "cv.html").read_bytes()
    assert len(pages["engine"]) > 10_000
    assert pages["engine"] == pages["jupyter"]


def test_a_failing_cell_stops_the_render_with_the_page_cell_and_error(tmp_path) -> None:
    project = _pages_project(tmp_path / "pages", steps=True, engine=True)
    page = project / "b.qmd"
    page.write_text(
        page.read_text(encoding="utf-8").replace(
            "import json, os", "raise LookupError('no table named talks')"
        ),
        encoding="utf-8",
    )
    done = render(project, env=WAYS["engine"][0])
    said = done.stdout + done.stderr
    assert done.returncode != 0
    assert "An error in b.qmd, cell 1:" in said and "LookupError: no table named talks" in said
    assert "cvdata engine: b.qmd did not run" in said
