"""The daily Дзен session check: an expired session marks the connection expired, with a hint."""

from django.test import Client
from django.urls import reverse

from autopost.connections.models import ConnectionStatus
from autopost.connections.service import connect_platform
from autopost.connections.tasks import verify_sessions
from autopost.sandbox import demo


def test_an_expired_session_is_found_by_the_daily_check(alice, sandbox_control):
    connection = connect_platform(
        alice, "dzen", session=f"Session_id={demo.DZEN_SESSION_ID}", channel=demo.DZEN_PUBLISHER_ID
    )
    assert verify_sessions() == {"ok": 1, "expired": 0, "unknown": 0}

    sandbox_control.expire_dzen_session(demo.DZEN_SESSION_ID)
    assert verify_sessions() == {"ok": 0, "expired": 1, "unknown": 0}

    connection.refresh_from_db()
    assert (connection.status, connection.status_reason) == (ConnectionStatus.EXPIRED, "session_expired")
    browser = Client()
    browser.force_login(alice)
    page = browser.get(reverse("settings")).content.decode()
    assert "Сессия Дзена истекла: войдите на dzen.ru в браузере и вставьте cookies заново ниже." in page
