"""Real autopost processes for end-to-end tests: the web server and workers as subprocesses that
share the test database, queue and sandbox with the test process."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from django.db import connection


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def child_env(**overrides: str) -> dict[str, str]:
    """The test process's environment, pointed at the test database pytest-django created."""
    env = dict(os.environ)
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        env["AUTOPOST_SQLITE_PATH"] = str(db["NAME"])
    else:
        user = db.get("USER") or ""
        auth = f"{user}:{db.get('PASSWORD')}@" if db.get("PASSWORD") else f"{user}@" if user else ""
        env["DATABASE_URL"] = f"postgres://{auth}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env.setdefault("AUTOPOST_LOG_FORMAT", "json")
    env.update(overrides)
    return env


class ServiceProcess:
    """``autopost <argv>`` in a subprocess; its stdout and stderr go to a log file tests can scan."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str]):
        self.name = name
        self.argv = [sys.executable, "-m", "autopost.cli", *argv]
        self.env = env
        self.log_path = Path(tempfile.mkstemp(prefix=f"autopost-{name}-", suffix=".log")[1])
        self.process: subprocess.Popen | None = None

    def start(self) -> ServiceProcess:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(self.argv, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        return self

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def kill(self) -> None:
        """SIGKILL: what a crash or an OOM kill does; nothing gets to clean up."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self, timeout: float = 15) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()


def start_web(env: dict[str, str], port: int | None = None) -> tuple[ServiceProcess, str]:
    port = port or free_port()
    web = ServiceProcess("web", ["serve", "--no-worker", "--no-sandbox", "--port", str(port)], env).start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return web, url
        except httpx.TransportError:
            pass
        if web.process.poll() is not None:
            break
        time.sleep(0.1)
    web.stop()
    raise RuntimeError(f"web server did not start:\n{web.log_text()}")


def start_worker(env: dict[str, str]) -> ServiceProcess:
    return ServiceProcess("worker", ["worker"], env).start()


def wait_for(predicate, timeout: float, interval: float = 0.1, message: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {message}")


__all__ = ["ServiceProcess", "child_env", "free_port", "start_web", "start_worker", "wait_for"]
