"""``autopost sandbox`` runs the emulators as their own process."""

import os
import signal
import socket
import subprocess
import sys
import time

import httpx

from autopost.sandbox import demo


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_command_serves_the_demo_world_in_the_mode_from_the_environment(tmp_path):
    port = free_port()
    env = {**os.environ, "AUTOPOST_SANDBOX_TELEGRAM_LOCAL": "1"}
    log_path = tmp_path / "sandbox.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "autopost.cli", "sandbox", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                me = httpx.get(f"{base}/telegram/bot{demo.TELEGRAM_BOT_TOKEN}/getMe")
                break
            except httpx.TransportError:
                assert process.poll() is None, "autopost sandbox exited"
                assert time.monotonic() < deadline, "autopost sandbox did not start"
                time.sleep(0.1)
        config = httpx.get(f"{base}/_control/telegram/config").json()
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)

    assert me.json()["result"]["username"] == demo.TELEGRAM_BOT_USERNAME
    assert config["mode"] == "local"
    output = log_path.read_text()
    assert demo.TELEGRAM_BOT_TOKEN in output
    assert f"{base}/telegram" in output
