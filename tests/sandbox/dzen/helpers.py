"""Plain helpers of the Дзен sandbox tests: a Studio client (session cookie, CSRF header,
``publisherId`` and ``clid`` on every call), the short flow's steps, TUS requests."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

import httpx

from autopost.sandbox import demo

EDITOR = "/editor-api/v2"
MEDIA = "/media-api-video"
TUS = {"Tus-Resumable": "1.0.0"}


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def studio_client(
    dzen_url: str,
    session_id: str | None = demo.DZEN_SESSION_ID,
    csrf: str | None = demo.DZEN_CSRF_TOKEN,
) -> httpx.Client:
    """What a provider holds after capturing a browser session."""
    headers = {"Origin": "https://dzen.ru", "Referer": "https://dzen.ru/profile/editor"}
    if csrf is not None:
        headers["X-Csrf-Token"] = csrf
    cookies = {"Session_id": session_id} if session_id is not None else None
    return httpx.Client(base_url=dzen_url, headers=headers, cookies=cookies, timeout=30)


def wait_for(check: Callable[[], object], timeout: float = 5.0) -> object:
    """Poll until ``check()`` is truthy (the sandbox noticing a connection drop); returns it."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.02)


def query(publisher_id: str = demo.DZEN_PUBLISHER_ID) -> dict:
    return {"publisherId": publisher_id, "clid": "320"}


def errors_of(response: httpx.Response) -> list[str]:
    return [error["type"] for error in response.json()["errors"]]


def add_publication(studio: httpx.Client, publisher_id: str = demo.DZEN_PUBLISHER_ID) -> str:
    body = {"publicationType": "gif", "content": {"gifContent": {}}}
    response = studio.post(f"{EDITOR}/add-publication", params=query(publisher_id), json=body)
    assert response.status_code == 200, response.text
    return response.json()["id"]


def start_upload(studio: httpx.Client, publication_id: str, size: int) -> dict:
    body = {
        "publicationId": publication_id,
        "fileName": "video.mp4",
        "fileSize": size,
        "mimeType": "video/mp4",
    }
    response = studio.post(f"{MEDIA}/start-upload-video", params=query(), json=body)
    assert response.status_code == 200, response.text
    return response.json()


def finish_upload(studio: httpx.Client, publication_id: str, upload_id: str) -> httpx.Response:
    body = {"publicationId": publication_id, "uploadId": upload_id}
    return studio.post(f"{MEDIA}/finish-upload-video", params=query(), json=body)


def get_publication(studio: httpx.Client, publication_id: str) -> dict:
    path = f"{EDITOR}/publisher/{demo.DZEN_PUBLISHER_ID}/publication/{publication_id}"
    response = studio.get(path, params={"clid": "320"})
    assert response.status_code == 200, response.text
    return response.json()


def head(http: httpx.Client, url: str) -> httpx.Response:
    return http.head(url, headers=TUS)


def patch(http: httpx.Client, url: str, offset: int, content: bytes) -> httpx.Response:
    headers = {
        **TUS,
        "Upload-Offset": str(offset),
        "Content-Type": "application/offset+octet-stream",
    }
    return http.patch(url, headers=headers, content=content)


def upload_all(http: httpx.Client, url: str, content: bytes, chunk: int) -> None:
    offset = 0
    while offset < len(content):
        response = patch(http, url, offset, content[offset : offset + chunk])
        assert response.status_code == 204, response.text
        offset = int(response.headers["Upload-Offset"])


def publish_body(publication: dict, title: str = "Клип", snippet: str = "Описание") -> dict:
    """The full publication as §5.3 step 7 sends it."""
    return {
        "id": publication["id"],
        "preview": {"title": title, "snippet": snippet},
        "visibilityType": "all",
        "commentsFlagState": "on",
        "delayedPublicationFlagState": "off",
        "gifContent": publication["content"]["gifContent"],
        "tagsInput": {"tags": ["autopost"]},
    }


def publish(studio: httpx.Client, body: dict) -> httpx.Response:
    return studio.post(
        f"{EDITOR}/update-publication-content-and-publish", params=query(), json=body
    )


def uploaded_publication(studio: httpx.Client, http: httpx.Client, content: bytes) -> str:
    """A publication whose file is uploaded and finished (conversion under way)."""
    publication_id = add_publication(studio)
    started = start_upload(studio, publication_id, len(content))
    upload_all(http, started["uploadUrl"], content, 1 << 20)
    assert finish_upload(studio, publication_id, started["uploadId"]).status_code == 200
    return publication_id
