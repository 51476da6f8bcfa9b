"""Titles, descriptions, links and processing states (pure functions, §4.2)."""

from __future__ import annotations

import pytest

from autopost.platforms.rutube.client import Video
from autopost.platforms.rutube.formats import (
    Processing,
    channel_url,
    processing_state,
    trim,
    video_title,
    video_url,
)

from .replies import VIDEO_ID, video


def state_of(**fields) -> Processing:
    return processing_state(Video.model_validate(video(**fields)))


@pytest.mark.parametrize(("fields", "expected"), [
    ({"status": "ready"}, Processing.READY),
    ({"status": "READY"}, Processing.READY),
    ({"status": None, "action_reason": {"name": "moderation"}}, Processing.READY),
    ({"status": "processing", "action_reason": {"name": "downloading_video"}},
     Processing.WAITING),
    ({"status": None, "action_reason": None}, Processing.WAITING),
    ({"status": "error", "action_reason": {"name": "moderation"}}, Processing.FAILED),
    ({"status": "ready", "is_deleted": True}, Processing.DELETED),
])
def test_processing_state(fields, expected):
    assert state_of(**fields) is expected


def test_trim_keeps_short_text_and_cuts_long_text_with_an_ellipsis():
    assert trim("  Клип  ", 10) == "Клип"
    assert trim("абвгдежзий к", 10) == "абвгдежзи…"
    assert trim("абвгдежз   йк", 10) == "абвгдежз…"


def test_title_falls_back_to_the_description_then_to_a_placeholder():
    assert video_title("Клип", "Описание") == "Клип"
    assert video_title("", "\n  \nВторая строка\nТретья") == "Вторая строка"
    assert video_title(" ", "") == "Без названия"


def test_links(settings):
    settings.RUTUBE_WEB_URL = "https://rutube.ru"  # the production default
    assert video_url(VIDEO_ID) == f"https://rutube.ru/video/{VIDEO_ID}/"
    assert channel_url(1234567) == "https://rutube.ru/channel/1234567/"
