"""Driving the VK ID consent in the sandbox the way a person's browser would."""

from urllib.parse import parse_qs, urlsplit

import httpx
from django.urls import reverse

from autopost.sandbox import demo


def consent(authorize_url: str, decision: str = "allow") -> dict[str, str]:
    """Open VK ID's authorize page, press «Разрешить» (or «Отмена»); the redirect's parameters."""
    page = httpx.get(authorize_url, timeout=10)
    assert page.status_code == 200 and "Разрешить" in page.text
    fields = {k: v[0] for k, v in parse_qs(urlsplit(authorize_url).query).items()}
    answer = httpx.post(
        authorize_url.split("?")[0],
        data={**fields, "decision": decision, "user_id": str(demo.VK_USER_ID)},
        timeout=10,
    )
    assert answer.status_code in (302, 303), answer.text
    location = answer.headers["location"]
    assert location.startswith("http") and "/oauth/vk/callback" in location
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def connect_vk(browser) -> tuple[list[str], dict[str, str]]:
    """Settings page → VK ID → consent → our callback; the messages shown and the redirect params."""
    start = browser.post(reverse("connect_vk"))
    params = consent(start["Location"])
    response = browser.get(reverse("oauth_callback", args=["vk"]), params, follow=True)
    return [str(m) for m in response.context["messages"]], params
