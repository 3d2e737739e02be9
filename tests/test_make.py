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


def _state_dir(project: Path, name: str, state: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(project / "scripts" / "state-dir.sh"), name],
        env={**os.environ, "CVDATA_STATE": str(state)},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_environment_and_caches_live_outside_the_project(tmp_path: Path) -> None:
    # Quarto walks every folder of the project on each render, .venv and .cache too (seconds):
    # setup makes them links to a folder outside it, which Quarto does not walk.
    project, state = tmp_path / "my project", tmp_path / "state"
    (project / "scripts").mkdir(parents=True)
    shutil.copy2(PROJECT / "scripts" / "state-dir.sh", project / "scripts")
    for name in (".venv", ".cache"):
        done = _state_dir(project, name, state)
        assert done.returncode == 0, done.stderr
        target = state / name[1:]
        assert done.stdout.strip() == str(target)
        assert (project / name).is_symlink() and (project / name).resolve() == target
        assert target.is_dir()
    # Run again (make setup again, or the folder was deleted): the same link, recreated.
    (state / "venv").rmdir()
    again = _state_dir(project, ".venv", state)
    assert again.returncode == 0 and (project / ".venv").resolve() == state / "venv"
    assert (state / "venv").is_dir()
    # git ignores the links as it ignored the folders.
    ignored = subprocess.run(
        ["git", "check-ignore", "--no-index", ".venv", ".cache"],
        cwd=PROJECT, capture_output=True, text=True,
    )  # fmt: skip
    assert ignored.stdout.split() == [".venv", ".cache"]


def test_a_folder_an_older_checkout_made_is_kept_with_what_it_costs(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "scripts").mkdir(parents=True)
    shutil.copy2(PROJECT / "scripts" / "state-dir.sh", project / "scripts")
    (project / ".venv" / "bin").mkdir(parents=True)
    done = _state_dir(project, ".venv", tmp_path / "state")
    assert done.returncode == 0
    assert not (project / ".venv").is_symlink() and (project / ".venv" / "bin").is_dir()
    assert done.stdout.strip() == str(project / ".venv")
    assert "slows every render" in done.stderr and "rm -rf .venv && make setup" in done.stderr


_FAKE_PYTHON = """#!/bin/sh
# Stands in for python3 in `make setup`: `-m venv DIR` makes DIR/bin/python, which accepts
# everything (pip installs nothing): what is tested is where setup puts the environment.
if [ "$1" = "-m" ] && [ "$2" = "venv" ]; then
  mkdir -p "$3/bin" && printf '#!/bin/sh\\nexit 0\\n' > "$3/bin/python" && chmod +x "$3/bin/python"
fi
"""


def test_make_setup_puts_the_environment_and_caches_outside_the_project(tmp_path: Path) -> None:
    # What Quarto walks holds no environment: `make setup`, in a project that has none yet,
    # makes .venv and .cache links to folders outside it (whatever this checkout holds).
    project, state = tmp_path / "my project", tmp_path / "state"
    (project / "scripts").mkdir(parents=True)
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy2(PROJECT / name, project)
    for name in ("state-dir.sh", "ipython_kernel_config.py"):
        shutil.copy2(PROJECT / "scripts" / name, project / "scripts")
    (project / "scripts" / "setup-system.sh").write_text("#!/bin/sh\nexit 0\n")
    fake = tmp_path / "python3"
    fake.write_text(_FAKE_PYTHON)
    for script in (fake, project / "scripts" / "setup-system.sh"):
        script.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k not in CVDATA_ENV}
    done = subprocess.run(
        ["make", "--no-print-directory", "setup", f"PYTHON={fake}"],
        cwd=project, env={**env, "CVDATA_STATE": str(state)},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    for name in (".venv", ".cache"):
        path = project / name
        assert path.is_symlink(), f"{name} is a folder inside the project"
        assert path.resolve() == state / name[1:] and path.resolve().is_dir()
    assert (state / "venv" / ".installed").is_file()
    assert sorted(p.name for p in project.iterdir()) == [
        ".cache",
        ".venv",
        "Makefile",
        "pyproject.toml",
        "scripts",
    ]


def test_a_data_folder_path_is_passed_literally_never_run(tmp_path: Path) -> None:
    # A folder's name is data: `...` and $(...) in it must not run (make render was safe,
    # make validate pasted the path into "..." and the shell ran them).
    ran = [f"cvdata-make-ran-{kind}-{os.getpid()}" for kind in ("bq", "dollar")]
    data = tmp_path / f"`touch {ran[0]}`" / f"$(touch {ran[1]})" / "data"
    shutil.copytree(DATA_DIR, data)
    try:
        # In make's own syntax a literal $ is written $$.
        done = _make("validate", f"DATA_DIR={str(data).replace('$', '$$')}")
        assert done.returncode == 0, done.stdout + done.stderr
        assert f"$(touch {ran[1]})/data" in done.stdout and "valid" in done.stdout
        for where in (PROJECT, tmp_path, Path.cwd()):
            assert not any((where / name).exists() for name in ran), where
    finally:
        for name in ran:
            (PROJECT / name).unlink(missing_ok=True)
