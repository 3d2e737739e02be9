"""Warm kernels in real renders: the PDF's charts are the same bytes with and without
them, pages rendered by forked kernels share nothing, and a render whose server is not
running gets plain kernels and passes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import copy_project, render

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
    return re.findall(r"kernel \d+ for (\S+)", text)


def test_the_pdfs_charts_are_the_same_bytes_with_and_without_warm_kernels(tmp_path) -> None:
    charts: dict[str, dict[str, bytes]] = {}
    for warm in ("1", "0"):
        project = copy_project(tmp_path / f"warm-{warm}")
        # The page's kernel draws every chart (not the drawing ahead).
        extra = {env.NO_PREFETCH: "1", env.WARM_KERNELS: warm}
        done = render(project, "cv.qmd", "--to", "typst", env=extra)
        assert done.returncode == 0, (done.stdout + done.stderr)[-5000:]
        assert "Starting cvdata kernel" in done.stdout + done.stderr
        assert _forked(project) == (["cv.qmd"] if warm == "1" else [])
        figures = project / "_figures" / "cv"
        charts[warm] = {p.name: p.read_bytes() for p in sorted(figures.iterdir())}
        assert (project / "_site" / "cv.pdf").is_file()
    assert len(charts["1"]) >= 2 and any(n.endswith(".svg") for n in charts["1"])
    assert charts["1"].keys() == charts["0"].keys()
    for name in charts["1"]:
        assert charts["1"][name] == charts["0"][name], name


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


def _pages_project(folder: Path, *, steps: bool) -> Path:
    """Two pages that leave a mark in a module the server imported (cvdata) and print
    what they found; with ``steps``, pre- and post-render steps that start and stop the
    fork server as the project's do."""
    folder.mkdir(parents=True)
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


def test_pages_rendered_by_forked_kernels_share_no_state_and_see_their_own_execute_info(
    tmp_path,
) -> None:
    project = _pages_project(tmp_path / "pages", steps=True)
    done = render(project)
    assert done.returncode == 0, (done.stdout + done.stderr)[-5000:]
    assert sorted(_forked(project)) == ["a.qmd", "b.qmd"]  # both forked from the server
    seen = _seen(project)
    assert seen["a"][0] == seen["b"][0] == "nothing"  # b never sees a's mark
    assert seen["a"][1] != seen["b"][1]
    assert (seen["a"][2], seen["b"][2]) == ("a.qmd", "b.qmd")
    assert not kernels.running(project)  # the post-render step stopped it


def test_without_a_running_server_the_pages_get_plain_kernels_and_render(tmp_path) -> None:
    project = _pages_project(tmp_path / "pages", steps=False)
    done = render(project)
    assert done.returncode == 0, (done.stdout + done.stderr)[-5000:]
    assert "Starting cvdata kernel" in done.stdout + done.stderr and _forked(project) == []
    seen = _seen(project)
    assert seen["a"][0] == seen["b"][0] == "nothing"
    assert (seen["a"][2], seen["b"][2]) == ("a.qmd", "b.qmd")
