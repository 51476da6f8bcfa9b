"""Benchmark: a 500 MB TUS upload through the Дзен provider vs. one ``curl`` PATCH, to the sandbox.

    .venv/bin/python bench/tus_upload.py [--size-mb 500] [--repeats 3] [--chunk-mb N]

The sandbox runs as its own process (Дзен conversion set to 0 s, ``max_file_bytes`` raised when
the file would not fit). Each provider run is a fresh subprocess (Django set up against a
throwaway data folder) that drives a whole ``DzenAdapter(...).publish(...)`` with the demo
session and an in-memory checkpoint: add-publication → start-upload-video → TUS HEAD + PATCHes of
``AUTOPOST_DZEN_TUS_CHUNK_BYTES`` (default 4 MB) → finish-upload-video → poll → publish. The upload
part is timed from the checkpoint: from the save of ``upload_url`` (start-upload-video answered)
to the save of ``stage="uploaded"`` (the server confirmed the last byte). Peak RSS comes from the
kernel (``wait4`` rusage and VmHWM), baseline RSS is read right before ``publish``.

Each curl run opens an upload the way the provider does (add-publication and start-upload-video
with the demo ``Session_id`` cookie and ``X-Csrf-Token``), sends the whole file in one
``curl -X PATCH --data-binary @file`` and closes it with finish-upload-video. Runs alternate
(ours, curl, ours, ...) and every one is checked against the sandbox's publication log (size and
SHA-256 of what the TUS server received). Medians of the repeats are compared with the targets
of the Telegram benchmark: ours/curl throughput >= 0.8 and provider peak RSS < 100 MB.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

import _common as c
from upload_stream import cpu_seconds, measured, verdict, write_test_file

TARGET_RATIO = 0.8
TARGET_PEAK_RSS_MB = 100.0
TUS_HEADERS = ("Tus-Resumable: 1.0.0", "Upload-Offset: 0",
               "Content-Type: application/offset+octet-stream")



# --- the provider upload, in its own process ----------------------------------------------------


def child_upload(path: str, size: int, title: str) -> None:
    """Runs in the subprocess: set Django up, publish once through DzenAdapter, print JSON."""

    import django

    django.setup()
    from django.conf import settings

    from autopost.platforms.base import ClipFile, Credentials, Target
    from autopost.platforms.dzen.adapter import DzenAdapter, cookie_hosts
    from autopost.platforms.dzen.formats import dump_session, parse_session
    from autopost.sandbox import demo

    marks: dict[str, float] = {}

    class TimedCheckpoint:
        """In memory; notes when the TUS part starts and ends (wall clock, this process's CPU)."""

        def __init__(self):
            self.data: dict = {}
            self.saves = 0

        def save(self, **values):
            self.saves += 1
            self.data.update(values)
            if values.get("upload_url") and "upload_start" not in marks:
                marks["upload_start"] = time.perf_counter()
                marks["upload_start_cpu"] = time.process_time()
            if values.get("stage") == "uploaded":
                marks["upload_end"] = time.perf_counter()
                marks["upload_end_cpu"] = time.process_time()

    publisher_id = demo.DZEN_PUBLISHER_ID
    cookies = parse_session(f"Session_id={demo.DZEN_SESSION_ID}", hosts=cookie_hosts())
    adapter = DzenAdapter(
        Credentials(access_token=dump_session(cookies)),
        Target(account_id=publisher_id, target_id=publisher_id, target_name=publisher_id,
               options={"publisher_id": publisher_id, "channel_slug": ""}),
    )
    clip = ClipFile(
        open=lambda: open(path, "rb"),  # noqa: SIM115 - the provider closes it
        size=size,
        filename="bench-tus.mp4",
        content_type="video/mp4",
    )
    checkpoint = TimedCheckpoint()
    result, m = c.measured_publish(adapter, clip, title, checkpoint)
    print(
        json.dumps(
            {
                "publish_s": m["elapsed_s"],
                "publish_cpu_s": m["cpu_s"],
                "upload_s": marks["upload_end"] - marks["upload_start"],
                "upload_cpu_s": marks["upload_end_cpu"] - marks["upload_start_cpu"],
                "chunk_bytes": settings.DZEN_TUS_CHUNK_BYTES,
                "checkpoint_saves": checkpoint.saves,
                "baseline_rss_kb": m["baseline_rss_kb"],
                "hwm_before_upload_kb": m["hwm_before_upload_kb"],
                "upload_hwm_kb": m["upload_hwm_kb"],
                "remote_id": result.remote_id,
            }
        ),
        flush=True,
    )


# --- the orchestrator -----------------------------------------------------------------------------


class DzenStudio:
    """The demo session's calls to the sandbox's Дзен API: opening and closing curl's uploads."""

    def __init__(self, dzen_url: str):
        import httpx

        from autopost.sandbox import demo

        self.publisher_id = demo.DZEN_PUBLISHER_ID
        self.http = httpx.Client(
            base_url=dzen_url,
            timeout=60,
            headers={"Cookie": f"Session_id={demo.DZEN_SESSION_ID}",
                     "X-Csrf-Token": demo.DZEN_CSRF_TOKEN, "Accept": "application/json"},
        )
        c.on_cleanup(self.http.close)

    def _post(self, path: str, body: dict) -> dict:
        response = self.http.post(path, json=body,
                                  params={"publisherId": self.publisher_id, "clid": "320"})
        if response.status_code != 200:
            raise SystemExit(f"Дзен {path}: HTTP {response.status_code} {response.text[:500]}")
        return response.json()

    def open_upload(self, size: int) -> tuple[str, str, str]:
        """(publication id, upload id, TUS URL), as add-publication + start-upload-video give."""
        added = self._post("/editor-api/v2/add-publication",
                           {"publicationType": "gif", "content": {"gifContent": {}}})
        publication_id = added.get("id") or added["publications"][0]["id"]
        slot = self._post("/media-api-video/start-upload-video", {
            "publicationId": publication_id, "fileName": "bench-tus-curl.mp4",
            "fileSize": size, "mimeType": "video/mp4"})
        return publication_id, str(slot["uploadId"]), str(slot["uploadUrl"])

    def finish_upload(self, publication_id: str, upload_id: str) -> None:
        self._post("/media-api-video/finish-upload-video",
                   {"publicationId": publication_id, "uploadId": upload_id})


def check_received(control, publication_id: str, size: int, sha256: str, label: str) -> dict:
    from autopost.sandbox import demo

    found = [p for p in control.dzen_publications(demo.DZEN_PUBLISHER_ID)
             if p["publication_id"] == publication_id]
    if len(found) != 1:
        raise SystemExit(f"{label}: the sandbox has no publication {publication_id}")
    publication = found[0]
    if publication["size"] != size or publication["sha256"] != sha256:
        raise SystemExit(
            f"{label}: the sandbox received {publication['size']} bytes sha256 "
            f"{publication['sha256']}, expected {size} bytes sha256 {sha256}"
        )
    return publication


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=int, default=500, help="file size in MB (2^20 bytes)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--chunk-mb", type=float, default=None,
                        help="set AUTOPOST_DZEN_TUS_CHUNK_BYTES for ours (default: the product's)")
    args = parser.parse_args()
    size = args.size_mb * c.MB

    c.print_machine()
    work = c.temp_dir("autopost-bench-tus-")
    data_dir = work / "data"
    data_dir.mkdir()
    port = c.free_port()
    sandbox_url = f"http://{c.LOOPBACK}:{port}"
    overrides = {
        "AUTOPOST_SANDBOX": "1",
        "AUTOPOST_SANDBOX_URL": sandbox_url,
        "AUTOPOST_DZEN_POLL_SECONDS": "0.05",
        "AUTOPOST_LOG_LEVEL": "WARNING",
    }
    if args.chunk_mb is not None:
        overrides["AUTOPOST_DZEN_TUS_CHUNK_BYTES"] = str(int(args.chunk_mb * c.MB))
    env = c.clean_env(data_dir, **overrides)

    file_path = work / f"clip-{args.size_mb}mb.bin"
    print(f"writing a {args.size_mb} MB test file ...", flush=True)
    sha256 = write_test_file(file_path, size)

    from autopost.sandbox.client import SandboxControl  # needs no Django settings

    sandbox = c.start_sandbox(env, work, port)
    control = SandboxControl(sandbox_url, timeout=30)
    c.on_cleanup(control.close)
    changes: dict = {"conversion_s": 0}
    if control.dzen_config()["max_file_bytes"] < size:
        changes["max_file_bytes"] = size
    config = control.set_dzen_config(**changes)
    print(f"sandbox {sandbox_url}: Дзен conversion_s={config['conversion_s']} "
          f"max_file_bytes={config['max_file_bytes']}")
    studio = DzenStudio(control.dzen_url)

    ours: list[dict] = []
    curl: list[dict] = []
    for attempt in range(1, args.repeats + 1):
        sandbox_cpu = cpu_seconds(sandbox.process.pid)
        out, code, rusage = measured(
            [sys.executable, __file__, "--child-upload", str(file_path), str(size),
             f"tus_upload ours #{attempt}"],
            env,
            timeout=900,
            work=work,
        )
        if code != 0:
            raise SystemExit(f"provider upload #{attempt} failed (exit {code})")
        sandbox_cpu = cpu_seconds(sandbox.process.pid) - sandbox_cpu
        run = json.loads(out.strip().splitlines()[-1])
        publication = check_received(control, run["remote_id"], size, sha256,
                                     f"provider upload #{attempt}")
        if not publication["published"]:
            raise SystemExit(f"provider upload #{attempt}: the publication is not published")
        run["patches"] = publication["upload"]["patches"]
        run["maxrss_kb"] = rusage.ru_maxrss
        run["mb_s"] = size / c.MB / run["upload_s"]
        ours.append(run)
        print(
            f"  ours #{attempt}: {run['mb_s']:7.1f} MB/s  (TUS {run['upload_s']:.2f} s in "
            f"{run['patches']} PATCHes of {run['chunk_bytes'] / c.MB:g} MB, whole publish "
            f"{run['publish_s']:.2f} s; CPU: client {run['upload_cpu_s']:.2f} s in TUS, sandbox "
            f"{sandbox_cpu:.2f} s)  baseline RSS {run['baseline_rss_kb'] / 1024:.1f} MB  "
            f"peak RSS {run['maxrss_kb'] / 1024:.1f} MB"
            + (
                f"  (peak during publish {run['upload_hwm_kb'] / 1024:.1f} MB)"
                if run["upload_hwm_kb"]
                else ""
            ),
            flush=True,
        )

        publication_id, upload_id, upload_url = studio.open_upload(size)
        if not upload_url.startswith(f"http://{c.LOOPBACK}:"):
            raise SystemExit(f"unexpected upload URL {upload_url}")
        sandbox_cpu = cpu_seconds(sandbox.process.pid)
        started = time.perf_counter()
        headers = [arg for header in TUS_HEADERS for arg in ("-H", header)]
        out, code, rusage = measured(
            ["curl", "-sS", "-o", "/dev/null",
             "-w", "%{time_total} %{size_upload} %{http_code}",
             "-X", "PATCH", *headers, "--data-binary", f"@{file_path}", upload_url],
            env,
            timeout=900,
            work=work,
        )
        wall = time.perf_counter() - started
        sandbox_cpu = cpu_seconds(sandbox.process.pid) - sandbox_cpu
        time_total, size_upload, http_code = out.split()
        if code != 0 or http_code != "204" or int(float(size_upload)) != size:
            raise SystemExit(f"curl upload #{attempt} failed: exit {code}, HTTP {http_code}, "
                             f"sent {size_upload} bytes")
        studio.finish_upload(publication_id, upload_id)
        check_received(control, publication_id, size, sha256, f"curl upload #{attempt}")
        elapsed = float(time_total)
        curl.append({"elapsed_s": elapsed, "wall_s": wall, "mb_s": size / c.MB / elapsed,
                     "maxrss_kb": rusage.ru_maxrss})
        print(
            f"  curl #{attempt}: {curl[-1]['mb_s']:7.1f} MB/s  ({elapsed:.2f} s transfer, "
            f"{wall:.2f} s with reading the file; CPU: curl "
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
    chunk_mb = ours[0]["chunk_bytes"] / c.MB

    print()
    print(f"TUS upload of {args.size_mb} MB to the sandbox's Дзен, median of {args.repeats}")
    label = f"provider (DzenAdapter, {chunk_mb:g} MB PATCHes)"
    print(f"  {label:<40} {ours_mb_s:8.1f} MB/s   "
          f"(whole publish {statistics.median(r['publish_s'] for r in ours):.2f} s)")
    print(f"  {'curl, one PATCH of the whole file':<40} {curl_mb_s:8.1f} MB/s")
    print(
        f"  {'ratio ours/curl':<40} {ratio:8.2f}   target >= {TARGET_RATIO}   "
        f"{verdict(ratio >= TARGET_RATIO)}"
    )
    print(
        f"  {'provider peak RSS':<40} {peak_mb:8.1f} MB  (max {peak_max_mb:.1f})   "
        f"target < {TARGET_PEAK_RSS_MB:g} MB   {verdict(peak_max_mb < TARGET_PEAK_RSS_MB)}"
    )
    print(f"  {'provider baseline RSS before publish':<40} {baseline_mb:8.1f} MB")
    if upload_hwm:
        during = statistics.median(upload_hwm) / 1024
        print(
            f"  {'provider peak RSS during publish':<40} {during:8.1f} MB  "
            f"(+{during - baseline_mb:.1f} MB over baseline)"
        )
    curl_rss_mb = statistics.median(r["maxrss_kb"] for r in curl) / 1024
    print(f"  {'curl peak RSS':<40} {curl_rss_mb:8.1f} MB")
    print(f"  all {2 * args.repeats} uploads verified: size {size} bytes, sha256 {sha256[:16]}…")
    return 0


if __name__ == "__main__":
    c.run_benchmark(main, child_upload)
