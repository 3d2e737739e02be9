"""Benchmark of cvdata at three data sizes; writes BENCHMARKS.md at the project root.

    make bench            # or: .venv/bin/python benchmarks/bench.py [--sizes S,M,L]

Sizes: S is the CV in data/; M and L come from :func:`cvdata.synth.write_cv` with seed 0.
For each size it measures, each part in a fresh process where that matters:

1. import time and load + validate (median of several runs after the first);
2. every figure the pages build (shape -> describe -> figure), per figure;
3. static SVG export per figure through kaleido with one browser (first vs. the rest);
4. the whole offline render (``python -m cvdata.preview``) of a scratch copy of the
   project (so the real project's _freeze/ and assets/ are left alone), per document from
   its log, plus the Typst compile of the PDF on its own;
5. bytes per HTML page (without and with plotly.js), the site, the PDF (and its pages),
   and whether the PDF keeps every paper title;
6. peak memory (ru_maxrss) of a page's kernel, executing cv.qmd / index.qmd as the
   preview does.

Scratch files go to bench-out/ (git-ignored). Plain Python, no test framework.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata as md
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
import unicodedata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# Overridable so that a test can run the benchmark at S into a scratch folder.
OUT = Path(os.environ.get("CVDATA_BENCH_OUT") or ROOT / "bench-out")
REPORT = Path(os.environ.get("CVDATA_BENCH_REPORT") or ROOT / "BENCHMARKS.md")
AS_OF = "2026-11-26"
SEED = 0
SIZES: dict[str, dict[str, int] | None] = {
    "S": None,  # the CV in data/
    "M": {"n_papers": 500, "n_roles": 50, "n_projects": 200, "n_skills": 300},
    "L": {"n_papers": 5000, "n_roles": 200, "n_projects": 1000, "n_skills": 1000},
}
RENDER_TIMEOUT = {"S": 300, "M": 600, "L": 900}
LOAD_RUNS = 5
PACKAGES = (
    "pandas",
    "numpy",
    "plotly",
    "kaleido",
    "choreographer",
    "nbclient",
    "ipykernel",
    "jupyter_client",
    "typst",
    "pypandoc_binary",
)
# Project files the offline render and `make render` need (copied into a scratch project
# per size).
PROJECT_FILES = (
    "Makefile",
    "pyproject.toml",
    "_quarto.yml",
    "_quarto-full.yml",
    "_quarto-resume.yml",
    "_brand.yml",
    "index.qmd",
    "cv.qmd",
    "resume.qmd",
    "styles.css",
    "notebooks",
    "scripts",
    "assets",
)

# --- worker: runs in a fresh process, prints one JSON object --------------------------------


def _figure_jobs() -> list[tuple[str, Any]]:
    """Every (shape -> describe -> figure) the pages run, as in index.qmd, cv.qmd and
    notebooks/*.ipynb (the same builder with the same arguments is listed once)."""
    from cvdata import figures, shape

    def timeline(cv, brand):
        roles = shape.roles_timeline(cv)
        markers = shape.timeline_markers(cv)
        figures.describe_timeline(roles, cv.as_of, markers)
        return figures.timeline(roles, as_of=cv.as_of, markers=markers, brand=brand)

    def venues(top):
        def build(cv, brand):
            t = shape.venue_counts(cv) if top is None else shape.venue_counts(cv, top=top)
            figures.describe_publications_by_venue(t)
            return figures.publications_by_venue(t, brand=brand)

        return build

    def skills_top3(cv, brand):
        t = shape.skills_years(cv, per_category=3)
        figures.describe_skills(t)
        return figures.skills(t, columns=2, brand=brand)

    def skills_all(cv, brand):
        t = shape.skills_years(cv)
        figures.describe_skills(t)
        return figures.skills(t, brand=brand)

    def skills_overview(cv, brand):
        t = shape.skills_by_category(cv)
        figures.describe_skills_overview(t)
        return figures.skills_overview(t, brand=brand)

    def years(cv, brand):
        t = shape.papers_by_year(cv)
        figures.describe_publications_by_year(t)
        return figures.publications_by_year(t, brand=brand)

    def authorship(cv, brand):
        t = shape.authorship(cv)
        figures.describe_authorship(t)
        return figures.authorship(t, brand=brand)

    def coauthors(cv, brand):
        t = shape.coauthors(cv, top=25)
        figures.describe_coauthors(t)
        return figures.coauthors(t, brand=brand)

    def career_time(cv, brand):
        t = shape.career_time(cv)
        figures.describe_career_time(t)
        return figures.career_time(t, brand=brand)

    def projects(cv, brand):
        t = shape.projects_per_role(cv)
        figures.describe_projects_per_role(t, shape.roles_without_projects(cv))
        return figures.projects_per_role(t, brand=brand)

    return [
        ("timeline (index, cv, timeline)", timeline),
        ("publications_by_venue top=12 (index, cv)", venues(None)),
        ("skills per_category=3 (index, cv)", skills_top3),
        ("publications_by_venue top=15 (publications)", venues(15)),
        ("publications_by_year (publications)", years),
        ("authorship (publications)", authorship),
        ("skills_overview (skills)", skills_overview),
        ("skills all (skills)", skills_all),
        ("projects_per_role (projects)", projects),
        ("coauthors top=25 (collaborators)", coauthors),
        ("career_time (timeline)", career_time),
    ]


def _export(page: Any, fig: Any, name: str, target: Path) -> dict[str, Any]:
    if not fig.data:
        return {"name": name, "export_s": None}
    height = int(fig.layout.height or 450)
    t = time.perf_counter()
    page._static_export(fig, target, 820, height)
    seconds = time.perf_counter() - t
    return {"name": name, "export_s": seconds, "height": height, "bytes": target.stat().st_size}


def worker(data_dir: str, export_dir: str) -> dict[str, Any]:
    t0 = time.perf_counter()
    import cvdata  # noqa: F401
    from cvdata import figures, page, shape  # noqa: F401
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
        exports.append(_export(page, fig, name, Path(export_dir) / f"{i:02d}.svg"))
    result["figures"] = [{"name": n, "build_s": s, "traces": len(f.data)} for n, f, s in figs]
    # The same figures again, back to back, nothing built in between.
    result["exports_back_to_back"] = [
        _export(page, fig, name, Path(export_dir) / f"again-{i:02d}.svg")
        for i, (name, fig, _) in enumerate(figs)
    ]
    result["exports"] = exports
    return result


def memory_worker(project: str, doc_rel: str, fmt: str, data_dir: str) -> dict[str, Any]:
    """Execute one document's code cells like the preview (same environment, execute-info
    file and setup cell), then report the kernel's ru_maxrss."""
    import nbformat
    from nbclient import NotebookClient

    from cvdata import _preview_engine as engine
    from cvdata import preview

    proj = Path(project)
    doc = engine.read_document(proj / doc_rel)
    config = preview.load_config(proj)
    site = preview.Site(proj, config)
    build = OUT / "mem"
    build.mkdir(parents=True, exist_ok=True)
    target = build / Path(doc_rel).with_suffix(".html" if fmt == "html" else ".pdf").name
    spec = engine.resolve_format(site.config, doc.front_matter, fmt, doc.path, target)
    spec.pop("extension")
    info = build / f"{Path(doc_rel).stem}.{fmt}.execute-info.json"
    info.write_text(json.dumps({"document-path": str(doc.path), "format": spec}, default=str))
    env = engine.kernel_environment(proj, doc.path, info, spec["execute"])
    env[preview.PROFILE_ENV] = ",".join(site.profiles)
    env["CVDATA_DIR"] = data_dir
    env["CVDATA_AS_OF"] = AS_OF
    run_path = doc.path.parent
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": engine.KERNEL, "language": "python"}
    client = NotebookClient(
        nb, kernel_name=engine.KERNEL, timeout=600, allow_errors=True, record_timing=False
    )
    sources = [engine.setup_source(spec["execute"], run_path)]
    sources += [c.source for c in doc.cells if c.kind == "code"]
    sources.append(
        "import resource, json as _j\n"
        "print('MAXRSS', _j.dumps([resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,"
        " resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss]))"
    )
    errors = []
    steps: list[float] = []  # kernel start, Quarto's setup cell, each code cell
    t = time.perf_counter()
    with client.setup_kernel(env=env, cwd=str(run_path)):
        steps.append(time.perf_counter() - t)
        for src in sources:
            nb.cells.append(nbformat.v4.new_code_cell(src))
            c = time.perf_counter()
            done = client.execute_cell(nb.cells[-1], len(nb.cells) - 1)
            steps.append(time.perf_counter() - c)
            errors += [o.get("ename") for o in done.outputs if o.get("output_type") == "error"]
    elapsed = time.perf_counter() - t
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
    found = re.search(r"MAXRSS (\[.*\])", text)
    self_kb, children_kb = json.loads(found.group(1)) if found else (None, None)
    return {
        "maxrss_mb": self_kb / 1024 if self_kb else None,
        "children_maxrss_mb": children_kb / 1024 if children_kb else None,
        "seconds": elapsed,
        "kernel_start_s": steps[0],
        "setup_cell_s": steps[1],
        "cells_s": steps[2:-1],  # the document's code cells (not the memory probe)
        "errors": errors,
    }


# --- driver ------------------------------------------------------------------------------------


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


def machine() -> dict[str, str]:
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
    return {
        "CPU": cpu,
        "Cores": str(os.cpu_count()),
        "RAM": ram,
        "OS": f"{platform.system()} {platform.release()}",
        "Python": f"{platform.python_implementation()} {platform.python_version()}",
        "Packages": ", ".join(versions),
    }


def make_data(size: str) -> Path:
    spec = SIZES[size]
    if spec is None:
        return ROOT / "data"
    from cvdata.synth import write_cv

    folder = OUT / f"data-{size}"
    if folder.exists():
        shutil.rmtree(folder)
    write_cv(folder, seed=SEED, as_of=dt.date.fromisoformat(AS_OF), **spec)
    return folder


def make_project(size: str) -> Path:
    """A scratch copy of the project's render inputs (pre-render writes _freeze/ and
    assets/ into the project it renders, and the render _preview/ and _figures/: the
    user's own project is never rendered with synthetic data). Its ``.venv`` is the
    project's, already set up (``make bench`` depends on ``make setup``)."""
    proj = OUT / f"project-{size}"
    if proj.exists():
        shutil.rmtree(proj)
    proj.mkdir(parents=True)
    for name in PROJECT_FILES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, proj / name, ignore=shutil.ignore_patterns("_figures", ".*"))
        elif src.is_file():
            shutil.copy2(src, proj / name)  # mtimes kept: make sees setup as done
    (proj / ".venv").symlink_to(ROOT / ".venv", target_is_directory=True)
    return proj


_DOC_LINE = re.compile(r"^preview: (\S+) \[(\w+)\] -> \S+ \(([\d.]+) s\)")
_DONE_LINE = re.compile(r"^preview: done: .* in ([\d.]+) s")


def render(size: str, proj: Path, data_dir: Path, jobs: int) -> dict[str, Any]:
    """``python -m cvdata.preview`` with ``jobs`` documents at once (1: as quarto render)."""
    env = dict(os.environ)
    env.update(CVDATA_DIR=str(data_dir), CVDATA_AS_OF=AS_OF)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    log_path = OUT / f"render-{size}-jobs{jobs}.log"
    timeout = RENDER_TIMEOUT[size]
    command = [sys.executable, "-u", "-m", "cvdata.preview", "--out", "_preview"]
    command += ["--jobs", str(jobs)]
    t = time.perf_counter()
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-u",
                "-m",
                "cvdata.preview",
                "--out",
                "_preview",
                "--jobs",
                str(jobs),
            ],
            cwd=proj,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        timed_out = False
        try:
            rc = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            os.killpg(proc.pid, signal.SIGKILL)  # the preview and its kernel, nothing else
            rc = proc.wait()
    wall = time.perf_counter() - t
    docs, total = [], None
    for line in log_path.read_text(errors="replace").splitlines():
        if m := _DOC_LINE.match(line):
            docs.append({"doc": m.group(1), "format": m.group(2), "s": float(m.group(3))})
        elif m := _DONE_LINE.match(line):
            total = float(m.group(1))
    result: dict[str, Any] = {
        "jobs": jobs,
        "wall_s": wall,
        "reported_s": total,
        "timed_out": timed_out,
        "timeout_s": timeout,
        "rc": rc,
        "docs": docs,
        "log": _show(log_path),
    }
    if rc != 0 and not timed_out:
        tail = log_path.read_text(errors="replace").splitlines()[-15:]
        result["error"] = "\n".join(tail)
    return result


def make_render(size: str, proj: Path, data_dir: Path) -> dict[str, Any]:
    """The literal ``make render DATA_DIR=...`` in the scratch project (into its
    _preview/), wall clock."""
    env = {**os.environ, "CVDATA_AS_OF": AS_OF}
    env.pop("CVDATA_DIR", None)  # the Makefile sets it from DATA_DIR
    log_path = OUT / f"make-render-{size}.log"
    t = time.perf_counter()
    with log_path.open("w") as log:
        done = subprocess.run(
            ["make", "-s", "render", f"DATA_DIR={data_dir}"],
            cwd=proj,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            timeout=RENDER_TIMEOUT[size],
            check=False,
        )
    return {"wall_s": time.perf_counter() - t, "rc": done.returncode, "log": _show(log_path)}


def typst_compile(proj: Path) -> float | None:
    """The PDF compile on its own, as the render does it: in a fresh process (Typst caches
    within a process, so a second compile there would look faster than a render's)."""
    build = proj / "_preview" / ".build"
    typ = build / "cv.typst.typ"
    if not typ.is_file():
        return None
    code = (
        "import sys, time, typst\n"
        "t = time.perf_counter()\n"
        "typst.compile(sys.argv[1], output=sys.argv[2], root=sys.argv[3],"
        " font_paths=['/usr/share/fonts'])\n"
        "print(time.perf_counter() - t)\n"
    )
    times = []
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-c", code, str(typ), str(OUT / "recompiled.pdf"), str(build)],
            capture_output=True,
            text=True,
            check=True,
            timeout=600,
        )
        times.append(float(done.stdout.strip().splitlines()[-1]))
    return min(times)


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"-\s*\n\s*", "", text)  # words hyphenated across lines
    return re.sub(r"[\s\-‐‑–—]+", "", text).lower()


def sizes_and_pdf(proj: Path, data_dir: Path) -> dict[str, Any]:
    site = proj / "_preview"
    plotly_js = site / "assets" / "plotly.min.js"
    js = plotly_js.stat().st_size if plotly_js.is_file() else 0
    pages = {
        str(p.relative_to(site)): p.stat().st_size
        for p in sorted(site.rglob("*.html"))
        if ".build" not in p.relative_to(site).parts
    }
    total = sum(
        p.stat().st_size
        for p in site.rglob("*")
        if p.is_file() and ".build" not in p.relative_to(site).parts
    )
    out: dict[str, Any] = {"pages": pages, "plotly_js": js, "site": total}
    pdf = site / "cv.pdf"
    if pdf.is_file():
        out["pdf_bytes"] = pdf.stat().st_size
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=False)
        m = re.search(r"^Pages:\s+(\d+)", info.stdout, re.M)
        out["pdf_pages"] = int(m.group(1)) if m else None
        text = subprocess.run(
            ["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=False
        ).stdout
        import csv

        with (data_dir / "papers.csv").open(encoding="utf-8") as f:
            titles = [row["title"] for row in csv.DictReader(f)]
        body = _norm(text)
        missing = [t for t in titles if _norm(t) not in body]
        out["titles"] = len(titles)
        out["titles_missing"] = missing[:5]
        out["titles_missing_n"] = len(missing)
    return out


# --- report ----------------------------------------------------------------------------------


def _verdict(value: float | None, limit: float) -> str:
    if value is None:
        return "n/a"
    return f"{value / limit:.2f}× {'PASS' if value < limit else 'MISS'}"


def _s(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _kb(n: int | None) -> str:
    return "—" if n is None else f"{n / 1024:,.0f} KB"


def write_report(info: dict, res: dict[str, dict[str, Any]], elapsed: float) -> str:
    sizes = list(res)
    L: list[str] = []
    add = L.append
    add("# Benchmarks\n")
    add(
        f"Written by `make bench` (`benchmarks/bench.py`) on "
        f"{dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}; the benchmark took "
        f"{elapsed / 60:.1f} min. As-of date {AS_OF}.\n"
    )
    add("## Machine\n")
    add("| | |\n|---|---|")
    for k, v in info.items():
        add(f"| {k} | {v} |")
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
        rows = res[s].get("worker", {}).get("rows", {})
        add(f"| {s} | " + " | ".join(str(rows.get(t, "—")) for t in tables) + " |")
    add("")

    # Summary against the targets.
    def g(s: str, *keys: str) -> Any:
        v: Any = res.get(s, {})
        for k in keys:
            v = v.get(k) if isinstance(v, dict) else None
        return v

    def render_s(s: str) -> float | None:
        # The literal make render when it ran; else the preview as make render runs it.
        r = g(s, "make_render") or g(s, "render")
        if not r or r.get("timed_out") or r.get("rc"):
            return None
        return r.get("wall_s")

    add("## Targets\n")
    add("| target | measured | ratio / verdict |")
    add("|---|---|---|")
    rs, rl = render_s("S"), render_s("L")
    if "S" in res:
        add(
            f"| whole offline render of S < 20 s (`make render`, wall clock) | {_s(rs, 1)} s "
            f"| {_verdict(rs, 20)} |"
        )
    if "L" in res:
        r = g("L", "render") or {}
        if r.get("timed_out"):
            add(
                f"| whole offline render of L < 2 × S | timed out after {r['timeout_s']} s "
                f"| MISS (timeout) |"
            )
        elif rs:
            add(
                f"| whole offline render of L < 2 × S ({_s(2 * rs, 1)} s) | {_s(rl, 1)} s "
                f"| {_verdict(rl, 2 * rs)} |"
            )
        lv = g("L", "worker", "load_median_s")
        add(f"| load + validate of L < 1 s (median) | {_s(lv)} s | {_verdict(lv, 1)} |")
    for s in sizes:
        rest = g(s, "export_rest_mean_s")
        add(
            f"| static export after the first figure < 0.3 s/figure ({s}) | {_s(rest)} s "
            f"| {_verdict(rest, 0.3)} |"
        )
    for s, limit, label in (("S", 300 * 1024, "300 KB"), ("L", 1024 * 1024, "1 MB")):
        pages = g(s, "sizes", "pages")
        if pages:
            name, biggest = max(pages.items(), key=lambda kv: kv[1])
            add(
                f"| HTML of {s} < {label} per page without plotly.js (largest: {name}) "
                f"| {_kb(biggest)} | {_verdict(biggest, limit)} |"
            )
    mem = g("L", "memory")
    if mem:
        peak = max((m.get("maxrss_mb") or 0) for m in mem.values())
        add(
            f"| peak kernel memory at L < 500 MB (largest of {', '.join(mem)}) "
            f"| {_s(peak, 0)} MB | {_verdict(peak, 500)} |"
        )
    add("")

    add("## Load + validate\n")
    add(
        f"In a fresh process per size: `import cvdata` (with figures, page, shape) timed on "
        f"its own, then `load()` {LOAD_RUNS + 1} times; the median is over the runs after "
        f"the first.\n"
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
        "once). Export = `cvdata.page._static_export` (kaleido, one browser for the process; "
        "an SVG 820 px wide, as `Page.figure` does); the first export starts the browser. "
        "As a page runs them: build a figure, export it, build the next (kaleido reloads its "
        "tab after each image while the next figure is built). The target is judged on that; "
        "the same exports back to back, with nothing built in between, are shown beside it.\n"
    )
    add("| figure | " + " | ".join(f"build {s} (s) | export {s} (s)" for s in sizes) + " |")
    add("|---|" + "---|---|" * len(sizes))
    names = [f["name"] for f in (g(sizes[0], "worker", "figures") or [])]
    for i, name in enumerate(names):
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
        "first (s) | back to back, mean (s/figure) | target < 0.3 (mean) |"
    )
    add("|---|---|---|---|---|---|")
    for s in sizes:
        add(
            f"| {s} | {_s(g(s, 'export_first_s'))} | {_s(g(s, 'export_rest_mean_s'))} "
            f"| {_s(g(s, 'export_rest_median_s'))} | {_s(g(s, 'export_b2b_mean_s'))} "
            f"| {_verdict(g(s, 'export_rest_mean_s'), 0.3)} |"
        )
    add("")

    add("## Whole offline render\n")
    jobs = (g(sizes[0], "render") or {}).get("jobs")
    add(
        "`python -m cvdata.preview --out _preview` on a scratch copy of the project "
        "(bench-out/project-SIZE) with `CVDATA_DIR` set to the size's data and "
        f"`CVDATA_AS_OF={AS_OF}`, twice: `--jobs 1` (one document at a time, as `quarto "
        f"render` does), then `--jobs {jobs}` (the default here, what `make render` runs: "
        "each document still in its own fresh kernel, documents overlapping). "
        "Per-document seconds are the `--jobs 1` run's own log lines (kernel start, "
        "execution, pandoc and, for typst, the PDF compile). The Typst compile is timed "
        "again on its own from `_preview/.build/cv.typst.typ`, in a fresh process (best "
        "of 2). Last, the literal `make render DATA_DIR=...` in the same scratch project "
        "(the project's Makefile; make, the pre-render step and the same preview), whose "
        "wall clock the targets use.\n"
    )
    docs = []
    for s in sizes:
        for d in g(s, "render_seq", "docs") or []:
            key = (d["doc"], d["format"])
            if key not in docs:
                docs.append(key)
    add("| document [format] | " + " | ".join(f"{s} (s)" for s in sizes) + " |")
    add("|---|" + "---|" * len(sizes))
    for doc, fmt in docs:
        cells = []
        for s in sizes:
            hit = [
                d["s"]
                for d in g(s, "render_seq", "docs") or []
                if d["doc"] == doc and d["format"] == fmt
            ]
            cells.append(_s(hit[0], 1) if hit else "—")
        add(f"| {doc} [{fmt}] | " + " | ".join(cells) + " |")
    for fmt in ("html", "typst"):
        cells = []
        for s in sizes:
            v = [d["s"] for d in g(s, "render_seq", "docs") or [] if d["format"] == fmt]
            cells.append(f"{sum(v):.1f}" if v else "—")
        add(f"| **all {fmt} documents** | " + " | ".join(cells) + " |")
    for key, label in (
        ("render_seq", "whole render, wall clock, --jobs 1 (as quarto render)"),
        ("render", f"whole render, wall clock, --jobs {jobs} (make render)"),
    ):
        cells = []
        for s in sizes:
            r = g(s, key) or {}
            if r.get("timed_out"):
                cells.append(f"**timeout ({r['timeout_s']} s)**")
            elif r.get("rc"):
                cells.append(f"**failed (exit {r['rc']})**")
            else:
                cells.append(f"**{_s(r.get('wall_s'), 1)}**")
        add(f"| **{label}** | " + " | ".join(cells) + " |")
    cells = []
    for s in sizes:
        r = g(s, "make_render") or {}
        ok = r and not r.get("rc")
        cells.append(f"**{_s(r.get('wall_s'), 1)}**" if ok else f"failed ({r.get('log')})")
    add("| **`make render DATA_DIR=...`, wall clock** | " + " | ".join(cells) + " |")
    add(
        "| typst.compile of cv.pdf alone | "
        + " | ".join(_s(g(s, "typst_compile_s"), 2) for s in sizes)
        + " |"
    )
    add("")
    for s, key in [(s, k) for s in sizes for k in ("render_seq", "render")]:
        r = g(s, key) or {}
        if r.get("timed_out"):
            done = ", ".join(f"{d['doc']} [{d['format']}] {d['s']:.1f} s" for d in r["docs"])
            add(
                f"**{s} ({key}) did not finish within {r['timeout_s']} s** and was stopped; the "
                f"documents it finished: {done or 'none'} (log: `{r['log']}`).\n"
            )
        elif r.get("error"):
            add(f"**{s} ({key}) failed** (log: `{r['log']}`):\n\n```\n{r['error']}\n```\n")

    add("## Output sizes\n")
    add(
        "HTML bytes per page as written (plotly.js is a separate file, "
        "`assets/plotly.min.js`, loaded once per page); 'with plotly.js' adds it. The site "
        "is every file of the output folder except the build folder (the PDF included).\n"
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
    add("| plotly.min.js | " + " | ".join(_kb(g(s, "sizes", "plotly_js")) for s in sizes) + " |")
    add("| whole site | " + " | ".join(_kb(g(s, "sizes", "site")) for s in sizes) + " |")
    add("| cv.pdf | " + " | ".join(_kb(g(s, "sizes", "pdf_bytes")) for s in sizes) + " |")
    add(
        "| cv.pdf pages (pdfinfo) | "
        + " | ".join(str(g(s, "sizes", "pdf_pages") or "—") for s in sizes)
        + " |"
    )
    cells = []
    for s in sizes:
        n, miss = g(s, "sizes", "titles"), g(s, "sizes", "titles_missing_n")
        cells.append("—" if n is None else f"{n - miss} / {n}")
    add("| paper titles found in the PDF text | " + " | ".join(cells) + " |")
    add("")
    for s in sizes:
        miss = g(s, "sizes", "titles_missing") or []
        if miss:
            add(f"{s}: titles not found in `pdftotext -raw` (first 5): {miss}\n")
    add(
        "Titles are matched after NFKC, removing all whitespace and hyphens/dashes "
        "(`pdftotext -raw`).\n"
    )

    add("## Peak kernel memory\n")
    add(
        "Each document's code cells executed with nbclient in a fresh `python3` kernel, "
        "with the preview's environment, execute-info file and setup cell, then a cell "
        "printing `resource.getrusage(RUSAGE_SELF).ru_maxrss`. For typst the Chromium that "
        "kaleido starts is a separate process and is not included (it is still running when "
        "the cell reports, so RUSAGE_CHILDREN does not see it either).\n"
    )
    keys: list[str] = []
    for s in sizes:
        for k in g(s, "memory") or {}:
            if k not in keys:
                keys.append(k)
    add("| document [format] | " + " | ".join(f"{s} (MB)" for s in sizes) + " |")
    add("|---|" + "---|" * len(sizes))
    for k in keys:
        cells = []
        for s in sizes:
            m = (g(s, "memory") or {}).get(k) or {}
            cells.append(_s(m.get("maxrss_mb"), 0) + (" (errors!)" if m.get("errors") else ""))
        add(f"| {k} | " + " | ".join(cells) + " |")
    add("")

    add("## Where a document's time goes\n")
    add(
        "From the same kernel runs as the memory table (one document at a time, nothing "
        "else running): the kernel's start, Quarto's setup cell (imports plotly and pandas "
        "and selects plotly's renderer), then each of the document's code cells in order "
        "(for these pages: the first cell imports cvdata, loads and validates the data; "
        "figures export SVGs in typst).\n"
    )
    add("| document [format] | size | kernel start (s) | setup cell (s) | code cells (s) |")
    add("|---|---|---|---|---|")
    for k in keys:
        for s in sizes:
            m = (g(s, "memory") or {}).get(k) or {}
            if "cells_s" not in m:
                continue
            cells = ", ".join(f"{c:.2f}" for c in m["cells_s"])
            add(
                f"| {k} | {s} | {_s(m.get('kernel_start_s'), 2)} "
                f"| {_s(m.get('setup_cell_s'), 2)} | {cells} |"
            )
    add("")

    history = Path(__file__).with_name("history.md")
    if history.is_file():  # measured by hand along the way, kept with the benchmark
        add(history.read_text(encoding="utf-8").rstrip() + "\n")

    errors = [(s, k, v) for s in sizes for k, v in res[s].items() if k.endswith("_error")]
    if errors:
        add("## Errors during the benchmark\n")
        for s, k, v in errors:
            add(f"- {s} {k}: `{v[-500:]}`")
        add("")
    return "\n".join(L) + "\n"


def run(sizes: list[str]) -> None:
    from cvdata.preview import default_jobs

    started = time.perf_counter()
    OUT.mkdir(parents=True, exist_ok=True)
    info = machine()
    res: dict[str, dict[str, Any]] = {}
    for s in sizes:
        print(f"bench: {s}: data", flush=True)
        r: dict[str, Any] = {}
        res[s] = r
        data_dir = make_data(s)
        print(f"bench: {s}: load, figures, static export", flush=True)
        try:
            export_dir = OUT / f"svg-{s}"
            w = _run_json(["--worker", str(data_dir), str(export_dir)], timeout=600)
            r["worker"] = w
            ex = [e["export_s"] for e in w["exports"] if e.get("export_s") is not None]
            r["export_first_s"] = ex[0] if ex else None
            r["export_rest_mean_s"] = statistics.mean(ex[1:]) if len(ex) > 1 else None
            r["export_rest_median_s"] = statistics.median(ex[1:]) if len(ex) > 1 else None
            again = [e["export_s"] for e in w["exports_back_to_back"] if e.get("export_s")]
            r["export_b2b_mean_s"] = statistics.mean(again) if again else None
        except (RuntimeError, subprocess.TimeoutExpired) as exc:
            r["worker_error"] = str(exc)
        proj = make_project(s)
        jobs = default_jobs()
        print(f"bench: {s}: offline render (timeout {RENDER_TIMEOUT[s]} s)", flush=True)
        # One document at a time first (as quarto render; its per-document times are not
        # shared with another kernel), then as make render runs it.
        r["render_seq"] = render(s, proj, data_dir, jobs=1)
        print(f"bench: {s}: render, 1 job: {r['render_seq']['wall_s']:.1f} s", flush=True)
        r["render"] = render(s, proj, data_dir, jobs=jobs)
        print(f"bench: {s}: render, {jobs} jobs: {r['render']['wall_s']:.1f} s", flush=True)
        try:
            r["make_render"] = make_render(s, proj, data_dir)
            print(f"bench: {s}: make render: {r['make_render']['wall_s']:.1f} s", flush=True)
        except subprocess.TimeoutExpired as exc:
            r["make_render_error"] = str(exc)
        try:
            r["typst_compile_s"] = typst_compile(proj)
        except Exception as exc:  # reported, not fatal
            r["typst_error"] = str(exc)
        r["sizes"] = sizes_and_pdf(proj, data_dir)
        print(f"bench: {s}: kernel memory", flush=True)
        r["memory"] = {}
        for doc, fmt in (("cv.qmd", "html"), ("cv.qmd", "typst"), ("index.qmd", "html")):
            try:
                r["memory"][f"{doc} [{fmt}]"] = _run_json(
                    ["--memory", str(proj), doc, fmt, str(data_dir)], timeout=600
                )
            except (RuntimeError, subprocess.TimeoutExpired) as exc:
                r[f"memory_{doc}_{fmt}_error"] = str(exc)
        (OUT / "results.json").write_text(json.dumps(res, indent=1, default=str))
    elapsed = time.perf_counter() - started
    REPORT.write_text(write_report(info, res, elapsed), encoding="utf-8")
    print(f"bench: wrote {_show(REPORT)} in {elapsed:.0f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", default="S,M,L", help="comma-separated: S,M,L")
    parser.add_argument("--worker", nargs=2, metavar=("DATA", "SVG_DIR"), help=argparse.SUPPRESS)
    parser.add_argument("--memory", nargs=4, help=argparse.SUPPRESS)
    parser.add_argument("--report-only", action="store_true", help="rewrite from results")
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(*args.worker)))
    elif args.memory:
        print(json.dumps(memory_worker(*args.memory)))
    elif args.report_only:
        res = json.loads((OUT / "results.json").read_text())
        REPORT.write_text(write_report(machine(), res, 0.0), encoding="utf-8")
    else:
        run([s.strip() for s in args.sizes.split(",") if s.strip()])


if __name__ == "__main__":
    main()
