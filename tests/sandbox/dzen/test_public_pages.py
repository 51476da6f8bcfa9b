"""dzen.ru's public pages in the sandbox (under ``/dzen``, the Studio's host): a published short
opens at ``/shorts/<id>`` — its ``shareLink`` — with its title and text, the channel lists it,
and a draft or an unknown short is a 404."""

import os

from autopost.sandbox import demo
from tests.sandbox.dzen.helpers import (
    get_publication,
    publish,
    publish_body,
    sha256,
    uploaded_publication,
)

CLIP = os.urandom(300_000)


def published_short(studio, title: str, snippet: str) -> str:
    publication_id = uploaded_publication(studio, studio, CLIP)
    body = publish_body(get_publication(studio, publication_id), title, snippet)
    assert publish(studio, body).json() == {"result": "OK"}
    return publication_id


def test_a_published_short_opens_at_its_share_link(dzen, studio, http):
    publication_id = published_short(studio, "Закат над Невой", "Вечер <у воды>")
    share_link = get_publication(studio, publication_id)["shareLink"]

    page = http.get(share_link)

    assert share_link == f"{dzen.dzen_url}/shorts/{publication_id}"
    assert page.status_code == 200
    assert "<h1>Закат над Невой</h1>" in page.text and "Вечер &lt;у воды&gt;" in page.text
    assert demo.DZEN_CHANNEL_NAME in page.text
    assert f'href="/dzen/id/{demo.DZEN_PUBLISHER_ID}"' in page.text
    assert sha256(CLIP) in page.text and "<video" not in page.text


def test_the_channel_lists_its_published_shorts(dzen, studio, http):
    publication_id = published_short(studio, "В списке", "")

    page = http.get(f"{dzen.dzen_url}/id/{demo.DZEN_PUBLISHER_ID}")

    assert page.status_code == 200
    assert f'href="/dzen/shorts/{publication_id}"' in page.text and "В списке" in page.text


def test_drafts_and_unknown_shorts_are_404(dzen, studio, http):
    draft = uploaded_publication(studio, studio, CLIP)

    for path in (f"/shorts/{draft}", f"/shorts/{'0' * 24}", f"/id/{'0' * 24}"):
        page = http.get(f"{dzen.dzen_url}{path}")
        assert page.status_code == 404, path
        assert "Страница не найдена" in page.text
