"""The benchmark's references (Quarto's floor, RenderCV) and the outputs' sizes."""

from __future__ import annotations

import csv
import glob
import os
import re
import resource
import shutil
import statistics
import subprocess
import time
import unicodedata
from pathlib import Path
from typing import Any

from _jobs import _first_line, _show
from _settings import DOCUMENTS, OUT, PEERS, RENDERCV_RUNS, RENDERCV_VERSION

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


def rendercv(runs: int = RENDERCV_RUNS) -> dict[str, Any]:
    """RenderCV 2.8 on the same CV (its YAML from PEERS), PDF only, ``runs`` times."""
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
    times, cpu, pdfs = [], [], []
    for _ in range(runs):
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
            return {**result, "runs_s": times, "skipped": f"rendercv failed: {' '.join(tail)}"}
        times.append(seconds)
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    result.update(
        runs_s=times,
        median_s=statistics.median(times),
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
