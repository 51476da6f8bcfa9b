"""Run the sandbox inside a test process: a real uvicorn server on a background thread."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from autopost.sandbox.server import create_app
from autopost.sandbox.state import SandboxState

STARTUP_TIMEOUT_S = 10.0


@contextmanager
def run_sandbox(
    host: str = "127.0.0.1", port: int = 8001, state: SandboxState | None = None
) -> Iterator[str]:
    """Serve the sandbox at ``http://host:port`` until the block ends; yields that base URL.

    uvicorn installs signal handlers only on the main thread, so on this thread Ctrl-C still
    reaches the test runner.
    """
    config = uvicorn.Config(
        create_app(state),
        host=host,
        port=port,
        log_level="warning",
        # Requests still being read (a slow_upload whose client gave up) must not hold up the end
        # of a test session for long.
        timeout_graceful_shutdown=1,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"sandbox-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    # `started` turns true once the socket listens; a dead thread means startup failed
    # (uvicorn logs why, e.g. the port is taken).
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError(f"the sandbox did not start on {host}:{port}")
        time.sleep(0.01)
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
