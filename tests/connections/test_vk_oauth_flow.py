"""The whole VK ID flow against the sandbox's VK ID: PKCE, device_id, code exchange, tokens at rest."""

import pytest
from django.test import Client
from django.urls import reverse

from autopost.connections.models import PlatformConnection
from autopost.sandbox import demo
from tests.connections.vk_flow import connect_vk, consent


@pytest.fixture
def browser(alice):
    client = Client()
    client.force_login(alice)
    return client


def test_vk_id_flow_creates_a_connection_with_encrypted_rotating_tokens(browser, sandbox_control):
    messages, params = connect_vk(browser)

    assert messages == [f"VK Клипы подключён: {demo.VK_USER_FIRST_NAME} {demo.VK_USER_LAST_NAME}"]
    connection = PlatformConnection.objects.get()
    assert (connection.platform, connection.account_id, connection.target_id) == (
        "vk", str(demo.VK_USER_ID), str(demo.VK_USER_ID)
    )
    assert connection.options["device_id"] == params["device_id"]
    assert connection.expires_at is not None
    credentials = connection.get_credentials()
    assert credentials.access_token and credentials.refresh_token
    assert credentials.access_token not in connection.access_token_enc
    assert credentials.refresh_token not in connection.refresh_token_enc


def test_consent_refused_creates_nothing(browser, sandbox_control):
    start = browser.post(reverse("connect_vk"))
    params = consent(start["Location"], decision="deny")
    response = browser.get(reverse("oauth_callback", args=["vk"]), params, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Вы отменили доступ в VK: подключение не создано"]
    assert not PlatformConnection.objects.exists()


def test_a_code_exchanged_once_is_refused_the_second_time(browser, sandbox_control):
    _, first = connect_vk(browser)
    PlatformConnection.objects.all().delete()
    # A fresh state, but the code VK already exchanged: VK answers invalid_grant.
    start = browser.post(reverse("connect_vk"))
    fresh = consent(start["Location"])
    replay = {**fresh, "code": first["code"], "device_id": first["device_id"]}
    response = browser.get(reverse("oauth_callback", args=["vk"]), replay, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Код авторизации VK устарел или уже использован: подключите ещё раз"
    ]
    assert not PlatformConnection.objects.exists()


def test_the_person_chooses_a_community_they_administer(browser, alice, sandbox_control):
    connect_vk(browser)
    connection = PlatformConnection.objects.get()
    page = browser.get(reverse("settings")).content.decode()
    assert demo.VK_GROUP_NAME in page and demo.VK_MEMBER_GROUP_NAME not in page

    response = browser.post(
        reverse("configure_connection", args=[connection.pk]),
        {"target_id": f"-{demo.VK_GROUP_ID}", "publish_as": "video", "wall_post": "on"},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == ["Настройки сохранены"]
    connection.refresh_from_db()
    assert (connection.target_id, connection.target_name) == (f"-{demo.VK_GROUP_ID}", demo.VK_GROUP_NAME)
    assert connection.options["publish_as"] == "video" and connection.options["wall_post"] is True

    refused = browser.post(
        reverse("configure_connection", args=[connection.pk]), {"target_id": f"-{demo.VK_MEMBER_GROUP_ID}"}, follow=True
    )
    assert "Публиковать сюда нельзя" in [str(m) for m in refused.context["messages"]][0]
    connection.refresh_from_db()
    assert connection.target_id == f"-{demo.VK_GROUP_ID}"
