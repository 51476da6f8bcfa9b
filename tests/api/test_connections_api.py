"""Connections over the API: list, disconnect, owner scoping, and never a secret in a response."""

import json
from datetime import timedelta

import pytest
from api_helpers import assert_error
from django.utils import timezone
from factories import make_clip, make_connection

from autopost.connections.models import ConnectionStatus, PlatformConnection
from autopost.publishing.models import Publication, Status
from autopost.sandbox import demo

CONNECTION_FIELDS = {
    "id", "platform", "platform_label", "account_name", "target_id", "target_name", "target_url",
    "status", "expires_at", "created_at", "publish_as", "wall_post",
}
BOT_TOKEN = "123456789:AAHsecretsecretsecretsecretsecret00"


def assert_no_secrets(response, connection):
    text = response.content.decode()
    assert BOT_TOKEN not in text
    assert BOT_TOKEN.split(":")[1] not in text
    if connection.access_token_enc:
        assert connection.access_token_enc not in text
    assert "token" not in text.lower().replace("bot_token", "")


def test_list_shows_my_connections_without_secrets(alice_api, alice, bob):
    mine = make_connection(alice, token=BOT_TOKEN)
    make_connection(bob, token=BOT_TOKEN)
    response = alice_api.get("/api/v1/connections")
    body = response.json()
    assert body["count"] == 1
    [item] = body["items"]
    assert set(item) == CONNECTION_FIELDS
    assert item["id"] == mine.pk
    assert item["platform"] == "telegram" and item["platform_label"] == "Telegram"
    assert item["status"] == "active"
    assert_no_secrets(response, mine)


def test_disconnect_revokes_and_cancels_scheduled_publications(alice_api, alice):
    connection = make_connection(alice, token=BOT_TOKEN)
    clip = make_clip(alice)
    at = (timezone.now() + timedelta(hours=1)).isoformat()
    alice_api.post(
        f"/api/v1/clips/{clip.pk}/publish",
        data=json.dumps({"targets": [connection.pk], "scheduled_at": at}),
        content_type="application/json",
    )

    response = alice_api.delete(f"/api/v1/connections/{connection.pk}")

    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == CONNECTION_FIELDS
    assert body["status"] == "revoked"
    assert_no_secrets(response, connection)
    assert Publication.objects.get(clip=clip).status == Status.CANCELLED
    # Disconnecting again: a revoked connection is gone as far as the API is concerned.
    assert_error(alice_api.delete(f"/api/v1/connections/{connection.pk}"), 404, "not_found")


def test_someone_elses_connection_cannot_be_disconnected(bob_api, alice):
    connection = make_connection(alice, token=BOT_TOKEN)
    assert_error(bob_api.delete(f"/api/v1/connections/{connection.pk}"), 404, "not_found")
    assert PlatformConnection.objects.get(pk=connection.pk).status == ConnectionStatus.ACTIVE
    assert bob_api.get("/api/v1/connections").json()["count"] == 0


@pytest.mark.parametrize("payload", [{}, {"bot_token": BOT_TOKEN}, {"channel": "@c"}])
def test_connect_telegram_needs_both_fields(alice_api, payload):
    response = alice_api.post(
        "/api/v1/connections/telegram", data=json.dumps(payload), content_type="application/json"
    )
    body = assert_error(response, 400, "validation_error")
    assert BOT_TOKEN not in response.content.decode()
    assert "bot_token" in body["message"] or "channel" in body["message"]


# --- connecting Telegram against the sandbox's Bot API ------------------------------------------


def connect_telegram(client, bot_token, channel):
    return client.post(
        "/api/v1/connections/telegram",
        data=json.dumps({"bot_token": bot_token, "channel": channel}),
        content_type="application/json",
    )


def test_connect_telegram_checks_the_bot_and_hides_its_token(alice_api, alice, sandbox_control):
    response = connect_telegram(alice_api, demo.TELEGRAM_BOT_TOKEN, demo.TELEGRAM_CHANNEL)

    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == CONNECTION_FIELDS
    assert body["platform"] == "telegram" and body["status"] == "active"
    assert body["target_id"] == str(demo.TELEGRAM_CHANNEL_ID)
    assert body["target_name"] == demo.TELEGRAM_CHANNEL_TITLE
    connection = PlatformConnection.objects.get(pk=body["id"], owner=alice)
    assert connection.get_credentials().access_token == demo.TELEGRAM_BOT_TOKEN
    text = response.content.decode()
    assert demo.TELEGRAM_BOT_TOKEN not in text
    assert demo.TELEGRAM_BOT_TOKEN.split(":")[1] not in text
    assert connection.access_token_enc not in text
    # The list shows it the same way.
    listed = alice_api.get("/api/v1/connections")
    assert listed.json()["items"] == [body]
    assert demo.TELEGRAM_BOT_TOKEN.split(":")[1] not in listed.content.decode()


@pytest.mark.parametrize(
    ("bot_token", "channel"),
    [
        (demo.TELEGRAM_REVOKED_BOT_TOKEN, demo.TELEGRAM_CHANNEL),
        (demo.TELEGRAM_BOT_TOKEN, demo.TELEGRAM_NOT_MEMBER_CHANNEL),
        (demo.TELEGRAM_BOT_TOKEN, demo.TELEGRAM_READONLY_CHANNEL),
        ("not-a-token", demo.TELEGRAM_CHANNEL),
    ],
)
def test_connect_telegram_refusals_are_errors_without_the_token(
    alice_api, sandbox_control, bot_token, channel
):
    response = connect_telegram(alice_api, bot_token, channel)
    assert 400 <= response.status_code < 500
    assert set(response.json()) == {"code", "message"}
    assert bot_token.split(":")[-1] not in response.content.decode()
    assert not PlatformConnection.objects.exists()


def test_telegram_unreachable_is_reported_as_a_gateway_error(alice_api, sandbox_control):
    sandbox_control.add_fault("http_502", count=10)
    response = connect_telegram(alice_api, demo.TELEGRAM_BOT_TOKEN, demo.TELEGRAM_CHANNEL)
    assert response.status_code == 502
    assert set(response.json()) == {"code", "message"}
    assert demo.TELEGRAM_BOT_TOKEN.split(":")[1] not in response.content.decode()
    assert not PlatformConnection.objects.exists()


def test_connect_attempts_are_rate_limited(alice_api, sandbox_control, settings):
    settings.CONNECT_RATE_PER_USER = "2/hour"
    for _ in range(2):
        connect_telegram(alice_api, demo.TELEGRAM_REVOKED_BOT_TOKEN, demo.TELEGRAM_CHANNEL)
    response = connect_telegram(alice_api, demo.TELEGRAM_BOT_TOKEN, demo.TELEGRAM_CHANNEL)
    assert_error(response, 429, "rate_limited")
    assert not PlatformConnection.objects.exists()


def test_publish_through_a_connected_channel_end_to_end_in_the_database(
    alice_api, alice, sandbox_control
):
    connection_id = connect_telegram(
        alice_api, demo.TELEGRAM_BOT_TOKEN, demo.TELEGRAM_CHANNEL
    ).json()["id"]
    clip = make_clip(alice)
    response = alice_api.post(
        f"/api/v1/clips/{clip.pk}/publish",
        data=json.dumps({"targets": [connection_id]}),
        content_type="application/json",
    )
    [result] = response.json()["results"]
    assert result["ok"] and result["publication"]["platform"] == "telegram"


def test_revoked_connections_are_listed_only_on_request(alice_api, alice):
    live = make_connection(alice, token=BOT_TOKEN)
    expired = make_connection(alice, target_id="-100200", status=ConnectionStatus.EXPIRED)
    revoked = make_connection(alice, target_id="-100300", status=ConnectionStatus.REVOKED)

    default = alice_api.get("/api/v1/connections").json()["items"]
    assert {c["id"] for c in default} == {live.pk, expired.pk}
    only_revoked = alice_api.get("/api/v1/connections?status=revoked").json()["items"]
    assert [c["id"] for c in only_revoked] == [revoked.pk]
    assert_error(alice_api.get("/api/v1/connections?status=gone"), 400, "validation_error")
