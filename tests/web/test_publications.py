"""The «Публикации» section: the filtered list, one publication's page with its event log, and the
calendar in Moscow time. Publications are made by the publish service and moved by the real state
machine against the sandbox's Telegram."""

import re
from datetime import datetime, timedelta, timezone as dt_timezone

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from autopost.publishing.attempt import run_publication
from autopost.publishing.models import Publication, StatsSnapshot, Status
from autopost.publishing.service import cancel_publication, publish_clip
from autopost.sandbox import demo
from tests.factories import make_clip, make_connection

UTC = dt_timezone.utc


def demo_channel(owner):
    """A Telegram connection the sandbox really accepts posts for."""
    return make_connection(
        owner, token=demo.TELEGRAM_BOT_TOKEN, target_id=str(demo.TELEGRAM_CHANNEL_ID),
        account_id=str(demo.TELEGRAM_BOT_ID), target_name="Демо-канал",
    )


def published(owner, clip, connection, **fields):
    values = dict(
        clip=clip, connection=connection, platform=connection.platform, status=Status.PUBLISHED,
        published_at=timezone.now(), remote_url="https://vk.com/clip1_1",
    )
    values.update(fields)
    return Publication.objects.create(**values)


def calendar_page(client, view: str, day: str) -> str:
    return client.get(reverse("calendar"), {"view": view, "date": day}).content.decode()


def detail_page(client, publication_id: int) -> str:
    return client.get(reverse("publication_detail", args=[publication_id])).content.decode()


def rows(page: str) -> list[str]:
    """Detail links of the list's rows, in order."""
    return re.findall(r'href="/publications/(\d+)/"', page)


def day_cells(page: str) -> dict[str, str]:
    """The calendar's cells by their date (YYYY-MM-DD), each as its HTML."""
    parts = re.split(r'data-date="(\d{4}-\d\d-\d\d)"', page)
    return dict(zip(parts[1::2], parts[2::2]))


@pytest.fixture
def world(alice):
    """Alice's publications in every state the filters know, on two platforms and two clips."""
    sunset, river = make_clip(alice, title="Закат"), make_clip(alice, title="Река")
    telegram = make_connection(alice)
    vk = make_connection(alice, platform="vk", target_id="1", target_name="Моя страница")
    now = timezone.now()
    return {
        "published_vk": published(alice, sunset, vk, views=12345, likes=67, comments=8),
        "published_tg": published(alice, river, telegram, remote_url="https://t.me/c/1/5"),
        "failed": Publication.objects.create(
            clip=river, connection=vk, platform="vk", status=Status.FAILED, attempts=4,
            last_error_code="vk_server_error", last_error_message="VK временно недоступен",
        ),
        "retrying": Publication.objects.create(
            clip=sunset, connection=telegram, platform="telegram", status=Status.PUBLISHING,
            attempts=1, next_attempt_at=now + timedelta(minutes=5),
            last_error_message="Telegram временно недоступен",
        ),
        "scheduled": Publication.objects.create(
            clip=sunset, connection=vk, platform="vk", status=Status.SCHEDULED,
            scheduled_at=now + timedelta(days=1), next_attempt_at=now + timedelta(days=1),
        ),
    }


def listed(client, **params) -> list[int]:
    response = client.get(reverse("publications"), params)
    assert response.status_code == 200
    return [int(pk) for pk in rows(response.content.decode())]


def test_the_list_shows_every_publication_newest_first_with_stats(client, alice, world):
    client.force_login(alice)
    page = client.get(reverse("publications")).content.decode()
    newest_first = ("scheduled", "retrying", "failed", "published_tg", "published_vk")
    expected = [world[key].pk for key in newest_first]
    assert [int(pk) for pk in rows(page)] == expected
    assert "12\u202f345" in page and "Статистика недоступна" in page
    assert "Закат" in page and "Моя страница" in page
    assert f'id="publication-{world["retrying"].pk}"' in page  # the live status fragment
    assert "Публикации" in page and 'aria-current="page">Публикации' in page


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "published"}, {"published_vk", "published_tg"}),
        ({"status": "failed"}, {"failed"}),
        ({"status": "scheduled"}, {"scheduled"}),
        ({"status": "retrying"}, {"retrying"}),
        ({"status": "publishing"}, set()),
        ({"platform": "telegram"}, {"published_tg", "retrying"}),
        ({"platform": "vk", "status": "published"}, {"published_vk"}),
    ],
)
def test_filters_by_status_and_platform(client, alice, world, params, expected):
    client.force_login(alice)
    assert set(listed(client, **params)) == {world[key].pk for key in expected}


def test_publishing_means_running_now_not_waiting_for_a_retry(client, alice, world):
    running = world["retrying"]
    Publication.objects.filter(pk=running.pk).update(next_attempt_at=timezone.now())
    assert running.claim(lease_seconds=60)  # its next attempt is running now
    client.force_login(alice)
    assert listed(client, status="publishing") == [running.pk]
    assert listed(client, status="retrying") == []


def test_filter_by_clip_offers_only_my_clips(client, alice, bob, world):
    foreign = make_clip(bob, title="Чужой клип")
    river = world["failed"].clip
    client.force_login(alice)
    assert set(listed(client, clip=river.pk)) == {world["failed"].pk, world["published_tg"].pk}
    page = client.get(reverse("publications")).content.decode()
    assert "Река" in page and "Чужой клип" not in page
    # Another user's clip is not a valid choice: the filter is refused, never applied.
    response = client.get(reverse("publications"), {"clip": foreign.pk})
    assert "errorlist" in response.content.decode() and len(rows(response.content.decode())) == 5


def test_htmx_gets_only_the_results(client, alice, world):
    client.force_login(alice)
    response = client.get(
        reverse("publications"), {"status": "failed"},
        HTTP_HX_REQUEST="true", HTTP_HX_TARGET="publication-results",
    )
    page = response.content.decode()
    assert page.startswith('<div id="publication-results"') and "<html" not in page
    assert "Сбросить фильтры" in page  # the form is outside the swap, so the reset link is here
    assert [int(pk) for pk in rows(page)] == [world["failed"].pk]


def test_pages_of_fifty_keep_the_filters(client, alice):
    clip, connection = make_clip(alice), make_connection(alice)
    fields = dict(clip=clip, connection=connection, platform="telegram")
    made = [Publication.objects.create(**fields, status=Status.FAILED) for _ in range(52)]
    Publication.objects.create(**fields, status=Status.CANCELLED)
    client.force_login(alice)
    first = client.get(reverse("publications"), {"status": "failed"}).content.decode()
    assert [int(pk) for pk in rows(first)] == [p.pk for p in reversed(made)][:50]
    assert "Страница 1 из 2" in first and "status=failed&amp;page=2" in first
    second = listed(client, status="failed", page=2)
    assert second == [made[1].pk, made[0].pk]
    assert listed(client, status="failed", page=99) == second  # past the end: the last page


def test_the_list_does_not_query_per_row(client, alice, django_assert_max_num_queries):
    connections = [make_connection(alice), make_connection(alice, platform="vk", target_id="1")]
    for n in range(30):
        clip = make_clip(alice, title=f"Клип {n}")
        published(alice, clip, connections[n % 2], platform=connections[n % 2].platform)
    client.force_login(alice)
    # session, user, count, page, clip choices, notifications: nothing grows with the rows.
    with django_assert_max_num_queries(10):
        page = client.get(reverse("publications")).content.decode()
    assert len(rows(page)) == 30


def test_filters_with_no_results_offer_a_reset(client, alice, world):
    client.force_login(alice)
    none_match = client.get(reverse("publications"), {"status": "cancelled"}).content.decode()
    assert "Нет публикаций с такими фильтрами" in none_match and "Сбросить фильтры" in none_match


def test_a_creator_without_publications_is_told_how_to_publish(client, bob):
    client.force_login(bob)
    page = client.get(reverse("publications")).content.decode()
    assert "Публикаций пока нет" in page and "Клипы" in page


def test_another_users_publications_are_invisible(client, alice, bob, world):
    client.force_login(bob)
    assert listed(client) == []
    for publication in world.values():
        assert client.get(reverse("publication_detail", args=[publication.pk])).status_code == 404
    page = client.get(reverse("calendar")).content.decode()
    assert "Закат" not in page and "Река" not in page


def test_the_list_needs_a_login(client):
    for name in ("publications", "calendar"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- the publication's page and its event log -----------------------------------------------


def test_the_event_log_tells_every_step_of_a_real_run_in_russian(client, alice, sandbox_control):
    sandbox_control.add_fault("http_500", platform="telegram", method="sendVideo", count=1)
    clip, channel = make_clip(alice, title="Закат над Невой"), demo_channel(alice)
    [result] = publish_clip(alice, clip.pk, [channel.pk])
    publication = result.publication
    run_publication(publication.pk)  # Telegram answers 500: a retry is scheduled
    publication.refresh_from_db()
    assert publication.status == Status.PUBLISHING and publication.next_attempt_at > timezone.now()
    with time_machine.travel(publication.next_attempt_at + timedelta(seconds=1)):
        run_publication(publication.pk)
    publication.refresh_from_db()
    assert publication.status == Status.PUBLISHED

    client.force_login(alice)
    page = client.get(reverse("publication_detail", args=[publication.pk])).content.decode()
    log = page[page.index("Журнал событий"):]
    steps = [
        "Запрошена публикация",
        "Обработчик начал попытку",
        "Временная ошибка: следующая попытка запланирована",
        "Telegram временно недоступен",
        "Обработчик начал попытку",
        "Платформа приняла публикацию",
        publication.remote_url,
    ]
    position = 0
    for step in steps:  # each after the one before
        position = log.index(step, position) + 1
    assert log.count("<tr>") == 1 + publication.events.count() == 6
    assert "Публикуется</span> → <strong>Опубликовано" in log
    assert "МСК" in log
    assert "Статистика недоступна" in page  # Telegram
    assert f'id="publication-{publication.pk}"' in page


def test_a_scheduled_then_cancelled_publication_says_so(client, alice):
    clip, channel = make_clip(alice), make_connection(alice)
    with time_machine.travel(datetime(2026, 3, 1, 9, 0, tzinfo=UTC), tick=False):
        at = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
        [result] = publish_clip(alice, clip.pk, [channel.pk], scheduled_at=at)
        cancel_publication(alice, result.publication.pk)
        client.force_login(alice)
        page = detail_page(client, result.publication.pk)
    assert "Запланировано на потом" in page and "на 10 марта, 18:00 МСК" in page
    assert "Запланировано</span> → <strong>Отменено" in page and "Отменено вами" in page


def test_unknown_reasons_are_shown_as_they_are(client, alice):
    vk = make_connection(alice, platform="vk", target_id="1")
    publication = published(alice, make_clip(alice), vk)
    failure = dict(from_status="publishing", to_status="failed")
    publication.events.create(**failure, reason="vk_strange_thing", message="Что-то")
    publication.events.create(**failure, reason="rutube_forbidden")
    client.force_login(alice)
    page = detail_page(client, publication.pk)
    assert "vk_strange_thing" in page and "Что-то" in page
    assert "Нет прав на публикацию" in page


def test_the_page_shows_times_attempts_errors_and_stats_snapshots(client, alice):
    connection = make_connection(alice, platform="vk", target_id="1", target_name="Моя страница")
    with time_machine.travel(datetime(2026, 3, 10, 12, 0, tzinfo=UTC), tick=False):
        publication = published(
            alice, make_clip(alice, title="Река"), connection, views=1500, likes=40, comments=3,
            reposts=2, attempts=2, stats_updated_at=timezone.now(),
        )
        for hours, views in ((1, 100), (6, 900), (24, 1500)):
            StatsSnapshot.objects.create(
                publication=publication, taken_at=timezone.now() + timedelta(hours=hours),
                views=views,
            )
        client.force_login(alice)
        page = detail_page(client, publication.pk)
    assert "Моя страница" in page and "VK Клипы" in page
    assert "сегодня, 15:00 МСК" in page  # published, in Moscow time
    assert "1\u202f500" in page and "Недавние замеры" in page
    newest_first = ["завтра, 15:00 МСК", "сегодня, 21:00 МСК", "сегодня, 16:00 МСК"]
    assert sorted(newest_first, key=page.index) == newest_first
    assert "https://vk.com/clip1_1" in page
    assert "?view=week&amp;date=2026-03-10" in page


# --- the calendar ---------------------------------------------------------------------------------


def test_the_calendar_places_items_on_their_moscow_day(client, alice, sandbox_control):
    clip, channel = make_clip(alice, title="Полночь"), demo_channel(alice)
    other = make_clip(alice, title="Вечер")
    with time_machine.travel(datetime(2026, 3, 1, 9, 0, tzinfo=UTC), tick=False):
        # 22:30 UTC on the 17th is 01:30 MSK on the 18th.
        at = datetime(2026, 3, 17, 22, 30, tzinfo=UTC)
        [late] = publish_clip(alice, clip.pk, [channel.pk], scheduled_at=at)
    with time_machine.travel(datetime(2026, 3, 15, 20, 50, tzinfo=UTC), tick=False):
        [now] = publish_clip(alice, other.pk, [channel.pk])
    with time_machine.travel(datetime(2026, 3, 15, 21, 10, tzinfo=UTC), tick=False):
        run_publication(now.publication.pk)  # published 00:10 MSK on the 16th
        assert Publication.objects.get(pk=now.publication.pk).status == Status.PUBLISHED
        client.force_login(alice)
        month = calendar_page(client, "month", "2026-03-05")
        week = calendar_page(client, "week", "2026-03-18")
        previous_week = calendar_page(client, "week", "2026-03-11")
    cells = day_cells(month)
    late_link = f"/publications/{late.publication.pk}/"
    now_link = f"/publications/{now.publication.pk}/"
    assert late_link in cells["2026-03-18"] and "01:30" in cells["2026-03-18"]
    assert late_link not in cells["2026-03-17"]
    assert now_link in cells["2026-03-16"] and "00:10" in cells["2026-03-16"]
    assert "status-scheduled" in cells["2026-03-18"] and "status-published" in cells["2026-03-16"]
    assert "platform-telegram" in cells["2026-03-18"]
    assert "Март 2026" in month and "Пн" in month
    assert 'aria-current="date"' in cells["2026-03-16"]  # today in Moscow
    week_cells = day_cells(week)
    assert list(week_cells)[0] == "2026-03-16" and len(week_cells) == 7
    assert "Полночь" in week_cells["2026-03-18"] and "01:30" in week_cells["2026-03-18"]
    assert "Вечер" in week_cells["2026-03-16"] and "00:10" in week_cells["2026-03-16"]
    assert "16–22 марта 2026" in week
    assert "Полночь" not in previous_week and "Вечер" not in previous_week


def test_failed_and_cancelled_items_sit_where_the_decision_says(client, alice):
    clip, connection = make_clip(alice), make_connection(alice)
    with time_machine.travel(datetime(2026, 3, 1, 9, 0, tzinfo=UTC), tick=False):
        at = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)
        [planned] = publish_clip(alice, clip.pk, [connection.pk], scheduled_at=at)
        cancel_publication(alice, planned.publication.pk)  # stays on the 20th, its planned slot
    with time_machine.travel(datetime(2026, 3, 4, 9, 0, tzinfo=UTC), tick=False):
        failed = Publication.objects.create(
            clip=clip, connection=connection, platform="telegram", status=Status.PUBLISHING,
            next_attempt_at=timezone.now(),
        )
        failed.claim(lease_seconds=60)
        failed.mark_failed("telegram_no_post_rights", "Нет прав")  # on the 4th, when it failed
    client.force_login(alice)
    cells = day_cells(calendar_page(client, "month", "2026-03-01"))
    assert f"/publications/{planned.publication.pk}/" in cells["2026-03-20"]
    assert "status-cancelled" in cells["2026-03-20"]
    assert f"/publications/{failed.pk}/" in cells["2026-03-04"]
    assert "status-failed" in cells["2026-03-04"]


def test_calendar_navigation_links(client, alice):
    client.force_login(alice)
    month = calendar_page(client, "month", "2026-01-31")
    assert "?view=month&amp;date=2025-12-31" in month and "?view=month&amp;date=2026-02-28" in month
    assert "?view=week&amp;date=2026-01-31" in month and "Январь 2026" in month
    week = calendar_page(client, "week", "2026-01-01")
    assert "?view=week&amp;date=2025-12-25" in week and "?view=week&amp;date=2026-01-08" in week
    assert "29 декабря 2025 – 4 января 2026" in week
    assert "23 февраля – 1 марта 2026" in calendar_page(client, "week", "2026-02-25")
    assert client.get(reverse("calendar"), {"date": "rubbish", "view": "year"}).status_code == 200


def test_the_calendar_is_one_query_for_the_range(client, alice, django_assert_max_num_queries):
    connection = make_connection(alice)
    for n in range(20):
        published(alice, make_clip(alice, title=f"Клип {n}"), connection, platform="telegram")
    client.force_login(alice)
    with django_assert_max_num_queries(6):
        page = client.get(reverse("calendar")).content.decode()
    assert page.count('class="cal-chip ') == 3  # today's cell shows three, then «+17»
    assert "+17" in page
