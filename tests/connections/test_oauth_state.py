"""OAuth state: random, server-side, 5 minutes, bound to the user and session, single use.

Every bad callback ends on the settings page with its own message and no connection, before any
code is exchanged (the code values here would be refused by VK anyway).
"""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from autopost.connections.models import PlatformConnection


def start(client) -> str:
    response = client.post(reverse("connect_vk"))
    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["code_challenge_method"] == ["s256"] and len(query["code_challenge"][0]) == 43
    return query["state"][0]


def callback(client, **params):
    response = client.get(reverse("oauth_callback", args=["vk"]), params, follow=True)
    assert response.redirect_chain[-1][0] == reverse("settings")
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def browser(alice):
    client = Client()
    client.force_login(alice)
    return client


def test_each_start_makes_a_fresh_random_state(browser):
    assert len({start(browser) for _ in range(3)}) == 3


def test_forged_state_is_refused(browser):
    start(browser)
    assert callback(browser, state="forged", code="x", device_id="d") == [
        "Ссылка авторизации недействительна: начните подключение заново"
    ]
    assert not PlatformConnection.objects.exists()


def test_expired_state_is_refused(browser):
    state = start(browser)
    with time_machine.travel(timezone.now() + timedelta(minutes=5, seconds=1)):
        messages = callback(browser, state=state, code="x", device_id="d")
    assert messages == ["Время на подключение истекло (5 минут): начните заново"]
    assert not PlatformConnection.objects.exists()


def test_state_opens_once(browser):
    state = start(browser)
    callback(browser, state=state, error="access_denied")
    assert callback(browser, state=state, code="x", device_id="d") == [
        "Эта ссылка авторизации уже использована: начните подключение заново"
    ]


def test_someone_elses_state_is_refused(browser, bob):
    state = start(browser)
    thief = Client()
    thief.force_login(bob)
    assert callback(thief, state=state, code="x", device_id="d") == [
        "Ссылка авторизации выдана не вам: начните подключение заново"
    ]
    assert not PlatformConnection.objects.exists()


def test_same_user_in_another_browser_session_is_refused(browser, alice):
    state = start(browser)
    other_session = Client()
    other_session.force_login(alice)
    assert callback(other_session, state=state, code="x", device_id="d") == [
        "Ссылка авторизации выдана не вам: начните подключение заново"
    ]


def test_access_denied_ends_with_a_clear_message(browser):
    state = start(browser)
    assert callback(browser, state=state, error="access_denied", error_description="User denied") == [
        "Вы отменили доступ в VK: подключение не создано"
    ]
    assert not PlatformConnection.objects.exists()


def test_connect_is_limited_to_five_an_hour(browser):
    for _ in range(5):
        start(browser)
    response = browser.post(reverse("connect_vk"), follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Слишком много попыток подключения: попробуйте через час"
    ]


def test_callback_requires_sign_in(client):
    response = client.get(reverse("oauth_callback", args=["vk"]), {"state": "s", "code": "c"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
