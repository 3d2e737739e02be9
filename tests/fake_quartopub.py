"""A Quarto Pub stand-in on this machine, for publishing with the real ``quarto publish``.

Quarto's quarto-pub provider talks to ``http://localhost:3000/api/v1`` when its share
folder's ``env/env.defaults`` sets ``QUARTO_PUB_ENVIRONMENT=LOCAL``
(``src/publish/quarto-pub/api/index.ts``). :func:`shadow_share` makes such a share folder
(links to the real one, plus that file) and :class:`FakeQuartoPub` answers the calls the
client makes, in the order ``handlePublish`` (``src/publish/common/publish.ts``) makes them:

1. ``POST sites/{id}/deploys`` with ``{"size": n, "files": {"/path": sha1}}``: the deploy,
   ``prepared``, ``required`` = the contents the server does not hold yet;
2. ``GET deploys/{id}`` until it is ``prepared`` or ``ready``;
3. ``PUT deploys/{id}/files/{path}`` for each required content (one path per content: the
   client uploads the first file that has it);
4. ``GET deploys/{id}`` until ``ready`` (the client polls forever: the server gets there
   once every required content has arrived);
5. ``PUT update-account-site``.

The published site is built from the deploy's file list and the contents held, as the real
service must (step 3 sends one path per distinct content). Only loopback addresses are
bound (127.0.0.1 and ::1), on port 3000, which the client's URL fixes.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import socket
import threading
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PORT = 3000
API = "/api/v1/"


@dataclass
class Deploy:
    id: str
    site: str
    files: dict[str, str]  # "/path" -> sha1
    required: set[str]


@dataclass
class State:
    """What the service holds; the test reads it."""

    token: str
    #: Contents by SHA-1, as uploaded.
    blobs: dict[str, bytes] = field(default_factory=dict)
    deploys: dict[str, Deploy] = field(default_factory=dict)
    #: Every upload, in order: (deploy id, path as the client sent it).
    uploads: list[tuple[str, str]] = field(default_factory=list)
    #: Requests that carried no or another bearer token.
    unauthorized: int = 0
    #: Make the upload with this number (1-based, over the server's life) fail with 500.
    fail_upload: int | None = None
    #: Never say a deploy is ready (the client then polls without end).
    never_ready: bool = False
    #: Uploads whose bytes did not match the SHA-1 the deploy named.
    mismatched: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def site(self, deploy_id: str | None = None) -> dict[str, bytes]:
        """The files of a deploy (the last one by default), path -> bytes, as served."""
        deploy = self.deploys[deploy_id] if deploy_id else list(self.deploys.values())[-1]
        return {p.lstrip("/"): self.blobs[s] for p, s in deploy.files.items() if s in self.blobs}


class _Handler(BaseHTTPRequestHandler):
    server_version = "FakeQuartoPub/1"
    state: State  # set on the class made per server

    def log_message(self, format: str, *args: object) -> None:
        pass  # the tests read the state, not a log

    # -- helpers

    def _reply(self, status: int, body: object | None = None) -> None:
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        if body is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _body(self) -> bytes:
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def _route(self) -> list[str] | None:
        path = urllib.parse.urlsplit(self.path).path
        if not path.startswith(API):
            self._reply(404, {"description": "not an API path"})
            return None
        if self.headers.get("Authorization") != f"Bearer {self.state.token}":
            with self.state.lock:
                self.state.unauthorized += 1
            self._reply(401, {"description": "unauthorized"})
            return None
        return path[len(API) :].split("/")

    def _deploy_view(self, deploy: Deploy) -> dict:
        state = "prepared" if deploy.required or self.state.never_ready else "ready"
        url = f"https://quartopub.com/sites/tester/{deploy.site}/"
        return {
            "id": deploy.id,
            "state": state,
            "required": sorted(deploy.required),
            "url": url,
            "admin_url": url,
        }

    # -- verbs

    def do_HEAD(self) -> None:
        parts = self._route()
        if parts is not None:
            self._reply(404)  # every slug is free

    def do_GET(self) -> None:
        parts = self._route()
        if parts is None:
            return
        if len(parts) == 2 and parts[0] == "deploys" and parts[1] in self.state.deploys:
            with self.state.lock:
                self._reply(200, self._deploy_view(self.state.deploys[parts[1]]))
            return
        self._reply(404, {"description": "no such thing"})

    def do_POST(self) -> None:
        parts = self._route()
        if parts is None:
            return
        body = self._body()
        if parts == ["sites"]:
            form = urllib.parse.parse_qs(body.decode())
            slug = form.get("slug", ["site"])[0]
            self._reply(201, {"id": slug, "url": f"https://quartopub.com/sites/tester/{slug}/"})
            return
        if len(parts) == 3 and parts[0] == "sites" and parts[2] == "deploys":
            files = json.loads(body)["files"]
            with self.state.lock:
                deploy = Deploy(
                    id=f"deploy-{len(self.state.deploys) + 1}",
                    site=parts[1],
                    files=dict(files),
                    required={s for s in files.values() if s not in self.state.blobs},
                )
                self.state.deploys[deploy.id] = deploy
                self._reply(201, self._deploy_view(deploy))
            return
        self._reply(404, {"description": "no such thing"})

    def do_PUT(self) -> None:
        parts = self._route()
        if parts is None:
            return
        body = self._body()
        if parts == ["update-account-site"]:
            self._reply(200, {"url": "https://tester.quarto.pub/"})
            return
        if len(parts) >= 4 and parts[0] == "deploys" and parts[2] == "files":
            with self.state.lock:
                deploy = self.state.deploys.get(parts[1])
                if deploy is None:
                    self._reply(404, {"description": "no such deploy"})
                    return
                path = "/" + "/".join(urllib.parse.unquote(p) for p in parts[3:])
                self.state.uploads.append((deploy.id, path))
                if self.state.fail_upload == len(self.state.uploads):
                    self._reply(500, {"description": "storage unavailable"})
                    return
                sha1 = hashlib.sha1(body).hexdigest()
                if deploy.files.get(path) != sha1:
                    self.state.mismatched.append(path)
                    self._reply(400, {"description": f"{path}: not the content announced"})
                    return
                self.state.blobs[sha1] = body
                deploy.required.discard(sha1)
            self._reply(200)
            return
        self._reply(404, {"description": "no such thing"})


class _Server4(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class _Server6(_Server4):
    address_family = socket.AF_INET6


class FakeQuartoPub:
    """The service on 127.0.0.1:3000 and [::1]:3000 while the ``with`` block runs."""

    def __init__(self, token: str) -> None:
        self.state = State(token=token)
        handler = type("Handler", (_Handler,), {"state": self.state})
        self._servers: list[ThreadingHTTPServer] = []
        try:
            self._servers.append(_Server4(("127.0.0.1", PORT), handler))
            with contextlib.suppress(OSError):  # a machine without IPv6 loopback
                self._servers.append(_Server6(("::1", PORT), handler))
        except OSError:
            for s in self._servers:
                s.server_close()
            raise
        self._threads = [
            threading.Thread(target=s.serve_forever, name="fake-quartopub", daemon=True)
            for s in self._servers
        ]

    def __enter__(self) -> State:
        for t in self._threads:
            t.start()
        return self.state

    def __exit__(self, *exc: object) -> None:
        for s in self._servers:
            s.shutdown()
            s.server_close()


def shadow_share(real: Path, target: Path) -> Path:
    """A Quarto share folder that is ``real`` but for ``env/env.defaults``, which also sets
    ``QUARTO_PUB_ENVIRONMENT=LOCAL``: every entry a link to the real one."""
    target.mkdir(parents=True)
    for entry in real.iterdir():
        if entry.name != "env":
            os.symlink(entry, target / entry.name)
    env = target / "env"
    env.mkdir()
    for entry in (real / "env").iterdir():
        if entry.name != "env.defaults":
            os.symlink(entry, env / entry.name)
    defaults = real / "env" / "env.defaults"
    text = defaults.read_text(encoding="utf-8") if defaults.is_file() else ""
    env.joinpath("env.defaults").write_text(
        text.rstrip("\n") + "\nQUARTO_PUB_ENVIRONMENT=LOCAL\n", encoding="utf-8"
    )
    return target


@contextlib.contextmanager
def serving(token: str) -> Iterator[State]:
    with FakeQuartoPub(token) as state:
        yield state
