"""Connecting: session and channel checked against the Studio (§5.2), and the daily verify()."""

from __future__ import annotations

import json

import httpx
import pytest
from django.conf import settings

from autopost.platforms.dzen.adapter import DzenAdapter
from autopost.platforms.dzen.client import find_csrf_token, is_login_url
from autopost.platforms.errors import AuthExpired, PermanentError, RateLimited, TransientError

from .fakes import PUBLISHER_ID, SESSION_HEADER, SESSION_ID, YANDEXUID, csrf_token, errors
from .helpers import adapter

SESSION_EXPIRED = "Сессия Дзена истекла: войдите в Дзен в браузере и вставьте cookies заново"


def connect(dzen, session=SESSION_HEADER, channel=PUBLISHER_ID):
    return DzenAdapter.validate_credentials(session=session, channel=channel,
                                            transport=dzen.transport)


def refused(dzen, **kwargs) -> PermanentError:
    with pytest.raises(PermanentError) as caught:
        connect(dzen, **kwargs)
    return caught.value


def test_connect_returns_the_channel_and_the_cookies_as_the_secret(dzen):
    info = connect(dzen, channel=f"https://dzen.ru/id/{PUBLISHER_ID}")
    assert (info.account_id, info.target_id) == (PUBLISHER_ID, PUBLISHER_ID)
    assert info.target_name == PUBLISHER_ID  # §5 has no call that names the channel
    assert info.target_url == f"{settings.DZEN_WEB_URL}/id/{PUBLISHER_ID}"
    assert info.options == {"publisher_id": PUBLISHER_ID, "channel_slug": ""}
    assert json.loads(info.credentials.access_token) == {
        "Session_id": SESSION_ID, "yandexuid": YANDEXUID, "sessionid2": "SeCrEtTwO"}
    assert info.credentials.refresh_token == "" and info.credentials.expires_at is None
    assert csrf_token(1) not in info.credentials.access_token  # the token is never stored


def test_connect_fetches_the_studio_page_then_makes_one_authenticated_call(dzen):
    connect(dzen)
    assert dzen.routes == ["studio", "stats2"]
    studio, stats = dzen.sent("studio")[0], dzen.sent("stats2")[0]
    assert studio.method == "GET" and studio.url.path == "/profile/editor"
    assert studio.headers["Cookie"] == SESSION_HEADER
    assert "X-Csrf-Token" not in studio.headers
    assert stats.method == "GET"
    assert stats.url.path == f"/editor-api/v2/publisher/{PUBLISHER_ID}/stats2"
    assert stats.headers["X-Csrf-Token"] == csrf_token(1)
    assert stats.headers["Cookie"] == SESSION_HEADER
    assert stats.headers["Origin"] == "https://dzen.ru"
    assert stats.headers["Referer"] == "https://dzen.ru/profile/editor"
    assert stats.url.params.get_list("fields") == ["typeSpecificViews", "likes", "comments",
                                                   "shares"]
    assert stats.url.params["clid"] == "320"


def test_a_login_redirect_means_the_session_expired(dzen):
    dzen.session_valid = False
    error = refused(dzen)
    assert (error.code, error.message) == ("dzen_session_expired", SESSION_EXPIRED)
    assert dzen.routes == ["studio"]


def test_an_export_with_cookies_from_other_sites_sends_only_dzens(dzen):
    export = [{"name": "Session_id", "value": SESSION_ID, "domain": ".dzen.ru"},
              {"name": "Session_id", "value": "yandex-secret", "domain": ".yandex.ru"},
              {"name": "yandex_login", "value": "anna", "domain": ".yandex.ru"}]
    connect(dzen, session=json.dumps(export))
    assert dzen.sent("studio")[0].headers["Cookie"] == f"Session_id={SESSION_ID}"


def test_cookies_of_the_configured_host_count_too(dzen):
    export = [{"name": "Session_id", "value": SESSION_ID, "domain": "studio.dzen.test"}]
    assert connect(dzen, session=json.dumps(export)).target_id == PUBLISHER_ID


def test_same_host_redirects_of_the_studio_are_followed(dzen):
    dzen.script("studio", httpx.Response(302, headers={
        "Location": f"/profile/editor/id/{PUBLISHER_ID}/publications"}))
    connect(dzen)
    assert [r.url.path for r in dzen.sent("studio")] == [
        "/profile/editor", f"/profile/editor/id/{PUBLISHER_ID}/publications"]
    assert all(r.headers["Cookie"] == SESSION_HEADER for r in dzen.sent("studio"))


@pytest.mark.parametrize("location", [
    "https://passport.yandex.ru/auth?retpath=https%3A%2F%2Fdzen.ru%2Fprofile%2Feditor",
    "https://sso.dzen.ru/install?uuid=1",
    "https://id.vk.com/auth?app_id=1",
    "/login?next=/profile/editor",
    "https://elsewhere.example/",
])
def test_redirects_to_sign_in_pages_or_other_sites_expire_the_session(dzen, location):
    dzen.script("studio", httpx.Response(302, headers={"Location": location}))
    assert refused(dzen).code == "dzen_session_expired"


@pytest.mark.parametrize("status", [401, 403])
def test_a_refused_studio_page_means_the_session_expired(dzen, status):
    dzen.script("studio", httpx.Response(status, text="nope"))
    assert refused(dzen).code == "dzen_session_expired"


@pytest.mark.parametrize("error_type", ["auth-error", "invalid-csrf-token-error"])
def test_the_api_refusing_the_session_is_an_expired_session(dzen, error_type):
    dzen.script("stats2", errors(error_type), times=2)
    error = refused(dzen)
    assert (error.code, error.message) == ("dzen_session_expired", SESSION_EXPIRED)


def test_someone_elses_channel_is_forbidden(dzen):
    dzen.script("stats2", errors("forbidden", 403))
    error = refused(dzen)
    assert error.code == "dzen_forbidden"
    assert PUBLISHER_ID in error.message


def test_an_unknown_channel_is_not_found(dzen):
    dzen.script("stats2", httpx.Response(404))
    assert refused(dzen).code == "dzen_channel_not_found"


def test_bad_input_is_refused_before_any_request(dzen):
    assert refused(dzen, session="hello").code == "dzen_bad_session_format"
    assert refused(dzen, session="yandexuid=1").code == "dzen_no_session_cookie"
    assert refused(dzen, channel="https://dzen.ru/somebody").code == "dzen_channel_id_required"
    assert refused(dzen, channel="nope").code == "dzen_invalid_channel"
    assert dzen.routes == []


def test_a_studio_page_without_a_token_is_transient(dzen):
    dzen.script("studio", httpx.Response(200, html="<html>maintenance</html>"))
    with pytest.raises(TransientError) as caught:
        connect(dzen)
    assert caught.value.code == "dzen_csrf_not_found"


def test_an_unavailable_studio_is_transient_or_rate_limited(dzen):
    dzen.script("studio", httpx.Response(503))
    with pytest.raises(TransientError):
        connect(dzen)
    dzen.script("studio", httpx.Response(429, headers={"Retry-After": "7"}))
    with pytest.raises(RateLimited) as caught:
        connect(dzen)
    assert caught.value.retry_after_s == 7


# --- the CSRF token -------------------------------------------------------------------------------


@pytest.mark.parametrize("html", [
    '<script>window._csrfToken = "abc123:456";</script>',
    "<script>window._csrfToken='abc123:456'</script>",
    '<script>var s = {"_csrfToken":"abc123:456","x":1}</script>',
    '<script>var s = JSON.parse("{\\"_csrfToken\\":\\"abc123:456\\"}")</script>',
    '<script>window.__data = {_csrfToken: "abc123:456"}</script>',
])
def test_the_csrf_token_is_found_in_the_studio_page(html):
    assert find_csrf_token(html) == "abc123:456"


def test_the_csrf_token_may_come_from_a_header():
    assert find_csrf_token("<html></html>", httpx.Headers({"X-Csrf-Token": "hdr-token-1"})) == (
        "hdr-token-1")
    assert find_csrf_token("<html></html>", httpx.Headers({"X-Csrf-Token": "bad token"})) is None
    assert find_csrf_token('window._csrfToken = ""') is None


@pytest.mark.parametrize("url,login", [
    ("https://passport.yandex.ru/auth?retpath=x", True),
    ("https://dzen.ru/login", True),
    ("https://id.vk.ru/authorize", True),
    ("https://dzen.ru/profile/editor/id/abc", False),
    ("https://dzen.ru/profile/editor/author-tools", False),
])
def test_login_urls(url, login):
    assert is_login_url(url) is login


# --- verify ---------------------------------------------------------------------------------------


def test_verify_fetches_a_fresh_token_and_makes_one_call(dzen):
    calls = []
    adapter(dzen, calls=calls).verify()
    assert dzen.routes == ["studio", "stats2"]
    assert calls == ["throttle", "throttle"]


@pytest.mark.parametrize("break_it", ["redirect", "auth-error"])
def test_verify_raises_auth_expired_for_an_expired_session(dzen, break_it):
    if break_it == "redirect":
        dzen.session_valid = False
    else:
        dzen.script("stats2", errors("auth-error", 401))
    with pytest.raises(AuthExpired) as caught:
        adapter(dzen).verify()
    assert (caught.value.code, caught.value.message) == ("dzen_session_expired", SESSION_EXPIRED)


def test_stored_credentials_that_do_not_read_need_a_reconnect(dzen):
    from autopost.platforms.base import Credentials, Target

    broken = DzenAdapter(Credentials("not json and no cookie"), Target("a", PUBLISHER_ID),
                         transport=dzen.transport)
    with pytest.raises(AuthExpired):
        broken.verify()
    with pytest.raises(AuthExpired):
        broken.refresh()
    assert dzen.routes == []
