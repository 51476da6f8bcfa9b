"""VK ID: the authorize URL with PKCE, the code exchange, refresh rotation (§1.1)."""

from __future__ import annotations

import base64
import hashlib
import traceback
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.conf import settings

from autopost.platforms.base import Credentials, Target
from autopost.platforms.errors import AuthExpired, PermanentError, TransientError
from autopost.platforms.vk.adapter import VkAdapter

from .fakes import OAUTH, form_fields
from .replies import (
    ACCESS_TOKEN,
    CLIENT_ID,
    DEVICE_ID,
    INVALID_GRANT,
    NEW_ACCESS_TOKEN,
    NEW_REFRESH_TOKEN,
    NEW_TOKEN,
    OAUTH_URL,
    REFRESH_TOKEN,
    SECRETS,
    TOKEN,
    USER_ID,
    USERS_GET,
    error,
)

VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
CHALLENGE = base64.urlsafe_b64encode(hashlib.sha256(VERIFIER.encode()).digest()).rstrip(b"=")
CHALLENGE = CHALLENGE.decode()
REDIRECT = "https://autopost.test/oauth/vk/callback?x=1&y=два"


def exchange(vk, **overrides):
    kwargs = dict(code="c0de", code_verifier=VERIFIER, redirect_uri=REDIRECT, state="q8Zr2",
                  device_id=DEVICE_ID, transport=vk.transport)
    return VkAdapter.exchange_code(**{**kwargs, **overrides})


def vk_id_adapter(vk, refresh_token=REFRESH_TOKEN, options=None) -> VkAdapter:
    options = {"device_id": DEVICE_ID, "user_id": USER_ID, "token_source": "vk_id"} \
        if options is None else options
    target = Target(str(USER_ID), str(USER_ID), "Ivan P", options)
    return VkAdapter(Credentials(ACCESS_TOKEN, refresh_token), target, transport=vk.transport)


def assert_no_secret(exc: BaseException) -> None:
    text = " ".join([str(exc), repr(exc), repr(exc.args), "".join(traceback.format_exception(exc))])
    for secret in SECRETS + (VERIFIER, "c0de"):
        assert secret not in text


# --- authorize_url ---------------------------------------------------------------------------


def test_authorize_url_carries_pkce_and_the_scopes(vk):
    url = VkAdapter.authorize_url(state="st&te=1", code_challenge=CHALLENGE, redirect_uri=REDIRECT)

    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{OAUTH_URL}/authorize"
    assert parse_qs(parts.query) == {
        "response_type": ["code"],
        "client_id": [CLIENT_ID],
        "redirect_uri": [REDIRECT],
        "state": ["st&te=1"],
        "code_challenge": [CHALLENGE],
        "code_challenge_method": ["s256"],
        "scope": ["vkid.personal_info video wall groups"],
    }
    assert "scope=vkid.personal_info+video+wall+groups" in parts.query
    assert "redirect_uri=https%3A%2F%2Fautopost.test%2Foauth%2Fvk%2Fcallback%3Fx%3D1%26y%3D" \
        in parts.query
    assert VERIFIER not in url
    assert vk.requests == []


def test_authorize_url_without_a_client_id_says_so(vk, settings):
    settings.VK_CLIENT_ID = ""

    with pytest.raises(PermanentError) as caught:
        VkAdapter.authorize_url(state="s", code_challenge=CHALLENGE, redirect_uri=REDIRECT)

    assert caught.value.code == "vk_oauth_not_configured"


# --- exchange_code ---------------------------------------------------------------------------


def test_exchange_posts_the_code_with_the_verifier_and_device(vk):
    vk.reply(OAUTH, TOKEN).reply("users.get", USERS_GET)
    before = datetime.now(UTC)

    info = exchange(vk)

    [request] = vk.sent(OAUTH)
    assert request.method == "POST"
    assert request.url.query == b""  # nothing secret in the URL
    assert form_fields(request) == {
        "grant_type": "authorization_code",
        "code": "c0de",
        "code_verifier": VERIFIER,
        "client_id": CLIENT_ID,
        "device_id": DEVICE_ID,
        "redirect_uri": REDIRECT,
        "state": "q8Zr2",
    }
    assert "code_challenge" not in form_fields(request)  # never both in one request (§1.1)
    [users_get] = vk.sent("users.get")
    assert users_get.headers["Authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert (info.account_id, info.account_name) == (str(USER_ID), "Ivan P")
    assert (info.target_id, info.target_name) == (str(USER_ID), "Ivan P")
    assert info.target_url == f"{settings.VK_WEB_URL}/id{USER_ID}"
    assert info.credentials.access_token == ACCESS_TOKEN
    assert info.credentials.refresh_token == REFRESH_TOKEN
    expected = before + timedelta(seconds=3600)
    assert abs((info.credentials.expires_at - expected).total_seconds()) < 5
    assert info.options == {"device_id": DEVICE_ID, "user_id": USER_ID, "token_source": "vk_id",
                            "publish_as": "clip", "wall_post": False}


def test_used_or_expired_code_is_auth_expired_with_its_reason(vk):
    vk.reply(OAUTH, INVALID_GRANT, 400)

    with pytest.raises(AuthExpired) as caught:
        exchange(vk)

    assert caught.value.code == "vk_code_expired"
    assert caught.value.message == (
        "Код авторизации VK истёк или уже использован: подключите VK ещё раз")
    assert vk.routes == [OAUTH]
    assert_no_secret(caught.value)


@pytest.mark.parametrize(
    ("error_name", "code"),
    [("invalid_request", "vk_oauth_invalid_request"), ("invalid_client", "vk_oauth_invalid_client"),
     ("something_new", "vk_oauth_error")],
)
def test_other_oauth_errors_are_permanent_with_their_code(vk, error_name, code):
    vk.reply(OAUTH, {"error": error_name, "error_description": "nope"}, 400)

    with pytest.raises(PermanentError) as caught:
        exchange(vk)

    assert caught.value.code == code
    assert "something_new" not in caught.value.message  # free text from VK stays out
    assert code.removeprefix("vk_oauth_") in caught.value.message


def test_error_under_http_200_is_an_error_too(vk):
    vk.reply(OAUTH, INVALID_GRANT)

    with pytest.raises(AuthExpired):
        exchange(vk)


@pytest.mark.parametrize(
    ("status", "content"), [(500, b"oops"), (503, b'{"error":"x"}'), (200, b"<html>")]
)
def test_vk_id_outage_is_transient(vk, status, content):
    vk.reply(OAUTH, status=status, content=content)

    with pytest.raises(TransientError) as caught:
        exchange(vk)

    assert_no_secret(caught.value)


def test_timeout_is_transient(vk):
    vk.fail_with(OAUTH, httpx.ReadTimeout("slow"))

    with pytest.raises(TransientError):
        exchange(vk)


def test_reply_for_another_state_is_refused(vk):
    vk.reply(OAUTH, {**TOKEN, "state": "someone-else"})

    with pytest.raises(PermanentError) as caught:
        exchange(vk)

    assert caught.value.code == "vk_state_mismatch"
    assert vk.routes == [OAUTH]


# --- refresh ---------------------------------------------------------------------------------


def test_refresh_rotates_both_tokens(vk):
    vk.reply(OAUTH, NEW_TOKEN)
    before = datetime.now(UTC)

    credentials = vk_id_adapter(vk).refresh()

    assert credentials.access_token == NEW_ACCESS_TOKEN
    assert credentials.refresh_token == NEW_REFRESH_TOKEN
    assert credentials.expires_at >= before + timedelta(seconds=3595)
    [request] = vk.sent(OAUTH)
    fields = form_fields(request)
    assert fields.pop("state")  # random, fresh each time
    assert fields == {"grant_type": "refresh_token", "refresh_token": REFRESH_TOKEN,
                      "client_id": CLIENT_ID, "device_id": DEVICE_ID}
    assert request.url.query == b""
    assert "Authorization" not in request.headers


def test_refresh_state_is_random(vk):
    vk.reply(OAUTH, NEW_TOKEN).reply(OAUTH, NEW_TOKEN)
    vk_id_adapter(vk).refresh()
    vk_id_adapter(vk).refresh()

    first, second = (form_fields(r)["state"] for r in vk.sent(OAUTH))
    assert first != second and len(first) >= 16


def test_refused_refresh_is_auth_expired(vk):
    vk.reply(OAUTH, INVALID_GRANT, 400)

    with pytest.raises(AuthExpired) as caught:
        vk_id_adapter(vk).refresh()

    assert caught.value.code == "vk_refresh_expired"
    assert_no_secret(caught.value)


@pytest.mark.parametrize(
    "body",
    [{}, {"access_token": "", "refresh_token": "", "expires_in": 3600, "user_id": USER_ID},
     {**NEW_TOKEN, "refresh_token": None}, {"response": 1}],
)
def test_refresh_without_tokens_is_auth_expired_never_empty_credentials(vk, body):
    vk.reply(OAUTH, body)

    with pytest.raises(AuthExpired):
        vk_id_adapter(vk).refresh()


@pytest.mark.parametrize(
    ("refresh_token", "options"),
    [("", {"token_source": "pasted", "user_id": USER_ID}),
     (REFRESH_TOKEN, {"token_source": "vk_id"})],  # no device_id to refresh with
)
def test_pasted_tokens_cannot_be_refreshed(vk, refresh_token, options):
    with pytest.raises(AuthExpired):
        vk_id_adapter(vk, refresh_token=refresh_token, options=options).refresh()

    assert vk.requests == []


def test_refresh_outage_is_transient(vk):
    vk.reply(OAUTH, status=502, content=b"Bad Gateway")

    with pytest.raises(TransientError):
        vk_id_adapter(vk).refresh()


def test_users_get_failure_after_exchange_is_classified(vk):
    vk.reply(OAUTH, TOKEN).reply("users.get", error(10, method="users.get"))

    with pytest.raises(TransientError):
        exchange(vk)
