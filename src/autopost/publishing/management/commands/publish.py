"""``autopost publish CLIP_FILE --to telegram[,vk…] [--at ISO-8601] [--wait]``.

A client of the HTTP API, not of the database: it works from any machine that can reach the
service. It checks the connections first (nothing is uploaded when no target can take the clip),
streams the upload with a progress bar, publishes, prints one line per target and, with
``--wait``, polls until every publication is published or failed.

Exit status: 0 when every target succeeded, 1 when any target failed (or ``--wait`` timed out),
2 for usage and connection problems.
"""

from __future__ import annotations

import mimetypes
import os
import re
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from autopost.platforms import PLATFORMS

EXIT_FAILED = 1
EXIT_USAGE = 2
FINAL_STATUSES = {"published", "failed", "cancelled"}
# A date alone ("2025-06-01") parses as midnight, which is almost never what was meant.
_HAS_TIME = re.compile(r"\d[T ]\d")


class Command(BaseCommand):
    help = "Upload a clip through the autopost API and publish it to the connected platforms."
    # An API client: it runs on machines that have no server secrets or database to check.
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("clip_file", help="the video file to upload")
        parser.add_argument(
            "--to", required=True, help=f"platforms, comma-separated: {','.join(PLATFORMS)}"
        )
        parser.add_argument(
            "--at",
            help="publish later, ISO-8601 (2025-06-01T18:30 or 2025-06-01T18:30+03:00); "
            "a time without an offset is in the service's time zone",
        )
        parser.add_argument("--title", help="clip title (default: the file name)")
        parser.add_argument("--description", default="", help="clip description")
        parser.add_argument("--url", help="service URL (default: AUTOPOST_PUBLIC_URL)")
        parser.add_argument("--token", help="API token (default: $AUTOPOST_API_TOKEN)")
        parser.add_argument(
            "--wait", action="store_true", help="wait until each publication is done"
        )
        parser.add_argument(
            "--wait-timeout", type=float, default=900, help="seconds to wait (default 900)"
        )
        parser.add_argument(
            "--poll-interval", type=float, default=2.0, help="seconds between status checks"
        )

    def handle(self, *args, **options):
        path = _clip_path(options["clip_file"])
        platforms = _platforms(options["to"])
        scheduled_at = parse_at(options["at"]) if options["at"] else None
        token = options["token"] or os.environ.get("AUTOPOST_API_TOKEN", "")
        if not token:
            raise CommandError(
                "No API token: pass --token or set AUTOPOST_API_TOKEN.", returncode=EXIT_USAGE
            )
        base_url = (options["url"] or settings.PUBLIC_URL).rstrip("/")

        with ApiClient(base_url, token) as api:
            targets, missing = self._pick_targets(api, platforms)
            clip = self._upload(api, path, options["title"] or path.stem, options["description"])
            results = api.publish(clip["id"], [c["id"] for c in targets], scheduled_at)
            names = {c["id"]: _describe(c) for c in targets}
            failed = self._report(results, names) or bool(missing)
            accepted = [r["publication"] for r in results if r["ok"]]
            if options["wait"] and accepted:
                failed |= self._wait(
                    api, accepted, names, options["wait_timeout"], options["poll_interval"]
                )
        if failed:
            raise CommandError("Some targets failed (see above).", returncode=EXIT_FAILED)

    # --- steps ------------------------------------------------------------------------------
    def _pick_targets(self, api: ApiClient, platforms: list[str]) -> tuple[list[dict], list[str]]:
        active = [c for c in api.connections() if c["status"] == "active"]
        targets = [c for c in active if c["platform"] in platforms]
        if not targets:
            raise CommandError(
                f"No active connection for {', '.join(platforms)}: connect the platform in "
                "the web interface first.",
                returncode=EXIT_FAILED,
            )
        connected = {c["platform"] for c in targets}
        missing = [p for p in platforms if p not in connected]
        for platform in missing:
            self.stderr.write(f"{platform}: no active connection, skipped")
        return targets, missing

    def _upload(self, api: ApiClient, path: Path, title: str, description: str) -> dict:
        size = path.stat().st_size
        with (
            path.open("rb") as fh,
            tqdm(
                total=size,
                unit="B",
                unit_scale=True,
                unit_divisor=1024,
                desc=f"Uploading {path.name}",
                file=self.stderr._out,  # the raw stream: OutputWrapper would add newlines
                mininterval=0.2,
                leave=True,
            ) as bar,
        ):
            clip = api.upload(ProgressReader(fh, bar), path.name, title, description)
        self.stdout.write(
            f"Uploaded clip #{clip['id']} \"{clip['title']}\" "
            f"({clip['duration'] or 0:.1f} s, {clip['width']}x{clip['height']})."
        )
        return clip

    def _report(self, results: list[dict], names: dict[int, str]) -> bool:
        """One line per target; True when any of them was refused."""
        failed = False
        for result in results:
            name = names.get(result["connection_id"], f"connection #{result['connection_id']}")
            if result["ok"]:
                publication = result["publication"]
                status = publication["status"]
                self.stdout.write(f"{name}: publication #{publication['id']} {status}")
            else:
                failed = True
                error = result["error"] or {}
                self.stdout.write(f"{name}: failed {error.get('code')}: {error.get('message')}")
        return failed

    def _wait(self, api, publications, names, timeout: float, interval: float) -> bool:
        """Poll until every publication is final; True when any failed or the wait timed out."""
        pending = {p["id"]: p for p in publications}
        deadline = time.monotonic() + timeout
        failed = False
        while pending:
            for publication_id in list(pending):
                publication = api.publication(publication_id)
                if publication["status"] not in FINAL_STATUSES:
                    continue
                del pending[publication_id]
                failed |= publication["status"] != "published"
                self.stdout.write(_final_line(publication, names))
            if pending and time.monotonic() >= deadline:
                for publication_id, publication in pending.items():
                    name = names.get(publication["connection_id"], "")
                    self.stdout.write(f"{name}: publication #{publication_id} still not done")
                return True
            if pending:
                time.sleep(interval)
        return failed


class ApiClient:
    """The few API calls the command makes. API errors become ``CommandError`` with the
    server's code and message; the token never appears in anything printed."""

    def __init__(self, base_url: str, token: str):
        self.base_url = base_url
        self.http = httpx.Client(
            base_url=f"{base_url}/api/v1",
            headers={"Authorization": f"Bearer {token}", "User-Agent": "autopost-cli"},
            # Writes are per chunk; the read after an upload covers probing a large file.
            timeout=httpx.Timeout(connect=10, read=300, write=60, pool=10),
        )

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *exc) -> None:
        self.http.close()

    def connections(self) -> list[dict]:
        items: list[dict] = []
        while True:
            page = self._call("GET", "/connections", params={"limit": 100, "offset": len(items)})
            items.extend(page["items"])
            if not page["items"] or len(items) >= page["count"]:
                return items

    def upload(self, reader, filename: str, title: str, description: str) -> dict:
        return self._call(
            "POST",
            "/clips",
            data={"title": title, "description": description},
            files={"file": (filename, reader, _content_type(filename))},
        )

    def publish(self, clip_id: int, targets: list[int], scheduled_at: datetime | None) -> list:
        at = scheduled_at.isoformat() if scheduled_at else None
        body = {"targets": targets, "scheduled_at": at}
        return self._call("POST", f"/clips/{clip_id}/publish", json=body)["results"]

    def publication(self, publication_id: int) -> dict:
        return self._call("GET", f"/publications/{publication_id}")

    def _call(self, method: str, path: str, **kwargs) -> dict:
        try:
            response = self.http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise CommandError(
                f"Cannot reach {self.base_url}: {type(exc).__name__}", returncode=EXIT_USAGE
            ) from None
        if response.is_success:
            return response.json()
        try:
            error = response.json()
            code, message = error["code"], error["message"]
        except (ValueError, KeyError, TypeError):
            code, message = f"http_{response.status_code}", response.reason_phrase
        returncode = EXIT_USAGE if response.status_code == 401 else EXIT_FAILED
        raise CommandError(f"{message} ({code})", returncode=returncode)


class ProgressReader:
    """A binary file that advances a tqdm bar as httpx reads it.

    ``fileno`` and ``seek``/``tell`` pass through so httpx can still size the file, and the
    request goes out with a Content-Length instead of chunked encoding.
    """

    def __init__(self, fh, bar: tqdm):
        self._fh = fh
        self._bar = bar

    def read(self, size: int = -1) -> bytes:
        chunk = self._fh.read(size)
        self._bar.update(len(chunk))
        return chunk

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        position = self._fh.seek(offset, whence)
        if position == 0 and self._bar.n:
            self._bar.reset(total=self._bar.total)  # httpx rewinds before it sends
        return position

    def tell(self) -> int:
        return self._fh.tell()

    def fileno(self) -> int:
        return self._fh.fileno()


def parse_at(value: str) -> datetime:
    """Strict ISO-8601 date and time; without an offset it is in settings.TIME_ZONE."""
    try:
        at = datetime.fromisoformat(value.strip())
    except ValueError:
        at = None
    if at is None or not _HAS_TIME.search(value):
        raise CommandError(
            f"--at {value!r} is not an ISO-8601 date and time, e.g. 2025-06-01T18:30 "
            "or 2025-06-01T18:30+03:00.",
            returncode=EXIT_USAGE,
        )
    if timezone.is_naive(at):
        at = at.replace(tzinfo=ZoneInfo(settings.TIME_ZONE))
    if at <= timezone.now():
        raise CommandError(f"--at {value!r} is in the past.", returncode=EXIT_USAGE)
    return at


def _clip_path(value: str) -> Path:
    path = Path(value)
    if not path.is_file():
        raise CommandError(f"No such file: {value}", returncode=EXIT_USAGE)
    if path.stat().st_size == 0:
        raise CommandError(f"The file is empty: {value}", returncode=EXIT_USAGE)
    return path


def _platforms(value: str) -> list[str]:
    platforms = list(dict.fromkeys(p.strip().lower() for p in value.split(",") if p.strip()))
    unknown = [p for p in platforms if p not in PLATFORMS]
    if not platforms or unknown:
        raise CommandError(
            f"--to: unknown platform {', '.join(unknown) or '(none)'}; "
            f"choose from {', '.join(PLATFORMS)}.",
            returncode=EXIT_USAGE,
        )
    return platforms


def _content_type(filename: str) -> str:
    return mimetypes.guess_type(filename)[0] or "video/mp4"


def _describe(connection: dict) -> str:
    target = connection["target_name"] or connection["target_id"]
    return f"{connection['platform']} {target} (#{connection['id']})"


def _final_line(publication: dict, names: dict[int, str]) -> str:
    name = names.get(publication["connection_id"], "")
    if publication["status"] == "published":
        return f"{name}: published {publication['url']}"
    error = publication.get("last_error") or {}
    detail = f" {error['code']}: {error['message']}" if error else ""
    return f"{name}: {publication['status']}{detail}"
