"""Rutube pulling a clip from its ``url`` (§4.2), then telling ``callback_url`` or ``errback_url``.

The clip really crosses HTTP: streamed with httpx, hashed and counted chunk by chunk, never kept.
A download fails on a connection error or timeout, a status other than 200, an empty body, or a
Content-Type that is not a video (text, HTML, JSON, XML) — the sandbox's reading of "not a video";
then the video ends in ``error`` and the errback is called. The ``download`` fault method (a
queued fault of any answer kind) and ``fail_downloads`` make it fail too.
"""

from __future__ import annotations

import asyncio
import hashlib
import ssl
from urllib.parse import urlencode, urlsplit, urlunsplit

import httpx

from autopost.sandbox.faults import Fault, FaultBook
from autopost.sandbox.rutube.world import Callback, RutubeWorld, Video

PLATFORM = "rutube"
NOT_VIDEO_TYPES = ("text/", "application/json", "application/xml", "application/xhtml")
# How often a video waiting on the Rutube clock looks at it (the clock may be moved forward).
CLOCK_POLL_S = 0.05
CALLBACK_TIMEOUT_S = 10.0
# Made once: building an SSL context costs more than a small download.
SSL_CONTEXT = ssl.create_default_context()


class DownloadFailed(Exception):
    pass


async def pull(world: RutubeWorld, faults: FaultBook, video: Video) -> None:
    """The whole life of a new video: download, processing, then the callback or the errback."""
    try:
        await _download(world, faults.take(PLATFORM, "download"), video)
    except DownloadFailed as exc:
        video.stage, video.error = "error", str(exc)
        if video.errback_url:
            await _call_back(video, "errback", video.errback_url)
        return
    video.downloaded_at = world.now()
    video.ready_at = video.downloaded_at + world.config.processing_s
    video.stage = "processing"
    while world.now() < video.ready_at:
        await asyncio.sleep(min(CLOCK_POLL_S, video.ready_at - world.now()))
    video.stage = "ready"
    if video.callback_url:
        await _call_back(video, "callback", video.callback_url)


async def _download(world: RutubeWorld, fault: Fault | None, video: Video) -> None:
    pause = 0.0
    if fault is not None and fault.kind in ("delay", "slow_upload"):
        if fault.kind == "delay":
            await asyncio.sleep(fault.delay_s)
        pause = fault.delay_s if fault.kind == "slow_upload" else 0.0
    elif fault is not None:
        raise DownloadFailed(f"injected fault: {fault.kind}")
    if world.config.fail_downloads:
        raise DownloadFailed("downloads are switched off (fail_downloads)")
    timeout = httpx.Timeout(world.config.download_timeout_s)
    try:
        client = httpx.AsyncClient(timeout=timeout, follow_redirects=True, verify=SSL_CONTEXT)
        async with client, client.stream("GET", video.source_url) as response:
            await _receive(video, response, pause)
    except httpx.HTTPError as exc:
        raise DownloadFailed(f"cannot download: {type(exc).__name__}: {exc}") from exc


async def _receive(video: Video, response: httpx.Response, pause: float) -> None:
    video.download_status = response.status_code
    video.content_type = response.headers.get("content-type", "")
    if response.status_code != 200:
        raise DownloadFailed(f"the clip's server answered HTTP {response.status_code}")
    if video.content_type.lower().startswith(NOT_VIDEO_TYPES):
        raise DownloadFailed(f"not a video: Content-Type {video.content_type}")
    hasher = hashlib.sha256()
    async for chunk in response.aiter_bytes():
        hasher.update(chunk)
        video.size += len(chunk)
        if pause:
            await asyncio.sleep(pause)
    if video.size == 0:
        raise DownloadFailed("not a video: the body is empty")
    video.sha256 = hasher.hexdigest()


def _with_query_fields(url: str, query_fields: object) -> str:
    """``query_fields`` (an object) are added to the callback URL's query string."""
    if not isinstance(query_fields, dict) or not query_fields:
        return url
    parts = urlsplit(url)
    extra = urlencode({str(key): str(value) for key, value in query_fields.items()})
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urlunsplit(parts._replace(query=query))


async def _call_back(video: Video, kind: str, url: str) -> None:
    """POST ``{"video_id", "status", "extra", "query_fields"}`` (and the error text for an
    errback); the answer is recorded, never retried."""
    body = {"video_id": video.id, "status": "ready" if kind == "callback" else "error"}
    body |= {"extra": video.extra, "query_fields": video.query_fields}
    if kind == "errback":
        body["error"] = video.error
    record = Callback(kind, _with_query_fields(url, video.query_fields))  # type: ignore[arg-type]
    video.callbacks.append(record)
    try:
        async with httpx.AsyncClient(timeout=CALLBACK_TIMEOUT_S, verify=SSL_CONTEXT) as client:
            record.status = (await client.post(record.url, json=body)).status_code
    except httpx.HTTPError as exc:
        record.error = f"{type(exc).__name__}: {exc}"
