"""t.me's public pages in the sandbox (``/telegram-web``): a channel post opens at
``/<username>/<id>`` and ``/c/<id>/<id>`` with its caption, plays the video when the sandbox kept
it, and anything the world does not have is a 404."""

import hashlib
import os

import pytest

from autopost.sandbox import demo

VIDEO = os.urandom(200_000)
USERNAME = demo.TELEGRAM_CHANNEL.removeprefix("@")


@pytest.fixture
def site(sandbox_control):
    return f"{sandbox_control.base_url}/telegram-web"


def send(http, bot_api, chat, caption: str) -> int:
    response = http.post(f"{bot_api}/sendVideo", data={"chat_id": chat, "caption": caption},
                         files={"video": ("clip.mp4", VIDEO, "video/mp4")})
    assert response.status_code == 200, response.text
    return response.json()["result"]["message_id"]


def test_a_post_opens_at_both_addresses_with_its_caption(site, http, bot_api):
    message_id = send(http, bot_api, demo.TELEGRAM_CHANNEL, "Закат над Невой\n\nВечер & <вода>")

    page = http.get(f"{site}/{USERNAME}/{message_id}")

    assert page.status_code == 200
    assert "<h1>Закат над Невой</h1>" in page.text
    assert "Вечер &amp; &lt;вода&gt;" in page.text
    assert demo.TELEGRAM_CHANNEL_TITLE in page.text
    assert f'href="/telegram-web/{USERNAME}"' in page.text
    # Uploads are only hashed unless keep_files is on, and the page says so.
    assert hashlib.sha256(VIDEO).hexdigest() in page.text and "<video" not in page.text
    private_form = f"{site}/c/{str(demo.TELEGRAM_CHANNEL_ID).removeprefix('-100')}/{message_id}"
    assert http.get(private_form).text == page.text


def test_a_kept_upload_is_played_from_the_page(site, http, bot_api, sandbox_control):
    sandbox_control.set_telegram_config(keep_files=True)
    message_id = send(http, bot_api, demo.TELEGRAM_CHANNEL, "С файлом")

    page = http.get(f"{site}/{USERNAME}/{message_id}").text

    source = page.split('<video controls preload="metadata" src="', 1)[1].split('"', 1)[0]
    assert source.startswith("/telegram-web/file/")
    video = http.get(f"{sandbox_control.base_url}{source}")
    assert video.status_code == 200 and video.content == VIDEO
    assert video.headers["content-type"] == "video/mp4"
    # The page never shows the bot's token (the Bot API's own file URL would).
    assert demo.TELEGRAM_BOT_TOKEN not in page


def test_a_private_channel_post_opens_only_by_its_c_address(site, http, bot_api):
    message_id = send(http, bot_api, demo.TELEGRAM_PRIVATE_CHANNEL_ID, "Закрытый пост")
    chat = str(demo.TELEGRAM_PRIVATE_CHANNEL_ID).removeprefix("-100")

    page = http.get(f"{site}/c/{chat}/{message_id}")

    assert page.status_code == 200 and "Закрытый пост" in page.text
    assert demo.TELEGRAM_PRIVATE_CHANNEL_TITLE in page.text


def test_the_channel_page_lists_its_posts(site, http, bot_api):
    message_id = send(http, bot_api, demo.TELEGRAM_CHANNEL, "Первый клип")

    page = http.get(f"{site}/{USERNAME}")

    assert page.status_code == 200
    assert f'href="/telegram-web/{USERNAME}/{message_id}"' in page.text


def test_unknown_posts_and_channels_are_404(site, http, bot_api):
    message_id = send(http, bot_api, demo.TELEGRAM_CHANNEL, "Есть")
    for path in (f"/{USERNAME}/{message_id + 1}", f"/nobody_here/{message_id}",
                 f"/c/1/{message_id}", "/nobody_here", "/file/BAAC-unknown"):
        page = http.get(f"{site}{path}")
        assert page.status_code == 404, path
        assert "Страница не найдена" in page.text
