"""Benchmark of cvdata with the real Quarto; writes BENCHMARKS.md at the project root.

    make bench            # or: .venv/bin/python benchmarks/bench.py [--sizes S,M,L] [--no-rendercv]

Sizes: S is the CV in data/; M and L come from :func:`cvdata.synth.write_cv` with seed 0
(M: 500 papers, 50 roles; L: 5,000 papers, 200 roles; ``--sizes S`` for S alone). For each
size, each part in a fresh process:

1. import time and load + validate (median of several runs after the first);
2. every figure the pages build (shape -> describe -> figure), per figure, and its static
   SVG export through kaleido with one browser (first vs. the rest);
3. ``quarto render`` of a scratch copy of the project (OUT/SIZE-site: the real
   project's _site/, _freeze/, assets/ are never rendered into): cold (no _freeze/,
   .quarto/), again with _freeze/ kept and nothing changed (frozen), and after editing one
   table (a row appended to skills.csv); per document from the times at which Quarto's log
   lines appear (``[n/N] file`` starts a document);
4. ``quarto render cv.qmd --to typst`` (the PDF alone) and ``quarto render --profile
   resume``, each cold in a scratch project of its own;
5. peak memory of each render's whole process tree (Quarto, its Python, the kernels,
   kaleido's Chromium, Typst): the sum of Pss from /proc/PID/smaps_rollup, sampled every
   0.2 s;
6. bytes per HTML page (without and with plotly.js), the site, the PDF (its pages, and
   whether it keeps every paper title).

Once per run: Quarto's own floor (a website with as many documents as ours, one trivial
Python cell each; a one-page Typst document with one Python cell), and RenderCV 2.8 on the
same CV, PDF only, median of 3 (Python 3.12 and PyPI needed; skipped with the reason where
missing, or with ``--no-rendercv`` / ``CVDATA_BENCH_RENDERCV=0``).

Quarto is ``$CVDATA_QUARTO`` (``make bench`` sets it from scripts/quarto.sh), else the
``quarto`` on PATH. Scratch files go to ``$CVDATA_BENCH_OUT`` (``make bench``: a folder
outside the project, which Quarto would walk on every render of the project), else
``cvdata-bench/`` in the system's temporary folder. Plain Python, no test framework.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import glob
import importlib.metadata as md
import json
import os
import platform
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# Overridable so that a test can run the benchmark at S into a scratch folder.
OUT = Path(os.environ.get("CVDATA_BENCH_OUT") or Path(tempfile.gettempdir()) / "cvdata-bench")
REPORT = Path(os.environ.get("CVDATA_BENCH_REPORT") or ROOT / "BENCHMARKS.md")
# RenderCV's input (the same CV transcribed into its YAML) and the Typst package it needs.
PEERS = Path(os.environ.get("CVDATA_BENCH_PEERS") or ROOT.parent / "shared" / "peers")
AS_OF = "2026-11-26"
SEED = 0
SIZES: dict[str, dict[str, int] | None] = {
    "S": None,  # the CV in data/
    "M": {"n_papers": 500, "n_roles": 50, "n_projects": 200, "n_skills": 300},
    "L": {"n_papers": 5000, "n_roles": 200, "n_projects": 1000, "n_skills": 1000},
}
DEFAULT_SIZES = "S,M,L"
RENDER_TIMEOUT = {"S": 300, "M": 600, "L": 900, "floor": 300}
LOAD_RUNS = 5
RENDERCV_VERSION = "2.8"
RENDERCV_RUNS = 3
SAMPLE_S = 0.2
PACKAGES = (
    "pandas",
    "numpy",
    "plotly",
    "kaleido",
    "choreographer",
    "nbclient",
    "nbformat",
    "ipykernel",
    "jupyter_client",
    "jupyter_core",
    "pyyaml",
)
# The project's render inputs, copied into each scratch project (globs, from ROOT).
PROJECT_FILES = (
    "_quarto*.yml",
    "_brand.yml",
    "*.css",
    "*.qmd",
    "notebooks",
    "scripts",
)
# Never copied along: render outputs and caches a working copy may hold.
IGNORE = shutil.ignore_patterns(
    "_figures", "_site", "_freeze", "_resume", ".quarto", "*.quarto_ipynb", "__pycache__", ".*"
)
# The documents of the full profile and the formats each renders to (the floor mirrors it).
DOCUMENTS = {
    "index.qmd": ("html",),
    "dashboard.qmd": ("dashboard",),
    "cv.qmd": ("html", "typst"),
    "notebooks/collaborators.py": ("html",),
    "notebooks/projects.py": ("html",),
    "notebooks/publications.py": ("html",),
    "notebooks/skills.py": ("html",),
    "notebooks/timeline.py": ("html",),
}
# Targets of issue #15.
TARGET_COLD_S = 15.0
TARGET_FLOOR_RATIO = 1.3
TARGET_EDIT_S = 6.0
TARGET_RENDERCV_RATIO = 5.0
TARGET_L_OVER_S = 2.0
TARGET_PAGE_S = 300 * 1024
TARGET_PAGE_L = 1024 * 1024
TARGET_MEM_L_MIB = 1024.0
# Issue #23's targets (the edit loop): ratios, from the same run.
TARGET23_COLD_FLOOR = 1.0
TARGET23_RENDERCV = 3.0
TARGET23_FROZEN_FLOOR = 1.2
TARGET23_PREVIEW_S = 6.0
PREVIEW_TIMEOUT = 600

# --- worker: runs in a fresh process, prints one JSON object --------------------------------


def _figure_jobs() -> list[tuple[str, Any]]:
    """Every chart of the registry (:data:`cvdata.charts.CHARTS`), drawn as a page draws it
    (its table, its description and its figure)."""
    from cvdata import charts

    def job(name: str) -> Any:
        return lambda cv, brand: charts.draw(name, cv, brand=brand).figure

    return [(name, job(name)) for name in charts.CHARTS]


def _export(static: Any, fig: Any, name: str, target: Path) -> dict[str, Any]:
    if not fig.data:
        return {"name": name, "export_s": None}
    height = int(fig.layout.height or 450)
    t = time.perf_counter()
    static.static_export(fig, target, 820, height)
    seconds = time.perf_counter() - t
    return {"name": name, "export_s": seconds, "height": height, "bytes": target.stat().st_size}


def worker(data_dir: str, export_dir: str) -> dict[str, Any]:
    t0 = time.perf_counter()
    import cvdata  # noqa: F401
    from cvdata import charts, page  # noqa: F401 (timed: what a page imports)
    from cvdata.quarto import static

    for chart in charts.CHARTS.values():
        chart.draw  # noqa: B018 (imports the chart's module: timed with the rest)
    from cvdata.load import load as load_cv
    from cvdata.theme import load_brand

    result: dict[str, Any] = {"import_s": time.perf_counter() - t0}
    loads = []
    for _ in range(LOAD_RUNS + 1):
        t = time.perf_counter()
        cv = load_cv(data_dir, as_of=AS_OF)
        loads.append(time.perf_counter() - t)
    result["load_first_s"] = loads[0]
    result["load_median_s"] = statistics.median(loads[1:])
    result["rows"] = {name: len(df) for name, df in cv.tables().items()}
    brand = load_brand(ROOT / "_brand.yml")

    # As a page does it: build a figure, export it, build the next one (kaleido reloads
    # its tab after each image, overlapping with the next build).
    figs, exports = [], []
    for i, (name, build) in enumerate(_figure_jobs()):
        t = time.perf_counter()
        fig = build(cv, brand)
        figs.append((name, fig, time.perf_counter() - t))
        exports.append(_export(static, fig, name, Path(export_dir) / f"{i:02d}.svg"))
    result["figures"] = [{"name": n, "build_s": s, "traces": len(f.data)} for n, f, s in figs]
    # The same figures again, back to back, nothing built in between.
    result["exports_back_to_back"] = [
        _export(static, fig, name, Path(export_dir) / f"again-{i:02d}.svg")
        for i, (name, fig, _) in enumerate(figs)
    ]
    result["exports"] = exports
    return result


# --- quarto renders, timed and sampled ------------------------------------------------------


def _show(path: Path) -> str:
    return str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


def _run_json(args: list[str], timeout: int, env: dict[str, str] | None = None) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"worker {args} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def quarto_command() -> str | None:
    q = os.environ.get("CVDATA_QUARTO") or shutil.which("quarto")
    return q if q and Path(q).is_file() else None


def _first_line(cmd: list[str]) -> str:
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"? ({exc})"
    text = (done.stdout or done.stderr).strip()
    return text.splitlines()[0] if text else "?"


def machine(quarto: str | None) -> dict[str, str]:
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "?"
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        ram = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    versions = []
    for name in PACKAGES:
        try:
            versions.append(f"{name} {md.version(name)}")
        except md.PackageNotFoundError:
            versions.append(f"{name} (not installed)")
    info = {
        "CPU": cpu,
        "Cores": str(os.cpu_count()),
        "RAM": ram,
        "OS": f"{platform.system()} {platform.release()}",
        "Python": f"{platform.python_implementation()} {platform.python_version()}",
        "Packages": ", ".join(versions),
    }
    if quarto:
        info["Quarto"] = f"{_first_line([quarto, '--version'])} ({quarto})"
        info["Quarto's Pandoc"] = _first_line([quarto, "pandoc", "--version"])
        info["Quarto's Typst"] = _first_line([quarto, "typst", "--version"])
    else:
        info["Quarto"] = "not found (set CVDATA_QUARTO or put quarto on PATH)"
    return info


def _copy_data(size: str) -> Path:
    """The size's data in a folder of the benchmark's own (a render after an edit changes
    it; the shipped data/ is never touched)."""
    folder = OUT / f"data-{size}"
    if folder.exists():
        shutil.rmtree(folder)
    spec = SIZES[size]
    if spec is None:
        shutil.copytree(ROOT / "data", folder)
        return folder
    from cvdata.synth import write_cv

    write_cv(folder, seed=SEED, as_of=dt.date.fromisoformat(AS_OF), **spec)
    return folder


def make_project(name: str) -> Path:
    """A scratch copy of the project's render inputs: a render writes _site/, _freeze/,
    .quarto/, assets/ and _figures/ into the project it renders, and the user's own project
    is never rendered by the benchmark."""
    proj = OUT / name
    if proj.exists():
        shutil.rmtree(proj)
    proj.mkdir(parents=True)
    for pattern in PROJECT_FILES:
        for src in sorted(ROOT.glob(pattern)):
            if src.is_dir():
                shutil.copytree(src, proj / src.name, ignore=IGNORE)
            else:
                shutil.copy2(src, proj / src.name)
    return proj


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _processes() -> dict[int, tuple[int, int]]:
    """Every process: its parent, and its CPU time so far (user + system, clock ticks)."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        found[int(entry)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    return found


class TreeMemory:
    """Peak memory of a render's processes: the descendants of the one started, and any
    process carrying its tag in the environment (a kernel runs in a session of its own;
    Chromium's helpers are re-parented to init)."""

    def __init__(self, root: int, tag: str) -> None:
        self.root, self.tag = root, tag.encode()
        self._tagged: dict[int, bool] = {}
        self.peak_pss_kib = 0
        self.peak_rss_kib = 0
        self.peak_procs = 0
        self.peak_by_name: dict[str, float] = {}
        self.samples = 0
        self.pids: set[int] = set()
        self.ticks: dict[int, int] = {}  # CPU time last seen per process

    def _is_tagged(self, pid: int) -> bool:
        if pid not in self._tagged:
            try:
                self._tagged[pid] = self.tag in Path(f"/proc/{pid}/environ").read_bytes()
            except OSError:
                self._tagged[pid] = False
        return self._tagged[pid]

    def members(self) -> set[int]:
        procs = _processes()
        children: dict[int, list[int]] = {}
        for pid, (ppid, _) in procs.items():
            children.setdefault(ppid, []).append(pid)
        found, todo = set(), [self.root]
        while todo:
            pid = todo.pop()
            if pid in found or pid not in procs:
                continue
            found.add(pid)
            todo += children.get(pid, [])
        found |= {pid for pid in procs if self._is_tagged(pid)}
        for pid in found:
            self.ticks[pid] = max(self.ticks.get(pid, 0), procs[pid][1])
        return found

    @property
    def cpu_s(self) -> float:
        """CPU seconds of the render's processes as last sampled (a process's last 0.2 s
        before it exits is missed)."""
        return sum(self.ticks.values()) / CLOCK_TICKS

    def sample(self) -> None:
        pss = rss = 0
        by_name: dict[str, float] = {}
        procs = 0
        for pid in self.members():
            try:
                rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
                name = Path(f"/proc/{pid}/comm").read_text().strip()
            except OSError:
                continue
            p = re.search(r"^Pss:\s+(\d+) kB", rollup, re.M)
            r = re.search(r"^Rss:\s+(\d+) kB", rollup, re.M)
            if not p:
                continue  # a zombie, or a kernel thread
            procs += 1
            pss += int(p.group(1))
            rss += int(r.group(1)) if r else 0
            by_name[name] = by_name.get(name, 0) + int(p.group(1)) / 1024
            self.pids.add(pid)
        self.samples += 1
        if pss > self.peak_pss_kib:
            self.peak_pss_kib, self.peak_by_name = pss, by_name
        self.peak_rss_kib = max(self.peak_rss_kib, rss)
        self.peak_procs = max(self.peak_procs, procs)


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_DOC_START = re.compile(r"^\[(\d+)/(\d+)\] (\S.*)$")


def _read_lines(stream: Any, t0: float, lines: list[tuple[float, str]]) -> None:
    """Each line of Quarto's output with the time its first byte arrived."""
    fd = stream.fileno()
    current: list[Any] | None = None
    while chunk := os.read(fd, 65536):
        t = time.perf_counter() - t0
        parts = chunk.decode("utf-8", errors="replace").split("\n")
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            if current is None:
                if last and not part:
                    break
                current = [t, ""]
            current[1] += part
            if not last:
                lines.append((current[0], current[1]))
                current = None
    if current is not None:
        lines.append((current[0], current[1]))


def _clean(text: str) -> str:
    return _ANSI.sub("", text).split("\r")[-1].strip()


def parse_documents(
    lines: list[tuple[float, str]], end: float, single: str = "(one document)"
) -> list[dict[str, Any]]:
    """Per document, from one ``[n/N] file`` line to the next (the last one to the end of
    the render). A document executed twice (cv.qmd: HTML, then Typst) is split at its
    second kernel start; a render of one document has no ``[n/N]`` line and is one."""
    starts = [(t, m) for t, text in lines if (m := _DOC_START.match(_clean(text)))]
    if not starts:
        spans = [(lines[0][0] if lines else 0.0, end, single, 1)]
    else:
        spans = []
        for i, (t, m) in enumerate(starts):
            stop = starts[i + 1][0] if i + 1 < len(starts) else end
            spans.append((t, stop, m.group(3), int(m.group(2))))
    docs = []
    for t, stop, name, total in spans:
        inside = [(lt, _clean(x)) for lt, x in lines if t <= lt < stop]
        kernels = [lt for lt, x in inside if x.startswith("Starting python3 kernel")]
        typst = any(x.startswith("[typst]") for _, x in inside)
        doc = {"doc": name, "of": total, "start_s": t, "s": stop - t, "kernels": len(kernels)}
        if len(kernels) == 2 and typst:
            doc["parts"] = {"html": kernels[1] - t, "typst": stop - kernels[1]}
        doc["executions"] = _executions(inside, stop)
        docs.append(doc)
    return docs


def _executions(inside: list[tuple[float, str]], stop: float) -> list[dict[str, Any]]:
    """Each kernel run of a document, from its log lines (a line's time is when its first
    byte arrived: ``Starting python3 kernel...`` when the kernel starts, ``Cell i/N`` when
    the cell starts): kernel start (with Quarto's set-up cell) up to ``Executing``, each
    cell up to the next line, and what follows the last cell until the next kernel start
    or the document's end (Pandoc, Quarto's filters and post-processing; for Typst, the
    PDF's compile)."""
    runs: list[dict[str, Any]] = []
    for i, (t, text) in enumerate(inside):
        if text.startswith("Starting python3 kernel"):
            runs.append({"kernel_at": t, "kernel_s": None, "cells_s": [], "cells_end": None})
        elif not runs:
            continue
        elif text.startswith("Executing '") and runs[-1]["kernel_s"] is None:
            runs[-1]["kernel_s"] = t - runs[-1]["kernel_at"]
        elif re.match(r"Cell \d+/\d+", text):
            end = inside[i + 1][0] if i + 1 < len(inside) else stop
            runs[-1]["cells_s"].append(end - t)
            runs[-1]["cells_end"] = end
    for j, run in enumerate(runs):
        until = runs[j + 1]["kernel_at"] if j + 1 < len(runs) else stop
        run["after_s"] = until - run["cells_end"] if run["cells_end"] is not None else None
        del run["cells_end"]
    return runs


def render_env(data_dir: Path | None, tag: str) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("CVDATA_DIR", "CVDATA_AS_OF", "QUARTO_PROFILE", "QUARTO_PROJECT_ROOT"):
        env.pop(name, None)
    if data_dir is not None:
        env.update(CVDATA_DIR=str(data_dir), CVDATA_AS_OF=AS_OF)
    # As make bench: the project's Python runs Quarto's Jupyter engine, its tools on PATH.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.setdefault("QUARTO_PYTHON", sys.executable)
    env["CVDATA_BENCH_TAG"] = tag
    return env


def quarto_render(
    quarto: str,
    proj: Path,
    args: list[str],
    data_dir: Path | None,
    name: str,
    timeout: int,
    single: str = "(one document)",
) -> dict[str, Any]:
    """``quarto render ARGS`` in ``proj``: wall clock, per-document times from the log,
    peak memory of the whole process tree. Stopped (its processes only) after ``timeout``."""
    tag = f"{name}-{uuid.uuid4().hex}"
    log_path = OUT / f"{name}.log"
    lines: list[tuple[float, str]] = []
    load_before = os.getloadavg()[0]
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [quarto, "render", *args],
        cwd=proj,
        env=render_env(data_dir, tag),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    reader = threading.Thread(target=_read_lines, args=(proc.stdout, t0, lines), daemon=True)
    reader.start()
    memory = TreeMemory(proc.pid, tag)
    timed_out = False
    while proc.poll() is None:
        memory.sample()
        if time.perf_counter() - t0 > timeout:
            timed_out = True
            # The render's process group, then its kernels and browsers (own sessions).
            os.killpg(proc.pid, signal.SIGKILL)
            for pid in memory.members() - {os.getpid()}:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            break
        time.sleep(SAMPLE_S)
    rc = proc.wait()
    wall = time.perf_counter() - t0
    reader.join(timeout=10)
    log_path.write_text(
        "".join(f"[{t:7.2f} s] {_ANSI.sub('', x).replace(chr(13), '')}\n" for t, x in lines),
        encoding="utf-8",
    )
    docs = parse_documents(lines, wall, single)
    result: dict[str, Any] = {
        "command": "quarto render " + " ".join(args),
        "wall_s": wall,
        "rc": rc,
        "timed_out": timed_out,
        "timeout_s": timeout,
        "docs": docs,
        "kernels": sum(d["kernels"] for d in docs),
        "peak_pss_mib": memory.peak_pss_kib / 1024,
        "peak_rss_mib": memory.peak_rss_kib / 1024,
        "peak_procs": memory.peak_procs,
        "cpu_s": memory.cpu_s,
        "load_before": load_before,
        "load_after": os.getloadavg()[0],
        "peak_by_name": {k: round(v, 1) for k, v in memory.peak_by_name.items()},
        "samples": memory.samples,
        "log": _show(log_path),
    }
    if rc != 0 or timed_out:
        result["error"] = "\n".join(_clean(x) for _, x in lines[-20:])
    return result


def _ok(r: dict[str, Any] | None) -> bool:
    return bool(r) and r.get("rc") == 0 and not r.get("timed_out")


def edit_one_table(data_dir: Path, table: str = "skills") -> tuple[Path, bytes, str]:
    """Append a valid row to a table; returns the file and its old bytes.

    ``skills``: a table four pages read (index, the dashboard, cv, skills); ``talks``: one
    that the full CV (cv.qmd, HTML and PDF) and the dashboard's value boxes read.
    """
    path = data_dir / f"{table}.csv"
    old = path.read_bytes()
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        header, rows = list(reader.fieldnames or []), list(reader)
    row = dict.fromkeys(header, "")
    if table == "skills":
        row.update(id="bench-edit", category=rows[-1]["category"], skill="Benchmarking", years="1")
    else:
        row.update(id="bench-edit", title="Benchmarking", kind="invited-talk", event="Bench",
                   date="2026-01-01")  # fmt: skip
    text = old.decode("utf-8")
    sep = "" if not text or text.endswith("\n") else "\n"
    line = ",".join(row.values())
    path.write_bytes((text + sep + line + "\n").encode("utf-8"))
    return path, old, f"{table}.csv: appended `{line}`"


# --- Quarto's floor -------------------------------------------------------------------------


FLOOR_CELL = 'print("floor")'


def _floor_document(name: str, formats: tuple[str, ...]) -> str:
    title = Path(name).stem.capitalize()
    if name.endswith(".py"):
        return (
            f'# %% [markdown]\n# ---\n# title: "{title}"\n# ---\n\n'
            f"# %% [markdown]\n# A page with one trivial Python cell.\n\n# %%\n{FLOOR_CELL}\n"
        )
    front = f'---\ntitle: "{title}"\n'
    if formats != ("html",):
        front += "format:\n" + "".join(f"  {f}: default\n" for f in formats)
    return (
        front + f"---\n\nA page with one trivial Python cell.\n\n```{{python}}\n{FLOOR_CELL}\n```\n"
    )


def make_floor_site() -> Path:
    """A Quarto website with as many documents as ours (the same names and formats, cv.qmd
    also to Typst), each one trivial Python cell; no pre-render step; ``freeze: auto`` as
    ours (a cold render freezes nothing it would not run anyway)."""
    proj = OUT / "floor-site"
    if proj.exists():
        shutil.rmtree(proj)
    (proj / "notebooks").mkdir(parents=True)
    (proj / "_quarto.yml").write_text(
        "project:\n  type: website\n  output-dir: _site\n  render:\n"
        + "".join(f"    - /{d}\n" for d in DOCUMENTS)
        + 'website:\n  title: "Floor"\n'
        + "execute:\n  echo: false\n  freeze: auto\n"
        + "format:\n  html:\n    toc: true\n",
        encoding="utf-8",
    )
    for name, formats in DOCUMENTS.items():
        (proj / name).write_text(_floor_document(name, formats), encoding="utf-8")
    return proj


def make_floor_typst() -> Path:
    proj = OUT / "floor-typst"
    if proj.exists():
        shutil.rmtree(proj)
    proj.mkdir(parents=True)
    (proj / "doc.qmd").write_text(
        '---\ntitle: "One page"\nformat: typst\nexecute:\n  echo: false\n---\n\n'
        f"One page with one Python cell.\n\n```{{python}}\n{FLOOR_CELL}\n```\n",
        encoding="utf-8",
    )
    return proj


# --- RenderCV -----------------------------------------------------------------------------------


def find_python312() -> str | None:
    """A Python 3.12 or newer for RenderCV: $CVDATA_BENCH_PYTHON312, python3.12 on PATH when
    it runs (a pyenv shim may not), else one of pyenv's versions."""
    candidates = [os.environ.get("CVDATA_BENCH_PYTHON312"), shutil.which("python3.12")]
    roots = [os.environ.get("PYENV_ROOT"), str(Path.home() / ".pyenv")]
    for root in filter(None, roots):
        candidates += sorted(glob.glob(f"{root}/versions/3.1[2-9]*/bin/python3.1[2-9]"))
    for c in filter(None, candidates):
        done = subprocess.run([c, "--version"], capture_output=True, text=True, check=False)
        if done.returncode == 0:
            return c
    return None


def _venv_version(python: Path) -> str | None:
    if not python.is_file():
        return None
    done = subprocess.run(
        [str(python), "-c", "import importlib.metadata as m; print(m.version('rendercv'))"],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() if done.returncode == 0 else None


def pdf_pages(pdf: Path) -> int | None:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=False)
    m = re.search(r"^Pages:\s+(\d+)", info.stdout, re.M)
    return int(m.group(1)) if m else None


def rendercv() -> dict[str, Any]:
    """RenderCV 2.8 on the same CV (its YAML from PEERS), PDF only, RENDERCV_RUNS times."""
    yaml = PEERS / "rendercv" / "Zhongzhu_Zhou_CV.yaml"
    packages = PEERS / "rendercv" / "typst-packages"
    if not yaml.is_file() or not packages.is_dir():
        return {"skipped": f"RenderCV's input is missing ({_show(yaml)}, {_show(packages)})"}
    python = find_python312()
    if python is None:
        return {"skipped": "no Python 3.12 or newer (RenderCV 2.8 needs one)"}
    base = OUT / "rendercv"
    venv = base / "venv"
    vpy = venv / "bin" / "python"
    result: dict[str, Any] = {"python": _first_line([python, "--version"])}
    if _venv_version(vpy) != RENDERCV_VERSION:
        if venv.exists():
            shutil.rmtree(venv)
        venv.parent.mkdir(parents=True, exist_ok=True)
        try:
            subprocess.run([python, "-m", "venv", str(venv)], check=True, timeout=300)
            done = subprocess.run(
                [str(vpy), "-m", "pip", "install", "-q", f"rendercv[full]=={RENDERCV_VERSION}"],
                capture_output=True,
                text=True,
                timeout=1200,
                check=False,
            )
        except (subprocess.SubprocessError, OSError) as exc:
            return {**result, "skipped": f"venv for RenderCV failed: {exc}"}
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
            return {**result, "skipped": f"pip install rendercv failed: {' '.join(tail)}"}
    result["version"] = _venv_version(vpy)
    cache = base / "cache"
    if cache.exists():
        shutil.rmtree(cache)
    shutil.copytree(packages, cache / "typst" / "packages")
    work = base / "work"
    work.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(yaml, work / yaml.name)
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    runs, cpu, pdfs = [], [], []
    for _ in range(RENDERCV_RUNS):
        shutil.rmtree(work / "rendercv_output", ignore_errors=True)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        done = subprocess.run(
            [str(venv / "bin" / "rendercv"), "render", yaml.name, "-nopng", "-nomd", "-nohtml"],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        seconds = time.perf_counter() - t
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        pdfs = sorted((work / "rendercv_output").glob("*.pdf"))
        if done.returncode != 0 or not pdfs:
            tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
            return {**result, "runs_s": runs, "skipped": f"rendercv failed: {' '.join(tail)}"}
        runs.append(seconds)
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    result.update(
        runs_s=runs,
        median_s=statistics.median(runs),
        cpu_runs_s=cpu,
        cpu_median_s=statistics.median(cpu),
        pdf_bytes=pdfs[0].stat().st_size,
        pdf_pages=pdf_pages(pdfs[0]),
    )
    return result


# --- sizes and the PDF ----------------------------------------------------------------------


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"-\s*\n\s*", "", text)  # words hyphenated across lines
    return re.sub(r"[\s\-‐‑–—]+", "", text).lower()


_PLOTLY_BUNDLE = re.compile(r"plotly\.js(?: \([^)]*\))? v\d")


def sizes_and_pdf(site: Path, data_dir: Path) -> dict[str, Any]:
    plotly_js = site / "assets" / "plotly.min.js"
    js = plotly_js.stat().st_size if plotly_js.is_file() else 0
    pages, inline = {}, []
    for p in sorted(site.rglob("*.html")):
        rel = p.relative_to(site)
        if rel.parts[0] == "site_libs":
            continue
        pages[rel.as_posix()] = p.stat().st_size
        if _PLOTLY_BUNDLE.search(p.read_text(encoding="utf-8", errors="replace")):
            inline.append(rel.as_posix())  # plotly.js inside the page: counted in its bytes
    files = [p for p in site.rglob("*") if p.is_file()]
    out: dict[str, Any] = {
        "pages": pages,
        "plotly_js": js,
        "inline_plotly": inline,
        "site": sum(p.stat().st_size for p in files),
        "site_libs": sum(
            p.stat().st_size for p in files if p.relative_to(site).parts[0] == "site_libs"
        ),
        "files": len(files),
    }
    pdf = site / "cv.pdf"
    if pdf.is_file():
        out["pdf_bytes"] = pdf.stat().st_size
        out["pdf_pages"] = pdf_pages(pdf)
        text = subprocess.run(
            ["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=False
        ).stdout
        with (data_dir / "papers.csv").open(encoding="utf-8") as f:
            titles = [row["title"] for row in csv.DictReader(f)]
        body = _norm(text)
        missing = [t for t in titles if _norm(t) not in body]
        out["titles"] = len(titles)
        out["titles_missing"] = missing[:5]
        out["titles_missing_n"] = len(missing)
    return out


# --- report -----------------------------------------------------------------------------------


def _s(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _kb(n: int | None) -> str:
    return "—" if n is None else f"{n / 1024:,.0f} KB"


RENDERS = (
    ("cold", "cold: `quarto render` (site + PDF), fresh project"),
    ("frozen", "frozen: the same again, _freeze/ kept, nothing changed"),
    ("edit", "after editing one table four pages read (skills.csv), _freeze/ kept"),
    (
        "edit1",
        "after editing one table two pages read (talks.csv: cv.qmd, dashboard), _freeze/ kept",
    ),
    ("typst", "cold: `quarto render cv.qmd --to typst` (the PDF alone)"),
    ("resume", "cold: `quarto render --profile resume`"),
)


def _wall(r: dict[str, Any] | None) -> float | None:
    return r["wall_s"] if _ok(r) else None


def _failed(r: dict[str, Any] | None) -> str:
    if not r:
        return "not run"
    if r.get("timed_out"):
        return f"timed out after {r['timeout_s']} s"
    return f"failed (exit {r.get('rc')}, log `{r.get('log')}`)"


def targets_23(res: dict[str, Any]) -> list[tuple[str, str, str, float | None, str]]:
    """Issue #23's targets from one run: (what, measured, target, ratio or None, verdict);
    the ratio is the measured value over the reference, PASS below the limit."""
    s = res.get("sizes", {}).get("S", {})
    floor, rcv = res.get("floor", {}), res.get("rendercv", {})
    cold, frozen, typst = _wall(s.get("cold")), _wall(s.get("frozen")), _wall(s.get("typst"))
    edit1, preview = _wall(s.get("edit1")), (s.get("preview") or {}).get("latency_s")
    fs, ff, rmed = _wall(floor.get("site")), _wall(floor.get("site_frozen")), rcv.get("median_s")
    specs = (
        ("cold render of S / Quarto's floor", cold, fs, TARGET23_COLD_FLOOR, "floor"),
        ("`cv.qmd --to typst` / RenderCV's PDF", typst, rmed, TARGET23_RENDERCV, "RenderCV"),
        ("nothing-changed render / the floor again", frozen, ff, TARGET23_FROZEN_FLOOR, "floor"),
        ("preview: save talks.csv -> cv.html updated", preview, TARGET23_PREVIEW_S, 1.0, "target"),
        ("preview / `make render` after the same edit", preview, edit1, 1.0, "render"),
    )  # fmt: skip
    rows: list[tuple[str, str, str, float | None, str]] = []
    for what, num, den, limit, ref in specs:
        target = f"< {TARGET23_PREVIEW_S:g} s" if ref == "target" else f"< {limit:g}× {ref}"
        if num is None or den is None:
            rows.append((what, "not measured", target, None, "n/a"))
            continue
        measured = f"{num:.1f} s" if ref == "target" else f"{num:.1f} s / {den:.1f} s"
        ratio = num / den
        rows.append((what, measured, target, ratio, "PASS" if ratio < limit else "MISS"))
    return rows


def write_report(info: dict, res: dict[str, Any], elapsed: float) -> str:
    sizes = [s for s in res["sizes"] if s in SIZES]
    floor = res.get("floor", {})
    rcv = res.get("rendercv", {})
    L: list[str] = []
    add = L.append

    def g(s: str, *keys: str) -> Any:
        v: Any = res["sizes"].get(s, {})
        for k in keys:
            v = v.get(k) if isinstance(v, dict) else None
        return v

    add("# Benchmarks\n")
    add(
        f"Written by `make bench` (`benchmarks/bench.py`) on "
        f"{dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}; the benchmark took "
        f"{elapsed / 60:.1f} min. As-of date {AS_OF}. Every render is the real "
        "`quarto render`, once each (renders are expensive; the machine is noisy: a few "
        "seconds either way between runs are not a change).\n"
    )
    add("## Machine\n")
    add("| | |\n|---|---|")
    for k, v in info.items():
        add(f"| {k} | {v} |")
    if rcv.get("version"):
        add(f"| RenderCV | {rcv['version']} ({rcv.get('python')}, in a venv of its own) |")
    add("")
    add("## Data sizes\n")
    add(
        "S is the CV in `data/`; M and L are `cvdata.synth.write_cv(..., seed=0)` "
        "(M: 500 papers, 50 roles, 200 projects, 300 skills; L: 5,000 papers, 200 roles, "
        "1,000 projects, 1,000 skills).\n"
    )
    tables = ["papers", "paper_authors", "roles", "projects", "project_contributions", "skills"]
    add("| size | " + " | ".join(tables) + " |")
    add("|---|" + "---|" * len(tables))
    for s in sizes:
        rows = g(s, "worker", "rows") or {}
        add(f"| {s} | " + " | ".join(str(rows.get(t, "—")) for t in tables) + " |")
    add("")

    # ---- targets
    add("## Targets (issue #23: the edit loop)\n")
    add(
        "From the same run: the preview's latency is `make preview` on a fresh project, the "
        "time from saving the talks.csv edit (edit1's) to its `_site/cv.html` showing it; "
        "the last row compares it with the render after the same edit (below).\n"
    )
    add("| what | measured | target | ratio | verdict |")
    add("|---|---|---|---|---|")
    for what, measured, target, ratio, verdict in targets_23(res):
        add(f"| {what} | {measured} | {target} | {_s(ratio, 2) if ratio else '—'} | {verdict} |")
    add("")
    add("## Targets (issue #15)\n")
    add(
        "Ratio: the measured value over the target's limit, or over the reference the target "
        "names (Quarto's floor, RenderCV, S). PASS when below the target. Wall clock, once "
        "each; the floor once; RenderCV's median of 3. These 2 cores are shared with other "
        "work (see the load column under Renders): a ratio within about 20% of its limit "
        "can come out either way from one run to the next.\n"
    )
    add("| what | measured | target | ratio | verdict |")
    add("|---|---|---|---|---|")

    def row(what: str, measured: str, target: str, num: float | None, den: float | None,
            limit: float = 1.0, ref: str = "target", missing: str = "") -> None:  # fmt: skip
        """A target row: ratio = num / den, PASS when it is below ``limit``."""
        if num is None or den is None:
            add(f"| {what} | not measured: {missing or 'see below'} | {target} | — | n/a |")
            return
        r = num / den
        verdict = "PASS" if r < limit else "MISS"
        add(f"| {what} | {measured} | {target} | {r:.2f}× {ref} | {verdict} |")

    def reason(s: str, key: str) -> str:
        if s not in res["sizes"]:
            return f"size {s} not run (--sizes)"
        return _failed(g(s, key))

    cold_s, edit_s, typst_s = _wall(g("S", "cold")), _wall(g("S", "edit1")), _wall(g("S", "typst"))
    frozen_s, floor_frozen = _wall(g("S", "frozen")), _wall(floor.get("site_frozen"))
    floor_edit1 = _wall(floor.get("site_edit1"))
    cold_l = _wall(g("L", "cold"))
    fs, ft = _wall(floor.get("site")), _wall(floor.get("typst"))
    rmed = rcv.get("median_s")
    row(
        "cold render of S (site + PDF), wall clock",
        f"{_s(cold_s, 1)} s",
        f"< {TARGET_COLD_S:.0f} s",
        cold_s,
        TARGET_COLD_S,
        missing=reason("S", "cold"),
    )
    row(
        f"cold render of S / Quarto's floor (a website of {len(DOCUMENTS)} one-cell documents)",
        f"{_s(cold_s, 1)} s / {_s(fs, 1)} s",
        f"< {TARGET_FLOOR_RATIO}× floor",
        cold_s,
        fs,
        TARGET_FLOOR_RATIO,
        "floor",
        missing=reason("S", "cold") if not cold_s else _failed(floor.get("site")),
    )
    row(
        "render of S after editing a table two pages read (talks.csv: cv.qmd, dashboard), "
        "_freeze kept",
        f"{_s(edit_s, 1)} s",
        f"< {TARGET_EDIT_S:.0f} s",
        edit_s,
        TARGET_EDIT_S,
        missing=reason("S", "edit1"),
    )
    row(
        "the same / Quarto's floor rendered again with cv.qmd re-run (HTML and Typst)",
        f"{_s(edit_s, 1)} s / {_s(floor_edit1, 1)} s",
        f"< {TARGET_FLOOR_RATIO}× floor",
        edit_s,
        floor_edit1,
        TARGET_FLOOR_RATIO,
        "floor",
        missing=reason("S", "edit1") if not edit_s else _failed(floor.get("site_edit1")),
    )
    row(
        "render of S with nothing changed (no cell runs) / Quarto's floor rendered again",
        f"{_s(frozen_s, 1)} s / {_s(floor_frozen, 1)} s",
        f"< {TARGET_FLOOR_RATIO}× floor",
        frozen_s,
        floor_frozen,
        TARGET_FLOOR_RATIO,
        "floor",
        missing=reason("S", "frozen") if not frozen_s else _failed(floor.get("site_frozen")),
    )
    row(
        "`cv.qmd --to typst` cold (S) / one-page Typst floor",
        f"{_s(typst_s, 1)} s / {_s(ft, 1)} s",
        f"< {TARGET_FLOOR_RATIO}× floor",
        typst_s,
        ft,
        TARGET_FLOOR_RATIO,
        "floor",
        missing=reason("S", "typst") if not typst_s else _failed(floor.get("typst")),
    )
    row(
        "`cv.qmd --to typst` cold (S) / RenderCV PDF only (median of 3)",
        f"{_s(typst_s, 1)} s / {_s(rmed, 2)} s",
        f"< {TARGET_RENDERCV_RATIO:.0f}× RenderCV",
        typst_s,
        rmed,
        TARGET_RENDERCV_RATIO,
        "RenderCV",
        missing=reason("S", "typst") if not typst_s else rcv.get("skipped", "RenderCV not run"),
    )
    row(
        "cold render of L / cold render of S",
        f"{_s(cold_l, 1)} s / {_s(cold_s, 1)} s",
        f"< {TARGET_L_OVER_S:.0f}× S",
        cold_l,
        cold_s,
        TARGET_L_OVER_S,
        "S",
        missing=reason("L", "cold") if not cold_l else reason("S", "cold"),
    )
    for s, limit, label in (("S", TARGET_PAGE_S, "300 KB"), ("L", TARGET_PAGE_L, "1 MB")):
        pages = g(s, "sizes", "pages")
        name, biggest = max(pages.items(), key=lambda kv: kv[1]) if pages else ("", None)
        row(
            f"largest page HTML at {s}, without plotly.js ({name or '—'})",
            _kb(biggest),
            f"< {label}",
            biggest,
            limit,
            missing=reason(s, "cold"),
        )
    mems = [(k, g("L", k, "peak_pss_mib")) for k, _ in RENDERS if _ok(g("L", k))]
    worst = max(mems, key=lambda kv: kv[1]) if mems else (None, None)
    row(
        f"peak memory of the whole render's process tree at L (PSS; largest: {worst[0] or '—'})",
        f"{_s(worst[1], 0)} MiB",
        "< 1 GiB",
        worst[1],
        TARGET_MEM_L_MIB,
        missing=reason("L", "cold"),
    )
    add("")
    if fs is not None and fs >= TARGET_COLD_S:
        add(
            f"Quarto's floor alone, {len(DOCUMENTS)} documents of one trivial cell each, took "
            f"{fs:.1f} s here: above the {TARGET_COLD_S:.0f} s target for the cold render, "
            "which no site of this many executed documents meets on this machine.\n"
        )
    if floor_edit1 is not None and floor_edit1 >= TARGET_EDIT_S:
        add(
            "Quarto's floor again with one document re-run in both formats (its HTML and its "
            f"Typst), the others frozen, took {floor_edit1:.1f} s here: above the "
            f"{TARGET_EDIT_S:.0f} s target for a render after an edit. Every table of ours "
            "feeds the full CV, which is that document, so no edit of ours can meet it on "
            "this machine.\n"
        )
    add(
        "A render after a data edit re-executes the pages that read the edited table: "
        "`scripts/prerender.py` clears their frozen results (each page's kernel records the "
        "tables it reads; `freeze: auto` only sees a page's own source), the other pages "
        "come from `_freeze/`. Every table feeds the full CV (cv.qmd, executed for HTML and "
        "for the PDF), so the smallest edit re-runs those two; its charts, unchanged, come "
        "from the figure cache. The edits: "
        f"{g('S', 'edit1_what') or '—'} (the target's); {g('S', 'edit_what') or '—'}.\n"
    )

    # ---- renders
    add("## Renders\n")
    add(
        "Each render in a scratch copy of the project's sources (the `_quarto*.yml` files, "
        "`_brand.yml`, `styles.css`, `*.qmd`, `notebooks/`, `scripts/`) in a scratch folder "
        "outside the project, with "
        f"`CVDATA_DIR` the size's data and `CVDATA_AS_OF={AS_OF}`; cold = a fresh copy (no "
        "`_site/`, `_freeze/`, `.quarto/`). Quarto's per-user caches and the OS file cache "
        "are warm, as after a first render on a developer's machine (the same for the floor). "
        "Kernels = Python kernels Quarto started (`Starting python3 kernel` in its log). "
        "Memory: every process of the render (Quarto's Deno, its Python, the kernels, "
        "kaleido's Chromium, Typst), summed Pss from `/proc/PID/smaps_rollup` every "
        f"{SAMPLE_S} s; the peak of that sum (RSS summed the same way double-counts shared "
        "pages). CPU = user + system seconds of those processes as last sampled. Load = "
        "the machine's 1-minute load average before and after the render: these 2 cores "
        "are shared with other work, and a load above 2 means the render waited for CPU "
        "(its wall clock is then longer than on an idle machine).\n"
    )
    add(
        "| render | size | wall clock (s) | CPU (s) | load before / after | kernels "
        "| documents | peak PSS (MiB) | peak RSS sum (MiB) | processes at peak |"
    )
    add("|---|---|---|---|---|---|---|---|---|---|")
    for key, label in RENDERS:
        for s in sizes:
            r = g(s, key)
            if not r:
                continue
            wall = f"**{_s(r['wall_s'], 1)}**" if _ok(r) else _failed(r)
            add(
                f"| {label} | {s} | {wall} | {_s(r.get('cpu_s'), 1)} "
                f"| {_s(r.get('load_before'), 1)} / {_s(r.get('load_after'), 1)} "
                f"| {r['kernels']} | {len(r['docs'])} "
                f"| {_s(r['peak_pss_mib'], 0)} | {_s(r['peak_rss_mib'], 0)} "
                f"| {r['peak_procs']} |"
            )
    add("")
    add("### Per document\n")
    add(
        "From the times at which Quarto's log lines appear: a document runs from its "
        "`[n/N] file` line to the next one (the last to the end of the render, which "
        "includes Quarto's site post-processing). cv.qmd is executed twice (HTML, then "
        "Typst); its parts are split at its second kernel start, and the Typst part "
        "includes the PDF's compile. A frozen render starts no kernel.\n"
    )
    keys = ("cold", "frozen", "edit", "edit1")
    names: list[str] = []
    for s in sizes:
        for d in g(s, "cold", "docs") or []:
            for n in [d["doc"], *(f"{d['doc']}: {p} part" for p in d.get("parts", {}))]:
                if n not in names:
                    names.append(n)

    def doc_s(s: str, key: str, name: str) -> str:
        for d in g(s, key, "docs") or []:
            if d["doc"] == name:
                return _s(d["s"], 1)
            for p, v in d.get("parts", {}).items():
                if f"{d['doc']}: {p} part" == name:
                    return _s(v, 1)
        return "—"

    add("| document | " + " | ".join(f"{s} {k} (s)" for s in sizes for k in keys) + " |")
    add("|---|" + "---|" * (len(sizes) * len(keys)))
    for n in names:
        add(f"| {n} | " + " | ".join(doc_s(s, k, n) for s in sizes for k in keys) + " |")
    cells = []
    for s in sizes:
        for k in keys:
            docs = g(s, k, "docs") or []
            cells.append(_s(docs[0]["start_s"], 1) if docs else "—")
    add("| *before the first document (start, pre-render step)* | " + " | ".join(cells) + " |")
    add("")

    add("### Where a cold document's time goes\n")
    add(
        "The cold renders' documents, and the floor's, from the same log lines: kernel "
        "start (`Starting python3 kernel...`, which includes Quarto's set-up cell, up to "
        "`Executing`), each code cell (`Cell i/N` to the next line), and what follows the "
        "last cell (Pandoc, Quarto's filters, the page's post-processing; for Typst the "
        "PDF's compile; for the last document the site's post-processing).\n"
    )
    add("| render | document | kernel start (s) | code cells (s) | after the cells (s) |")
    add("|---|---|---|---|---|")
    for label, r in (
        [(f"{s} cold", g(s, "cold")) for s in sizes]
        + [(f"{s} `cv.qmd --to typst`", g(s, "typst")) for s in sizes]
        + [("floor", floor.get("site")), ("floor (Typst)", floor.get("typst"))]
    ):
        for d in (r or {}).get("docs", []):
            runs = d.get("executions", [])
            formats = list(d.get("parts", {})) if len(runs) == 2 else []
            for i, run in enumerate(runs):
                name = d["doc"] + (f" [{formats[i]}]" if formats else "")
                cells = run["cells_s"]
                text = " + ".join(f"{c:.2f}" for c in cells)
                total = f" = {sum(cells):.2f}" if len(cells) > 1 else ""
                add(
                    f"| {label} | {name} | {_s(run['kernel_s'], 2)} | {text}{total} "
                    f"| {_s(run['after_s'], 2)} |"
                )
    add("")

    # ---- floor and peers
    add("## Quarto's floor and RenderCV\n")
    add(
        "Quarto's floor, measured in the same run: a scratch website with the same "
        f"{len(DOCUMENTS)} documents (same names and formats: `index.qmd`, `cv.qmd` to HTML "
        "and Typst, five percent-format notebooks), each a page with one trivial Python cell "
        f"(`{FLOOR_CELL}`), no pre-render step, `freeze: false`, the same Python; and a "
        "one-page Typst document with one Python cell (`quarto render doc.qmd --to typst`). "
        "Both cold. RenderCV: its 2.8 release from PyPI in a Python 3.12 venv "
        "(rendercv/venv in the scratch folder), on the same CV transcribed into its YAML "
        "(`../shared/peers/rendercv/`), PDF only (`rendercv render CV.yaml -nopng -nomd "
        "-nohtml`), its Typst package from an XDG cache; median of "
        f"{RENDERCV_RUNS}. RenderCV draws no charts and has no website.\n"
    )
    add("| reference | wall clock (s) | kernels | peak PSS (MiB) | note |")
    add("|---|---|---|---|---|")
    for key, label in (
        ("site", f"floor: website of {len(DOCUMENTS)} one-cell documents + the PDF"),
        ("typst", "floor: one-page Typst document, one Python cell"),
    ):
        r = floor.get(key)
        if not r:
            add(f"| {label} | not run | — | — | {floor.get(key + '_error', '')} |")
            continue
        wall = _s(r["wall_s"], 1) if _ok(r) else _failed(r)
        add(
            f"| {label} | {wall} | {r['kernels']} | {_s(r['peak_pss_mib'], 0)} "
            f"| documents: {len(r['docs'])}; CPU {_s(r.get('cpu_s'), 1)} s; load before "
            f"{_s(r.get('load_before'), 1)} |"
        )
    if rmed is not None:
        runs = ", ".join(f"{x:.2f}" for x in rcv["runs_s"])
        add(
            f"| RenderCV {rcv.get('version')}, PDF only | {rmed:.2f} (median of {runs}) | — "
            f"| — | {rcv.get('pdf_pages')} pages, {_kb(rcv.get('pdf_bytes'))}; CPU (median) "
            f"{_s(rcv.get('cpu_median_s'), 2)} s |"
        )
    else:
        add(f"| RenderCV {RENDERCV_VERSION}, PDF only | skipped | — | — | {rcv.get('skipped')} |")
    add("")

    def ratio(key: str, s: str, ref: str) -> str:
        mine = g(s, key) if _ok(g(s, key)) else {}
        if ref == "rendercv":
            wall, cpu = rmed, rcv.get("cpu_median_s")
        else:
            other = floor.get(ref) if _ok(floor.get(ref)) else {}
            wall, cpu = other.get("wall_s"), other.get("cpu_s")
        if not mine.get("wall_s") or not wall:
            return "—"
        text = f"{mine['wall_s'] / wall:.2f}×"
        if mine.get("cpu_s") and cpu:
            text += f" (CPU {mine['cpu_s'] / cpu:.2f}×)"
        return text

    add(
        "Wall-clock ratios, with the ratio of CPU seconds beside them (less sensitive to "
        "what else the machine runs; for RenderCV the CPU time of its process and its "
        "children, from `getrusage`).\n"
    )
    add("| ours / reference | " + " | ".join(sizes) + " |")
    add("|---|" + "---|" * len(sizes))
    for key, ref, label in (
        ("cold", "site", "cold site + PDF / floor website"),
        ("typst", "typst", "cold `cv.qmd --to typst` / floor one-page Typst"),
        ("typst", "rendercv", "cold `cv.qmd --to typst` / RenderCV PDF only"),
        ("resume", "typst", "cold `--profile resume` / floor one-page Typst"),
        ("resume", "rendercv", "cold `--profile resume` / RenderCV PDF only"),
        ("cold", "rendercv", "cold site + PDF / RenderCV PDF only"),
    ):
        add(f"| {label} | " + " | ".join(ratio(key, s, ref) for s in sizes) + " |")
    add("")

    # ---- memory at the peak
    add("## Memory at the peak, by process\n")
    add(
        "Pss (MiB) of the render's processes at the sample with the largest sum, grouped by "
        "process name (`/proc/PID/comm`).\n"
    )
    add("| size | render | peak PSS (MiB) | by process |")
    add("|---|---|---|---|")
    for s in sizes:
        for key in ("cold", "edit", "edit1", "typst"):
            r = g(s, key)
            if not r:
                continue
            parts = sorted(r["peak_by_name"].items(), key=lambda kv: -kv[1])
            text = ", ".join(f"{n} {v:.0f}" for n, v in parts[:8])
            add(f"| {s} | {key} | {_s(r['peak_pss_mib'], 0)} | {text} |")
    add("")

    # ---- load, figures
    add("## Load + validate\n")
    add(
        f"In a fresh process per size: `import cvdata` (with page and the charts) timed on "
        f"its own, then `load()` {LOAD_RUNS + 1} times; the median is over the runs after "
        f"the first. Target (earlier, kept): load + validate of L < 1 s.\n"
    )
    add("| size | import cvdata (s) | first load (s) | median load (s) |")
    add("|---|---|---|---|")
    for s in sizes:
        w = g(s, "worker") or {}
        add(
            f"| {s} | {_s(w.get('import_s'))} | {_s(w.get('load_first_s'))} "
            f"| {_s(w.get('load_median_s'))} |"
        )
    add("")
    add("## Figures: build and static export\n")
    add(
        "Build = shape -> describe -> figure, as the pages call them (each distinct call "
        "once). Export = `cvdata.quarto.static.static_export` (kaleido, one browser for the "
        "process; an SVG 820 px wide, as `Page.figure` does in a Typst render); the first export "
        "starts the browser. As a page runs them: build a figure, export it, build the next; "
        "the same exports back to back are shown beside it. Outside Quarto, in one "
        "process.\n"
    )
    add("| figure | " + " | ".join(f"build {s} (s) | export {s} (s)" for s in sizes) + " |")
    add("|---|" + "---|---|" * len(sizes))
    fig_names = [f["name"] for f in (g(sizes[0], "worker", "figures") or [])] if sizes else []
    for i, name in enumerate(fig_names):
        cells = []
        for s in sizes:
            figs = g(s, "worker", "figures") or []
            exps = g(s, "worker", "exports") or []
            b = figs[i]["build_s"] if i < len(figs) else None
            e = exps[i].get("export_s") if i < len(exps) else None
            cells += [_s(b), _s(e)]
        add(f"| {name} | " + " | ".join(cells) + " |")
    tot = []
    for s in sizes:
        figs = g(s, "worker", "figures") or []
        exps = [e["export_s"] for e in g(s, "worker", "exports") or [] if e.get("export_s")]
        tot += [_s(sum(f["build_s"] for f in figs)), _s(sum(exps))]
    add("| **total** | " + " | ".join(f"**{t}**" for t in tot) + " |")
    add("")
    add(
        "| size | first export (s) | mean after the first (s/figure) | median after the "
        "first (s) | back to back, mean (s/figure) |"
    )
    add("|---|---|---|---|---|")
    for s in sizes:
        add(
            f"| {s} | {_s(g(s, 'export_first_s'))} | {_s(g(s, 'export_rest_mean_s'))} "
            f"| {_s(g(s, 'export_rest_median_s'))} | {_s(g(s, 'export_b2b_mean_s'))} |"
        )
    add("")

    # ---- sizes
    add("## Output sizes\n")
    add(
        "From the cold render's `_site/`. HTML bytes per page as Quarto wrote it (plotly.js "
        "is a separate file, `assets/plotly.min.js`, loaded once per page; 'with plotly.js' "
        "adds it). The site is every file of `_site/` (Quarto's `site_libs/`, "
        "`search.json` and the PDF included).\n"
    )
    pages: list[str] = []
    for s in sizes:
        for p in g(s, "sizes", "pages") or {}:
            if p not in pages:
                pages.append(p)
    add("| page | " + " | ".join(f"{s} without / with plotly.js" for s in sizes) + " |")
    add("|---|" + "---|" * len(sizes))
    for p in pages:
        cells = []
        for s in sizes:
            n = (g(s, "sizes", "pages") or {}).get(p)
            js = g(s, "sizes", "plotly_js") or 0
            cells.append("—" if n is None else f"{_kb(n)} / {_kb(n + js)}")
        add(f"| {p} | " + " | ".join(cells) + " |")

    def line(label: str, cells: list[str]) -> None:
        add(f"| {label} | " + " | ".join(cells) + " |")

    line("plotly.min.js", [_kb(g(s, "sizes", "plotly_js")) for s in sizes])
    line("site_libs/ (Quarto's)", [_kb(g(s, "sizes", "site_libs")) for s in sizes])
    line("whole site", [_kb(g(s, "sizes", "site")) for s in sizes])
    line("cv.pdf", [_kb(g(s, "sizes", "pdf_bytes")) for s in sizes])
    line("cv.pdf pages (pdfinfo)", [str(g(s, "sizes", "pdf_pages") or "—") for s in sizes])
    cells = []
    for s in sizes:
        n, miss = g(s, "sizes", "titles"), g(s, "sizes", "titles_missing_n")
        cells.append("—" if n is None else f"{n - miss} / {n}")
    line("paper titles found in cv.pdf's text", cells)
    line("resume.pdf (`--profile resume`)", [_kb(g(s, "resume_pdf", "bytes")) for s in sizes])
    line("resume.pdf pages", [str(g(s, "resume_pdf", "pages") or "—") for s in sizes])
    add("")
    for s in sizes:
        if miss := g(s, "sizes", "titles_missing"):
            add(f"{s}: titles not found in `pdftotext -raw` (first 5): {miss}\n")
        if inline := g(s, "sizes", "inline_plotly"):
            add(f"{s}: pages with plotly.js inside the HTML (counted in their bytes): {inline}\n")
    add(
        "Titles are matched after NFKC, removing all whitespace and hyphens/dashes "
        "(`pdftotext -raw`).\n"
    )

    history = Path(__file__).with_name("history.md")
    if history.is_file():  # measured by hand along the way, kept with the benchmark
        add(history.read_text(encoding="utf-8").rstrip() + "\n")

    errors = [(s, k, v) for s in sizes for k, v in res["sizes"][s].items() if k.endswith("_error")]
    errors += [("floor", k, v) for k, v in floor.items() if k.endswith("_error")]
    errors += [
        (s, k, r["error"]) for s in sizes for k, _ in RENDERS if (r := g(s, k)) and r.get("error")
    ]
    if errors or rcv.get("skipped"):
        add("## Errors and skipped parts\n")
        if rcv.get("skipped"):
            add(f"- RenderCV skipped: {rcv['skipped']}")
        for s, k, v in errors:
            add(f"- {s} {k}:\n\n  ```\n  {str(v)[-800:]}\n  ```")
        add("")
    return "\n".join(L) + "\n"


# --- driver ------------------------------------------------------------------------------------


def _save(res: dict[str, Any]) -> None:
    (OUT / "results.json").write_text(json.dumps(res, indent=1, default=str))


def _log(msg: str) -> None:
    print(f"bench: {msg}", flush=True)


def _said(r: dict[str, Any]) -> str:
    return f"{r['wall_s']:.1f} s" if _ok(r) else _failed(r)


def bench_floor(quarto: str, res: dict[str, Any]) -> None:
    floor: dict[str, Any] = {}
    res["floor"] = floor
    for key, make, args in (
        ("site", make_floor_site, []),
        ("typst", make_floor_typst, ["doc.qmd", "--to", "typst"]),
    ):
        try:
            proj = make()
            floor[key] = r = quarto_render(
                quarto, proj, args, None, f"floor-{key}", RENDER_TIMEOUT["floor"], "doc.qmd"
            )
            _log(f"Quarto's floor, {key}: {_said(r)}")
            if key == "site" and _ok(r):  # again, every result frozen: no cell runs
                floor["site_frozen"] = again = quarto_render(
                    quarto, proj, args, None, "floor-site-frozen", RENDER_TIMEOUT["floor"]
                )
                _log(f"Quarto's floor, site again (frozen): {_said(again)}")
                # And with cv.qmd's results dropped, as an edit of a table only it reads
                # does to ours: that one document runs again, in both formats.
                shutil.rmtree(proj / "_freeze" / "cv", ignore_errors=True)
                floor["site_edit1"] = one = quarto_render(
                    quarto, proj, args, None, "floor-site-edit1", RENDER_TIMEOUT["floor"]
                )
                _log(f"Quarto's floor, site again, cv.qmd re-run: {_said(one)}")
        except Exception as exc:  # reported, not fatal
            floor[f"{key}_error"] = repr(exc)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bench_preview(quarto: str, data_dir: Path, tag: str) -> dict[str, Any]:
    """``make preview`` on a fresh project: once it watches, the talks.csv edit of edit1 is
    saved, and the time until the preview's ``_site/cv.html`` shows it is measured."""
    proj = make_project(tag)
    port, log = _free_port(), OUT / f"{tag}.log"
    cmd = [sys.executable, "-m", "cvdata.quarto.preview", "--quarto", quarto]
    cmd += ["--port", str(port), "--no-browser", "--daemon", "60"]
    out: dict[str, Any] = {"log": str(log)}
    with log.open("w") as f:
        proc = subprocess.Popen(
            cmd, cwd=proj, env=render_env(data_dir, tag), stdout=f, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    cv_html = proj / "_site" / "cv.html"
    try:
        deadline = time.monotonic() + PREVIEW_TIMEOUT
        while "preview: watching" not in log.read_text(errors="replace"):
            if time.monotonic() > deadline or proc.poll() is not None:
                return {**out, "error": "the preview did not start (see its log)"}
            time.sleep(0.5)
        before = cv_html.read_bytes()
        path, old, out["what"] = edit_one_table(data_dir, "talks")
        t0 = time.perf_counter()
        try:
            while b"Benchmarking" not in before:
                if time.perf_counter() - t0 > PREVIEW_TIMEOUT:
                    return {**out, "error": f"cv.html not updated in {PREVIEW_TIMEOUT} s"}
                time.sleep(0.05)
                with contextlib.suppress(OSError):
                    before = cv_html.read_bytes()
            out["latency_s"] = time.perf_counter() - t0
        finally:
            path.write_bytes(old)
        return out
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)


def bench_size(s: str, quarto: str | None, r: dict[str, Any]) -> None:
    _log(f"{s}: data")
    data_dir = _copy_data(s)
    _log(f"{s}: import, load + validate, figures, static export")
    try:
        w = _run_json(["--worker", str(data_dir), str(OUT / f"svg-{s}")], timeout=600)
        r["worker"] = w
        ex = [e["export_s"] for e in w["exports"] if e.get("export_s") is not None]
        r["export_first_s"] = ex[0] if ex else None
        r["export_rest_mean_s"] = statistics.mean(ex[1:]) if len(ex) > 1 else None
        r["export_rest_median_s"] = statistics.median(ex[1:]) if len(ex) > 1 else None
        again = [e["export_s"] for e in w["exports_back_to_back"] if e.get("export_s")]
        r["export_b2b_mean_s"] = statistics.mean(again) if again else None
    except (RuntimeError, subprocess.TimeoutExpired, ValueError) as exc:
        r["worker_error"] = str(exc)
    if quarto is None:
        r["render_error"] = "no Quarto (set CVDATA_QUARTO or put quarto on PATH)"
        return
    timeout = RENDER_TIMEOUT[s]
    site = make_project(f"{s}-site")
    _log(f"{s}: cold quarto render (timeout {timeout} s)")
    r["cold"] = quarto_render(quarto, site, [], data_dir, f"{s}-cold", timeout)
    _log(f"{s}: cold: {_said(r['cold'])}")
    if _ok(r["cold"]):
        r["sizes"] = sizes_and_pdf(site / "_site", data_dir)
    r["frozen"] = quarto_render(quarto, site, [], data_dir, f"{s}-frozen", timeout)
    _log(f"{s}: frozen: {_said(r['frozen'])}")
    for key, table in (("edit", "skills"), ("edit1", "talks")):
        path, old, r[f"{key}_what"] = edit_one_table(data_dir, table)
        try:
            r[key] = quarto_render(quarto, site, [], data_dir, f"{s}-{key}", timeout)
        finally:
            path.write_bytes(old)
        _log(f"{s}: after editing {table}.csv: {_said(r[key])}")
        if key == "edit":  # back to the data as it was: the next edit is one table's alone
            quarto_render(quarto, site, [], data_dir, f"{s}-{key}-undo", timeout)
    if s == "S":
        _log(f"{s}: make preview, then the talks.csv edit")
        r["preview"] = bench_preview(quarto, data_dir, f"{s}-preview")
        _log(f"{s}: preview: {r['preview'].get('latency_s') or r['preview'].get('error')}")
    proj = make_project(f"{s}-typst")
    args = ["cv.qmd", "--to", "typst"]
    r["typst"] = quarto_render(quarto, proj, args, data_dir, f"{s}-typst", timeout, "cv.qmd")
    _log(f"{s}: cv.qmd --to typst: {_said(r['typst'])}")
    proj = make_project(f"{s}-resume")
    args = ["--profile", "resume"]
    r["resume"] = quarto_render(quarto, proj, args, data_dir, f"{s}-resume", timeout, "resume.qmd")
    _log(f"{s}: --profile resume: {_said(r['resume'])}")
    pdf = proj / "_resume" / "resume.pdf"
    if pdf.is_file():
        r["resume_pdf"] = {"bytes": pdf.stat().st_size, "pages": pdf_pages(pdf)}


def run(sizes: list[str], with_rendercv: bool) -> None:
    started = time.perf_counter()
    OUT.mkdir(parents=True, exist_ok=True)
    quarto = quarto_command()
    info = machine(quarto)
    res: dict[str, Any] = {"sizes": {}, "floor": {}, "rendercv": {}}
    if quarto:
        _log("Quarto's floor")
        bench_floor(quarto, res)
    else:
        res["floor"]["site_error"] = "no Quarto (set CVDATA_QUARTO or put quarto on PATH)"
    _save(res)
    for s in sizes:
        res["sizes"][s] = {}
        bench_size(s, quarto, res["sizes"][s])
        _save(res)
    if with_rendercv:
        _log("RenderCV")
        try:
            res["rendercv"] = rendercv()
        except Exception as exc:  # reported, not fatal
            res["rendercv"] = {"skipped": f"RenderCV failed: {exc!r}"}
        _log(f"RenderCV: {res['rendercv'].get('median_s') or res['rendercv'].get('skipped')}")
    else:
        res["rendercv"] = {"skipped": "not run (--no-rendercv or CVDATA_BENCH_RENDERCV=0)"}
    res["elapsed_s"] = time.perf_counter() - started
    _save(res)
    REPORT.write_text(write_report(info, res, res["elapsed_s"]), encoding="utf-8")
    for what, measured, target, ratio, verdict in targets_23(res):
        _log(f"{verdict}: {what}: {measured} ({target}; ratio {_s(ratio, 2) if ratio else '—'})")
    _log(f"wrote {_show(REPORT)} in {res['elapsed_s']:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help="comma-separated: S,M,L")
    parser.add_argument(
        "--no-rendercv",
        action="store_true",
        help="skip RenderCV (also CVDATA_BENCH_RENDERCV=0)",
    )
    parser.add_argument("--worker", nargs=2, metavar=("DATA", "SVG_DIR"), help=argparse.SUPPRESS)
    parser.add_argument("--report-only", action="store_true", help="rewrite from results")
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(*args.worker)))
    elif args.report_only:
        res = json.loads((OUT / "results.json").read_text())
        info = machine(quarto_command())
        REPORT.write_text(write_report(info, res, res.get("elapsed_s", 0.0)), encoding="utf-8")
    else:
        sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
        unknown = [s for s in sizes if s not in SIZES]
        if unknown:
            parser.error(f"unknown sizes {unknown}; known: {', '.join(SIZES)}")
        with_rendercv = not args.no_rendercv and os.environ.get("CVDATA_BENCH_RENDERCV") != "0"
        run(sizes, with_rendercv)


if __name__ == "__main__":
    main()
