"""The preview's pre-render step, done ahead in the preview's own process.

Every ``quarto render`` runs the project's pre-render step (``scripts/prerender.py``): a
Python process that imports pandas and cvdata, validates the data folder, clears frozen
results and writes the pages' metadata. On this machine that is 1 to 5 seconds of each
render, and the preview's watcher has just validated the same folder with pandas already
imported. So, before each render of an edit, the watcher runs the step's work itself
(:func:`cvdata.quarto.prerender.main`, in its process), then writes a stamp: the data
folder's files as ``lstat`` sees them and the as-of date. It names the stamp to the render
(:data:`cvdata.env.PRERENDERED`), and the script, seeing the folder still as stamped, does
nothing (:func:`done_ahead`). A folder that changed since (a save during the render)
gets the whole step, as ``make render`` always does: it never sets the variable.

Standard library only: the script checks this before it imports anything heavy.
"""

from __future__ import annotations

import json
from pathlib import Path

from .. import env
from .._files import snapshot

__all__ = ["done_ahead", "snapshot", "state", "write"]


def state(data_dir: Path) -> dict[str, object]:
    """What the step's work is done for: the folder, its files, the as-of date (taken
    before the work, so that a save during it leaves a stamp that no longer matches)."""
    files = {name: list(stat) for name, stat in sorted(snapshot(data_dir).items())}
    as_of = env.resolve_as_of().isoformat()
    return {"data_dir": str(data_dir.resolve()), "as_of": as_of, "files": files}


def write(stamp: Path, done_for: dict[str, object]) -> None:
    """Record that the pre-render step's work is done for the folder as :func:`state`
    saw it."""
    stamp.parent.mkdir(parents=True, exist_ok=True)
    part = stamp.with_name(stamp.name + ".part")
    part.write_text(json.dumps(done_for), encoding="utf-8")
    part.replace(stamp)


def done_ahead(data_dir: Path | None = None) -> bool:
    """Whether the render's pre-render step has nothing left to do: the preview named a
    stamp (:data:`cvdata.env.PRERENDERED`) and the data folder is still as it records."""
    named = env.get(env.PRERENDERED)
    if not named:
        return False
    try:
        stamp = json.loads(Path(named).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(stamp, dict) or not isinstance(stamp.get("data_dir"), str):
        return False
    folder = data_dir or Path(stamp["data_dir"])
    return stamp == state(folder)
