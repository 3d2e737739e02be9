"""The Makefile as a user types it: paths with spaces, and the data folder it passes on."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from conftest import AS_OF, CVDATA_ENV, DATA_DIR, PROJECT


def _make(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in CVDATA_ENV}
    return subprocess.run(
        ["make", "--no-print-directory", "-C", str(PROJECT), *args],
        env={**env, "CVDATA_AS_OF": AS_OF.isoformat()},
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_a_data_folder_with_spaces_in_its_path_is_one_folder(tmp_path: Path) -> None:
    data = tmp_path / "my cv" / "data"
    shutil.copytree(DATA_DIR, data)
    done = _make("validate", f"DATA_DIR={data}")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "my cv/data" in done.stdout and "valid" in done.stdout
    # What make render hands to Quarto's pre-render step: the same whole path.
    shown = _make("-s", "--eval=show-data-dir: ; @echo \"$$CVDATA_DIR\"", "show-data-dir",
                  f"DATA_DIR={data}")  # fmt: skip
    assert shown.stdout.strip() == str(data), shown.stdout + shown.stderr
