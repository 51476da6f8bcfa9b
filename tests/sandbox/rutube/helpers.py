"""Plain helpers of the Rutube sandbox tests: a local file server for Rutube to pull clips from
(and to receive its callbacks), and waiting for a video's background work."""

from __future__ import annotations

import hashlib
import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from autopost.sandbox import demo

AUTH = {"Authorization": f"Token {demo.RUTUBE_TOKEN}", "Accept": "application/json"}


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def closed_port_url(path: str = "/clip.mp4") -> str:
    """A URL nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}{path}"


def wait_for(check: Callable[[], object], timeout: float = 5.0) -> object:
    """Poll until ``check()`` is truthy (background work of the sandbox); returns its value."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.02)


@dataclass
class Received:
    path: str
    body: dict


@dataclass
class FileServer:
    """``files``: path → (status, content type, body) served to GET; every POST is recorded."""

    files: dict[str, tuple[int, str, bytes]] = field(default_factory=dict)
    posts: list[Received] = field(default_factory=list)
    gets: list[str] = field(default_factory=list)
    base_url: str = ""

    def serve(self, path: str, body: bytes, content_type: str = "video/mp4", status: int = 200):
        self.files[path] = (status, content_type, body)
        return f"{self.base_url}{path}"

    def posts_to(self, path: str) -> list[Received]:
        return [post for post in self.posts if post.path.split("?")[0] == path]


def start_file_server() -> tuple[ThreadingHTTPServer, FileServer]:
    state = FileServer()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            state.gets.append(self.path)
            status, content_type, body = state.files.get(self.path, (404, "text/plain", b"no"))
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            state.posts.append(Received(self.path, json.loads(raw or b"{}")))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, state
