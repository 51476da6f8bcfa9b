"""Captions, post links and declared limits of the Telegram provider."""

from __future__ import annotations

import pytest

from autopost.platforms.base import Credentials, Target
from autopost.platforms.errors import AuthExpired
from autopost.platforms.telegram.adapter import TelegramAdapter
from autopost.platforms.telegram.formats import build_caption, message_url

# --- captions --------------------------------------------------------------------------------


def test_title_then_blank_line_then_description():
    assert build_caption("Clip 1", "Лучший момент стрима") == "Clip 1\n\nЛучший момент стрима"


def test_title_alone_has_no_trailing_blank_line():
    assert build_caption("Clip 1", "") == "Clip 1"
    assert build_caption("Clip 1", "   \n ") == "Clip 1"


def test_surrounding_whitespace_is_dropped():
    assert build_caption("  Clip 1 \n", "\n описание  ") == "Clip 1\n\nописание"


def test_caption_of_exactly_1024_is_kept_whole():
    title = "Т" * 100
    description = "д" * (1024 - 102)

    caption = build_caption(title, description)

    assert len(caption) == 1024
    assert caption == f"{title}\n\n{description}"


def test_long_cyrillic_description_is_trimmed_with_an_ellipsis():
    title = "Лучший момент"
    description = "Очень длинное описание клипа. " * 60

    caption = build_caption(title, description)

    assert len(caption) <= 1024
    assert caption.startswith("Лучший момент\n\nОчень длинное описание")
    assert caption.endswith("…")
    assert not caption[:-1].endswith(" ")  # no dangling space before «…»
    assert description.startswith(caption.split("\n\n", 1)[1][:-1])


def test_description_one_over_the_limit_loses_two_characters_for_the_ellipsis():
    caption = build_caption("T", "d" * (1024 - 3 + 1))

    assert caption == "T\n\n" + "d" * (1024 - 3 - 1) + "…"


def test_title_over_the_limit_is_trimmed_too():
    caption = build_caption("Заголовок " * 200, "описание")

    assert len(caption) == 1024
    assert caption.endswith("…")
    assert "описание" not in caption


def test_title_that_fills_the_caption_leaves_no_room_for_the_description():
    assert build_caption("x" * 1022, "описание") == "x" * 1022
    assert build_caption("x" * 1024, "описание") == "x" * 1024


def test_description_only():
    assert build_caption("", "описание") == "описание"


def test_emoji_count_as_telegram_counts_them():
    # Outside the BMP an emoji is two UTF-16 units; the limit must hold by that measure too.
    caption = build_caption("🎬" * 600, "описание")

    assert len(caption.encode("utf-16-le")) // 2 <= 1024
    assert caption.endswith("…")
    assert "\ufffd" not in caption


def test_markup_characters_stay_plain_text():
    assert build_caption("<b>Clip</b> *1*", "_x_") == "<b>Clip</b> *1*\n\n_x_"


# --- links -----------------------------------------------------------------------------------


def test_public_channel_link(settings):
    settings.TELEGRAM_WEB_URL = "https://t.me"  # the production default
    assert message_url(-1001234567890, "myclips", 812) == "https://t.me/myclips/812"


@pytest.mark.parametrize("chat_id", [-1001234567890, "-1001234567890"])
def test_private_channel_link_drops_the_minus_100(chat_id, settings):
    settings.TELEGRAM_WEB_URL = "https://t.me"
    assert message_url(chat_id, "", 812) == "https://t.me/c/1234567890/812"
    assert message_url(chat_id, None, 812) == "https://t.me/c/1234567890/812"


# --- declarations ----------------------------------------------------------------------------


def test_cloud_limits(settings):
    settings.TELEGRAM_LOCAL_API = False

    limits = TelegramAdapter.limits()

    assert limits.max_file_size == 50 * 1024 * 1024
    assert limits.max_title_chars == 1024


def test_local_server_limits(settings):
    settings.TELEGRAM_LOCAL_API = True

    assert TelegramAdapter.limits().max_file_size == 2000 * 1024 * 1024


def test_rate_limits_and_capabilities():
    assert TelegramAdapter.rate_limits == (("20/minute", "target"), ("30/second", "account"))
    assert TelegramAdapter.capabilities.stats is False
    assert TelegramAdapter.capabilities.refresh is False
    assert TelegramAdapter.slug == "telegram"


def test_registry_finds_the_adapter():
    from autopost.platforms import get_provider, is_available

    assert get_provider("telegram") is TelegramAdapter
    assert is_available("telegram")


def provider() -> TelegramAdapter:
    return TelegramAdapter(Credentials("1:secret"), Target(account_id="1", target_id="-1001"))


def test_stats_are_unavailable_and_say_so_with_an_empty_mapping():
    assert provider().fetch_stats(["812", "813"]) == {}


def test_refresh_means_reconnect():
    with pytest.raises(AuthExpired) as caught:
        provider().refresh()

    assert caught.value.code == "telegram_token_invalid"


def test_repr_hides_the_token():
    assert "secret" not in repr(provider())
