"""``autopost serve``: the production web server (uvicorn, ASGI) plus the worker, and the sandbox
when ``AUTOPOST_SANDBOX=1`` points at this machine. Children that die are restarted."""

import ctypes
import os
import signal
import subprocess
import sys
import threading
import time
from urllib.parse import urlsplit

import structlog
import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand

log = structlog.get_logger("autopost.serve")
PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Linux: the kernel sends SIGTERM to the child if serve dies, even by SIGKILL."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        pass


def _exit_on_sigterm(signum, frame):
    # uvicorn restores this handler and re-raises the signal after its graceful shutdown; turning
    # it into SystemExit lets serve stop its children instead of dying with them still running.
    raise SystemExit(0)


class Child:
    """A supervised child process (``autopost <command>``), restarted with back-off if it dies."""

    def __init__(self, name: str, argv: list[str]):
        self.name = name
        self.argv = [sys.executable, "-m", "autopost.cli", *argv]
        self.process: subprocess.Popen | None = None
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._supervise, name=f"supervise-{name}", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def _supervise(self) -> None:
        delay = 1.0
        while not self.stopping.is_set():
            started = time.monotonic()
            self.process = subprocess.Popen(self.argv, env=os.environ.copy(), preexec_fn=_die_with_parent)
            code = self.process.wait()
            if self.stopping.is_set():
                return
            log.error("child_exited", child=self.name, exit_code=code)
            delay = 1.0 if time.monotonic() - started > 60 else min(delay * 2, 30.0)
            self.stopping.wait(delay)

    def stop(self, timeout: float) -> None:
        self.stopping.set()
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # huey finishes running jobs on SIGINT
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()


def _sandbox_is_local() -> bool:
    return settings.SANDBOX and urlsplit(settings.SANDBOX_URL).hostname in ("127.0.0.1", "localhost")


class Command(BaseCommand):
    help = "Runs the web server and the publish worker (and the sandbox in sandbox mode)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("AUTOPOST_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=settings.PORT)
        parser.add_argument("--web-workers", type=int, default=int(os.environ.get("AUTOPOST_WEB_WORKERS", "1")))
        parser.add_argument("--no-worker", action="store_true", help="serve the web only")
        parser.add_argument("--no-sandbox", action="store_true", help="don't start the sandbox (it runs elsewhere)")
        parser.add_argument("--shutdown-timeout", type=float, default=600.0,
                            help="seconds a running upload may take to finish on shutdown")

    def handle(self, *args, **options):
        children = []
        if _sandbox_is_local() and not options["no_sandbox"]:
            children.append(Child("sandbox", ["sandbox"]))
        if not options["no_worker"]:
            children.append(Child("worker", ["worker"]))
        signal.signal(signal.SIGTERM, _exit_on_sigterm)
        for child in children:
            child.start()
        url = f"http://{options['host']}:{options['port']}/"
        self.stdout.write(f"autopost is running at {url}  (Ctrl-C stops it)")
        if settings.SANDBOX:
            self.stdout.write(f"sandbox platforms: {settings.SANDBOX_URL}/")
        try:
            uvicorn.run(
                "autopost.asgi:application",
                host=options["host"],
                port=options["port"],
                workers=options["web_workers"],
                lifespan="off",
                proxy_headers=True,
                log_config=None,
                timeout_graceful_shutdown=30,
            )
        finally:
            for child in children:
                child.stop(options["shutdown_timeout"])
