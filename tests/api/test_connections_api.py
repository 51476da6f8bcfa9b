"""Connections over the API: list, disconnect, owner scoping, and never a secret in a response."""

import json
from datetime import timedelta

import pytest
from api_helpers import assert_error
from django.utils import timezone
from factories import make_clip, make_connection

from autopost.connections.models import ConnectionStatus, PlatformConnection
from autopost.publishing.models import Publication, Status

CONNECTION_FIELDS = {
    "id", "platform", "platform_label", "account_name", "target_id", "target_name", "target_url",
    "status", "expires_at", "created_at",
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
