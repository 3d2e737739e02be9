"""``make lab``: JupyterLab in an environment of its own, the notebooks opened as notebooks
and run against the same data folder."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import AS_OF, CVDATA_ENV, DATA_DIR, PROJECT

LAB_PYTHON = PROJECT / ".lab-venv" / "bin" / "python"
NOTEBOOKS = sorted((PROJECT / "notebooks").glob("*.py"))


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in CVDATA_ENV}
    return {**env, "CVDATA_AS_OF": AS_OF.isoformat()}


@pytest.fixture(scope="module")
def lab_env() -> Path:
    """The lab's environment, made by ``make lab-env`` (what ``make lab`` runs first)."""
    done = subprocess.run(
        ["make", "--no-print-directory", "-C", str(PROJECT), "lab-env"],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return LAB_PYTHON


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, token: str) -> dict:
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=30) as reply:
        return json.loads(reply.read())


@pytest.mark.lab
def test_the_lab_is_not_in_the_render_environment(lab_env: Path) -> None:
    assert (PROJECT / ".lab-venv").is_symlink()  # outside the project, which Quarto walks
    probe = "import importlib.util as u; print(bool(u.find_spec('jupyterlab')))"
    for python, has_lab in ((lab_env, True), (PROJECT / ".venv" / "bin" / "python", False)):
        done = subprocess.run(
            [str(python), "-c", probe],
            capture_output=True,
            text=True,
        )
        assert done.stdout.strip() == str(has_lab), python


@pytest.mark.lab
def test_make_lab_serves_the_notebooks_as_notebooks(lab_env: Path) -> None:
    port, token = _free_port(), "cvdata-test-token"
    args = f"--no-browser --port={port} --ServerApp.ip=127.0.0.1 --IdentityProvider.token={token}"
    server = subprocess.Popen(
        ["make", "--no-print-directory", "-C", str(PROJECT), "lab", f"LAB_ARGS={args}"],
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                _get(f"{base}/api/status", token)
                break
            except (urllib.error.URLError, ConnectionError):
                assert server.poll() is None, server.stdout.read() if server.stdout else ""
                assert time.monotonic() < deadline, "the lab did not start in 120 s"
                time.sleep(0.5)
        listing = _get(f"{base}/api/contents/", token)
        assert sorted(i["name"] for i in listing["content"] if i["name"].endswith(".py")) == [
            p.name for p in NOTEBOOKS
        ]
        for path in NOTEBOOKS:
            nb = _get(f"{base}/api/contents/{path.name}?type=notebook&content=1", token)
            assert nb["type"] == "notebook", path.name
            cells = nb["content"]["cells"]
            marks = path.read_text(encoding="utf-8").count("# %%")
            assert len(cells) == marks and any(c["cell_type"] == "code" for c in cells)
        viewers = _get(f"{base}/lab/api/settings/@jupyterlab/docmanager-extension:plugin", token)
        assert "Jupytext Notebook" in json.dumps(viewers)  # a double click opens a notebook
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


@pytest.mark.lab
def test_a_notebook_runs_in_the_lab_against_the_data_folder(lab_env: Path) -> None:
    script = (
        "import jupytext, nbclient, json, sys\n"
        "nb = jupytext.read(sys.argv[1])\n"
        "nbclient.NotebookClient(nb, timeout=300, kernel_name='python3',"
        " resources={'metadata': {'path': 'notebooks'}}).execute()\n"
        "print(json.dumps([o for c in nb.cells if c.cell_type == 'code' for o in c.outputs]))\n"
    )
    done = subprocess.run(
        [str(lab_env), "-c", script, str(PROJECT / "notebooks" / "timeline.py")],
        cwd=PROJECT,
        env={**_env(), "CVDATA_DIR": str(DATA_DIR)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    outputs = json.loads(done.stdout.strip().splitlines()[-1])
    assert not [o for o in outputs if o["output_type"] == "error"]
    shown = json.dumps(outputs)
    assert "application/vnd.plotly.v1+json" in shown  # the charts, live
