"""Publishing by URL pull (§4.2): one POST, the id saved at once, polling until ready."""

from __future__ import annotations

import httpx
import pytest
from django.conf import settings
from structlog.testing import capture_logs

from autopost.platforms.base import Metadata
from autopost.platforms.errors import AuthExpired, PermanentError, RateLimited, TransientError

from .fakes import json_body
from .helpers import adapter, clip_of
from .replies import (
    CREATE,
    CREATED,
    INVALID_TOKEN,
    OTHER_VIDEO_ID,
    SIGNED_URL,
    TOKEN,
    VIDEO_ID,
    downloading,
    video,
    video_route,
)

POLL = video_route()


def result_url() -> str:
    return f"{settings.RUTUBE_WEB_URL}/video/{VIDEO_ID}/"


def publish(rutube, checkpoint, metadata=Metadata("Clip 1", "Описание клипа"), **clip_options):
    clip, opened = clip_of(**clip_options)
    result = adapter(rutube).publish(clip, metadata, checkpoint)
    assert opened == []  # Rutube pulls the file itself
    return result


def failed(rutube, checkpoint, error=PermanentError, **kwargs):
    with capture_logs() as logs, pytest.raises(error) as caught:
        publish(rutube, checkpoint, **kwargs)
    shown = repr(caught.value) + str(caught.value) + repr(logs)
    assert TOKEN not in shown and "sig=" not in shown
    return caught.value


def test_clip_url_is_posted_once_and_polled_until_ready(rutube, checkpoint, sleeps):
    seen = []

    def poll(request):
        seen.append(dict(checkpoint.data))
        return httpx.Response(200, json=downloading())

    rutube.reply(CREATE, CREATED, 201).answer(POLL, poll).reply(POLL, downloading())
    rutube.reply(POLL, video())

    result = publish(rutube, checkpoint)

    assert rutube.routes == [CREATE, POLL, POLL, POLL]
    create = rutube.requests[0]
    assert json_body(create) == {"url": SIGNED_URL, "title": "Clip 1",
                                 "description": "Описание клипа", "is_hidden": 0,
                                 "category_id": 13}
    assert create.headers["Content-Type"] == "application/json"
    for request in rutube.requests:
        assert request.headers["Authorization"] == f"Token {TOKEN}"
        assert request.headers["Accept"] == "application/json"
    assert seen == [{"video_id": VIDEO_ID, "stage": "processing"}]  # saved before any poll
    assert sleeps == [10.0, 10.0]
    assert (result.remote_id, result.url) == (VIDEO_ID, result_url())
    assert checkpoint.data == {"video_id": VIDEO_ID, "stage": "done", "url": result_url()}


def test_waiting_for_moderation_counts_as_ready(rutube, checkpoint, sleeps):
    in_review = video(status="processing", action_reason={"id": 5, "name": "moderation"})
    rutube.reply(CREATE, CREATED).reply(POLL, in_review)

    assert publish(rutube, checkpoint).remote_id == VIDEO_ID
    assert sleeps == []


def test_throttle_runs_before_every_call(rutube, checkpoint, sleeps):
    calls = []
    rutube.reply(CREATE, CREATED).reply(POLL, downloading()).reply(POLL, video())

    adapter(rutube, calls=calls).publish(clip_of()[0], Metadata("Clip 1"), checkpoint)

    assert calls == ["throttle"] * len(rutube.requests) == ["throttle"] * 3


def test_long_title_and_description_are_cut(rutube, checkpoint, sleeps):
    rutube.reply(CREATE, CREATED).reply(POLL, video())

    publish(rutube, checkpoint, metadata=Metadata("Т" * 150, "о" * 6000))

    body = json_body(rutube.requests[0])
    assert body["title"] == "Т" * 99 + "…"
    assert body["description"] == "о" * 4999 + "…"


def test_untitled_clip_takes_the_first_line_of_its_description(rutube, checkpoint, sleeps):
    rutube.reply(CREATE, CREATED).reply(POLL, video())

    publish(rutube, checkpoint, metadata=Metadata("  ", "\nПервая строка\nвторая"))

    assert json_body(rutube.requests[0])["title"] == "Первая строка"


@pytest.mark.parametrize("signed_url", [None, "", "/clips/7/download"])
def test_clip_without_a_public_url_is_refused_before_any_call(rutube, checkpoint, signed_url):
    error = failed(rutube, checkpoint, signed_url=signed_url)

    assert error.code == "rutube_no_public_url"
    assert "AUTOPOST_PUBLIC_URL" in error.message
    assert rutube.requests == [] and checkpoint.saves == []


# --- resuming ------------------------------------------------------------------------------------


def test_retry_with_a_saved_id_polls_without_posting_again(rutube, checkpoint, sleeps):
    checkpoint.data.update(video_id=VIDEO_ID, stage="processing")
    rutube.reply(POLL, video())

    result = publish(rutube, checkpoint, signed_url=None)  # no new link needed

    assert rutube.routes == [POLL]
    assert result.url == result_url()


def test_finished_publication_makes_no_calls(rutube, checkpoint):
    checkpoint.data.update(video_id=VIDEO_ID, stage="done", url=result_url())

    assert publish(rutube, checkpoint).remote_id == VIDEO_ID
    assert rutube.requests == []


def test_polls_running_out_is_transient_and_the_retry_goes_on_polling(rutube, checkpoint, sleeps):
    rutube.reply(CREATE, CREATED).reply(POLL, downloading(), times=5)

    error = failed(rutube, checkpoint, error=TransientError)

    assert error.code == "rutube_still_processing"
    assert rutube.routes == [CREATE] + [POLL] * 5
    assert sleeps == [10.0] * 4
    assert checkpoint.data["video_id"] == VIDEO_ID

    rutube.reply(POLL, video())
    assert publish(rutube, checkpoint).remote_id == VIDEO_ID
    assert rutube.routes.count(CREATE) == 1


# --- failures ------------------------------------------------------------------------------------


def test_processing_error_fails_and_a_manual_retry_posts_anew(rutube, checkpoint, sleeps):
    broken = video(status="error", action_reason={"id": 9, "name": "download_failed"})
    rutube.reply(CREATE, CREATED).reply(POLL, downloading()).reply(POLL, broken)

    error = failed(rutube, checkpoint)

    assert error.code == "rutube_processing_failed"
    assert "Rutube не смог скачать или обработать клип" in error.message
    assert checkpoint.data["video_id"] is None
    assert checkpoint.data["failed_video_id"] == VIDEO_ID

    rutube.reply(CREATE, {"video_id": OTHER_VIDEO_ID}).reply(video_route(OTHER_VIDEO_ID),
                                                             video(OTHER_VIDEO_ID))
    assert publish(rutube, checkpoint).remote_id == OTHER_VIDEO_ID


@pytest.mark.parametrize("gone", [
    {"status": 404, "body": {"detail": "Not found."}},
    {"status": 200, "body": video(is_deleted=True)},
])
def test_video_gone_while_processing_fails(rutube, checkpoint, sleeps, gone):
    checkpoint.data.update(video_id=VIDEO_ID, stage="processing")
    rutube.reply(POLL, gone["body"], gone["status"])

    error = failed(rutube, checkpoint)

    assert error.code == "rutube_video_gone"
    assert checkpoint.data["video_id"] is None


def test_a_passing_server_error_while_polling_is_ridden_out(rutube, checkpoint, sleeps):
    rutube.reply(CREATE, CREATED).reply(POLL, None, 502, content=b"Bad Gateway")
    rutube.reply(POLL, None, 200, content=b"<html>").reply(POLL, video())

    assert publish(rutube, checkpoint).remote_id == VIDEO_ID
    assert rutube.routes == [CREATE, POLL, POLL, POLL]


def test_server_errors_in_a_row_end_the_attempt_but_keep_the_id(rutube, checkpoint, sleeps):
    rutube.reply(CREATE, CREATED).reply(POLL, None, 503, content=b"", times=3)

    error = failed(rutube, checkpoint, error=TransientError)

    assert error.code == "rutube_server_error"
    assert rutube.routes == [CREATE, POLL, POLL, POLL]
    assert checkpoint.data["video_id"] == VIDEO_ID


def test_rate_limit_while_polling_re_delays_with_the_id_kept(rutube, checkpoint, sleeps):
    rutube.reply(CREATE, CREATED).reply(POLL, {}, 429, headers={"Retry-After": "120"})

    error = failed(rutube, checkpoint, error=RateLimited)

    assert error.retry_after_s == 120
    assert checkpoint.data["video_id"] == VIDEO_ID


def test_refused_token_at_post_saves_nothing(rutube, checkpoint):
    rutube.reply(CREATE, INVALID_TOKEN, 401)

    error = failed(rutube, checkpoint, error=AuthExpired)

    assert (error.code, error.message) == (
        "rutube_token_invalid", "Токен Rutube недействителен: подключите Rutube заново")
    assert checkpoint.saves == []


def test_rejected_url_shows_rutube_words(rutube, checkpoint):
    rutube.reply(CREATE, {"url": ["Enter a valid URL."]}, 400)

    error = failed(rutube, checkpoint)

    assert error.code == "rutube_bad_request"
    assert error.message == "Rutube отклонил запрос: поле «url»: Enter a valid URL."
    assert checkpoint.saves == []


def test_post_timeout_is_transient_and_saves_nothing(rutube, checkpoint):
    rutube.fail_with(CREATE, httpx.ReadTimeout("timed out"))

    error = failed(rutube, checkpoint, error=TransientError)

    assert error.code == "platform_timeout"
    assert checkpoint.saves == []


# --- the connection -----------------------------------------------------------------------------


def test_verify_makes_one_authenticated_call(rutube):
    rutube.reply("GET /api/video/person/", {"results": []})

    adapter(rutube).verify()

    [request] = rutube.requests
    assert request.headers["Authorization"] == f"Token {TOKEN}"


def test_verify_with_a_refused_token_expires_the_connection(rutube):
    rutube.reply("GET /api/video/person/", INVALID_TOKEN, 401)

    with pytest.raises(AuthExpired) as caught:
        adapter(rutube).verify()

    assert caught.value.code == "rutube_token_invalid"


def test_there_is_nothing_to_refresh(rutube):
    with pytest.raises(AuthExpired):
        adapter(rutube).refresh()
    assert rutube.requests == []


def test_declared_capabilities_and_limits():
    from autopost.platforms.rutube.adapter import RutubeAdapter

    caps = RutubeAdapter.capabilities
    assert (caps.stats, caps.refresh, caps.oauth, caps.url_pull) == (True, False, False, True)
    assert RutubeAdapter.call_limits == ()
    limits = RutubeAdapter.limits()
    assert limits.max_file_size == 10 * 1024**3
    assert (limits.max_duration_s, limits.max_title_chars, limits.containers) == (None,) * 3
