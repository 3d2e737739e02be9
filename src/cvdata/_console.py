"""What the command line prints: every message goes through :func:`say`, which makes
values from a file harmless to a terminal."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from .problems import Problem

#: What each command's ``DATA_DIR`` and ``--as-of`` mean (the same for every command).
DATA_DIR_HELP = "folder with the CSV files (default: $CVDATA_DIR, else data/ here or above)"
AS_OF_HELP = "nothing may be dated after this day (default: $CVDATA_AS_OF, else today)"


#: Characters never printed as they are: C0/C1 controls (terminal escapes), DEL, and the
#: Unicode line/paragraph separators and bidirectional overrides that rearrange a line.
_UNSAFE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def safe(text: str) -> str:
    """``text`` fit for a terminal: every control character (but the line break between
    lines) written as an escape, ``\\x1b`` for ESC, so values from a file never drive it."""
    return _UNSAFE.sub(lambda m: ascii(m.group(0))[1:-1], text)


def say(text: str = "", file: TextIO | None = None) -> None:
    """Print one message (all of the CLI's output but the exported data goes through it)."""
    print(safe(text), file=file or sys.stdout)


def err(text: str) -> None:
    """A message for standard error, as ``cvdata: text``."""
    say(f"cvdata: {text}", file=sys.stderr)


def say_hint(problems: Iterable[Problem], folder: Path) -> None:
    """Say ``cvdata upgrade`` would fix the folder, when it would (see
    :func:`cvdata.upgrade.made_for_older`)."""
    from .upgrade import hint

    line = hint(problems, folder)
    if line:
        say(line)


__all__ = ["AS_OF_HELP", "DATA_DIR_HELP", "err", "safe", "say", "say_hint"]
