"""The TUS 1.0.0 upload server (platform-apis.md §5.3 step 4, §7 "Dzen"): offsets enforced, an
interrupted PATCH keeps what arrived, the client resumes from HEAD."""

import os
import socket
import threading
from urllib.parse import urlsplit

import httpx
import pytest

from tests.sandbox.dzen.helpers import (
    TUS,
    add_publication,
    finish_upload,
    head,
    patch,
    sha256,
    start_upload,
    upload_all,
    wait_for,
)

CLIP = os.urandom(2_000_000)


@pytest.fixture
def started(studio) -> dict:
    """A draft with an upload of CLIP started: ``publicationId``, ``uploadUrl``, ``uploadId``."""
    publication_id = add_publication(studio)
    return {"publicationId": publication_id, **start_upload(studio, publication_id, len(CLIP))}


@pytest.fixture
def http():
    with httpx.Client(timeout=30) as client:
        yield client


def upload_log(dzen) -> dict:
    return dzen.dzen_publications()[0]["upload"]


def test_head_answers_offset_and_length(http, started):
    response = head(http, started["uploadUrl"])

    assert response.status_code == 200
    assert response.headers["Upload-Offset"] == "0"
    assert response.headers["Upload-Length"] == str(len(CLIP))
    assert response.headers["Tus-Resumable"] == "1.0.0"
    assert response.headers["Cache-Control"] == "no-store"


def test_tus_resumable_is_required(http, started):
    for response in (
        http.head(started["uploadUrl"]),
        http.patch(
            started["uploadUrl"],
            content=b"x",
            headers={"Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"},
        ),
    ):
        assert response.status_code == 412
        assert response.headers["Tus-Version"] == "1.0.0"


def test_patch_answers_204_with_the_new_offset(http, started, dzen):
    response = patch(http, started["uploadUrl"], 0, CLIP[:1000])

    assert response.status_code == 204
    assert response.headers["Upload-Offset"] == "1000"
    assert upload_log(dzen)["offset"] == 1000
    assert upload_log(dzen)["sha256"] == sha256(CLIP[:1000])


def test_a_wrong_offset_is_409_and_changes_nothing(http, started, dzen):
    patch(http, started["uploadUrl"], 0, CLIP[:1000])

    behind = patch(http, started["uploadUrl"], 0, CLIP[:1000])
    ahead = patch(http, started["uploadUrl"], 5000, CLIP[5000:6000])

    assert behind.status_code == ahead.status_code == 409
    assert behind.headers["Upload-Offset"] == "1000"
    assert upload_log(dzen)["offset"] == 1000
    assert upload_log(dzen)["sha256"] == sha256(CLIP[:1000])


def test_patch_needs_the_offset_content_type_and_a_known_upload(http, started):
    url = started["uploadUrl"]
    wrong_type = http.patch(
        url, content=b"x", headers={**TUS, "Upload-Offset": "0", "Content-Type": "video/mp4"}
    )
    no_offset = http.patch(
        url, content=b"x", headers={**TUS, "Content-Type": "application/offset+octet-stream"}
    )

    assert wrong_type.status_code == 415
    assert no_offset.status_code == 400
    assert patch(http, url.rsplit("/", 1)[0] + "/nope", 0, b"x").status_code == 404
    assert http.options(url, headers=TUS).headers["Tus-Version"] == "1.0.0"


def test_a_patch_cut_at_40_percent_resumes_from_head(dzen, studio, http, started):
    cut = len(CLIP) * 40 // 100
    dzen.add_fault("drop_connection", platform="dzen", method="tus.patch", after_bytes=cut)

    with pytest.raises(httpx.TransportError):
        patch(http, started["uploadUrl"], 0, CLIP)
    offset = int(head(http, started["uploadUrl"]).headers["Upload-Offset"])
    resumed = patch(http, started["uploadUrl"], offset, CLIP[offset:])
    finished = finish_upload(studio, started["publicationId"], started["uploadId"])

    assert offset == cut
    assert resumed.status_code == 204
    assert resumed.headers["Upload-Offset"] == str(len(CLIP))
    assert finished.json() == {"result": "OK"}
    [logged] = dzen.dzen_publications()
    assert (logged["sha256"], logged["size"]) == (sha256(CLIP), len(CLIP))
    assert (logged["upload"]["patches"], logged["upload"]["interrupted"]) == (2, 1)


def test_a_client_that_goes_away_mid_patch_keeps_what_arrived(dzen, http, started):
    url = urlsplit(started["uploadUrl"])
    sent = CLIP[:300_000]
    request = (
        f"PATCH {url.path} HTTP/1.1\r\nHost: {url.netloc}\r\nTus-Resumable: 1.0.0\r\n"
        "Upload-Offset: 0\r\nContent-Type: application/offset+octet-stream\r\n"
        f"Content-Length: {len(CLIP)}\r\n\r\n"
    ).encode()
    with socket.create_connection((url.hostname, url.port)) as sock:
        sock.sendall(request + sent)
        wait_for(lambda: upload_log(dzen)["offset"] == len(sent))

    wait_for(lambda: upload_log(dzen)["interrupted"] == 1)
    offset = int(head(http, started["uploadUrl"]).headers["Upload-Offset"])
    resumed = patch(http, started["uploadUrl"], offset, CLIP[offset:])

    assert offset == len(sent)
    assert resumed.status_code == 204
    assert upload_log(dzen)["sha256"] == sha256(CLIP)


def test_a_second_patch_while_one_is_writing_is_423(dzen, http, started):
    dzen.add_fault("slow_upload", platform="dzen", method="tus.patch", delay_s=0.05)
    slow = threading.Thread(target=patch, args=(http, started["uploadUrl"], 0, CLIP))
    slow.start()
    wait_for(lambda: upload_log(dzen)["offset"] > 0)

    with httpx.Client(timeout=10) as other:
        locked = patch(other, started["uploadUrl"], 0, b"x")
    slow.join()

    assert locked.status_code == 423
    assert upload_log(dzen)["offset"] == len(CLIP)


def test_bytes_past_the_length_are_refused_with_413(dzen, http, studio):
    publication_id = add_publication(studio)
    started = start_upload(studio, publication_id, 1000)

    response = patch(http, started["uploadUrl"], 0, CLIP[:1500])

    assert response.status_code == 413
    assert response.headers["Upload-Offset"] == "1000"
    assert upload_log(dzen)["sha256"] == sha256(CLIP[:1000])


def test_a_slow_upload_still_arrives_whole(dzen, http, started):
    dzen.add_fault("slow_upload", platform="dzen", method="tus.patch", delay_s=0.001)

    upload_all(http, started["uploadUrl"], CLIP, len(CLIP))

    assert upload_log(dzen)["sha256"] == sha256(CLIP)
