"""Which format, document and data folder a page's execution is for.

Quarto names them to the kernel in two ways:

- in the environment of the process that starts the kernel (``QUARTO_EXECUTE_INFO``, a
  JSON file naming the format; ``QUARTO_DOCUMENT_PATH`` and ``QUARTO_DOCUMENT_FILE``):
  right for the kernel's first execution, but a kernel Quarto keeps alive (its daemon:
  ``quarto preview``, ``--execute-daemon``, a render in a terminal) keeps the environment
  of that first one (quarto-cli issue 13613), so ``cv.qmd``'s Typst pass would read the
  HTML pass's format;
- per execution: before each one, Quarto's Jupyter engine opens a comm in the kernel
  (target ``quarto_kernel_setup``) carrying that execution's options: the format (its
  ``identifier.base-format``) and the document's file name.

:func:`listen` takes that comm in this kernel (it is called when this module is first
imported and again by :func:`current`, so every execution after a kernel's first is told,
also in a warm kernel, forked from a process that imported this module before any kernel
existed: :mod:`cvdata.quarto.kernels`; the first is told by the environment, which is its
own), and :func:`current` prefers what the latest execution said over the environment.
Standard library only: a kernel imports it before a page's first cell.
"""

from __future__ import annotations

import json
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import env
from .._paths import FORMAT_ENV, PROJECT_FILE, checked_name, project_data_dir

#: The comm Quarto's Jupyter engine opens before each execution (its ``notebook.py``).
SETUP_COMM = "quarto_kernel_setup"


@dataclass(frozen=True)
class Execution:
    """One execution of a page: what Quarto said it is for."""

    #: The base format (``html``, ``typst``, ``dashboard``, ...).
    format: str
    #: The document being executed, when Quarto says which.
    document: Path | None
    #: Executed by Quarto (not a test, a script or Jupyter).
    by_quarto: bool
    #: Where the format and document came from: ``comm`` (this execution's own options),
    #: ``environment`` or ``default``.
    source: str

    @property
    def project_root(self) -> Path | None:
        """The Quarto project holding the document (the nearest ``_quarto.yml`` above it)."""
        if self.document is None:
            return None
        for folder in self.document.resolve().parents:
            if (folder / PROJECT_FILE).is_file():
                return folder
        return None

    @property
    def data_dir(self) -> Path | None:
        """The data folder: ``CVDATA_DIR`` when set (the person's choice for the whole
        render or preview), else the project's ``data/`` (:func:`project_data_dir`, the
        pre-render step's rule: with or without a descriptor of its own); None when neither
        is known (the loader then looks for ``data/`` from the working folder)."""
        chosen = env.get(env.DATA_DIR)
        if chosen:
            return Path(chosen).expanduser()
        root = self.project_root
        if root is not None and (root / "data").is_dir():
            return project_data_dir(root)
        return None


class _Latest:
    """The options of the latest execution Quarto announced to this kernel."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.options: dict[str, Any] | None = None
        self.folder: Path | None = None  # the kernel's working folder when it was told
        self.manager: object | None = None  # the comm manager listened on (one per kernel)


_latest = _Latest()


def _on_setup(comm: object, msg: dict) -> None:
    """The comm's handler: keep the execution's options (a message we cannot read is left
    alone, the environment still answers)."""
    data = msg.get("content", {}).get("data", {}) if isinstance(msg, dict) else {}
    options = data.get("options") if isinstance(data, dict) else None
    if isinstance(options, dict):
        with _latest.lock:
            _latest.options = options
            _latest.folder = Path.cwd()


def listen() -> bool:
    """Take Quarto's per-execution comm in this IPython kernel; False outside one (a test,
    the drawing ahead, a plain ``python``)."""
    ipython = sys.modules.get("IPython")  # not imported: not a kernel (and not imported here)
    shell = ipython.get_ipython() if ipython is not None else None
    manager = getattr(getattr(shell, "kernel", None), "comm_manager", None)
    if manager is None:
        return False
    if _latest.manager is not manager:
        manager.register_target(SETUP_COMM, _on_setup)
        _latest.manager = manager
    return True


def _from_options(options: dict[str, Any], folder: Path | None) -> tuple[str | None, Path | None]:
    """The base format and document named by one execution's options."""
    fmt = options.get("format")
    identifier = fmt.get("identifier") if isinstance(fmt, dict) else None
    base = identifier.get("base-format") if isinstance(identifier, dict) else None
    name = options.get("input")
    document = folder / name if isinstance(name, str) and name and folder else None
    return (str(base) if base else None), document


def _from_environment() -> tuple[str | None, Path | None]:
    """The base format and document named by the environment (the kernel's first run)."""
    base = None
    info = env.get(env.EXECUTE_INFO)
    if info and Path(info).is_file():
        data = json.loads(Path(info).read_text(encoding="utf-8"))
        base = data.get("format", {}).get("identifier", {}).get("base-format")
    folder, name = env.get(env.DOCUMENT_PATH), env.get(env.DOCUMENT_FILE)
    return (str(base) if base else None), (Path(folder, name) if folder and name else None)


def current() -> Execution:
    """What this execution is for: this execution's own options when Quarto sent them
    (:func:`listen`), else the environment; ``CVDATA_FORMAT`` overrides the format (the
    drawing ahead, tests); ``html`` when nothing names one (the notebook in Jupyter).

    Raises
    ------
    cvdata._paths.EnvNameError
        When the format is not a plain name (it becomes part of a file name).
    """
    listen()  # a warm kernel imported this module before it was a kernel
    with _latest.lock:
        options, folder = _latest.options, _latest.folder
    if options is not None:
        base, document = _from_options(options, folder)
        source, by_quarto = "comm", True
    else:
        base, document = _from_environment()
        source = "environment" if base or document else "default"
        by_quarto = bool(env.get(env.EXECUTE_INFO))
    if env.get(FORMAT_ENV):
        base = checked_name(FORMAT_ENV, env.get(FORMAT_ENV) or "")
    elif base:
        base = checked_name("Quarto's base-format", base)
    return Execution(base or "html", document, by_quarto, source)


def output_format() -> str:
    """The base format Quarto is rendering (``html``, ``typst``, ...): see :func:`current`."""
    return current().format


def document_path() -> Path | None:
    """The document being rendered, when Quarto says which: see :func:`current`."""
    return current().document


# A kernel that imported this module is told of every later execution (see above).
listen()

__all__ = ["Execution", "current", "document_path", "listen", "output_format"]
