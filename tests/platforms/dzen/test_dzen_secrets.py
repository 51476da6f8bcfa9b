"""No cookie, CSRF token or session value in any exception, repr or log line."""

from __future__ import annotations

import json
import logging
import traceback

import httpx
import pytest
from structlog.testing import capture_logs

from autopost.platforms.base import Metadata
from autopost.platforms.dzen.adapter import DzenAdapter
from autopost.platforms.dzen.client import DzenClient
from autopost.platforms.dzen.formats import parse_session
from autopost.platforms.errors import PlatformError

from .fakes import PUBLISHER_ID, SESSION_HEADER, SESSION_ID, YANDEXUID, csrf_token, errors
from .helpers import adapter, clip_of

SECRETS = (SESSION_ID, "SeCrEtSeSsIoN", YANDEXUID, "SeCrEtTwO", "CsRfToKeN")


def assert_clean(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, secret


def describe(exc: BaseException) -> str:
    return "\n".join([str(exc), repr(exc), repr(exc.args), getattr(exc, "message", ""),
                      "".join(traceback.format_exception(exc))])


def test_reprs_hide_the_session(dzen):
    provider = adapter(dzen)
    assert_clean(repr(provider) + repr(provider.credentials) + str(provider.credentials))
    with DzenClient(parse_session(SESSION_HEADER), PUBLISHER_ID) as client:
        client._csrf = csrf_token(1)
        assert_clean(repr(client))


def test_a_publication_with_every_kind_of_trouble_logs_no_secret(dzen, checkpoint, sleeps, caplog,
                                                                  capsys):
    caplog.set_level(logging.DEBUG)
    dzen.script("add-publication", errors("invalid-csrf-token-error"))
    dzen.script("tus-patch", lambda r: dzen._tus(r)).script("tus-patch", httpx.WriteError("cut"))
    dzen.script("publish", errors("auth-error", 401))
    with capture_logs() as logs:
        with pytest.raises(PlatformError) as caught:
            adapter(dzen).publish(clip_of(), Metadata(title="t"), checkpoint)
    assert caught.value.code == "dzen_session_expired"
    assert any(entry["event"] == "dzen_csrf_refetch" for entry in logs)
    assert any(entry["event"] == "dzen_tus_resume" for entry in logs)
    out = capsys.readouterr()
    assert_clean(repr(logs) + caplog.text + out.out + out.err)
    assert_clean(describe(caught.value))
    assert_clean(json.dumps(checkpoint.data))


@pytest.mark.parametrize("reply", [
    httpx.Response(302, headers={"Location": "https://passport.yandex.ru/auth"}),
    httpx.Response(200, html="<html>no token here</html>"),
    httpx.Response(500, html="<html>error</html>"),
    httpx.ConnectError("refused"),
])
def test_connect_failures_carry_no_secret(dzen, reply, caplog):
    caplog.set_level(logging.DEBUG)
    dzen.script("studio", reply)
    with capture_logs() as logs:
        with pytest.raises(PlatformError) as caught:
            DzenAdapter.validate_credentials(session=SESSION_HEADER, channel=PUBLISHER_ID,
                                             transport=dzen.transport)
    assert_clean(describe(caught.value) + repr(logs) + caplog.text)


@pytest.mark.parametrize("session", [
    f"Session_id={SESSION_ID}; yandexuid={YANDEXUID}; broken",
    json.dumps([{"name": "Session_id", "value": SESSION_ID, "domain": ".yandex.ru"}]),
    json.dumps([{"name": "Session_id", "value": SESSION_ID}, {"name": 5, "value": YANDEXUID}]),
    f"{{\"Session_id\": \"{SESSION_ID}\", ",
])
def test_refused_sessions_are_not_echoed(dzen, session):
    with pytest.raises(PlatformError) as caught:
        DzenAdapter.validate_credentials(session=session, channel=PUBLISHER_ID,
                                         transport=dzen.transport)
    assert_clean(describe(caught.value))
    assert caught.value.__context__ is None and caught.value.__cause__ is None


def test_stats_errors_carry_no_secret(dzen):
    dzen.script("stats2", httpx.Response(200, text=f"<html>{csrf_token(1)}</html>"))
    with pytest.raises(PlatformError) as caught:
        adapter(dzen).fetch_stats(["p"])
    assert_clean(describe(caught.value))


def test_cookies_the_server_sets_go_with_later_calls_unless_unusable(dzen):
    def studio_setting_cookies(request):
        response = dzen._studio(request)
        return httpx.Response(200, content=response.content, headers=[
            ("Content-Type", "text/html"), ("Set-Cookie", "_csrf_pair=abc123; Path=/"),
            ("Set-Cookie", b"bad=caf\xe9; Path=/"), ("Set-Cookie", b'q="a b"; Path=/')])

    dzen.script("studio", studio_setting_cookies)
    adapter(dzen).fetch_stats(["p"])
    assert dzen.sent("stats2")[0].headers["Cookie"] == f"{SESSION_HEADER}; _csrf_pair=abc123"
