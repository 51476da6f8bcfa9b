"""Helpers shared by the benchmarks: child processes, temp dirs, clean shutdown, machine facts.

Every process a benchmark starts is registered here and stopped (SIGINT, then SIGKILL of its
process group) when the benchmark ends, fails, or is interrupted with Ctrl-C / SIGTERM. Every
address used is 127.0.0.1.
"""

from __future__ import annotations

import math
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

MB = 1024 * 1024
LOOPBACK = "127.0.0.1"
# A fixed, throwaway key for the platform tokens of the benchmark's own temporary databases.
BENCH_TOKEN_SECRET = "be" * 32
# Inherited settings that would point a child at somebody else's database, queue or sandbox.
_STRIPPED_PREFIXES = ("AUTOPOST_", "DATABASE_URL", "CACHE_URL", "PLATFORM_TOKEN_SECRET", "DJANGO_")

_cleanups: list[Callable[[], None]] = []


def _raise_interrupt(signum, frame):  # SIGTERM / SIGHUP behave like Ctrl-C: finally blocks run
    raise KeyboardInterrupt(f"signal {signum}")


def install_signal_handlers() -> None:
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _raise_interrupt)


def on_cleanup(fn: Callable[[], None]) -> None:
    _cleanups.append(fn)


def run_cleanups() -> None:
    """Run registered cleanups, newest first; Ctrl-C during cleanup does not skip the rest."""
    while _cleanups:
        fn = _cleanups.pop()
        for _ in range(3):
            try:
                fn()
                break
            except KeyboardInterrupt:
                continue
            except Exception as exc:  # a cleanup failure must not hide the others
                print(f"cleanup failed: {exc!r}", file=sys.stderr)
                break


class cleanup_scope:
    """``with cleanup_scope():`` runs the cleanups registered inside the block when it ends."""

    def __enter__(self):
        self._mark = len(_cleanups)
        return self

    def __exit__(self, *exc_info):
        while len(_cleanups) > self._mark:
            fn = _cleanups.pop()
            try:
                fn()
            except Exception as exc:
                print(f"cleanup failed: {exc!r}", file=sys.stderr)
        return False


def temp_dir(prefix: str) -> Path:
    path = Path(tempfile.mkdtemp(prefix=prefix))
    on_cleanup(lambda: shutil.rmtree(path, ignore_errors=True))
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def clean_env(data_dir: Path, **overrides: str) -> dict[str, str]:
    """This process's environment without inherited autopost settings, plus a throwaway setup."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_STRIPPED_PREFIXES)}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "autopost.settings",
            "AUTOPOST_ENV_FILE": os.devnull,  # never read a .env from the current directory
            "AUTOPOST_DATA_DIR": str(data_dir),
            "PLATFORM_TOKEN_SECRET": BENCH_TOKEN_SECRET,
            "AUTOPOST_LOG_FORMAT": "json",
        }
    )
    env.update(overrides)
    return env


def autopost_argv(*args: str) -> list[str]:
    """``autopost <args>`` with this interpreter (the project's venv)."""
    return [sys.executable, "-m", "autopost.cli", *args]


def run_autopost(env: dict[str, str], *args: str, timeout: float = 300) -> str:
    result = subprocess.run(
        autopost_argv(*args), env=env, capture_output=True, text=True, timeout=timeout
    )
    if result.returncode != 0:
        raise RuntimeError(f"autopost {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


class Service:
    """A long-running child (sandbox, web, worker) in its own process group, logging to a file."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], log_dir: Path):
        self.name = name
        self.argv = argv
        self.env = env
        self.log_path = log_dir / f"{name}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> Service:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                self.argv,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.env.get("AUTOPOST_DATA_DIR"),
                start_new_session=True,  # our own process group: stopped by us, not by the tty
            )
        on_cleanup(self.stop)
        return self

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def stop(self, timeout: float = 20) -> None:
        process = self.process
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGINT)
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
        except ProcessLookupError:
            pass


def wait_http(url: str, service: Service, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return
        except httpx.TransportError:
            pass
        if not service.alive():
            break
        time.sleep(0.1)
    raise RuntimeError(f"{service.name} did not start ({url}):\n{service.log_text()[-4000:]}")


def start_sandbox(env: dict[str, str], log_dir: Path, port: int) -> Service:
    sandbox = Service("sandbox", autopost_argv("sandbox", "--port", str(port)), env, log_dir)
    sandbox.start()
    wait_http(f"http://{LOOPBACK}:{port}/_control/telegram/config", sandbox)
    return sandbox


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    return {
        "nproc": str(os.cpu_count()),
        "ram": ram,
        "cpu": cpu,
        "python": platform.python_version(),
        "kernel": platform.release(),
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def code_version() -> str:
    """The commit the benchmark runs, and whether product code differs from it."""
    repo = Path(__file__).resolve().parent.parent
    try:
        commit = subprocess.run(
            ["git", "-C", str(repo), "rev-parse", "--short", "HEAD"],
            capture_output=True, text=True, timeout=10,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(repo), "status", "--porcelain", "--", "src", "pyproject.toml", "uv.lock"],
            capture_output=True, text=True, timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return (commit or "unknown") + (" + uncommitted changes in src" if dirty else "")


def print_machine() -> None:
    facts = machine()
    print(
        f"machine: nproc={facts['nproc']}  RAM={facts['ram']}  CPU={facts['cpu']}  "
        f"Python {facts['python']}  Linux {facts['kernel']}  load avg {facts['load']}"
    )
    print(f"code: {code_version()}   at {time.strftime('%Y-%m-%d %H:%M:%S %Z')}")


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), math.ceil(q / 100 * len(ordered))))
    return ordered[rank - 1]


# --- measuring one provider publish in this process ------------------------------------------


def proc_status_kb(field: str) -> int | None:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return None


def measured_publish(adapter, clip, title: str, checkpoint):
    """``adapter.publish`` once, with its wall time, CPU time and this process's memory: RSS
    before, the high-water mark before, and the peak during the publish alone."""
    import gc
    import resource

    from autopost.platforms.base import Metadata

    gc.collect()
    baseline_kb = proc_status_kb("VmRSS")
    hwm_before_kb = proc_status_kb("VmHWM")
    # Reset the high-water mark to the current RSS (Linux >= 4.0), so VmHWM afterwards is the
    # peak during the publish alone. Where that is refused, the process peak is still reported.
    try:
        Path("/proc/self/clear_refs").write_text("5")
        hwm_reset = True
    except OSError:
        hwm_reset = False
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    result = adapter.publish(clip, Metadata(title=title), checkpoint)
    elapsed = time.perf_counter() - started
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    figures = {
        "elapsed_s": elapsed,
        "cpu_s": (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime),
        "baseline_rss_kb": baseline_kb,
        "hwm_before_upload_kb": hwm_before_kb,
        "upload_hwm_kb": proc_status_kb("VmHWM") if hwm_reset else None,
    }
    return result, figures


def run_benchmark(main: Callable[[], int], child_upload: Callable[[str, int, str], None]) -> None:
    """A benchmark's entry point: ``--child-upload PATH SIZE TITLE`` runs the measured upload in
    this (child) process; otherwise ``main`` runs with cleanup on exit, failure or Ctrl-C."""
    if len(sys.argv) == 5 and sys.argv[1] == "--child-upload":
        child_upload(sys.argv[2], int(sys.argv[3]), sys.argv[4])
        sys.exit(0)
    install_signal_handlers()
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("\ninterrupted: cleaning up", file=sys.stderr)
        sys.exit(130)
    finally:
        run_cleanups()
