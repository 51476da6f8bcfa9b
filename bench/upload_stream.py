"""Benchmark: a 500 MB upload through the Telegram provider vs. ``curl -F``, to the sandbox.

    .venv/bin/python bench/upload_stream.py [--size-mb 500] [--repeats 3]

The sandbox runs as its own process in local Bot API server mode (2000 MB limit, rate limit off).
Each provider upload runs in a fresh subprocess (Django set up against a throwaway data folder,
``TelegramAdapter(...).publish(...)`` with an in-memory checkpoint); its peak RSS comes from the
kernel (``wait4`` rusage and VmHWM) and its baseline RSS is read right before the upload. Each
curl upload posts the same file to the same ``sendVideo`` endpoint. Uploads alternate
(ours, curl, ours, ...) and every one is checked against the sandbox's received log
(size and SHA-256). Medians of the repeats are compared with the targets:
ours/curl throughput >= 0.8 and provider peak RSS < 100 MB.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import threading
from pathlib import Path

import _common as c

TARGET_RATIO = 0.8
TARGET_PEAK_RSS_MB = 100.0
WRITE_CHUNK = 4 * c.MB


# --- the provider upload, in its own process ----------------------------------------------------



def child_upload(path: str, size: int, title: str) -> None:
    """Runs in the subprocess: set Django up, upload once through TelegramAdapter, print JSON."""

    import django

    django.setup()
    from autopost.platforms.base import ClipFile, Credentials, Target
    from autopost.platforms.telegram.adapter import TelegramAdapter
    from autopost.sandbox import demo

    class MemoryCheckpoint:
        def __init__(self):
            self.data: dict = {}

        def save(self, **values):
            self.data.update(values)

    adapter = TelegramAdapter(
        Credentials(access_token=demo.TELEGRAM_BOT_TOKEN),
        Target(
            account_id=str(demo.TELEGRAM_BOT_ID),
            target_id=str(demo.TELEGRAM_CHANNEL_ID),
            target_name=demo.TELEGRAM_CHANNEL_TITLE,
            options={"chat_username": demo.TELEGRAM_CHANNEL.removeprefix("@")},
        ),
    )
    clip = ClipFile(
        open=lambda: open(path, "rb"),  # noqa: SIM115 - the provider closes it
        size=size,
        filename="bench-upload.mp4",
        content_type="video/mp4",
    )
    checkpoint = MemoryCheckpoint()
    result, m = c.measured_publish(adapter, clip, title, checkpoint)
    print(
        json.dumps(
            {
                "elapsed_s": m["elapsed_s"],
                "upload_cpu_s": m["cpu_s"],
                "baseline_rss_kb": m["baseline_rss_kb"],
                "hwm_before_upload_kb": m["hwm_before_upload_kb"],
                "upload_hwm_kb": m["upload_hwm_kb"],
                "remote_id": result.remote_id,
                "checkpoint": checkpoint.data,
            }
        ),
        flush=True,
    )


# --- the orchestrator -----------------------------------------------------------------------------


def write_test_file(path: Path, size: int) -> str:
    """``size`` pseudo-random bytes written in 4 MB chunks (never held whole); returns SHA-256."""
    digest = hashlib.sha256()
    remaining = size
    with path.open("wb") as fh:
        while remaining:
            chunk = os.urandom(min(WRITE_CHUNK, remaining))
            digest.update(chunk)
            fh.write(chunk)
            remaining -= len(chunk)
    return digest.hexdigest()


def measured(
    argv: list[str], env: dict[str, str], timeout: float, work: Path
) -> tuple[str, int, os.struct_rusage]:
    """Run a child to completion: (stdout, exit code, the child's own rusage: peak RSS, CPU).

    The child is reaped with ``wait4``, whose rusage is that one process's (not the maximum over
    every child this process ever waited for, as RUSAGE_CHILDREN would be).
    """
    out_path, err_path = work / "child.out", work / "child.err"
    with out_path.open("wb") as out, err_path.open("wb") as err:
        process = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
    c.on_cleanup(lambda: process.returncode is None and process.kill())
    watchdog = threading.Timer(timeout, process.kill)
    watchdog.start()
    try:
        _, status, rusage = os.wait4(process.pid, 0)
    finally:
        watchdog.cancel()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        sys.stderr.write(err_path.read_text(errors="replace")[-4000:])
    return out_path.read_text(), process.returncode, rusage


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a running process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def check_received(control, before: int, size: int, sha256: str, label: str) -> dict:
    messages = control.telegram_messages()
    if len(messages) != before + 1:
        raise SystemExit(f"{label}: the sandbox logged {len(messages) - before} messages, not 1")
    message = messages[-1]
    if message["size"] != size or message["sha256"] != sha256:
        raise SystemExit(
            f"{label}: the sandbox received {message['size']} bytes sha256 {message['sha256']}, "
            f"expected {size} bytes sha256 {sha256}"
        )
    return message


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=int, default=500, help="file size in MB (2^20 bytes)")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    size = args.size_mb * c.MB

    c.print_machine()
    work = c.temp_dir("autopost-bench-upload-")
    data_dir = work / "data"
    data_dir.mkdir()
    port = c.free_port()
    sandbox_url = f"http://{c.LOOPBACK}:{port}"
    env = c.clean_env(
        data_dir,
        AUTOPOST_SANDBOX="1",
        AUTOPOST_SANDBOX_URL=sandbox_url,
        AUTOPOST_SANDBOX_TELEGRAM_LOCAL="1",
        AUTOPOST_TELEGRAM_LOCAL_API="1",
        AUTOPOST_LOG_LEVEL="WARNING",
    )

    file_path = work / "clip-500mb.bin"
    print(f"writing a {args.size_mb} MB test file ...", flush=True)
    sha256 = write_test_file(file_path, size)

    from autopost.sandbox.client import SandboxControl  # needs no Django settings

    sandbox = c.start_sandbox(env, work, port)
    control = SandboxControl(sandbox_url, timeout=30)
    c.on_cleanup(control.close)
    config = control.set_telegram_config(mode="local", rate_limit=False)
    print(f"sandbox {sandbox_url}: mode={config['mode']} rate_limit={config['rate_limit']}")

    from autopost.sandbox import demo

    send_video = f"{control.telegram_api_url}/bot{demo.TELEGRAM_BOT_TOKEN}/sendVideo"
    ours: list[dict] = []
    curl: list[dict] = []
    for attempt in range(1, args.repeats + 1):
        before = len(control.telegram_messages())
        sandbox_cpu = cpu_seconds(sandbox.process.pid)
        out, code, rusage = measured(
            [sys.executable, __file__, "--child-upload", str(file_path), str(size),
             f"upload_stream ours #{attempt}"],
            env,
            timeout=900,
            work=work,
        )
        if code != 0:
            raise SystemExit(f"provider upload #{attempt} failed (exit {code})")
        sandbox_cpu = cpu_seconds(sandbox.process.pid) - sandbox_cpu
        run = json.loads(out.strip().splitlines()[-1])
        check_received(control, before, size, sha256, f"provider upload #{attempt}")
        maxrss_kb = rusage.ru_maxrss
        run["maxrss_kb"] = maxrss_kb
        run["mb_s"] = size / c.MB / run["elapsed_s"]
        ours.append(run)
        print(
            f"  ours #{attempt}: {run['mb_s']:7.1f} MB/s  ({run['elapsed_s']:.2f} s; CPU: client "
            f"{run['upload_cpu_s']:.2f} s, sandbox {sandbox_cpu:.2f} s)  "
            f"baseline RSS {run['baseline_rss_kb'] / 1024:.1f} MB  peak RSS {maxrss_kb / 1024:.1f} MB"
            + (
                f"  (peak during upload {run['upload_hwm_kb'] / 1024:.1f} MB)"
                if run["upload_hwm_kb"]
                else ""
            ),
            flush=True,
        )

        before = len(control.telegram_messages())
        response_path = work / f"curl-{attempt}.json"
        sandbox_cpu = cpu_seconds(sandbox.process.pid)
        out, code, rusage = measured(
            [
                "curl", "-sS", "-o", str(response_path),
                "-w", "%{time_total} %{size_upload} %{http_code}",
                "-F", f"chat_id={demo.TELEGRAM_CHANNEL_ID}",
                "-F", f"video=@{file_path}",
                "-F", "supports_streaming=true",
                send_video,
            ],
            env,
            timeout=900,
            work=work,
        )
        sandbox_cpu = cpu_seconds(sandbox.process.pid) - sandbox_cpu
        time_total, size_upload, http_code = out.split()
        if code != 0 or http_code != "200":
            raise SystemExit(f"curl upload #{attempt} failed: exit {code}, HTTP {http_code}")
        check_received(control, before, size, sha256, f"curl upload #{attempt}")
        elapsed = float(time_total)
        curl.append({"elapsed_s": elapsed, "mb_s": size / c.MB / elapsed})
        print(
            f"  curl #{attempt}: {curl[-1]['mb_s']:7.1f} MB/s  ({elapsed:.2f} s; CPU: curl "
            f"{rusage.ru_utime + rusage.ru_stime:.2f} s, sandbox {sandbox_cpu:.2f} s)  "
            f"curl peak RSS {rusage.ru_maxrss / 1024:.1f} MB",
            flush=True,
        )

    ours_mb_s = statistics.median(r["mb_s"] for r in ours)
    curl_mb_s = statistics.median(r["mb_s"] for r in curl)
    ratio = ours_mb_s / curl_mb_s
    peak_mb = statistics.median(r["maxrss_kb"] for r in ours) / 1024
    peak_max_mb = max(r["maxrss_kb"] for r in ours) / 1024
    baseline_mb = statistics.median(r["baseline_rss_kb"] for r in ours) / 1024
    upload_hwm = [r["upload_hwm_kb"] for r in ours if r["upload_hwm_kb"]]

    print()
    print(f"upload of {args.size_mb} MB to sandbox sendVideo (local mode), median of {args.repeats}")
    print(f"  {'provider (TelegramAdapter, httpx)':<36} {ours_mb_s:8.1f} MB/s")
    print(f"  {'curl -F':<36} {curl_mb_s:8.1f} MB/s")
    print(
        f"  {'ratio ours/curl':<36} {ratio:8.2f}   target >= {TARGET_RATIO}   "
        f"{verdict(ratio >= TARGET_RATIO)}"
    )
    print(
        f"  {'provider peak RSS':<36} {peak_mb:8.1f} MB  (max {peak_max_mb:.1f})   "
        f"target < {TARGET_PEAK_RSS_MB:g} MB   {verdict(peak_max_mb < TARGET_PEAK_RSS_MB)}"
    )
    print(f"  {'provider baseline RSS before upload':<36} {baseline_mb:8.1f} MB")
    if upload_hwm:
        during = statistics.median(upload_hwm) / 1024
        print(
            f"  {'provider peak RSS during upload':<36} {during:8.1f} MB  "
            f"(+{during - baseline_mb:.1f} MB over baseline)"
        )
    print(f"  all {2 * args.repeats} uploads verified: size {size} bytes, sha256 {sha256[:16]}…")
    return 0


if __name__ == "__main__":
    c.run_benchmark(main, child_upload)
