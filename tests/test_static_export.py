"""Static figures for the PDF: one kaleido browser per kernel, offline, started early."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import textwrap
from pathlib import Path

from conftest import DATA_DIR

from cvdata import page


def test_kaleido_is_started_without_mathjax_from_a_cdn(monkeypatch) -> None:
    # kaleido's default page loads MathJax from cdnjs: a request at render time.
    import kaleido

    calls: list[dict] = []
    monkeypatch.setattr(kaleido, "start_sync_server", lambda *a, **kw: calls.append(kw))
    monkeypatch.setattr(page, "_kaleido_started", False)
    page._start_browser()
    page._start_browser()  # once per process
    assert calls == [{"mathjax": False, "silence_warnings": True}]


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


def test_typst_page_warms_the_browser_up_and_exports_pngs(tmp_path) -> None:
    # In a fresh interpreter, as a kernel would be: setup() for a static format starts
    # kaleido's browser at once; the figure is then a PNG at twice the width asked for.
    script = textwrap.dedent(
        f"""
        import json, os, sys, kaleido
        from pathlib import Path
        import plotly.graph_objects as go
        from cvdata import page
        os.chdir({str(tmp_path)!r})
        os.environ["CVDATA_FORMAT"] = "typst"
        p = page.setup({str(DATA_DIR)!r}, as_of="2026-11-26")
        started = kaleido._global_server.is_running()
        p.figure(go.Figure(go.Bar(y=[3, 1, 2])), label="fig-x", caption="c", alt="a", width=400)
        print(json.dumps({{"started": started}}))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=240, check=False
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert json.loads(lines[-1]) == {"started": True}
    assert any(line.startswith("#figure(image(") for line in lines)
    png = tmp_path / "_figures" / "figure" / "fig-x.png"
    assert _png_size(png) == (800, 900)  # scale 2 of 400 x 450 (plotly's default height)


def test_pages_without_figures_do_not_start_the_browser(monkeypatch) -> None:
    started: list[bool] = []
    monkeypatch.setattr(page, "_warm_up", lambda: started.append(True))
    monkeypatch.setenv(page.FORMAT_ENV, "typst")
    page.setup(DATA_DIR, as_of="2026-11-26", figures=False)
    assert started == []
    page.setup(DATA_DIR, as_of="2026-11-26")
    assert started == [True]
