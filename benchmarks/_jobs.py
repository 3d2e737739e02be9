"""The benchmark's measurements: the worker (load, figures, exports) and timed Quarto renders."""

from __future__ import annotations

import contextlib
import csv
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
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from _settings import (
    AS_OF,
    IGNORE,
    LOAD_RUNS,
    OUT,
    PACKAGES,
    PROJECT_FILES,
    ROOT,
    SAMPLE_S,
    SEED,
    SIZES,
)

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
        [sys.executable, str(Path(__file__).with_name("bench.py")), *args],
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
        kernels = [lt for lt, x in inside if _KERNEL_START.match(x)]
        typst = any(x.startswith("[typst]") for _, x in inside)
        doc = {"doc": name, "of": total, "start_s": t, "s": stop - t, "kernels": len(kernels)}
        if len(kernels) == 2 and typst:
            doc["parts"] = {"html": kernels[1] - t, "typst": stop - kernels[1]}
        doc["executions"] = _executions(inside, stop)
        docs.append(doc)
    return docs


#: Quarto's line as a kernel starts: ``Starting python3 kernel`` (plain ipykernel, the
#: floor's), ``Starting cvdata kernel`` (the pages' warm kernels, cvdata.quarto.kernels) or
#: ``Starting cvdata runner`` (cvdata's engine extension, cvdata.quarto.runner).
_KERNEL_START = re.compile(r"Starting \S+ (kernel|runner)")


def _executions(inside: list[tuple[float, str]], stop: float) -> list[dict[str, Any]]:
    """Each kernel run of a document, from its log lines (a line's time is when its first
    byte arrived: ``Starting python3 kernel...`` when the kernel starts, ``Cell i/N`` when
    the cell starts): kernel start (with Quarto's set-up cell) up to ``Executing``, each
    cell up to the next line, and what follows the last cell until the next kernel start
    or the document's end (Pandoc, Quarto's filters and post-processing; for Typst, the
    PDF's compile)."""
    runs: list[dict[str, Any]] = []
    for i, (t, text) in enumerate(inside):
        if _KERNEL_START.match(text):
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
    env.pop("QUARTO_DART_SASS", None)  # Quarto's floor: Quarto's own dart-sass
    if data_dir is not None:
        env.update(CVDATA_DIR=str(data_dir), CVDATA_AS_OF=AS_OF)
        # As make: the compiled theme kept between renders (cvdata.quarto.sass).
        env["QUARTO_DART_SASS"] = str(ROOT / "scripts" / "dart-sass")
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
