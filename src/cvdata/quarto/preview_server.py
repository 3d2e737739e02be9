"""The preview's server of the site (:mod:`cvdata.quarto.preview`): the site's files, a
page held back while a render writes it."""

from __future__ import annotations

import functools
import http.server
import sys
import threading
import urllib.parse
from collections.abc import Iterable
from pathlib import Path

#: Written into the site's output folder; the preview profile's script polls it.
STATUS = "cvdata-preview.json"


class Hold:
    """What the server holds back while a render writes it: some paths of the site, or
    all of it (``None``)."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._held: frozenset[str] | None = frozenset()

    def hold(self, paths: Iterable[str] | None) -> None:
        """Hold back these site paths (``None``: every one) until :meth:`release`."""
        with self._changed:
            self._held = None if paths is None else frozenset(paths)

    def release(self) -> None:
        with self._changed:
            self._held = frozenset()
            self._changed.notify_all()

    def held(self, path: str) -> bool:
        with self._changed:
            return self._held is None or path in self._held

    def wait(self, path: str, timeout: float) -> bool:
        """Wait until ``path`` is not held back (at most ``timeout`` s); True when free."""
        with self._changed:
            return self._changed.wait_for(
                lambda: self._held is not None and path not in self._held, timeout
            )


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves the site; holds a request back while a render writes what it asks for (the
    status file never: the pages poll it, and it is replaced whole)."""

    hold: Hold
    #: The longest a request is held back (a render that hangs does not hang the browser).
    HOLD = 600.0

    def _wait(self) -> None:
        path = urllib.parse.unquote(self.path.split("?")[0]).lstrip("/")
        if path == STATUS:
            return
        if path == "" or path.endswith("/"):
            path += "index.html"
        self.hold.wait(path, self.HOLD)

    def do_GET(self) -> None:
        self._wait()
        super().do_GET()

    def do_HEAD(self) -> None:
        self._wait()
        super().do_HEAD()

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-cache")  # a reload shows the new render
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass  # the pages poll several times a second: the terminal is for edits and problems


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # A browser that went away while its page was held back: nothing to report.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def serve(site: Path, port: int, hold: Hold) -> http.server.ThreadingHTTPServer:
    """A server of ``site`` on 127.0.0.1:``port`` in a thread of its own (stop it with
    ``shutdown()``); a request waits while ``hold`` holds what it asks for."""
    handler = type("Handler", (_Handler,), {"hold": hold})
    server = _Server(("127.0.0.1", port), functools.partial(handler, directory=str(site)))
    threading.Thread(target=server.serve_forever, name="preview-server", daemon=True).start()
    return server
