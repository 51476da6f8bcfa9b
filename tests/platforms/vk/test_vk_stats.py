"""Counters for published videos: video.get in batches of 200 (docs/platform-apis.md §2.7)."""

from __future__ import annotations

import pytest

from autopost.platforms.base import Stats
from autopost.platforms.errors import AuthExpired
from autopost.platforms.vk.adapter import VkAdapter

from .fakes import form_fields
from .helpers import adapter
from .replies import OWNER_ID, error, video_get, video_item


def test_counters_come_from_video_get(vk):
    vk.reply("video.get", video_get(video_item(), video_item(vid=456239600, views=None,
                                                             likes=None, reposts=None)))
    ids = [f"{OWNER_ID}_456239589", f"{OWNER_ID}_456239600"]

    stats = adapter(vk).fetch_stats(ids)

    assert stats == {
        f"{OWNER_ID}_456239589": Stats(views=5321, likes=210, comments=12, reposts=9),
        f"{OWNER_ID}_456239600": Stats(views=None, likes=None, comments=12, reposts=None),
    }
    assert form_fields(vk.sent("video.get")[0]) == {"videos": ",".join(ids), "count": "200",
                                                    "v": "5.199"}


def test_201_ids_take_two_calls_of_at_most_200(vk):
    ids = [f"{OWNER_ID}_{n}" for n in range(1, 202)]
    vk.reply("video.get", video_get(*(video_item(vid=n) for n in range(1, 201))))
    vk.reply("video.get", video_get(video_item(vid=201)))
    calls = []

    stats = adapter(vk, calls=calls).fetch_stats(ids)

    batches = [form_fields(r)["videos"].split(",") for r in vk.sent("video.get")]
    assert [len(b) for b in batches] == [200, 1]
    assert batches[0] + batches[1] == ids
    assert set(stats) == set(ids)
    assert calls == ["throttle", "throttle"]


def test_deleted_videos_are_absent_and_bad_ids_skipped(vk):
    vk.reply("video.get", video_get())

    assert adapter(vk).fetch_stats([f"{OWNER_ID}_1", "not-an-id", "", f"{OWNER_ID}_1"]) == {}
    assert form_fields(vk.sent("video.get")[0])["videos"] == f"{OWNER_ID}_1"


def test_no_ids_no_calls(vk):
    assert adapter(vk).fetch_stats([]) == {}
    assert vk.requests == []


def test_expired_token_is_auth_expired(vk):
    vk.reply("video.get", error(1117, method="video.get"))

    with pytest.raises(AuthExpired):
        adapter(vk).fetch_stats([f"{OWNER_ID}_1"])


def test_capabilities_and_limits():
    assert VkAdapter.capabilities.stats and VkAdapter.capabilities.refresh
    assert VkAdapter.capabilities.oauth
    assert VkAdapter.call_limits == (("3/second", "account"),)
    limits = VkAdapter.limits()
    assert limits.max_title_chars is None
    assert limits.max_file_size == 256 * 1024**3
    assert "mp4" in limits.containers and "mov" in limits.containers
