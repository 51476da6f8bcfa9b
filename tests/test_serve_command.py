"""``autopost serve`` supervises its children: they go when it goes, however it goes."""

import os
import signal
import subprocess
import sys
import time

import psutil
import pytest

from autopost.testing.processes import free_port, wait_for


def _children_of(pid: int) -> list[psutil.Process]:
    return psutil.Process(pid).children(recursive=True)


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL])
def test_stopping_serve_stops_the_worker_and_the_sandbox(tmp_path, how):
    port, sandbox_port = free_port(), free_port()
    env = {
        **os.environ,
        "AUTOPOST_DATA_DIR": str(tmp_path),
        "AUTOPOST_SANDBOX": "1",
        "AUTOPOST_SANDBOX_URL": f"http://127.0.0.1:{sandbox_port}",
    }
    for key in ("AUTOPOST_SQLITE_PATH", "DATABASE_URL"):
        env.pop(key, None)
    subprocess.run([sys.executable, "-m", "autopost.cli", "migrate", "-v0"], env=env, check=True, timeout=120)
    serve = subprocess.Popen(
        [sys.executable, "-m", "autopost.cli", "serve", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        children = wait_for(lambda: len(c := _children_of(serve.pid)) >= 2 and c, 30, message="worker and sandbox")
        time.sleep(1)
        serve.send_signal(how)
        serve.wait(30)
        gone, alive = psutil.wait_procs(children, timeout=20)
        assert alive == []
    finally:
        if serve.poll() is None:
            serve.kill()
