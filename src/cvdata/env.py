"""Every environment variable cvdata reads, with what it means: the one place that names
them and reads them (the README's table is checked against :data:`VARIABLES`).

Standard library only: the post-render step and ``cvdata --help`` import it.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Variable:
    """One environment variable: its name, who sets it and what it means."""

    name: str
    #: ``you`` (a person or ``make``), ``Quarto`` (during a render), ``cvdata`` (for its
    #: own child processes) or ``tests``.
    set_by: str
    meaning: str


# The names, as constants, so a typo is an AttributeError rather than a variable never read.
DATA_DIR = "CVDATA_DIR"
AS_OF = "CVDATA_AS_OF"
PLOTLYJS = "CVDATA_PLOTLYJS"
NO_PREFETCH = "CVDATA_NO_PREFETCH"
WARM_KERNELS = "CVDATA_WARM_KERNELS"
ENGINE = "CVDATA_ENGINE"
FORMAT = "CVDATA_FORMAT"
PREFETCH = "CVDATA_PREFETCH"
PREFETCH_LOCK_FD = "CVDATA_PREFETCH_LOCK_FD"
CRASH_AT = "CVDATA_CRASH_AT"
PROJECT_ROOT = "QUARTO_PROJECT_ROOT"
PROJECT_OUTPUT_DIR = "QUARTO_PROJECT_OUTPUT_DIR"
PROJECT_INPUT_FILES = "QUARTO_PROJECT_INPUT_FILES"
USE_FILE_FOR_INPUT_FILES = "QUARTO_USE_FILE_FOR_PROJECT_INPUT_FILES"
PROJECT_RENDER_ALL = "QUARTO_PROJECT_RENDER_ALL"
EXECUTE_INFO = "QUARTO_EXECUTE_INFO"
DOCUMENT_PATH = "QUARTO_DOCUMENT_PATH"
DOCUMENT_FILE = "QUARTO_DOCUMENT_FILE"
PUB_AUTH_TOKEN = "QUARTO_PUB_AUTH_TOKEN"
PRERENDERED = "CVDATA_PRERENDERED"
PROFILER_OUTPUT = "QUARTO_PROFILER_OUTPUT"
QUARTO_BIN_PATH = "QUARTO_BIN_PATH"

#: Every variable the package reads, in the order the README lists them.
VARIABLES: tuple[Variable, ...] = (
    Variable(
        DATA_DIR, "you", "the data folder (beats the search for `data/` from the working folder)"
    ),
    Variable(
        AS_OF, "you", "the as-of date, YYYY-MM-DD: nothing may be dated after it (default: today)"
    ),
    Variable(PLOTLYJS, "you", "`full`: ship plotly's full bundle instead of the basic one"),
    Variable(
        NO_PREFETCH,
        "you",
        "`1`: the pre-render step draws no chart ahead; `0`: it does in every render (by "
        "default only in a whole-project render)",
    ),
    Variable(
        ENGINE,
        "you",
        "`jupyter`: pages run through Quarto's Jupyter engine, not cvdata's engine extension "
        "(read by `_extensions/cvdata/cvdata-engine.js`; Quarto before 1.9 always uses Jupyter)",
    ),
    Variable(
        WARM_KERNELS,
        "you",
        "`0`: pages run in plain processes (kernels, or the engine's runs), not ones forked "
        "from a warm process (to compare)",
    ),
    Variable(
        FORMAT,
        "cvdata",
        "the format a page renders to, instead of the one Quarto names (the drawing ahead, tests)",
    ),
    Variable(
        PREFETCH,
        "cvdata",
        "set in the process drawing charts ahead: it draws, it does not wait for itself",
    ),
    Variable(
        PREFETCH_LOCK_FD,
        "cvdata",
        "the file descriptor of the lock the drawing ahead holds while it runs",
    ),
    Variable(
        PRERENDERED,
        "cvdata",
        "the preview's stamp: its pre-render work is done while the data folder is as it says",
    ),
    Variable(
        CRASH_AT, "tests", "`<step>[:<SIGNAL>]`: an import kills itself at that step (crash tests)"
    ),
    Variable(
        PROJECT_ROOT,
        "Quarto",
        "the project being rendered (its `data/`, `_brand.yml`, `_quarto.yml`)",
    ),
    Variable(PROJECT_OUTPUT_DIR, "Quarto", "the site's output folder, for the post-render step"),
    Variable(
        PROJECT_INPUT_FILES, "Quarto", "the files this render renders, for the pre-render step"
    ),
    Variable(
        USE_FILE_FOR_INPUT_FILES,
        "Quarto",
        "a file that holds that list instead (a long one)",
    ),
    Variable(PROJECT_RENDER_ALL, "Quarto", "set when the whole project is rendered"),
    Variable(EXECUTE_INFO, "Quarto", "a JSON file that names the format a page is executed for"),
    Variable(DOCUMENT_PATH, "Quarto", "the folder of the document being executed"),
    Variable(DOCUMENT_FILE, "Quarto", "the file name of the document being executed"),
    Variable(
        PROFILER_OUTPUT, "cvdata", "where Quarto writes its timings of a render (the preview's)"
    ),
    Variable(
        QUARTO_BIN_PATH,
        "Quarto",
        "Quarto's own folder: where `scripts/dart-sass` finds Quarto's dart-sass",
    ),
    Variable(
        PUB_AUTH_TOKEN,
        "you",
        "a Quarto Pub token for `make publish` (a repository secret in CI); it wins over "
        "logins stored on the machine",
    ),
)

#: Variables of the project's tools, never read by the package: the setup script, the
#: tests and the benchmark. Listed here too so that the README's table names every one.
TOOL_VARIABLES: tuple[Variable, ...] = (
    Variable("CVDATA_STATE", "you", "where scripts/state-dir.sh puts `.venv` and `.cache`"),
    Variable("CVDATA_QUARTO", "make", "the Quarto the tests and `make bench` render with"),
    Variable(
        "QUARTO_DART_SASS",
        "make",
        "`scripts/dart-sass`: Quarto's dart-sass with the compiled theme kept between renders",
    ),
    Variable("CVDATA_PROPERTY_EXAMPLES", "you", "how many examples each property test tries"),
    Variable("CVDATA_PROPERTY_RANDOM", "you", "`1`: the property tests try new examples"),
    Variable("CVDATA_BENCH_OUT", "make", "the benchmark's scratch folder"),
    Variable("CVDATA_BENCH_REPORT", "you", "the report the benchmark writes (BENCHMARKS.md)"),
    Variable("CVDATA_BENCH_PEERS", "you", "RenderCV's input for the benchmark's comparison"),
    Variable("CVDATA_BENCH_RENDERCV", "you", "`0`: the benchmark runs no RenderCV"),
    Variable("CVDATA_BENCH_PYTHON312", "you", "a Python 3.12+ for RenderCV"),
    Variable("CVDATA_BENCH_TAG", "bench", "names the benchmark's run in its child processes"),
)

_NAMES = frozenset(v.name for v in VARIABLES)


def get(name: str, default: str | None = None) -> str | None:
    """The value of one of :data:`VARIABLES`, or ``default`` when it is not set.

    Raises
    ------
    KeyError
        When ``name`` is not one of them (a variable read here is a variable documented).
    """
    if name not in _NAMES:
        raise KeyError(f"{name} is not one of cvdata's environment variables (cvdata.env)")
    return os.environ.get(name, default)


def resolve_as_of(as_of: dt.date | str | None = None) -> dt.date:
    """The as-of date: the one given, else ``CVDATA_AS_OF``, else today."""
    if as_of is None:
        as_of = get(AS_OF) or dt.date.today()
    if isinstance(as_of, str):
        try:
            return dt.date.fromisoformat(as_of)
        except ValueError as e:
            raise ValueError(f"as-of date {as_of!r} is not a date in the form YYYY-MM-DD") from e
    if isinstance(as_of, dt.datetime):
        return as_of.date()
    return as_of


def readme_table() -> str:
    """The README's table of environment variables, made from :data:`VARIABLES` and
    :data:`TOOL_VARIABLES` (a test holds the README to it)."""
    rows = ["| variable | set by | meaning |", "| --- | --- | --- |"]
    rows += [f"| `{v.name}` | {v.set_by} | {v.meaning} |" for v in VARIABLES]
    rows += [f"| `{v.name}` | {v.set_by} (tools) | {v.meaning} |" for v in TOOL_VARIABLES]
    return "\n".join(rows) + "\n"
