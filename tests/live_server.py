"""A real HTTP server for an app, in a background thread, for browser and concurrency tests."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from werkzeug.serving import make_server

from engage.extensions import db


@contextmanager
def serving(application: Flask, name: str = "live-server") -> Iterator[int]:
    """Serve `application` on 127.0.0.1 at a free port (yielded) until the block ends."""
    server = make_server("127.0.0.1", 0, application, threaded=True)  # port 0: a free one
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with application.app_context():
            db.engine.dispose()
