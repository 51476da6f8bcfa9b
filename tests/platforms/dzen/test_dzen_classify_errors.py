"""§5.2 / §6: how Дзен's replies turn into our errors, and the one CSRF refetch."""

from __future__ import annotations

import httpx
import pytest

from autopost.platforms.base import Metadata
from autopost.platforms.dzen.client import classify_error_type
from autopost.platforms.errors import AuthExpired, PermanentError, RateLimited, TransientError

from .fakes import PUBLICATION_ID, csrf_token, errors
from .helpers import adapter, clip_of

META = Metadata(title="Clip")
SESSION_EXPIRED = "Сессия Дзена истекла: войдите в Дзен в браузере и вставьте cookies заново"


def publish_fails(dzen, checkpoint, route, reply, times=1):
    dzen.script(route, reply, times=times)
    with pytest.raises(Exception) as caught:
        adapter(dzen).publish(clip_of(), META, checkpoint)
    return caught.value


# --- the CSRF token -------------------------------------------------------------------------------


def test_a_rejected_csrf_token_is_fetched_again_once_and_the_call_resent(dzen, checkpoint,
                                                                           sleeps):
    dzen.script("start-upload-video", errors("invalid-csrf-token-error"))
    adapter(dzen).publish(clip_of(), META, checkpoint)
    assert dzen.routes[:5] == ["studio", "add-publication", "start-upload-video", "studio",
                               "start-upload-video"]
    first, second = dzen.sent("start-upload-video")
    assert first.headers["X-Csrf-Token"] == csrf_token(1)
    assert second.headers["X-Csrf-Token"] == csrf_token(2)
    assert first.content == second.content
    # later calls keep the new token
    assert dzen.sent("finish-upload-video")[0].headers["X-Csrf-Token"] == csrf_token(2)


def test_a_csrf_token_rejected_twice_means_the_session_expired(dzen, checkpoint):
    error = publish_fails(dzen, checkpoint, "add-publication",
                          errors("invalid-csrf-token-error"), times=2)
    assert isinstance(error, AuthExpired)
    assert (error.code, error.message) == ("dzen_session_expired", SESSION_EXPIRED)
    assert dzen.routes == ["studio", "add-publication", "studio", "add-publication"]
    assert checkpoint.saves == []


def test_each_call_gets_its_own_refetch(dzen, checkpoint, sleeps):
    dzen.script("add-publication", errors("invalid-csrf-token-error"))
    dzen.script("finish-upload-video", errors("invalid-csrf-token-error"))
    adapter(dzen).publish(clip_of(), META, checkpoint)
    assert dzen.routes.count("studio") == 3


# --- the session ----------------------------------------------------------------------------------


@pytest.mark.parametrize("reply", [
    errors("auth-error", 401),
    errors("auth-error", 200),
    httpx.Response(401),
    httpx.Response(401, text="<html>login</html>"),
    httpx.Response(302, headers={"Location": "https://passport.yandex.ru/auth?retpath=x"}),
])
def test_auth_errors_and_login_redirects_are_auth_expired(dzen, checkpoint, reply):
    error = publish_fails(dzen, checkpoint, "add-publication", reply)
    assert isinstance(error, AuthExpired)
    assert (error.code, error.message) == ("dzen_session_expired", SESSION_EXPIRED)


def test_an_expired_session_mid_publication_keeps_the_checkpoint(dzen, checkpoint, sleeps):
    error = publish_fails(dzen, checkpoint, "finish-upload-video", errors("auth-error", 401))
    assert isinstance(error, AuthExpired)
    assert checkpoint.data["stage"] == "uploaded"
    assert checkpoint.data["publication_id"] == PUBLICATION_ID


# --- refusals -------------------------------------------------------------------------------------


def test_forbidden_is_permanent(dzen, checkpoint):
    error = publish_fails(dzen, checkpoint, "add-publication", errors("forbidden", 403))
    assert isinstance(error, PermanentError) and error.code == "dzen_forbidden"


@pytest.mark.parametrize("error_type,code", [
    ("validation-error", "dzen_validation_error"),
    ("publication-limit-exceeded", "dzen_publication_limit_exceeded"),
    ("Some Odd.Type", "dzen_some_odd_type"),
])
def test_other_error_types_are_permanent_with_the_type_in_the_code(dzen, checkpoint, error_type,
                                                                   code):
    error = publish_fails(dzen, checkpoint, "add-publication", errors(error_type))
    assert isinstance(error, PermanentError)
    assert error.code == code
    assert error_type in error.message


def test_error_types_are_bounded():
    error = classify_error_type("x" * 500, 400)
    assert len(error.code) <= 65 and len(error.message) < 150


@pytest.mark.parametrize("status,code", [(403, "dzen_forbidden"), (404, "dzen_not_found"),
                                         (400, "dzen_bad_request"), (413, "dzen_bad_request")])
def test_http_refusals_without_a_body_are_permanent(dzen, checkpoint, status, code):
    error = publish_fails(dzen, checkpoint, "add-publication", httpx.Response(status))
    assert isinstance(error, PermanentError) and error.code == code


# --- transient ------------------------------------------------------------------------------------


@pytest.mark.parametrize("reply", [
    httpx.Response(500),
    httpx.Response(502, text="<html>Bad Gateway</html>"),
    httpx.Response(503, json={"errors": [{"type": "internal-error"}]}),
    httpx.Response(200, text="<html>not json</html>"),
    httpx.Response(400, text="<html>captcha</html>"),
    httpx.Response(200, json={"unexpected": True}),
    httpx.Response(200, json=["a", "list"]),
    httpx.Response(200, json={"id": "../../etc"}),
    httpx.Response(200, json={"errors": "not a list"}),
    httpx.Response(301, headers={"Location": "/editor-api/v3/add-publication"}),
])
def test_server_errors_and_unreadable_replies_are_transient(dzen, checkpoint, reply):
    error = publish_fails(dzen, checkpoint, "add-publication", reply)
    assert isinstance(error, TransientError), error
    assert "publication_id" not in checkpoint.data


@pytest.mark.parametrize("exc", [httpx.ConnectTimeout("t"), httpx.ReadTimeout("t"),
                                 httpx.ConnectError("refused"), httpx.RemoteProtocolError("x")])
def test_network_failures_are_transient(dzen, checkpoint, exc):
    error = publish_fails(dzen, checkpoint, "add-publication", exc)
    assert isinstance(error, TransientError)


def test_a_bad_upload_url_is_transient(dzen, checkpoint):
    error = publish_fails(dzen, checkpoint, "start-upload-video", httpx.Response(
        200, json={"uploadUrl": "ftp://files.example/x", "uploadId": "u"}))
    assert isinstance(error, TransientError)
    assert "upload_url" not in checkpoint.data


@pytest.mark.parametrize("headers,wait", [({"Retry-After": "17"}, 17), ({}, 60),
                                          ({"Retry-After": "soon"}, 60),
                                          ({"Retry-After": "-3"}, 60)])
def test_429_is_rate_limited_with_retry_after_or_a_minute(dzen, checkpoint, headers, wait):
    error = publish_fails(dzen, checkpoint, "add-publication",
                          httpx.Response(429, headers=headers))
    assert isinstance(error, RateLimited)
    assert error.retry_after_s == wait
