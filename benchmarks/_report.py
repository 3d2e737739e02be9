"""The benchmark's report: BENCHMARKS.md's Markdown from one run's results."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from _jobs import _ok
from _peers import FLOOR_CELL
from _report_targets import (
    RENDERS,
    _context,
    _failed,
    _head,
    _kb,
    _s,
    _targets_15,
    _targets_15_against_references,
    _targets_15_outputs,
    _targets_23,
)
from _settings import AS_OF, DOCUMENTS, LOAD_RUNS, RENDERCV_RUNS, RENDERCV_VERSION, SAMPLE_S


def write_report(info: dict, res: dict[str, Any], elapsed: float) -> str:
    """The report's Markdown, one section after the other."""
    L: list[str] = []
    add = L.append
    _head(info, res, elapsed, add)
    for section in (
        _targets_23,
        _targets_15,
        _targets_15_against_references,
        _targets_15_outputs,
        _renders,
        _per_document,
        _cold_time,
        _floor_and_rendercv,
        _ratios,
        _memory,
        _load_and_figures,
        _output_sizes,
        _history_and_errors,
    ):
        section(res, add)
    return "\n".join(L) + "\n"


def _renders(res: dict[str, Any], add: Callable[[str], None]) -> None:
    """Every render of every size: wall clock, CPU, load, kernels, memory."""
    sizes, _floor, _rcv, g = _context(res)
    add("## Renders\n")
    add(
        "Each render in a scratch copy of the project's sources (the `_quarto*.yml` files, "
        "`_brand.yml`, `styles.css`, `*.qmd`, `notebooks/`, `scripts/`, `_extensions/`) in a "
        "scratch folder outside the project, with "
        f"`CVDATA_DIR` the size's data and `CVDATA_AS_OF={AS_OF}`; cold = a fresh copy (no "
        "`_site/`, `_freeze/`, `.quarto/`). Quarto's per-user caches and the OS file cache "
        "are warm, as after a first render on a developer's machine (the same for the floor). "
        "Kernels = Python kernels or page runs Quarto started (`Starting python3 kernel`; for "
        "our pages, `Starting cvdata runner` from cvdata's engine, or `Starting cvdata "
        "kernel` with `CVDATA_ENGINE=jupyter`, in its log). "
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


def _doc_s(g: Callable[..., Any], s: str, key: str, name: str) -> str:
    """A document's (or its part's) seconds in one render of one size."""
    for d in g(s, key, "docs") or []:
        if d["doc"] == name:
            return _s(d["s"], 1)
        for p, v in d.get("parts", {}).items():
            if f"{d['doc']}: {p} part" == name:
                return _s(v, 1)
    return "—"


def _per_document(res: dict[str, Any], add: Callable[[str], None]) -> None:
    """Each document's time in each render, from Quarto's log."""
    sizes, _floor, _rcv, g = _context(res)
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

    add("| document | " + " | ".join(f"{s} {k} (s)" for s in sizes for k in keys) + " |")
    add("|---|" + "---|" * (len(sizes) * len(keys)))
    for n in names:
        add(f"| {n} | " + " | ".join(_doc_s(g, s, k, n) for s in sizes for k in keys) + " |")
    cells = []
    for s in sizes:
        for k in keys:
            docs = g(s, k, "docs") or []
            cells.append(_s(docs[0]["start_s"], 1) if docs else "—")
    add("| *before the first document (start, pre-render step)* | " + " | ".join(cells) + " |")
    add("")


def _cold_time(res: dict[str, Any], add: Callable[[str], None]) -> None:
    """Where a cold document's time goes: kernel start, cells, after."""
    sizes, floor, _rcv, g = _context(res)
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


def _floor_and_rendercv(res: dict[str, Any], add: Callable[[str], None]) -> None:
    """Quarto's floor and RenderCV, measured in the same run."""
    _sizes, floor, rcv, _g = _context(res)
    rmed = rcv.get("median_s")
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


def _ratios(res: dict[str, Any], add: Callable[[str], None]) -> None:
    """Our renders over the floor's and RenderCV's, wall clock and CPU."""
    sizes, floor, rcv, g = _context(res)
    rmed = rcv.get("median_s")

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


def _memory(res: dict[str, Any], add: Callable[[str], None]) -> None:
    """Memory at each render's peak, by process name."""
    sizes, _floor, _rcv, g = _context(res)
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


def _load_and_figures(res: dict[str, Any], add: Callable[[str], None]) -> None:
    """Load + validate, and each figure's build and static export."""
    sizes, _floor, _rcv, g = _context(res)
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


def _output_sizes(res: dict[str, Any], add: Callable[[str], None]) -> None:
    """Bytes of each page, the site and the PDFs; titles found in the PDF."""
    sizes, _floor, _rcv, g = _context(res)
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


def _history_and_errors(res: dict[str, Any], add: Callable[[str], None]) -> None:
    """benchmarks/history.md, then the errors and skipped parts."""
    sizes, floor, rcv, g = _context(res)
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
