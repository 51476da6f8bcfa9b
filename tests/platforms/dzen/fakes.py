"""A scripted Дзен Studio for the provider's unit tests (httpx.MockTransport).

It plays the happy path of platform-apis.md §5 by default — the Studio page with a CSRF token,
the editor and media APIs, a TUS 1.0.0 upload host that enforces offsets — and checks what every
request must carry. ``script(route, reply)`` queues a one-off reply (an ``httpx.Response``, a
callable taking the request, or an exception to raise) ahead of the default behaviour.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

DZEN_URL = "https://studio.dzen.test"
UPLOAD_HOST = "upload.okcdn.test"
PUBLISHER_ID = "69cd140eea571e1d07752e89"
SESSION_ID = "3:1767000000.5.0.1767000000000:SeCrEtSeSsIoN:12.1|1130000000000001.0.2|xyz"
YANDEXUID = "1234567891767000000"
SESSION_HEADER = f"Session_id={SESSION_ID}; yandexuid={YANDEXUID}; sessionid2=SeCrEtTwO"
PUBLICATION_ID = "6a000000000000000000c0de"
UPLOAD_ID = "upload-77"

STUDIO_HTML = """<!doctype html><html><head><title>Студия</title>
<script>window._csrfToken = "{token}"; window.__state = {{"user":"me"}};</script>
</head><body><div id="root"></div></body></html>"""


def csrf_token(n: int) -> str:
    return f"CsRfToKeN-{n:04d}:1767000000"


@dataclass
class Publication:
    id: str
    finished: bool = False
    polls_after_finish: int = 0
    failed: bool = False
    published: dict | None = None


@dataclass
class Upload:
    url: str
    upload_id: str
    length: int
    data: bytearray = field(default_factory=bytearray)


class FakeDzen:
    def __init__(self):
        self.requests: list[tuple[str, httpx.Request]] = []
        # Requests and checkpoint saves in the order they happened (see FakeCheckpoint).
        self.events: list[str] = []
        self.scripted: dict[str, list[Any]] = {}
        self.session_valid = True
        self.csrf_fetches = 0
        self.csrf: str | None = None
        self.convert_after_polls = 2  # polls after finish-upload-video
        self.publications: dict[str, Publication] = {}
        self.uploads: dict[str, Upload] = {}
        self.stats_rows: list[dict] = []
        self.stats_wrapper: Callable[[list[dict], int], Any] = lambda rows, page: {
            "publications": rows}
        self.transport = httpx.MockTransport(self._handle)

    # --- scripting and reading back -------------------------------------------------------------
    def script(self, route: str, reply: Any, times: int = 1) -> FakeDzen:
        self.scripted.setdefault(route, []).extend([reply] * times)
        return self

    @property
    def routes(self) -> list[str]:
        return [route for route, _ in self.requests]

    def sent(self, route: str) -> list[httpx.Request]:
        return [request for name, request in self.requests if name == route]

    def upload(self, n: int = 0) -> Upload:
        return list(self.uploads.values())[n]

    # --- routing --------------------------------------------------------------------------------
    @staticmethod
    def route_of(request: httpx.Request) -> str:
        if request.url.host == UPLOAD_HOST:
            return f"tus-{request.method.lower()}"
        path = request.url.path
        if path.startswith("/profile/editor"):
            return "studio"
        if "/publication/" in path:
            return "publication"
        last = path.rsplit("/", 1)[-1]
        return {"update-publication-content-and-publish": "publish"}.get(last, last)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        request.read()
        route = self.route_of(request)
        self.requests.append((route, request))
        self.events.append(route)
        queue = self.scripted.get(route)
        if queue:
            reply = queue.pop(0)
            if isinstance(reply, Exception):
                raise reply
            return reply(request) if callable(reply) else reply
        if route == "studio":
            return self._studio(request)
        if route.startswith("tus-"):
            return self._tus(request)
        return self._api(route, request)

    # --- the Studio page ------------------------------------------------------------------------
    def _studio(self, request: httpx.Request) -> httpx.Response:
        if not self.session_valid or f"Session_id={SESSION_ID}" not in request.headers.get(
                "Cookie", ""):
            return httpx.Response(302, headers={
                "Location": "https://passport.yandex.ru/auth?retpath=https%3A%2F%2Fdzen.ru"})
        self.csrf_fetches += 1
        self.csrf = csrf_token(self.csrf_fetches)
        return httpx.Response(200, html=STUDIO_HTML.format(token=self.csrf))

    # --- editor and media APIs ------------------------------------------------------------------
    def _api(self, route: str, request: httpx.Request) -> httpx.Response:
        assert request.headers["Origin"] == "https://dzen.ru"
        assert request.headers["Referer"] == "https://dzen.ru/profile/editor"
        assert request.url.params["clid"] == "320"
        if route not in ("publication", "stats2"):
            assert request.url.params["publisherId"] == PUBLISHER_ID
        if not self.session_valid:
            return errors("auth-error", 401)
        if request.headers.get("X-Csrf-Token") != self.csrf:
            return errors("invalid-csrf-token-error", 400)
        body = json.loads(request.content) if request.content else None
        handler = getattr(self, "_" + route.replace("-", "_"))
        return handler(request, body)

    def _add_publication(self, request, body):
        assert body == {"publicationType": "gif", "content": {"gifContent": {}}}
        publication_id = PUBLICATION_ID if not self.publications else (
            f"6a{len(self.publications):022x}")
        self.publications[publication_id] = Publication(publication_id)
        return httpx.Response(200, json={"id": publication_id})

    def _start_upload_video(self, request, body):
        assert body["publicationId"] in self.publications
        assert set(body) == {"publicationId", "fileName", "fileSize", "mimeType"}
        n = len(self.uploads)
        url = f"https://{UPLOAD_HOST}/upload/{n}?sig=s1gn4ture"
        upload_id = UPLOAD_ID if n == 0 else f"{UPLOAD_ID}-{n}"
        self.uploads[url] = Upload(url, upload_id, body["fileSize"])
        return httpx.Response(200, json={"uploadUrl": url, "uploadId": upload_id})

    def _finish_upload_video(self, request, body):
        publication = self.publications[body["publicationId"]]
        upload = next(u for u in self.uploads.values() if u.upload_id == body["uploadId"])
        assert len(upload.data) == upload.length, "finish before the upload was complete"
        publication.finished = True
        return httpx.Response(200, json={})

    def _publication(self, request, body):
        publication_id = request.url.path.rsplit("/", 1)[-1]
        assert f"/publisher/{PUBLISHER_ID}/publication/" in request.url.path
        publication = self.publications.get(publication_id)
        if publication is None:
            return errors("not-found", 404)
        if publication.finished:
            publication.polls_after_finish += 1
        return httpx.Response(200, json=publication_json(
            publication,
            converted=publication.finished
            and publication.polls_after_finish >= self.convert_after_polls))

    def _publish(self, request, body):
        publication = self.publications[body["id"]]
        publication.published = body
        return httpx.Response(200, json={"result": "OK"})

    def _stats2(self, request, body):
        assert f"/publisher/{PUBLISHER_ID}/stats2" in request.url.path
        params = request.url.params
        page, size = int(params["page"]), int(params["pageSize"])
        rows = self.stats_rows[page * size:(page + 1) * size]
        return httpx.Response(200, json=self.stats_wrapper(rows, page))

    # --- the TUS upload host --------------------------------------------------------------------
    def _tus(self, request: httpx.Request) -> httpx.Response:
        assert request.headers["Tus-Resumable"] == "1.0.0"
        assert "Cookie" not in request.headers and "X-Csrf-Token" not in request.headers
        upload = self.uploads.get(str(request.url))
        if upload is None:
            return httpx.Response(404)
        if request.method == "HEAD":
            return httpx.Response(200, headers={
                "Upload-Offset": str(len(upload.data)), "Upload-Length": str(upload.length),
                "Tus-Resumable": "1.0.0", "Cache-Control": "no-store"})
        assert request.method == "PATCH"
        assert request.headers["Content-Type"] == "application/offset+octet-stream"
        if int(request.headers["Upload-Offset"]) != len(upload.data):
            return httpx.Response(409, headers={"Tus-Resumable": "1.0.0"})
        upload.data += request.content
        assert len(upload.data) <= upload.length
        return httpx.Response(204, headers={"Upload-Offset": str(len(upload.data)),
                                            "Tus-Resumable": "1.0.0"})


def errors(error_type: str, status: int = 400) -> httpx.Response:
    return httpx.Response(status, json={"errors": [{"type": error_type}]})


def publication_json(publication: Publication, *, converted: bool) -> dict:
    return {
        "id": publication.id,
        "publisherId": PUBLISHER_ID,
        "publicationType": "gif",
        "preview": {"title": "", "snippet": "", "imageId": "img-1"},
        "visibilityType": "none",
        "content": {"gifContent": {
            "videoId": "v-1", "isUploaded": publication.finished, "isConverted": converted,
            "isFailed": publication.failed, "duration": 27, "hasSound": True, "size": 1234,
            "streams": [{"type": "hls", "url": "https://cdn.test/1.m3u8"}],
            "thumbnails": [], "videoMetaId": "meta-1", "videoFileId": "file-1",
            "oneVideoInfo": {"id": "ov-1"},
        }},
    }


@dataclass
class FakeCheckpoint:
    data: dict = field(default_factory=dict)
    saves: list = field(default_factory=list)
    events: list | None = None  # FakeDzen.events: saves interleaved with requests

    def save(self, **values):
        self.saves.append(values)
        self.data.update(values)
        if self.events is not None:
            self.events.append("save:" + ",".join(sorted(values)))
