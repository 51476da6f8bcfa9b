"""Connecting: login + password exchanged once for a token, or a pasted token (§4.1)."""

from __future__ import annotations

import traceback

import httpx
import pytest
from django.conf import settings
from structlog.testing import capture_logs

from autopost.platforms.errors import PermanentError, PlatformError, RateLimited, TransientError
from autopost.platforms.rutube.adapter import RutubeAdapter

from .fakes import form_fields
from .replies import (
    BAD_CREDENTIALS,
    CHANNEL_NAME,
    INVALID_TOKEN,
    PASSWORD,
    PERSON,
    PROFILE,
    PROFILE_REPLY,
    TOKEN,
    TOKEN_AUTH,
    TOKEN_REPLY,
    USER_ID,
    USERNAME,
    person_page,
    video,
)


def log_in(rutube, username=USERNAME, password=PASSWORD):
    return RutubeAdapter.validate_credentials(username=username, password=password,
                                              transport=rutube.transport)


def paste(rutube, token=TOKEN):
    return RutubeAdapter.validate_credentials(token=token, transport=rutube.transport)


def everything_about(exc: BaseException) -> str:
    """Whatever a log, a traceback or an error tracker could show of an exception."""
    chain, seen = [], exc
    while seen is not None:
        chain += [repr(seen), str(seen), repr(seen.args), repr(vars(seen))]
        seen = seen.__cause__ or seen.__context__
    return "\n".join(chain + traceback.format_exception(exc))


def refused(connect, rutube, **kwargs) -> PlatformError:
    with capture_logs() as logs, pytest.raises(PlatformError) as caught:
        connect(rutube, **kwargs)
    shown = everything_about(caught.value) + repr(logs)
    assert PASSWORD not in shown and TOKEN not in shown
    return caught.value


# --- login + password ----------------------------------------------------------------------------


def test_login_exchanges_the_password_once_and_validates_the_token(rutube):
    rutube.reply(TOKEN_AUTH, TOKEN_REPLY).reply(PERSON, person_page()).reply(PROFILE, PROFILE_REPLY)

    with capture_logs() as logs:
        info = log_in(rutube)

    assert rutube.routes == [TOKEN_AUTH, PERSON, PROFILE]
    token_auth, person, profile = rutube.requests
    assert form_fields(token_auth) == {"username": USERNAME, "password": PASSWORD}
    assert token_auth.headers["Accept"] == "application/json"
    assert "Authorization" not in token_auth.headers
    for call in (person, profile):
        assert call.headers["Authorization"] == f"Token {TOKEN}"
        assert call.headers["Accept"] == "application/json"
        assert PASSWORD.encode() not in call.content
        assert PASSWORD not in str(call.url)
    assert (info.account_id, info.account_name) == (str(USER_ID), CHANNEL_NAME)
    assert (info.target_id, info.target_name) == (str(USER_ID), CHANNEL_NAME)
    assert info.target_url == f"{settings.RUTUBE_WEB_URL}/channel/{USER_ID}/"
    assert info.credentials.access_token == TOKEN
    assert info.credentials.refresh_token == ""
    assert info.options == {}
    kept = repr(info) + str(info) + repr(logs)
    assert PASSWORD not in kept and TOKEN not in kept


@pytest.mark.parametrize("status", [400, 401])
def test_wrong_password_is_named_as_such(rutube, status):
    rutube.reply(TOKEN_AUTH, BAD_CREDENTIALS, status=status)

    error = refused(log_in, rutube)

    assert isinstance(error, PermanentError)
    assert (error.code, error.message) == ("rutube_bad_credentials",
                                           "Неверный логин или пароль Rutube")
    assert rutube.routes == [TOKEN_AUTH]


@pytest.mark.parametrize("reply", [
    {"status": 500, "content": b"<html>oops</html>"},
    {"status": 200, "content": b"not json"},
    {"status": 200, "body": {"token": "", "userid": USER_ID}},
    {"status": 200, "body": {"token": TOKEN}},
])
def test_token_auth_that_fails_to_answer_is_transient(rutube, reply):
    rutube.reply(TOKEN_AUTH, reply.get("body"), reply["status"], content=reply.get("content"))

    assert isinstance(refused(log_in, rutube), TransientError)


def test_network_failure_at_login_keeps_the_password_out_of_the_error(rutube):
    rutube.fail_with(TOKEN_AUTH, httpx.ConnectError("connection refused"))

    error = refused(log_in, rutube)

    assert isinstance(error, TransientError)
    assert error.__context__ is None and error.__cause__ is None


def test_rate_limited_login_waits(rutube):
    rutube.reply(TOKEN_AUTH, {"detail": "Request was throttled."}, 429,
                 headers={"Retry-After": "30"})

    error = refused(log_in, rutube)

    assert isinstance(error, RateLimited) and error.retry_after_s == 30


def test_channel_without_a_profile_name_gets_a_readable_one(rutube):
    rutube.reply(TOKEN_AUTH, TOKEN_REPLY).reply(PERSON, person_page())
    rutube.reply(PROFILE, {**PROFILE_REPLY, "name": "  "})

    assert log_in(rutube).target_name == f"Канал {USER_ID}"


# --- a pasted token ------------------------------------------------------------------------------


def test_pasted_token_finds_the_channel_through_its_own_videos(rutube):
    rutube.reply(PERSON, person_page(video())).reply(PROFILE, PROFILE_REPLY)

    info = paste(rutube, f"  Token {TOKEN}\n")

    assert rutube.routes == [PERSON, PROFILE]
    assert rutube.requests[0].headers["Authorization"] == f"Token {TOKEN}"
    assert (info.account_id, info.target_name) == (str(USER_ID), CHANNEL_NAME)
    assert info.credentials.access_token == TOKEN


def test_pasted_token_of_a_channel_without_videos_asks_for_the_login(rutube):
    rutube.reply(PERSON, person_page())

    error = refused(paste, rutube)

    assert error.code == "rutube_user_unknown"
    assert rutube.routes == [PERSON]


def test_refused_token_says_so(rutube):
    rutube.reply(PERSON, INVALID_TOKEN, 401)

    error = refused(paste, rutube)

    assert isinstance(error, PermanentError)
    assert error.code == "rutube_invalid_token"
    assert rutube.routes == [PERSON]


@pytest.mark.parametrize("token", ["abc def", "токен", "abc\r\nX-Evil: 1", "a" * 513])
def test_token_that_cannot_be_one_is_refused_without_a_call(rutube, token):
    assert refused(paste, rutube, token=token).code == "rutube_invalid_token"
    assert rutube.requests == []


# --- one of the two ------------------------------------------------------------------------------


@pytest.mark.parametrize("form", [
    {},
    {"username": " ", "password": "", "token": "  "},
    {"username": USERNAME, "password": PASSWORD, "token": TOKEN},
    {"username": USERNAME},
    {"password": PASSWORD},
    {"password": PASSWORD, "token": TOKEN},
])
def test_login_or_token_is_required_but_not_both(rutube, form):
    with pytest.raises(PermanentError) as caught:
        RutubeAdapter.validate_credentials(**form, transport=rutube.transport)

    assert caught.value.code == "rutube_credentials_required"
    assert PASSWORD not in everything_about(caught.value)
    assert rutube.requests == []
