"""Time to a page's first cell, plain ipykernel against a warm (forked) kernel.

Each start is Quarto's: a kernel of the spec, Quarto's set-up cell's imports (pandas,
plotly.io) and a page's first cell (``from cvdata import page``); the median of N starts
of each, printed with the one-minute load average. The warm kernels' server is started
once beforehand, as the pre-render step does.

    .venv/bin/python scripts/kernel-start-time.py [N]
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from jupyter_client import KernelManager

from cvdata.quarto import kernels

FIRST_CELLS = "import pandas, plotly.io\nfrom cvdata import page\n"


def one(name: str, project: Path) -> float:
    environ = {**os.environ, "QUARTO_PROJECT_ROOT": str(project)}
    began = time.perf_counter()
    km = KernelManager(kernel_name=name)
    km.start_kernel(env=environ, cwd=str(project))
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=120)
    reply = kc.execute_interactive(FIRST_CELLS, timeout=120)
    took = time.perf_counter() - began
    assert reply["content"]["status"] == "ok", reply
    kc.stop_channels()
    km.shutdown_kernel(now=False)
    return took


def main(n: int) -> None:
    project = Path(tempfile.mkdtemp())
    (project / "_quarto.yml").write_text("project:\n  type: default\n")
    server = kernels.start(project)
    while kernels.ask(project, "ping", timeout=60) is None:
        time.sleep(0.1)
    times: dict[str, list[float]] = {"python3": [], "cvdata": []}
    for _ in range(n):  # alternated, so that the machine's load falls on both alike
        for name in times:
            times[name].append(one(name, project))
    kernels.stop(project)
    if server:
        server.wait()
    load = os.getloadavg()[0]
    for name, got in times.items():
        print(f"{name}: median {statistics.median(got):.2f} s of {[round(t, 2) for t in got]}")
    saved = statistics.median(times["python3"]) - statistics.median(times["cvdata"])
    print(f"saving per document: {saved:.2f} s (load {load:.2f})")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
