"""Stats per video (§4.4): views and comments from the video, likes from its vote counter."""

from __future__ import annotations

import pytest

from autopost.platforms.base import Stats
from autopost.platforms.errors import AuthExpired, RateLimited, TransientError

from .helpers import adapter
from .replies import (
    INVALID_TOKEN,
    NOT_FOUND,
    OTHER_VIDEO_ID,
    TOKEN,
    VIDEO_ID,
    video,
    video_route,
    vote_route,
    votes,
)

THIRD_ID = "ffeeddccbbaa99887766554433221100"


def test_views_comments_and_likes_per_video(rutube):
    calls = []
    rutube.reply(video_route(), video()).reply(vote_route(), votes(120, 3))
    rutube.reply(video_route(OTHER_VIDEO_ID), video(OTHER_VIDEO_ID, hits=7, comments_count=0))
    rutube.reply(vote_route(OTHER_VIDEO_ID), votes(0, 0))

    stats = adapter(rutube, calls=calls).fetch_stats([VIDEO_ID, OTHER_VIDEO_ID, VIDEO_ID])

    assert stats == {
        VIDEO_ID: Stats(views=5321, likes=120, comments=4, reposts=None),
        OTHER_VIDEO_ID: Stats(views=7, likes=0, comments=0, reposts=None),
    }
    assert rutube.routes == [video_route(), vote_route(), video_route(OTHER_VIDEO_ID),
                             vote_route(OTHER_VIDEO_ID)]
    assert all(r.headers["Authorization"] == f"Token {TOKEN}" for r in rutube.requests)
    assert calls == ["throttle"] * 4


def test_missing_and_deleted_videos_are_left_out(rutube):
    rutube.reply(video_route(), NOT_FOUND, 404)
    rutube.reply(video_route(OTHER_VIDEO_ID), video(OTHER_VIDEO_ID, is_deleted=True))
    rutube.reply(video_route(THIRD_ID), video(THIRD_ID, hits=1)).reply(vote_route(THIRD_ID),
                                                                        votes(2))

    stats = adapter(rutube).fetch_stats([VIDEO_ID, OTHER_VIDEO_ID, THIRD_ID])

    assert stats == {THIRD_ID: Stats(views=1, likes=2, comments=4)}
    assert vote_route() not in rutube.routes


def test_ids_that_cannot_be_rutube_ids_are_not_requested(rutube):
    assert adapter(rutube).fetch_stats(["", "../secret", "a b"]) == {}
    assert rutube.requests == []


@pytest.mark.parametrize("vote_reply", [
    {"status": 404, "body": NOT_FOUND},
    {"status": 500, "body": None},
    {"status": 200, "body": {"positive": "many"}},
])
def test_a_failing_vote_counter_leaves_likes_unknown(rutube, vote_reply):
    rutube.reply(video_route(), video()).reply(vote_route(), vote_reply["body"],
                                               vote_reply["status"])

    assert adapter(rutube).fetch_stats([VIDEO_ID]) == {
        VIDEO_ID: Stats(views=5321, likes=None, comments=4)}


@pytest.mark.parametrize(("status", "body", "error"), [
    (401, INVALID_TOKEN, AuthExpired),
    (429, {}, RateLimited),
    (503, None, TransientError),
])
def test_connection_wide_failures_raise(rutube, status, body, error):
    rutube.reply(video_route(), body, status)

    with pytest.raises(error):
        adapter(rutube).fetch_stats([VIDEO_ID, OTHER_VIDEO_ID])
    assert len(rutube.requests) == 1


def test_no_ids_no_calls(rutube):
    assert adapter(rutube).fetch_stats([]) == {}
    assert rutube.requests == []
