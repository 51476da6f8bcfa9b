"""Benchmark: publications through API → queue → worker → sandbox Telegram, on both backends.

    .venv/bin/python bench/pipeline.py [--publications 2000] [--scheduled 300]
                                       [--backends embedded,postgres]

For each backend (embedded: SQLite WAL + SqliteHuey + DB cache; postgres: PostgreSQL + Redis
queue + Redis cache) it starts from nothing: a fresh data folder and database, ``autopost
migrate``, a user with an API token, then the sandbox, the web server (``serve --no-worker
--no-sandbox``) and one worker (``autopost worker``, default 4 threads) as separate processes.

Telegram's limits stay on in the sandbox and in the provider (20 posts a minute per channel,
~30 a second per bot), so the publications are spread over 10 bots × 10 channels (20 per channel);
the scheduled ones go to 2 more channels per bot. Only our own per-user API limits are raised.

Clips: the sample MP4 is uploaded through the API 3 times; the other clips are rows created
directly in the database, each pointing at its own copy of the uploaded file.

Measured: throughput (first publish request → last ``published_at``), click → published latency
(request sent → ``published_at``), and for publications scheduled 15–55 s ahead, how late they
were claimed (``attempt_started`` event) and published. Verified: every publication is
``published`` and the sandbox received each one exactly once.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx

import _common as c

PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
REDIS_QUEUE_URL = "redis://127.0.0.1:6379/3"
REDIS_CACHE_URL = "redis://127.0.0.1:6379/4"
EMAIL = "bench@example.com"
UPLOADED_CLIPS = 3
CLIENT_CONCURRENCY = 4  # parallel API clients sending publish requests
SCHEDULE_LEAD_S = 15.0  # the first scheduled publication is due this long after scheduling starts
SCHEDULE_SPREAD_S = 40.0  # the scheduled ones are spread evenly over this many seconds
MAIN_TIMEOUT_S = 900.0


# --- children that run inside Django (same environment as the services) -------------------------


def child_seed(spec_path: str) -> None:
    """Create clip rows for ``titles``, each with its own copy of the template clip's file."""
    import shutil

    import django

    django.setup()
    from django.core.files.storage import default_storage

    from autopost.accounts.models import User
    from autopost.clips.models import Clip, ClipStatus

    spec = json.loads(Path(spec_path).read_text())
    user = User.objects.get(email=spec["email"])
    template = Clip.objects.get(pk=spec["template_id"], owner=user)
    source = default_storage.path(template.storage_key)
    rows = []
    for title in spec["titles"]:
        key = f"clips/{user.pk}/{uuid.uuid4().hex}.mp4"
        target = Path(default_storage.path(key))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        rows.append(
            Clip(
                owner=user,
                title=title,
                description=template.description,
                storage_key=key,
                original_filename=template.original_filename,
                content_type=template.content_type,
                size=template.size,
                sha256=template.sha256,
                duration=template.duration,
                width=template.width,
                height=template.height,
                video_codec=template.video_codec,
                container=template.container,
                status=ClipStatus.READY,
            )
        )
    created = Clip.objects.bulk_create(rows, batch_size=500)
    ids = [clip.pk for clip in created]
    if None in ids:  # a backend that does not return ids from bulk inserts
        ids = list(
            Clip.objects.filter(owner=user, title__in=spec["titles"]).values_list("pk", flat=True)
        )
    by_title = dict(Clip.objects.filter(pk__in=ids).values_list("title", "pk"))
    Path(spec["out"]).write_text(json.dumps([by_title[t] for t in spec["titles"]]))


def child_collect(out_path: str) -> None:
    """Dump every publication with the times of its events (read directly from the database)."""
    import django

    django.setup()
    from autopost.publishing.models import Publication, PublicationEvent

    def ts(value):
        return value.timestamp() if value else None

    events: dict[int, list] = {}
    for pub_id, reason, created in PublicationEvent.objects.order_by("id").values_list(
        "publication_id", "reason", "created_at"
    ):
        events.setdefault(pub_id, []).append([reason, ts(created)])
    rows = []
    for row in Publication.objects.order_by("id").values(
        "id", "clip_id", "connection_id", "status", "scheduled_at", "published_at",
        "created_at", "attempts", "remote_id", "last_error_code",
    ):
        row = {k: ts(v) if isinstance(v, datetime) else v for k, v in row.items()}
        row["events"] = events.get(row["id"], [])
        rows.append(row)
    Path(out_path).write_text(json.dumps(rows))


def run_child(env: dict[str, str], *args: str) -> None:
    result = subprocess.run(
        [sys.executable, __file__, *args], env=env, capture_output=True, text=True, timeout=600
    )
    if result.returncode != 0:
        raise RuntimeError(f"{args[0]} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")


# --- the orchestrator -----------------------------------------------------------------------------


@dataclass
class Sent:
    """One publish request as the client saw it."""

    clip_id: int
    connection_id: int
    sent_at: float  # wall clock, seconds
    answered_at: float = 0.0
    publication_id: int | None = None
    error: str = ""


@dataclass
class BackendResult:
    name: str
    label: str
    skipped: str = ""
    figures: dict = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies of all CPUs from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def service_cpu_seconds(names: tuple[str, ...] = ("postgres", "redis-server")) -> dict[int, float]:
    """CPU seconds so far of every process with one of these command names (database servers)."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        comm = text[text.index("(") + 1 : text.rindex(")")]
        if comm in names:
            fields = text.rsplit(")", 1)[1].split()
            found[int(stat.parent.name)] = (int(fields[11]) + int(fields[12])) / os.sysconf(
                "SC_CLK_TCK"
            )
    return found


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat()


class Api:
    """Thread-safe enough: one httpx client per thread, all with the bench user's token."""

    def __init__(self, base_url: str, token: str):
        self.base_url = base_url
        self.token = token
        self._local = threading.local()
        self._clients: list[httpx.Client] = []
        self._lock = threading.Lock()

    @property
    def http(self) -> httpx.Client:
        client = getattr(self._local, "client", None)
        if client is None:
            client = httpx.Client(
                base_url=self.base_url,
                headers={"Authorization": f"Bearer {self.token}"},
                timeout=60,
            )
            self._local.client = client
            with self._lock:
                self._clients.append(client)
        return client

    def close(self) -> None:
        for client in self._clients:
            client.close()

    def publish(self, clip_id: int, connection_id: int, scheduled_at: str | None = None) -> Sent:
        sent = Sent(clip_id, connection_id, time.time())
        try:
            response = self.http.post(
                f"/api/v1/clips/{clip_id}/publish",
                json={"targets": [connection_id], "scheduled_at": scheduled_at},
            )
            sent.answered_at = time.time()
            body = response.json()
            result = body["results"][0] if response.status_code == 200 else None
            if result and result["ok"]:
                sent.publication_id = result["publication"]["id"]
            else:
                sent.error = f"HTTP {response.status_code}: {response.text[:200]}"
        except (httpx.HTTPError, ValueError, KeyError) as exc:
            sent.answered_at = time.time()
            sent.error = repr(exc)
        return sent

    def count(self, status: str) -> int:
        response = self.http.get("/api/v1/publications", params={"status": status, "limit": 1})
        response.raise_for_status()
        return response.json()["count"]


def prepare_backend(name: str, run_id: str) -> tuple[dict[str, str], str]:
    """Backend-specific environment; creates (and registers the removal of) the database."""
    if name == "embedded":
        return {}, "SQLite WAL + SqliteHuey + DB cache"
    import psycopg
    import redis

    try:
        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5)
        queue_redis = redis.Redis.from_url(REDIS_QUEUE_URL, socket_connect_timeout=5)
        cache_redis = redis.Redis.from_url(REDIS_CACHE_URL, socket_connect_timeout=5)
        queue_redis.ping()
    except Exception as exc:  # no server here: say so and skip this backend
        raise BackendUnavailable(f"PostgreSQL/Redis not reachable on 127.0.0.1: {exc}") from exc
    database = f"autopost_bench_{run_id}"

    def drop_database():
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')

    def flush_redis():
        queue_redis.flushdb()
        cache_redis.flushdb()

    flush_redis()
    c.on_cleanup(flush_redis)
    with admin:
        admin.execute(f'CREATE DATABASE "{database}"')
    c.on_cleanup(drop_database)
    env = {
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
        "AUTOPOST_QUEUE_URL": REDIS_QUEUE_URL,
        "CACHE_URL": REDIS_CACHE_URL,
    }
    return env, "PostgreSQL + Redis queue + Redis cache"


_service_logs: list[Path] = []  # the running backend's service logs, shown when it fails


class BackendUnavailable(Exception):
    pass


def wait_until(predicate, timeout: float, what: str, interval: float = 0.5, report=None):
    deadline = time.monotonic() + timeout
    next_report = time.monotonic() + 10
    while time.monotonic() < deadline:
        if predicate():
            return
        if report and time.monotonic() >= next_report:
            report()
            next_report += 10
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")


def run_backend(name: str, args, sample: Path) -> BackendResult:
    run_id = f"{os.getpid()}_{uuid.uuid4().hex[:6]}"
    work = c.temp_dir(f"autopost-bench-pipeline-{name}-")
    data_dir = work / "data"
    data_dir.mkdir()
    try:
        backend_env, label = prepare_backend(name, run_id)
    except BackendUnavailable as exc:
        return BackendResult(name, name, skipped=str(exc))
    result = BackendResult(name, label)
    figures = result.figures
    sandbox_port, web_port = c.free_port(), c.free_port()
    sandbox_url = f"http://{c.LOOPBACK}:{sandbox_port}"
    env = c.clean_env(
        data_dir,
        AUTOPOST_SANDBOX="1",
        AUTOPOST_SANDBOX_URL=sandbox_url,
        AUTOPOST_QUEUE_NAME=f"autopost-bench-{run_id}",
        AUTOPOST_PUBLISH_RATE="100000/minute",
        AUTOPOST_CONNECT_RATE="100000/hour",
        AUTOPOST_LOG_LEVEL="INFO",
        **backend_env,
    )
    print(f"\n== {name}: {label}", flush=True)

    c.run_autopost(env, "migrate", "--no-input", "-v", "0")
    if name == "embedded":
        with sqlite3.connect(data_dir / "autopost.sqlite3") as db:
            has_cache = db.execute(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name='autopost_cache'"
            ).fetchone()
        figures["cache_table_after_migrate"] = bool(has_cache)
        if not has_cache:
            result.problems.append(
                "`autopost migrate` did not create the DB cache table `autopost_cache`: "
                "the sweeper's cache lock fails (see sweeper_failed below)"
            )
    token = c.run_autopost(env, "createuser", EMAIL, "--plan", "pro", "--api-token").strip()
    token = token.splitlines()[-1].strip()

    _service_logs.extend(work / f"{n}.log" for n in ("sandbox", "web", "worker"))
    sandbox = c.start_sandbox(env, work, sandbox_port)
    web = c.Service(
        "web",
        c.autopost_argv("serve", "--no-worker", "--no-sandbox", "--port", str(web_port)),
        env,
        work,
    ).start()
    web_url = f"http://{c.LOOPBACK}:{web_port}"
    c.wait_http(f"{web_url}/healthz", web)
    worker = c.Service("worker", c.autopost_argv("worker"), env, work).start()

    from autopost.sandbox.client import SandboxControl

    control = SandboxControl(sandbox_url, timeout=60)
    c.on_cleanup(control.close)
    api = Api(web_url, token)
    c.on_cleanup(api.close)

    # -- the Telegram world: bots, channels (the bot an administrator), connections ------------
    per_bot = args.channels_per_bot + args.scheduled_channels_per_bot
    main_connections: list[list[int]] = [[] for _ in range(args.bots)]
    scheduled_connections: list[int] = []
    chat_of_connection: dict[int, int] = {}
    for b in range(args.bots):
        bot = control.create_bot(username=f"bench_{run_id[-6:]}_{b:02d}_bot")
        for ch in range(per_bot):
            channel = control.create_channel(
                f"Bench channel {b}-{ch}",
                username=f"bench_{run_id[-6:]}_{b:02d}_{ch:02d}",
                members=[{"user_id": bot["id"], "status": "administrator"}],
            )
            response = api.http.post(
                "/api/v1/connections/telegram",
                json={"bot_token": bot["token"], "channel": f"@{channel['username']}"},
            )
            if response.status_code != 201:
                raise RuntimeError(f"connect failed: {response.status_code} {response.text}")
            connection_id = response.json()["id"]
            chat_of_connection[connection_id] = channel["id"]
            if ch < args.channels_per_bot:
                main_connections[b].append(connection_id)
            else:
                scheduled_connections.append(connection_id)
    # Round robin: consecutive publications go to different bots, then different channels.
    main_order = [main_connections[b][ch] for ch in range(args.channels_per_bot) for b in range(args.bots)]
    total_channels = args.bots * args.channels_per_bot
    if args.publications > 20 * total_channels:
        raise SystemExit(f"{args.publications} publications need more than 20 per channel")
    print(
        f"  {args.bots} bots × {per_bot} channels connected "
        f"({total_channels} for the burst, {len(scheduled_connections)} for the scheduled run)",
        flush=True,
    )

    # -- clips: a few uploads through the API, the rest as rows pointing at file copies --------
    total_clips = args.publications + args.scheduled
    titles = [f"bench {name} {run_id} clip {i:05d}" for i in range(total_clips)]
    clip_ids: list[int] = []
    upload_times = []
    for title in titles[:UPLOADED_CLIPS]:
        started = time.perf_counter()
        with sample.open("rb") as fh:
            response = api.http.post(
                "/api/v1/clips",
                data={"title": title, "description": ""},
                files={"file": ("sample.mp4", fh, "video/mp4")},
            )
        upload_times.append(time.perf_counter() - started)
        if response.status_code != 201:
            raise RuntimeError(f"clip upload failed: {response.status_code} {response.text}")
        clip_ids.append(response.json()["id"])
    started = time.perf_counter()
    spec = work / "seed.json"
    spec.write_text(
        json.dumps(
            {
                "email": EMAIL,
                "template_id": clip_ids[0],
                "titles": titles[UPLOADED_CLIPS:],
                "out": str(work / "seeded.json"),
            }
        )
    )
    run_child(env, "--child-seed", str(spec))
    clip_ids += json.loads((work / "seeded.json").read_text())
    seed_s = time.perf_counter() - started
    figures["clip_upload_s"] = sorted(upload_times)[len(upload_times) // 2]
    figures["clip_seed_s"] = seed_s
    print(
        f"  clips: {UPLOADED_CLIPS} uploaded via the API (median {figures['clip_upload_s'] * 1000:.0f} ms "
        f"each), {len(clip_ids) - UPLOADED_CLIPS} created in the DB with file copies in {seed_s:.1f} s",
        flush=True,
    )

    # -- the burst: one publish request per clip, CLIENT_CONCURRENCY clients in parallel ----------
    main_clips = clip_ids[: args.publications]
    pids = {"web": web.process.pid, "worker": worker.process.pid, "sandbox": sandbox.process.pid}
    cpu_before = {k: cpu_seconds(p) for k, p in pids.items()}
    db_before = service_cpu_seconds()
    self_before = sum(os.times()[:2])
    busy_before = machine_busy()
    if args.profile_worker:
        profile = Path(args.profile_worker) / f"{name}-worker.txt"
        profile.parent.mkdir(parents=True, exist_ok=True)
        spy = subprocess.Popen(
            [args.py_spy, "record", "--pid", str(worker.process.pid), "--duration", "20",
             "--rate", "200", "--format", "raw", "--output", str(profile), "--threads"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        c.on_cleanup(lambda: spy.poll() is None and spy.terminate())
    with ThreadPoolExecutor(CLIENT_CONCURRENCY) as pool:
        sent = list(
            pool.map(
                lambda i: api.publish(main_clips[i], main_order[i % len(main_order)]),
                range(args.publications),
            )
        )
    failed_requests = [s for s in sent if s.publication_id is None]
    if failed_requests:
        raise RuntimeError(f"{len(failed_requests)} publish requests failed, e.g. {failed_requests[0].error}")
    first_sent = min(s.sent_at for s in sent)
    last_answered = max(s.answered_at for s in sent)
    figures["requests_s"] = last_answered - first_sent
    figures["request_rate"] = args.publications / figures["requests_s"]
    api_latency = [s.answered_at - s.sent_at for s in sent]
    figures["api_p50_ms"] = c.percentile(api_latency, 50) * 1000
    figures["api_p99_ms"] = c.percentile(api_latency, 99) * 1000
    print(
        f"  {args.publications} publish requests answered in {figures['requests_s']:.1f} s "
        f"({figures['request_rate']:.0f}/s)",
        flush=True,
    )

    def progress():
        print(f"    … {api.count('published')} published", flush=True)

    def main_done():
        if api.count("failed"):
            raise RuntimeError("a publication failed: see the worker log")
        return api.count("published") >= args.publications

    wait_until(main_done, MAIN_TIMEOUT_S, "the burst to be published", report=progress)
    busy_after = machine_busy()
    cpu_after = {k: cpu_seconds(p) for k, p in pids.items()}
    db_after = service_cpu_seconds()
    self_after = sum(os.times()[:2])
    wall = time.time() - first_sent

    # -- scheduled publications, spread over the next SCHEDULE_SPREAD_S seconds ----------------
    scheduled_sent: list[tuple[Sent, float]] = []
    if args.scheduled:
        base = time.time() + SCHEDULE_LEAD_S
        sched_clips = clip_ids[args.publications :]
        for i, clip_id in enumerate(sched_clips):
            at = base + SCHEDULE_SPREAD_S * i / max(1, len(sched_clips) - 1)
            connection_id = scheduled_connections[i % len(scheduled_connections)]
            one = api.publish(clip_id, connection_id, scheduled_at=iso(at))
            if one.publication_id is None:
                raise RuntimeError(f"schedule request failed: {one.error}")
            scheduled_sent.append((one, at))
        figures["schedule_requests_s"] = time.time() - (base - SCHEDULE_LEAD_S)
        if time.time() > base:
            result.problems.append("scheduling requests took longer than the lead time")
        print(
            f"  {args.scheduled} publications scheduled over {SCHEDULE_SPREAD_S:.0f} s "
            f"starting in {base - time.time():.1f} s",
            flush=True,
        )
        total = args.publications + args.scheduled

        def all_done():
            if api.count("failed"):
                raise RuntimeError("a publication failed: see the worker log")
            return api.count("published") >= total

        wait_until(
            all_done, SCHEDULE_LEAD_S + SCHEDULE_SPREAD_S + 120, "the scheduled publications",
            report=progress,
        )

    # -- collect, verify, compute ----------------------------------------------------------------
    time.sleep(0.5)
    run_child(env, "--child-collect", str(work / "collected.json"))
    rows = {r["id"]: r for r in json.loads((work / "collected.json").read_text())}
    messages = control.telegram_messages()
    worker_log = worker.log_text()
    web_log = web.log_text()

    expected = [s.publication_id for s in sent] + [s.publication_id for s, _ in scheduled_sent]
    not_published = [pid for pid in expected if rows.get(pid, {}).get("status") != "published"]
    if not_published:
        result.problems.append(f"{len(not_published)} publications not published")
    if len(rows) != len(expected):
        result.problems.append(f"{len(rows)} publications in the DB, expected {len(expected)}")
    captions = Counter(m["caption"] for m in messages)
    duplicates = [t for t, n in captions.items() if n > 1]
    missing = set(titles) - set(captions)
    posted = {(m["chat_id"], m["message_id"]) for m in messages}
    unmatched = [
        pid for pid in expected
        if (chat_of_connection[rows[pid]["connection_id"]], int(rows[pid]["remote_id"] or 0))
        not in posted
    ]
    if len(messages) != len(expected):
        result.problems.append(f"sandbox received {len(messages)} messages, expected {len(expected)}")
    if duplicates:
        result.problems.append(f"{len(duplicates)} clips posted more than once")
    if missing:
        result.problems.append(f"{len(missing)} clips never reached the sandbox")
    if unmatched:
        result.problems.append(f"{len(unmatched)} publications whose message id is not in the sandbox log")
    figures["messages"] = len(messages)
    figures["verified"] = not (not_published or duplicates or missing or unmatched) and len(
        messages
    ) == len(expected)

    main_rows = [rows[s.publication_id] for s in sent]
    last_published = max(r["published_at"] for r in main_rows)
    figures["throughput"] = args.publications / (last_published - first_sent)
    figures["burst_s"] = last_published - first_sent
    latency = [rows[s.publication_id]["published_at"] - s.sent_at for s in sent]
    for q in (50, 95, 99):
        figures[f"latency_p{q}"] = c.percentile(latency, q)
    figures["latency_max"] = max(latency)
    figures["rate_limited"] = sum(
        1 for r in rows.values() for reason, _ in r["events"] if reason == "rate_limited"
    )
    figures["retries"] = sum(
        1 for r in rows.values() for reason, _ in r["events"] if reason == "retry_scheduled"
    )
    figures["cpu"] = {k: (cpu_after[k] - cpu_before[k]) / wall for k in pids}
    figures["cpu"]["db"] = sum(v - db_before.get(p, 0.0) for p, v in db_after.items()) / wall
    figures["worker_cpu_ms"] = (cpu_after["worker"] - cpu_before["worker"]) / args.publications * 1000
    figures["stack_cpu_ms"] = (
        sum(cpu_after[k] - cpu_before[k] for k in pids)
        + sum(v - db_before.get(p, 0.0) for p, v in db_after.items())
    ) / args.publications * 1000
    figures["machine_busy"] = (busy_after[0] - busy_before[0]) / max(1, busy_after[1] - busy_before[1])
    figures["cpu"]["bench"] = (self_after - self_before) / wall
    # Everything else that ran meanwhile (other people's processes on a shared machine, py-spy).
    figures["cpu"]["other"] = max(
        0.0, figures["machine_busy"] * (os.cpu_count() or 1) - sum(figures["cpu"].values())
    )
    if scheduled_sent:
        claim_delay, publish_delay = [], []
        for one, at in scheduled_sent:
            row = rows[one.publication_id]
            started = [t for reason, t in row["events"] if reason == "attempt_started"]
            claim_delay.append(min(started) - row["scheduled_at"])
            publish_delay.append(row["published_at"] - row["scheduled_at"])
        for q in (50, 99):
            figures[f"claim_p{q}"] = c.percentile(claim_delay, q)
            figures[f"sched_pub_p{q}"] = c.percentile(publish_delay, q)
        figures["claim_min"] = min(claim_delay)
        figures["claim_max"] = max(claim_delay)
        figures["sched_pub_max"] = max(publish_delay)
        if min(claim_delay) < 0:
            result.problems.append("a scheduled publication was claimed before its time")
    figures["sweeper_failed"] = worker_log.count('"sweeper_failed"')
    figures["sweeper_reenqueued"] = sum(
        json.loads(line).get("count", 0)
        for line in worker_log.splitlines()
        if '"sweeper_reenqueued"' in line and line.startswith("{")
    )
    figures["tracebacks"] = worker_log.count("Traceback") + web_log.count("Traceback")
    if figures["sweeper_failed"]:
        result.problems.append(
            f"worker logged sweeper_failed {figures['sweeper_failed']}× "
            f"({_first_error(worker_log, 'sweeper_failed')})"
        )
    print(
        f"  done: {figures['throughput']:.1f} publications/s, verified={figures['verified']}",
        flush=True,
    )
    for problem in result.problems:
        print(f"  PROBLEM: {problem}", flush=True)
    return result


def _first_error(log: str, event: str) -> str:
    for line in log.splitlines():
        if f'"{event}"' in line:
            try:
                record = json.loads(line)
            except ValueError:
                return line[:200]
            exc = record.get("exception", "")
            return exc.strip().splitlines()[-1][:200] if exc else line[:200]
    return ""


def print_table(results: list[BackendResult], args) -> None:
    ran = [r for r in results if not r.skipped]
    print()
    for r in results:
        if r.skipped:
            print(f"{r.name}: SKIPPED ({r.skipped})")
    if not ran:
        return

    def row(label, fmt):
        cells = []
        for r in ran:
            try:
                cells.append(fmt(r.figures))
            except (KeyError, TypeError, ValueError):
                cells.append("–")
        print(f"{label:<44}" + "".join(f"{cell:>24}" for cell in cells))

    print(
        f"pipeline: {args.publications} publications + {args.scheduled} scheduled, "
        f"1 web process, 1 worker (4 threads), sandbox Telegram with its limits on"
    )
    print(f"{'':<44}" + "".join(f"{r.name:>24}" for r in ran))
    row("publish requests: time / rate", lambda f: f"{f['requests_s']:.1f} s / {f['request_rate']:.0f}/s")
    row("publish request latency p50 / p99", lambda f: f"{f['api_p50_ms']:.0f} / {f['api_p99_ms']:.0f} ms")
    row("throughput (first request → last published)", lambda f: f"{f['throughput']:.1f} pub/s")
    row("  burst duration", lambda f: f"{f['burst_s']:.1f} s")
    row("click → published p50", lambda f: f"{f['latency_p50']:.2f} s")
    row("click → published p95", lambda f: f"{f['latency_p95']:.2f} s")
    row("click → published p99 / max", lambda f: f"{f['latency_p99']:.2f} / {f['latency_max']:.2f} s")
    row("scheduled: claimed after time p50 / p99", lambda f: f"{f['claim_p50']:.2f} / {f['claim_p99']:.2f} s")
    row("scheduled: published after time p50 / p99", lambda f: f"{f['sched_pub_p50']:.2f} / {f['sched_pub_p99']:.2f} s")
    row("scheduled: claim delay min / max", lambda f: f"{f['claim_min']:.2f} / {f['claim_max']:.2f} s")
    row("CPU during burst: web / worker / sandbox", lambda f: " / ".join(f"{f['cpu'][k] * 100:.0f}%" for k in ("web", "worker", "sandbox")))
    row("CPU during burst: postgres + redis", lambda f: f"{f['cpu']['db'] * 100:.0f}%")
    row("CPU during burst: bench client / others", lambda f: f"{f['cpu']['bench'] * 100:.0f}% / {f['cpu']['other'] * 100:.0f}%")
    row("CPU per publication: worker / whole stack", lambda f: f"{f['worker_cpu_ms']:.0f} / {f['stack_cpu_ms']:.0f} ms")
    row("whole machine busy during burst", lambda f: f"{f['machine_busy'] * 100:.0f}% of {os.cpu_count()} CPUs")
    row("  (100% = one CPU in the rows above)", lambda f: "")
    row("rate-limit re-delays / retries", lambda f: f"{f['rate_limited']} / {f['retries']}")
    row("sweeper re-enqueued / sweeper_failed", lambda f: f"{f['sweeper_reenqueued']} / {f['sweeper_failed']}")
    row("sandbox messages received", lambda f: str(f["messages"]))
    row("all published, each exactly once", lambda f: "yes" if f["verified"] else "NO")
    for r in ran:
        for problem in r.problems:
            print(f"  {r.name}: {problem}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--publications", type=int, default=2000)
    parser.add_argument("--scheduled", type=int, default=300)
    parser.add_argument("--backends", default="embedded,postgres")
    parser.add_argument("--bots", type=int, default=10)
    parser.add_argument("--channels-per-bot", type=int, default=10)
    parser.add_argument("--scheduled-channels-per-bot", type=int, default=2)
    parser.add_argument("--keep-logs", metavar="DIR", help="copy the service logs here")
    parser.add_argument(
        "--profile-worker",
        metavar="DIR",
        help="sample the worker with py-spy for 20 s of the burst (py-spy is not a project "
        "dependency: install it yourself) and write collapsed stacks here",
    )
    parser.add_argument("--py-spy", default="py-spy", help="the py-spy executable")
    args = parser.parse_args()

    c.print_machine()
    work = c.temp_dir("autopost-bench-pipeline-")
    from autopost.clips.media import make_sample_clip

    sample = make_sample_clip(work / "sample.mp4", seconds=2, width=360, height=640)
    print(f"sample clip: {sample.stat().st_size} bytes, 2 s, 360×640 H.264")
    results = []
    for name in [b.strip() for b in args.backends.split(",") if b.strip()]:
        if name not in ("embedded", "postgres"):
            raise SystemExit(f"unknown backend {name!r} (embedded, postgres)")
        with c.cleanup_scope():
            try:
                results.append(run_backend(name, args, sample))
            except Exception as exc:  # report it, then go on with the next backend
                print(f"  FAILED: {exc!r}", flush=True)
                for log in _service_logs:
                    if not log.exists():
                        continue
                    tail = log.read_text(errors="replace").splitlines()[-15:]
                    print(f"  --- last lines of {log.name}:\n    " + "\n    ".join(tail))
                failed = BackendResult(name, name)
                failed.problems.append(f"run failed: {exc}")
                results.append(failed)
            finally:
                if args.keep_logs:
                    keep = Path(args.keep_logs) / name
                    keep.mkdir(parents=True, exist_ok=True)
                    for log in _service_logs:
                        if log.exists():
                            (keep / log.name).write_bytes(log.read_bytes())
                _service_logs.clear()
    print_table(results, args)
    return 0 if all(r.skipped or r.figures.get("verified") for r in results) else 1


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child-seed":
        child_seed(sys.argv[2])
        sys.exit(0)
    if len(sys.argv) == 3 and sys.argv[1] == "--child-collect":
        child_collect(sys.argv[2])
        sys.exit(0)
    c.install_signal_handlers()
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("\ninterrupted: cleaning up", file=sys.stderr)
        sys.exit(130)
    finally:
        c.run_cleanups()
