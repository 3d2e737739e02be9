"""The benchmark's settings: paths, sizes, timeouts and targets (see bench.py)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

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
#: Issue #23's ratios of a short render to its reference (the PDF alone / RenderCV, the
#: nothing-changed render / the floor's), each side measured right after the other this
#: many times: the machine's speed drifts between measurements minutes apart (the same
#: frozen render took 7.2 and 10.6 CPU-seconds in two runs of one evening).
PAIRS = 3
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
    "_extensions",
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
