"""Warm kernels (cvdata.quarto.kernels): forked from a server that imported ipykernel,
pandas, plotly and cvdata; each with the environment, folder and signals of its own
launcher and nothing of another kernel; a plain ipykernel when no server can serve."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import types
from collections.abc import Iterator
from pathlib import Path

import pytest
from jupyter_client import KernelManager

from cvdata import env
from cvdata.quarto import _forkserver, execution, kernel_launcher, kernels, prerender

pytestmark = pytest.mark.skipif(not kernel_launcher.supported(), reason="Linux only")


@pytest.fixture(autouse=True)
def _forking_on_unless_a_test_says(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests are about forked kernels and runs: the suite may run with them switched
    off (``CVDATA_WARM_KERNELS=0``); a test that means them off says so itself."""
    monkeypatch.delenv(env.WARM_KERNELS, raising=False)


def _project(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "_quarto.yml").write_text("project:\n  type: default\n", encoding="utf-8")
    return folder.resolve()


def _wait_ready(project: Path) -> None:
    """Until the server answers (it answers once its imports are done)."""
    deadline = time.monotonic() + 120
    while kernels.ask(project, "ping", timeout=60) is None:
        assert time.monotonic() < deadline, (project / kernels.LOG).read_text()
        time.sleep(0.1)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A project whose fork server runs (one for the module's tests: its imports take
    seconds)."""
    project = _project(tmp_path_factory.mktemp("served") / "project")
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv(env.WARM_KERNELS, raising=False)  # the suite may run with it off
        server = kernels.start(project)
    assert server is not None
    _wait_ready(project)
    yield project
    kernels.stop(project)
    server.wait(timeout=30)


class Kernel:
    """A kernel of the ``cvdata`` spec started as Quarto's engine starts one."""

    def __init__(self, project: Path, cwd: Path, extra: dict[str, str] | None = None) -> None:
        environ = {k: v for k, v in os.environ.items() if not k.startswith(("QUARTO_", "JPY_"))}
        environ |= {env.PROJECT_ROOT: str(project), **(extra or {})}
        self.km = KernelManager(kernel_name=kernel_launcher.KERNEL_NAME)
        self.km.start_kernel(env=environ, cwd=str(cwd))
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=120)

    @property
    def launcher_pid(self) -> int:
        return self.km.provisioner.process.pid

    def run(self, code: str, timeout: float = 60) -> tuple[str, dict]:
        out: list[str] = []

        def keep(msg: dict) -> None:
            if msg["msg_type"] == "stream":
                out.append(msg["content"]["text"])

        reply = self.kc.execute_interactive(code, timeout=timeout, output_hook=keep)
        return "".join(out), reply["content"]

    def value(self, expression: str) -> object:
        text, reply = self.run(f"import json as _j; print(_j.dumps({expression}))")
        assert reply["status"] == "ok", reply
        return json.loads(text)

    def shutdown(self) -> int | None:
        """Shut down as Quarto's engine does; the launcher's exit status."""
        process = self.km.provisioner.process
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=False)
        return process.wait(timeout=30)


# ------------------------------------------------------------------------ the socket


def test_the_socket_path_is_short_stable_and_per_project(tmp_path) -> None:
    long = tmp_path / ("x" * 150)
    path = kernel_launcher.socket_path(long)
    assert path == kernel_launcher.socket_path(long) != kernel_launcher.socket_path(tmp_path)
    assert len(str(path).encode()) < 100  # a Unix socket's path holds at most 107 bytes


def test_a_folder_open_to_others_or_a_socket_not_the_users_is_refused(tmp_path) -> None:
    folder = tmp_path / "sockets"
    kernel_launcher.private_dir(folder, create=True)
    assert folder.stat().st_mode & 0o777 == 0o700
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(folder / "s.sock"))
    kernel_launcher.check_socket(folder / "s.sock")  # the user's own: taken
    (folder / "file").write_text("")
    with pytest.raises(kernel_launcher.Unavailable, match="is not a socket"):
        kernel_launcher.check_socket(folder / "file")
    if os.getuid() == 0:  # only root can give a file away
        os.chown(folder / "s.sock", 12345, -1)
        with pytest.raises(kernel_launcher.Unavailable, match="belongs to another user"):
            kernel_launcher.check_socket(folder / "s.sock")
    folder.chmod(0o755)
    with pytest.raises(kernel_launcher.Unavailable, match="open to other users"):
        kernel_launcher.check_socket(folder / "s.sock")
    sock.close()


def test_make_setup_installed_the_kernelspec_and_install_writes_it(tmp_path) -> None:
    installed = Path(sys.prefix, "share", "jupyter", "kernels", "cvdata", "kernel.json")
    assert json.loads(installed.read_text()) == kernels.kernelspec()
    spec = json.loads(kernels.install(tmp_path).read_text())
    assert spec["argv"][:3] == ["python", "-m", "cvdata.quarto.kernel_launcher"]
    assert spec["language"] == "python" and "{connection_file}" in spec["argv"]


# ------------------------------------------------------------------ forked kernels


def test_a_kernel_is_forked_with_its_own_environment_folder_and_no_state_of_another(
    served: Path, tmp_path: Path
) -> None:
    info = tmp_path / "info.json"
    first = Kernel(served, tmp_path, {"QUARTO_EXECUTE_INFO": str(info), "H30_SEEN": "first"})
    try:
        server = kernels.ask(served, "ping")
        assert server and first.value("__import__('os').getppid()") == server["pong"]
        assert first.value("__import__('os').getpid()") != first.launcher_pid  # forked
        assert first.value("__import__('os').getcwd()") == str(tmp_path)
        got = first.value(
            "[__import__('os').environ.get(k) for k in ('QUARTO_EXECUTE_INFO', 'H30_SEEN')]"
        )
        assert got == [str(info), "first"]
        # Imported in the server, before the kernel: nothing to import again.
        assert first.value("'pandas' in __import__('sys').modules")
        # ipykernel read Jupyter's pid when the server imported it: the kernel has its own.
        assert first.value(
            "__import__('ipykernel.kernelapp').kernelapp.IPKernelApp.instance().parent_handle"
        ) == int(first.value("__import__('os').environ['JPY_PARENT_PID']"))
        first.run("import cvdata; cvdata.h30_mark = 'first'; x = 1")
    finally:
        first.shutdown()
    # ipykernel was imported once, by the server, for the first kernel (not at its start).
    assert (served / kernels.LOG).read_text(encoding="utf-8").count("ipykernel imported") == 1
    second = Kernel(served, tmp_path / "..", {"H30_SEEN": "second"})
    try:
        assert second.value("getattr(__import__('cvdata'), 'h30_mark', None)") is None
        assert second.value("'x' in globals()") is False
        assert second.value("__import__('os').environ.get('H30_SEEN')") == "second"
        assert second.value("__import__('os').environ.get('QUARTO_EXECUTE_INFO')") is None
    finally:
        second.shutdown()
    assert (served / kernels.LOG).read_text(encoding="utf-8").count("ipykernel imported") == 1


def test_an_interrupt_reaches_the_forked_kernel_and_shutdown_ends_both(served, tmp_path) -> None:
    kernel = Kernel(served, tmp_path)
    pid = kernel.value("__import__('os').getpid()")
    msg_id = kernel.kc.execute("import time; time.sleep(60)")
    time.sleep(1.0)
    began = time.monotonic()
    kernel.km.interrupt_kernel()  # SIGINT to the launcher, relayed
    reply = kernel.kc.get_shell_msg(timeout=30)
    while reply["parent_header"].get("msg_id") != msg_id:  # an earlier reply
        reply = kernel.kc.get_shell_msg(timeout=30)
    assert reply["parent_header"]["msg_id"] == msg_id
    assert reply["content"]["ename"] == "KeyboardInterrupt" and time.monotonic() - began < 20
    time.sleep(1.0)  # ipykernel aborts what comes at once after an error
    assert kernel.value("1 + 1") == 2  # still alive
    assert kernel.shutdown() == 0
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_a_killed_launcher_takes_its_kernel_with_it(served, tmp_path) -> None:
    kernel = Kernel(served, tmp_path)
    pid = kernel.value("__import__('os').getpid()")
    os.kill(kernel.launcher_pid, signal.SIGKILL)  # as Jupyter kills a kernel that hangs
    deadline = time.monotonic() + 20
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        assert time.monotonic() < deadline, "the forked kernel outlived its launcher"
        time.sleep(0.1)
    kernel.kc.stop_channels()
    kernel.km.cleanup_resources()


def test_a_kernel_whose_jupyter_died_ends_as_a_plain_one_would(served, tmp_path) -> None:
    # Jupyter's process (here a shell that started the launcher) dies without a shutdown.
    code = (
        "import os, subprocess, sys; env = dict(os.environ);"
        f"env[{env.PROJECT_ROOT!r}] = {str(served)!r};"
        "p = subprocess.Popen([sys.executable, '-m', 'cvdata.quarto.kernel_launcher', '-f',"
        f" {str(tmp_path / 'k.json')!r}], env=env); print(p.pid, flush=True);"
        "import time; time.sleep(5); os._exit(0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    launcher = int(done.stdout.split()[0]) if done.stdout.split() else pytest.fail(done.stderr)
    deadline = time.monotonic() + 60
    while True:
        try:
            os.kill(launcher, 0)
        except ProcessLookupError:
            break
        assert time.monotonic() < deadline, "the launcher outlived Jupyter's process"
        time.sleep(0.2)
    assert "ended" in (served / kernels.LOG).read_text().splitlines()[-1]


# ----------------------------------------------------------------------- fallbacks


def _is_plain(kernel: Kernel) -> bool:
    """A plain kernel is the launcher's process itself (exec), not a child of a server."""
    return kernel.value("__import__('os').getpid()") == kernel.launcher_pid


def test_without_a_server_the_launcher_becomes_a_plain_kernel(tmp_path) -> None:
    kernel = Kernel(_project(tmp_path / "none"), tmp_path)
    try:
        assert _is_plain(kernel) and kernel.value("6 * 7") == 42
    finally:
        kernel.shutdown()


def test_switched_off_or_refused_the_kernel_is_plain(served, tmp_path) -> None:
    off = Kernel(served, tmp_path, {env.WARM_KERNELS: "0"})
    try:
        assert _is_plain(off)
    finally:
        off.shutdown()
    # Another hash seed: the server's imports would not be what this Python starts with.
    refused = Kernel(served, tmp_path, {"PYTHONHASHSEED": "12345"})
    try:
        assert _is_plain(refused)
    finally:
        refused.shutdown()
    assert "refused a kernel: Python's start-up variables" in (served / kernels.LOG).read_text()


def test_the_server_forks_only_for_its_own_python_and_protocol(monkeypatch) -> None:
    # This process stands in for the server: threads other tests of the suite left behind
    # (a preview's server, Jupyter's channels) are not the server's, so count one...
    monkeypatch.setattr(_forkserver.threading, "active_count", lambda: 1)
    request = kernel_launcher.kernel_request(["-f", "x.json"])
    assert _forkserver.refusal(request) == ""
    # ...and a second thread in the server is refused (fork copies only the calling one).
    monkeypatch.setattr(_forkserver.threading, "active_count", lambda: 2)
    assert "threads in the server" in _forkserver.refusal(request)
    monkeypatch.setattr(_forkserver.threading, "active_count", lambda: 1)
    assert "another Python" in _forkserver.refusal({**request, "prefix": "/elsewhere"})
    assert "protocol" in _forkserver.refusal({**request, "protocol": 0})
    assert "malformed" in _forkserver.refusal({**request, "env": None})


# ----------------------------------------------------------------- start and stop


def test_stop_takes_no_more_kernels_and_the_server_ends(tmp_path) -> None:
    project = _project(tmp_path / "p")
    server = kernels.start(project)
    second = kernels.start(project)  # before the first listens: it finds the lock held
    assert server is not None and second is not None
    _wait_ready(project)
    # Whichever took the lock first serves; the other ended at once.
    deadline = time.monotonic() + 30
    while server.poll() is None and second.poll() is None:
        assert time.monotonic() < deadline, "both servers still run"
        time.sleep(0.1)
    assert kernels.start(project) is None  # one per project
    assert "a server already runs" in (project / kernels.LOG).read_text()
    assert kernels.stop(project)
    assert server.wait(timeout=30) == 0 and second.wait(timeout=30) == 0
    assert not kernels.running(project) and not kernel_launcher.socket_path(project).exists()
    assert not kernels.stop(project)  # nothing left to stop


def test_the_server_ends_with_the_render_that_started_it(tmp_path) -> None:
    project = _project(tmp_path / "p")
    render = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    server = kernels.start(project, watch=render.pid)
    assert server is not None
    _wait_ready(project)
    render.kill()
    render.wait()
    assert server.wait(timeout=30) == 0
    assert "the render (pid" in (project / kernels.LOG).read_text()


def test_switched_off_no_server_is_started(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(env.WARM_KERNELS, "0")
    assert kernels.start(_project(tmp_path / "p")) is None


def test_the_pre_render_step_starts_it_only_when_a_page_will_run(tmp_path, monkeypatch) -> None:
    project = _project(tmp_path / "p")
    (project / "a.qmd").write_text("a")
    monkeypatch.setenv("QUARTO_PROJECT_INPUT_FILES", "a.qmd")
    monkeypatch.delenv("QUARTO_PROJECT_RENDER_ALL", raising=False)
    assert prerender.pages_will_execute(project)  # a render of some files runs them
    monkeypatch.setenv("QUARTO_PROJECT_RENDER_ALL", "1")
    assert prerender.pages_will_execute(project)  # nothing frozen yet
    results = project / "_freeze" / "a" / "execute-results"
    results.mkdir(parents=True)
    (results / "html.json").write_text("{}")
    os.utime(project / "a.qmd", (1, 1))
    assert not prerender.pages_will_execute(project)  # all frozen, source older
    os.utime(project / "a.qmd")
    assert prerender.pages_will_execute(project)  # the source changed since


def test_a_warm_kernel_listens_for_quartos_setup_comm_from_its_first_page_call(
    monkeypatch,
) -> None:
    # The server imported cvdata.quarto.execution before any kernel: its import-time
    # listen() found none, so current() listens (once per kernel).
    monkeypatch.setattr(execution, "_latest", execution._Latest())
    registered: list[str] = []
    manager = types.SimpleNamespace(register_target=lambda name, f: registered.append(name))
    shell = types.SimpleNamespace(kernel=types.SimpleNamespace(comm_manager=manager))
    monkeypatch.setitem(sys.modules, "IPython", types.SimpleNamespace(get_ipython=lambda: shell))
    execution.current()
    execution.current()
    assert registered == [execution.SETUP_COMM]
