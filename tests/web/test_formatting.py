"""Formatting shared by every page: durations, Moscow-time labels, counters, error pages."""

from datetime import datetime, timezone as dt_timezone

import pytest
import time_machine
from django.test import override_settings
from django.utils import translation

from autopost.web.templatetags.autopost_ui import count, duration, zoned


@pytest.mark.parametrize(("seconds", "text"), [(None, "—"), (0, "0:00"), (42.4, "0:42"), (61.6, "1:02"), (3725, "1:02:05")])
def test_duration(seconds, text):
    assert duration(seconds) == text


def test_counts_group_thousands_and_say_dash_for_unknown():
    assert (count(None), count(0), count(1234567)) == ("—", "0", "1\u202f234\u202f567")


@time_machine.travel(datetime(2026, 11, 22, 12, 0, tzinfo=dt_timezone.utc), tick=False)
def test_times_are_shown_in_moscow_with_the_zone_named():
    with translation.override("ru"):
        assert zoned(datetime(2026, 11, 22, 15, 0, tzinfo=dt_timezone.utc)) == "сегодня, 18:00 МСК"
        # 22:30 UTC is already tomorrow in Moscow.
        assert zoned(datetime(2026, 11, 22, 22, 30, tzinfo=dt_timezone.utc)) == "завтра, 01:30 МСК"
        assert zoned(datetime(2026, 12, 5, 7, 0, tzinfo=dt_timezone.utc)) == "5 декабря, 10:00 МСК"
        assert zoned(datetime(2027, 1, 5, 7, 0, tzinfo=dt_timezone.utc)) == "5 января 2027, 10:00 МСК"
    with translation.override("en"):
        assert zoned(datetime(2026, 11, 22, 15, 0, tzinfo=dt_timezone.utc)) == "today, 18:00 MSK"


@time_machine.travel(datetime(2026, 11, 22, 12, 0, tzinfo=dt_timezone.utc), tick=False)
def test_other_zones_are_labelled_by_their_offset():
    with translation.override("ru"):
        assert zoned(datetime(2026, 11, 22, 15, 0, tzinfo=dt_timezone.utc), "Asia/Yekaterinburg") == "сегодня, 20:00 UTC+05"
        assert zoned(datetime(2026, 11, 22, 15, 0, tzinfo=dt_timezone.utc), "UTC") == "сегодня, 15:00 UTC"


@override_settings(DEBUG=False)
def test_an_unknown_page_answers_a_russian_404(client, alice):
    client.force_login(alice)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Страница не найдена" in response.content.decode()


@override_settings(DEBUG=False)
def test_a_form_posted_without_its_csrf_token_gets_a_russian_explanation(alice):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post("/publications/1/cancel")
    assert response.status_code == 403
    assert "Форма устарела" in response.content.decode()
