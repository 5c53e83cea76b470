"""Serve a built site on 127.0.0.1 under a sub-path, as GitHub Pages serves a project site."""

from __future__ import annotations

import functools
import threading
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator


class _SubPathHandler(SimpleHTTPRequestHandler):
    prefix = "/"

    def translate_path(self, path: str) -> str:
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / "__outside_base_path__")
        return super().translate_path("/" + path[len(self.prefix):])

    def log_message(self, format: str, *args) -> None:  # keep test output readable
        pass


@contextmanager
def serve(site_dir: Path, prefix: str = "/", handler_base: type = None) -> Iterator[str]:
    """Yield the base URL (http://127.0.0.1:PORT<prefix>) while serving `site_dir` there;
    `handler_base` (a subclass of the sub-path handler) may observe the traffic."""
    handler = type("Handler", (handler_base or _SubPathHandler,), {"prefix": prefix})
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(site_dir)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()
