"""The post-render step (cvdata.quarto.postrender): the pages left out, the charts drawn ahead."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from conftest import PROJECT

from cvdata._paths import FIGURE_CACHE, PREFETCH_LOCK
from cvdata.quarto import postrender


def test_only_the_empty_stand_ins_of_pages_left_out_are_deleted(tmp_path: Path) -> None:
    meta, out = tmp_path / "_cvdata", tmp_path / "_site" / "notebooks"
    meta.mkdir()
    out.mkdir(parents=True)
    (meta / "publications.yml").write_text("draft: true\n")
    (meta / "skills.yml").write_text("draft: false\n")
    (meta / "collaborators.yml").write_text("draft: true\n")
    (out / "publications.html").write_text("")  # Quarto's stand-in for a draft
    (out / "skills.html").write_text("<html><body>skills</body></html>")
    (out / "collaborators.html").write_text("<html><body>real</body></html>")  # never deleted
    removed = postrender.remove_hidden_pages(tmp_path, tmp_path / "_site")
    assert removed == [out / "publications.html"]
    assert sorted(p.name for p in out.iterdir()) == ["collaborators.html", "skills.html"]


def test_it_waits_for_the_charts_being_drawn_ahead(tmp_path: Path) -> None:
    assert postrender.wait_for_prefetch(tmp_path)  # nothing drawn ahead: no wait
    (tmp_path / FIGURE_CACHE).mkdir(parents=True)
    fd = os.open(tmp_path / FIGURE_CACHE / PREFETCH_LOCK, os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    assert not postrender.wait_for_prefetch(tmp_path, timeout=0.2)
    threading.Timer(0.3, os.close, (fd,)).start()
    began = time.monotonic()
    assert postrender.wait_for_prefetch(tmp_path, timeout=10)
    assert 0.2 <= time.monotonic() - began < 5


def test_the_step_imports_no_pandas(tmp_path: Path) -> None:
    # It runs at the end of every render: pandas alone would cost a third of a second.
    script = PROJECT / "scripts" / "postrender.py"
    probe = tmp_path / "probe.py"
    probe.write_text(
        "import atexit, sys\n"
        "atexit.register(lambda: print(sorted(m for m in ('pandas', 'plotly', 'cvdata.load')"
        " if m in sys.modules)))\n"
        f"exec(compile(open({str(script)!r}).read(), 'postrender', 'exec'))\n"
    )
    env = {**os.environ, "QUARTO_PROJECT_ROOT": str(tmp_path)}
    done = subprocess.run([sys.executable, str(probe)], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
