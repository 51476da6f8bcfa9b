"""Post and channel links of the four providers: built on each platform's public web base
(``AUTOPOST_*_WEB_URL``), read when the link is made, the real sites unless configured."""

from __future__ import annotations

import importlib.util
import runpy

import pytest

from autopost.platforms.dzen import formats as dzen
from autopost.platforms.rutube import formats as rutube
from autopost.platforms.telegram import formats as telegram
from autopost.platforms.vk import formats as vk

WEB_SETTINGS = ("VK_WEB_URL", "TELEGRAM_WEB_URL", "RUTUBE_WEB_URL", "DZEN_WEB_URL")
REAL_SITES = ("https://vk.com", "https://t.me", "https://rutube.ru", "https://dzen.ru")
PUBLISHER_ID = "69cd140eea571e1d07752e89"
VIDEO_ID = "6b32f2d1e8a94c0b9f3a77d5c2e1a0b4"


def links() -> list[str]:
    return [
        vk.clip_url(-218861756, 456239017),
        vk.video_url(712345678, 456239018),
        vk.page_url(712345678),
        vk.community_url(218861756),
        vk.community_url(218861756, "clips_week"),
        telegram.message_url(-1001234567890, "myclips", 812),
        telegram.message_url(-1001234567890, None, 812),
        telegram.channel_url("myclips"),
        telegram.channel_url(None),
        rutube.video_url(VIDEO_ID),
        rutube.channel_url(1234567),
        dzen.short_url(PUBLISHER_ID[::-1]),
        dzen.channel_url(PUBLISHER_ID),
    ]


def set_bases(settings, bases) -> None:
    for name, base in zip(WEB_SETTINGS, bases, strict=True):
        setattr(settings, name, base)


def test_the_real_sites_give_the_platforms_own_addresses(settings):
    set_bases(settings, REAL_SITES)

    assert links() == [
        "https://vk.com/clip-218861756_456239017",
        "https://vk.com/video712345678_456239018",
        "https://vk.com/id712345678",
        "https://vk.com/club218861756",
        "https://vk.com/clips_week",
        "https://t.me/myclips/812",
        "https://t.me/c/1234567890/812",
        "https://t.me/myclips",
        "",
        f"https://rutube.ru/video/{VIDEO_ID}/",
        "https://rutube.ru/channel/1234567/",
        f"https://dzen.ru/shorts/{PUBLISHER_ID[::-1]}",
        f"https://dzen.ru/id/{PUBLISHER_ID}",
    ]


def test_links_follow_the_setting_when_they_are_made(settings):
    set_bases(settings, REAL_SITES)
    real = links()
    sandbox = "http://127.0.0.1:8001"
    set_bases(settings, [f"{sandbox}/vk-web", f"{sandbox}/telegram-web", f"{sandbox}/rutube",
                         f"{sandbox}/dzen"])

    moved = links()

    expected = [
        link.replace("https://vk.com", f"{sandbox}/vk-web")
        .replace("https://t.me", f"{sandbox}/telegram-web")
        .replace("https://rutube.ru", f"{sandbox}/rutube")
        .replace("https://dzen.ru", f"{sandbox}/dzen")
        for link in real
    ]
    assert moved == expected
    assert moved[0] == f"{sandbox}/vk-web/clip-218861756_456239017"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"AUTOPOST_SANDBOX": "0"}, REAL_SITES),
        (
            {"AUTOPOST_SANDBOX": "1", "AUTOPOST_SANDBOX_URL": "http://127.0.0.1:8001/"},
            ("http://127.0.0.1:8001/vk-web", "http://127.0.0.1:8001/telegram-web",
             "http://127.0.0.1:8001/rutube", "http://127.0.0.1:8001/dzen"),
        ),
        (
            {"AUTOPOST_SANDBOX": "1", "AUTOPOST_VK_WEB_URL": "https://vk.ru/",
             "AUTOPOST_TELEGRAM_WEB_URL": "https://telegram.me"},
            ("https://vk.ru", "https://telegram.me"),
        ),
    ],
)
def test_settings_default_to_the_real_sites_and_the_sandbox_in_sandbox_mode(monkeypatch, env,
                                                                             expected):
    for name in ("AUTOPOST_VK_WEB_URL", "AUTOPOST_TELEGRAM_WEB_URL", "AUTOPOST_RUTUBE_WEB_URL",
                 "AUTOPOST_DZEN_WEB_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)

    loaded = runpy.run_path(importlib.util.find_spec("autopost.settings").origin)

    assert tuple(loaded[name] for name in WEB_SETTINGS)[: len(expected)] == expected
