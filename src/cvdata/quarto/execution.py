"""Which format and document a page's execution is for.

Quarto names them to the kernel it starts (``QUARTO_EXECUTE_INFO``, a JSON file naming the
format; ``QUARTO_DOCUMENT_PATH`` and ``QUARTO_DOCUMENT_FILE``). Standard library only: the
kernel imports it before a page's first cell.
"""

from __future__ import annotations

import json
from pathlib import Path

from .. import env
from .._paths import FORMAT_ENV, checked_name


def output_format() -> str:
    """The base format Quarto is rendering (``html``, ``typst``, ...).

    From ``QUARTO_EXECUTE_INFO`` (Quarto 1.8+); ``CVDATA_FORMAT`` overrides; ``html``
    when neither is set (e.g. the notebook opened in Jupyter).

    Raises
    ------
    cvdata._paths.EnvNameError
        When the format is not a plain name (it becomes part of a file name).
    """
    if env.get(FORMAT_ENV):
        return checked_name(FORMAT_ENV, env.get(FORMAT_ENV) or "")
    info = env.get(env.EXECUTE_INFO)
    if info and Path(info).is_file():
        data = json.loads(Path(info).read_text(encoding="utf-8"))
        base = data.get("format", {}).get("identifier", {}).get("base-format")
        if base:
            return checked_name("QUARTO_EXECUTE_INFO's base-format", str(base))
    return "html"


def document_path() -> Path | None:
    """The document being rendered, when Quarto says which."""
    folder, name = env.get(env.DOCUMENT_PATH), env.get(env.DOCUMENT_FILE)
    return Path(folder, name) if folder and name else None
