"""The signed download link Rutube pulls a clip from: exact bytes, Range, and 404 for any bad link."""

import os
import time
from urllib.parse import parse_qs, urlsplit

import time_machine
from django.core.files.storage import default_storage

from autopost.clips.signed_urls import signed_url
from tests.factories import make_clip


def path_and_query(url: str) -> tuple[str, dict]:
    parts = urlsplit(url)
    return parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()}


def test_the_link_serves_the_exact_bytes_and_ranges(client, alice):
    payload = os.urandom(300_000)
    clip = make_clip(alice, payload=payload)
    path, query = path_and_query(signed_url(clip))

    whole = client.get(path, query)
    assert whole.status_code == 200 and b"".join(whole.streaming_content) == payload
    assert whole["Content-Length"] == str(len(payload)) and whole["Accept-Ranges"] == "bytes"

    part = client.get(path, query, HTTP_RANGE="bytes=1000-1999")
    assert part.status_code == 206 and b"".join(part.streaming_content) == payload[1000:2000]
    assert part["Content-Range"] == f"bytes 1000-1999/{len(payload)}"

    tail = client.get(path, query, HTTP_RANGE="bytes=-500")
    assert b"".join(tail.streaming_content) == payload[-500:]
    resumed = client.get(path, query, HTTP_RANGE="bytes=299000-")
    assert b"".join(resumed.streaming_content) == payload[299000:]
    assert client.get(path, query, HTTP_RANGE=f"bytes={len(payload)}-").status_code == 416
    assert client.head(path, query)["Content-Length"] == str(len(payload))


def test_an_expired_link_is_refused(client, alice):
    clip = make_clip(alice)
    path, query = path_and_query(signed_url(clip, ttl_seconds=60))
    with time_machine.travel(time.time() + 61):
        assert client.get(path, query).status_code == 404


def test_a_tampered_link_is_refused(client, alice):
    clip = make_clip(alice)
    path, query = path_and_query(signed_url(clip))
    assert client.get(path, {**query, "expires": str(int(query["expires"]) + 3600)}).status_code == 404
    assert client.get(path, {**query, "sig": "0" * 64}).status_code == 404
    assert client.get(path, {"expires": query["expires"]}).status_code == 404
    assert client.get(path, {**query, "expires": "soon"}).status_code == 404


def test_a_link_for_one_clip_opens_no_other(client, alice, bob):
    mine, theirs = make_clip(alice), make_clip(bob)
    _, query = path_and_query(signed_url(mine))
    other_path, _ = path_and_query(signed_url(theirs))
    assert client.get(other_path, query).status_code == 404


def test_a_deleted_file_is_not_found(client, alice):
    clip = make_clip(alice)
    path, query = path_and_query(signed_url(clip))
    default_storage.delete(clip.storage_key)
    assert client.get(path, query).status_code == 404
