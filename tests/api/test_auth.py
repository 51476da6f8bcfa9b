"""Who may call the API: a bearer token or a session (with CSRF on unsafe methods); nobody else."""

import pytest
from django.test import Client

from api_helpers import assert_error

ENDPOINTS = [
    ("get", "/api/v1/clips"),
    ("post", "/api/v1/clips"),
    ("get", "/api/v1/clips/1"),
    ("post", "/api/v1/clips/1/publish"),
    ("get", "/api/v1/connections"),
    ("post", "/api/v1/connections/telegram"),
    ("delete", "/api/v1/connections/1"),
    ("get", "/api/v1/publications"),
    ("get", "/api/v1/publications/1"),
    ("post", "/api/v1/publications/1/cancel"),
    ("post", "/api/v1/publications/1/retry"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "url"), ENDPOINTS)
def test_every_endpoint_refuses_anonymous_callers(method, url):
    response = getattr(Client(), method)(url)
    assert_error(response, 401, "unauthorized")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "header", ["Bearer ap_not-a-real-token", "Bearer ", "Basic YWxpY2U6cGFzcw==", "ap_raw-token"]
)
def test_a_wrong_or_malformed_authorization_header_is_401(alice, header):
    response = Client(headers={"Authorization": header}).get("/api/v1/clips")
    assert_error(response, 401, "unauthorized")


def test_a_bearer_token_authenticates_its_user(alice_api, alice):
    response = alice_api.get("/api/v1/clips")
    assert response.status_code == 200
    assert response.json() == {"items": [], "count": 0}


def test_a_bearer_token_of_a_deactivated_user_is_refused(alice_api, alice):
    alice.is_active = False
    alice.save()
    assert_error(alice_api.get("/api/v1/clips"), 401, "unauthorized")


def test_a_logged_in_session_can_read(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.get("/api/v1/connections").status_code == 200


def test_a_session_post_without_csrf_token_is_refused(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post("/api/v1/clips", {"title": "без файла"})
    assert_error(response, 403, "csrf_failed")


def test_a_session_post_with_csrf_token_passes_auth(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    csrf = "a" * 32
    client.cookies["csrftoken"] = csrf
    response = client.post("/api/v1/clips", {"title": "без файла"}, headers={"X-CSRFToken": csrf})
    # Authenticated and past CSRF: the request fails only on its missing file.
    body = assert_error(response, 400, "validation_error")
    assert "file" in body["message"]


def test_a_bearer_post_needs_no_csrf_token(alice_api):
    # Tokens are not ambient credentials like cookies, so CSRF does not apply to them.
    response = alice_api.post("/api/v1/clips", {"title": "без файла"})
    assert_error(response, 400, "validation_error")
