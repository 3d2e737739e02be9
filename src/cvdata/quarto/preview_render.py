"""The preview's ``quarto render`` (:mod:`cvdata.quarto.preview`): one render of some
pages, its log lines timed and Quarto's own timings kept."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any, Protocol

from .. import env


class Render(Protocol):
    """Renders ``pages`` (None: the project) for the format ``to`` (None: every format);
    ``stamp`` names the pre-render work done ahead. Returns why it failed, or None."""

    def __call__(
        self, pages: list[str] | None, to: str | None = None, stamp: Path | None = None
    ) -> str | None: ...


class QuartoRender:
    """``quarto render`` with the preview's profile and Quarto's kernel daemon (a page's
    kernel kept ``daemon`` seconds for the next edit); see :class:`Render`. Keeps the last
    render's log lines with the time each came, and Quarto's own timings, in :attr:`last`."""

    def __init__(self, quarto: str, project: Path, profile: str, daemon: int) -> None:
        self.quarto, self.project, self.profile, self.daemon = quarto, project, profile, daemon
        self.last: dict[str, Any] | None = None
        self._scratch = Path(tempfile.mkdtemp(prefix="cvdata-preview-"))

    def __call__(
        self, pages: list[str] | None, to: str | None = None, stamp: Path | None = None
    ) -> str | None:
        args = [self.quarto, "render", *(pages or []), "--profile", self.profile]
        args += ["--to", to] if to else []
        args += ["--execute-daemon", str(self.daemon)]
        timing = self._scratch / "quarto-timing.json"
        timing.unlink(missing_ok=True)
        extra = {env.PROFILER_OUTPUT: str(timing)}
        if to is not None:  # the web pages alone on the machine's cores: no PDF charts
            extra[env.NO_PREFETCH] = "1"
        if stamp is not None:
            extra[env.PRERENDERED] = str(stamp)
        began = time.time()
        lines: list[tuple[float, str]] = []
        with subprocess.Popen(
            args,
            cwd=self.project,
            env={**os.environ, **extra},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
        ) as quarto:
            assert quarto.stdout is not None
            for line in quarto.stdout:
                lines.append((round(time.time() - began, 3), line.rstrip()))
        self.last = {"start": began, "end": time.time(), "lines": lines}
        with contextlib.suppress(OSError, ValueError):
            self.last["profile"] = json.loads(timing.read_text(encoding="utf-8"))
        if quarto.returncode == 0:
            return None
        return "quarto render failed:\n" + "\n".join(text for _, text in lines[-30:])
