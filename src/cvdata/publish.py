"""``make publish``: render the site for its Quarto Pub address and publish it, refusing
what Quarto would publish wrongly or not at all.

``quarto publish quarto-pub --no-render --no-prompt`` has traps, each found by publishing
with the real Quarto to a stand-in server (tests/test_publish.py):

- With ``QUARTO_PUB_AUTH_TOKEN`` set *and* a login stored on the machine, Quarto sees two
  accounts, asks no one (``--no-prompt``), publishes nothing and exits 0. Here the stored
  logins are hidden from it when the token is given (its data folder is a fresh one).
- Files under ``_site/`` that are symbolic links are silently left out of the upload.
- Upload paths are not URL-encoded: a ``#`` or ``?`` in a file name cuts the path, a ``%``
  changes it, and a backslash becomes a ``/``.
- It polls a deploy until the server says it is ready, without limit: the call here has a
  time limit.
- Without ``site-url``, Quarto writes no sitemap and no canonical links: the render here
  passes the address from ``_publish.yml`` (``quarto render --site-url``).

Run as ``python -m cvdata.publish [--no-render] [--quarto PATH]`` from the project folder;
standard library only (and PyYAML, which Quarto's Python has), so it starts fast.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import env as env_names

#: Quarto Pub refuses sites larger than this (its documentation: 100 MB).
MAX_SITE_BYTES = 100 * 1000 * 1000
#: The environment variable Quarto reads the Quarto Pub token from.
TOKEN_ENV = env_names.PUB_AUTH_TOKEN
#: Characters an upload path cannot hold as Quarto sends it (not URL-encoded): fragment and
#: query marks, escapes, backslashes (a ``/`` to a URL parser) and control characters.
_UNSENDABLE = re.compile(r"[#?%\\\x00-\x1f\x7f]")
PROVIDER = "quarto-pub"
#: What the last publish from this machine sent (path -> SHA-1), to say what changed.
MANIFEST = Path("_cvdata") / "published.json"


class PublishRefused(Exception):
    """Nothing was published; ``str(e)`` says why and what to do."""


@dataclass(frozen=True)
class Target:
    """The Quarto Pub site ``_publish.yml`` names."""

    id: str
    url: str


def read_target(project: Path) -> Target:
    """The one Quarto Pub site of the project's ``_publish.yml``.

    Raises
    ------
    PublishRefused
        No ``_publish.yml``, none or several Quarto Pub sites in it, or no id or url.
    """
    import yaml

    path = project / "_publish.yml"
    first = (
        "run 'quarto publish quarto-pub' once on your own machine: it logs you in, creates "
        "the site and writes _publish.yml; commit that file (it holds no secret)"
    )
    if not path.is_file():
        raise PublishRefused(f"{path.name}: not found; {first}")
    try:
        records = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        raise PublishRefused(f"{path.name}: cannot be read: {e}") from None
    sites = [
        site
        for record in (records if isinstance(records, list) else [])
        if isinstance(record, dict) and record.get("source") in ("project", ".")
        for site in (record.get(PROVIDER) or [])
        if isinstance(site, dict)
    ]
    if not sites:
        raise PublishRefused(f"{path.name}: names no Quarto Pub site for the project; {first}")
    if len(sites) > 1:
        ids = ", ".join(str(s.get("id")) for s in sites)
        raise PublishRefused(
            f"{path.name}: names {len(sites)} Quarto Pub sites ({ids}); Quarto cannot choose "
            "one without asking: keep the one to publish to"
        )
    site = sites[0]
    site_id, url = site.get("id"), site.get("url")
    if not isinstance(site_id, str) or not site_id.strip():
        raise PublishRefused(f"{path.name}: the Quarto Pub site has no id; {first}")
    if not isinstance(url, str) or not re.match(r"https?://[^\s/]+/", url + "/"):
        raise PublishRefused(f"{path.name}: the Quarto Pub site {site_id!r} has no http(s) url")
    return Target(site_id.strip(), url)


def _data_home(env: dict[str, str]) -> Path:
    """Where Quarto keeps its data on this machine (XDG, as Quarto's appdirs reads it)."""
    base = env.get("XDG_DATA_HOME") or os.path.join(env.get("HOME", "~"), ".local", "share")
    return Path(os.path.expanduser(base)) / "quarto"


def stored_logins(env: dict[str, str]) -> list[str]:
    """The Quarto Pub logins stored on this machine (``quarto publish`` keeps them)."""
    path = _data_home(env) / "publish" / "accounts" / PROVIDER / "accounts.json"
    try:
        tokens = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(tokens, list):
        return []
    return [str(t.get("email") or t.get("account_identifier") or "?") for t in tokens if t]


def check_site(site: Path) -> tuple[int, int]:
    """Refuse a site Quarto would publish wrongly: links it skips, names it cannot send,
    more than Quarto Pub takes. Returns the number of files and their bytes.

    Raises
    ------
    PublishRefused
        With every problem found, one per line.
    """
    if not (site / "index.html").is_file():
        raise PublishRefused(f"{site.name}/: no index.html; render the site first (make render)")
    problems: list[str] = []
    files = size = 0
    for folder, dirs, names in os.walk(site):
        for name in sorted(dirs + names):
            path = Path(folder, name)
            rel = path.relative_to(site).as_posix()
            if path.is_symlink():
                problems.append(
                    f"{site.name}/{rel}: a symbolic link; Quarto publishes no links: "
                    "make it a copy of the file"
                )
            elif _UNSENDABLE.search(name):
                problems.append(
                    f"{site.name}/{rel!r}: Quarto cannot upload a name with #, ?, %, a "
                    "backslash or a control character; rename it"
                )
            elif name in names:
                files += 1
                size += path.stat().st_size
        dirs[:] = [d for d in dirs if not Path(folder, d).is_symlink()]
    if size > MAX_SITE_BYTES:
        problems.append(
            f"{site.name}/: {size / 1e6:.1f} MB; Quarto Pub takes sites of at most "
            f"{MAX_SITE_BYTES / 1e6:.0f} MB"
        )
    if problems:
        raise PublishRefused("\n".join(problems))
    return files, size


def site_manifest(site: Path) -> dict[str, str]:
    """Every file of the site, path -> SHA-1 of its bytes (as Quarto announces them)."""
    return {
        p.relative_to(site).as_posix(): hashlib.sha1(p.read_bytes()).hexdigest()
        for p in sorted(site.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def _read_manifest(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _write_manifest(path: Path, manifest: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    tmp.replace(path)


def _quarto_env(env: dict[str, str], scratch: Path) -> tuple[dict[str, str], str]:
    """Quarto's environment for the publish, and what it says about the account."""
    logins = stored_logins(env)
    if env.get(TOKEN_ENV):
        if not logins:
            return env, f"the token in ${TOKEN_ENV}"
        # Two accounts and no prompt: Quarto would publish nothing. Only the token counts.
        return (
            {**env, "XDG_DATA_HOME": str(scratch)},
            f"the token in ${TOKEN_ENV} (the {len(logins)} login(s) stored on this machine "
            "are not used)",
        )
    if not logins:
        raise PublishRefused(
            f"no Quarto Pub account: set {TOKEN_ENV} (quarto.pub > Account > Tokens; a "
            "repository secret in CI) or log in once with 'quarto publish quarto-pub'"
        )
    if len(logins) > 1:
        raise PublishRefused(
            f"{len(logins)} Quarto Pub logins are stored on this machine "
            f"({', '.join(logins)}); without a prompt Quarto would publish nothing: set "
            f"{TOKEN_ENV}, or remove the other logins ('quarto publish accounts')"
        )
    return env, f"the login stored on this machine ({logins[0]})"


def _run(cmd: list[str], env: dict[str, str], cwd: Path, timeout: float) -> tuple[int, str]:
    try:
        done = subprocess.run(
            cmd,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        raise PublishRefused(
            f"'{' '.join(cmd[1:3])}' did not finish in {timeout:g} s (Quarto waits without "
            "limit for the server to accept a deploy); try again later"
        ) from None
    except OSError as e:
        raise PublishRefused(f"cannot run {cmd[0]}: {e.strerror or e}") from None
    return done.returncode, done.stdout + done.stderr


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _last_error(log: str) -> str:
    lines = [_ANSI.sub("", line).strip() for line in log.splitlines()]
    errors = [line for line in lines if line.startswith("ERROR")]
    return errors[-1] if errors else next((x for x in reversed(lines) if x), "no output")


def publish(
    project: Path,
    quarto: str,
    *,
    render: bool = True,
    timeout: float = 900,
    env: dict[str, str] | None = None,
    say=print,
) -> str:
    """Render (with the site's address), check and publish the project's site.

    Returns
    -------
    str
        The published site's address.

    Raises
    ------
    PublishRefused
        Before Quarto is called for every trap above; after, when Quarto fails or
        publishes nothing.
    """
    env = dict(os.environ if env is None else env)
    target = read_target(project)
    with tempfile.TemporaryDirectory(prefix="cvdata-publish-") as scratch:
        quarto_env, account = _quarto_env(env, Path(scratch))
        say(f"publish: to Quarto Pub site {target.id} ({target.url}) with {account}")
        if render:
            say(f"publish: quarto render --site-url {target.url}")
            code, log = _run([quarto, "render", "--site-url", target.url], env, project, 3600)
            if code != 0:
                raise PublishRefused(f"the render failed: {_last_error(log)}; nothing published")
        files, size = check_site(project / "_site")
        say(f"publish: _site/: {files} files, {size / 1e6:.1f} MB")
        cmd = [quarto, "publish", PROVIDER, "--no-render", "--no-prompt", "--no-browser"]
        code, log = _run(cmd, quarto_env, project, timeout)
    clean = _ANSI.sub("", log)
    if code != 0:
        raise PublishRefused(
            f"Quarto could not publish: {_last_error(log)}. The deploy did not complete; "
            "run make publish again (files already sent are not sent twice)"
        )
    published = re.search(r"Published site: (\S+)", clean)
    if not published:
        raise PublishRefused(
            "Quarto exited without publishing anything (no 'Published site' in its output): "
            + _last_error(log)
        )
    manifest = project / MANIFEST
    now = site_manifest(project / "_site")
    before = _read_manifest(manifest)
    changed = sorted(p for p, sha in now.items() if before.get(p) != sha)
    _write_manifest(manifest, now)
    if before:
        more = f" and {len(changed) - 5} more" if len(changed) > 5 else ""
        shown = ", ".join(changed[:5]) + more
        what = f"{len(changed)} changed since the last publish from here" + (
            f" ({shown})" if changed else ""
        )
    else:
        what = "the first publish from here"
    say(f"publish: published {published[1]}: {files} files, {what}")
    return published[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cvdata.publish", description=__doc__)
    parser.add_argument("--quarto", default=shutil.which("quarto") or "quarto")
    parser.add_argument("--project", type=Path, default=Path.cwd())
    parser.add_argument("--no-render", action="store_true", help="publish _site/ as it is")
    parser.add_argument("--timeout", type=float, default=900, help="seconds for the upload")
    args = parser.parse_args(argv)
    try:
        publish(args.project, args.quarto, render=not args.no_render, timeout=args.timeout)
    except PublishRefused as e:
        for line in str(e).splitlines():
            print(f"publish: {line}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
