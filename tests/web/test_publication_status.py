"""The live status fragment: what each state says, its polling, and the cancel / retry actions."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from autopost.publishing.models import Publication, Status
from autopost.publishing.service import publish_clip
from autopost.web.publication_state import display_state
from tests.factories import make_clip, make_connection

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def empty_queue():
    HUEY.flush()
    yield
    HUEY.flush()


def scheduled(owner, minutes=60, platform="telegram") -> Publication:
    clip = make_clip(owner)
    connection = make_connection(owner, platform=platform, target_id=f"-100{clip.pk}")
    [result] = publish_clip(owner, clip.pk, [connection.pk], timezone.now() + timedelta(minutes=minutes))
    return result.publication


def claimed(owner) -> Publication:
    publication = scheduled(owner, minutes=1)
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert publication.claim(lease_seconds=120)
    return publication


def fragment(client, publication) -> str:
    return client.get(reverse("publication_status", args=[publication.pk]), **HTMX).content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_scheduled_publication_says_when_it_goes_out_in_moscow_time_and_keeps_polling(client, alice):
    publication = scheduled(alice)
    client.force_login(alice)
    html = fragment(client, publication)
    assert "Запланировано" in html and "МСК" in html and "Выйдет" in html
    # An hour ahead: asked rarely; a minute before its time: asked often.
    assert 'hx-trigger="every 30s"' in html
    with time_machine.travel(publication.scheduled_at - timedelta(seconds=50)):
        assert 'hx-trigger="every 3s"' in fragment(client, publication)
    assert "Отменить" in html and "Повторить" not in html


@pytest.mark.django_db(transaction=True)
def test_cancel_from_the_fragment_cancels_and_stops_polling(client, alice):
    publication = scheduled(alice)
    client.force_login(alice)
    response = client.post(reverse("publication_cancel", args=[publication.pk]), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "Отменено" in html and "hx-trigger" not in html
    publication.refresh_from_db()
    assert publication.status == Status.CANCELLED
    assert list(publication.events.values_list("reason", flat=True))[-1] == "cancelled_by_user"


@pytest.mark.django_db(transaction=True)
def test_a_plain_form_cancel_redirects_back_to_a_local_page_only(client, alice):
    publication = scheduled(alice)
    client.force_login(alice)
    response = client.post(reverse("publication_cancel", args=[publication.pk]), {"next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == reverse("home")


@pytest.mark.django_db(transaction=True)
def test_another_users_publication_is_not_found_for_every_action(client, alice, bob):
    publication = scheduled(alice)
    client.force_login(bob)
    for name, method in (("publication_status", client.get), ("publication_cancel", client.post),
                         ("publication_retry", client.post)):
        assert method(reverse(name, args=[publication.pk]), **HTMX).status_code == 404
    publication.refresh_from_db()
    assert publication.status == Status.SCHEDULED


@pytest.mark.django_db(transaction=True)
def test_a_failed_publication_shows_its_reason_and_retry_makes_it_live_again(client, alice):
    publication = claimed(alice)
    assert publication.mark_failed("chat_not_found", "Канал не найден: проверьте @username")
    client.force_login(alice)
    html = fragment(client, publication)
    assert "Ошибка" in html and "Канал не найден" in html and "Повторить" in html
    assert "hx-trigger" not in html
    html = client.post(reverse("publication_retry", args=[publication.pk]), **HTMX).content.decode()
    publication.refresh_from_db()
    assert publication.status == Status.PUBLISHING and publication.attempts == 0
    assert "Публикуется" in html and 'hx-trigger="every 3s"' in html


@pytest.mark.django_db(transaction=True)
def test_an_action_the_state_no_longer_allows_shows_the_reason_inside_the_fragment(client, alice):
    publication = scheduled(alice)
    assert publication.cancel()
    client.force_login(alice)
    response = client.post(reverse("publication_retry", args=[publication.pk]), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and 'role="alert"' in html
    assert "Повторить можно только публикацию с ошибкой" in html


@pytest.mark.django_db(transaction=True)
def test_a_publication_waiting_for_its_next_attempt_says_when(alice):
    publication = claimed(alice)
    next_try = timezone.now() + timedelta(minutes=15)
    assert publication.schedule_retry(next_try, "platform_unavailable", "Telegram временно недоступен")
    publication.refresh_from_db()
    state = display_state(publication)
    assert (state.key, state.when, state.can_cancel) == ("retrying", next_try, True)
    assert state.reason == "Telegram временно недоступен"


@pytest.mark.django_db(transaction=True)
def test_due_work_nobody_claimed_for_two_minutes_reads_as_delayed(alice):
    publication = scheduled(alice, minutes=1)
    publication.refresh_from_db()
    assert display_state(publication, now=publication.next_attempt_at + timedelta(seconds=30)).key == "scheduled"
    assert display_state(publication, now=publication.next_attempt_at + timedelta(minutes=3)).key == "delayed"


@pytest.mark.django_db(transaction=True)
def test_a_running_attempt_cannot_be_cancelled_from_the_ui(alice):
    publication = claimed(alice)
    publication.refresh_from_db()
    state = display_state(publication, now=publication.lease_until - timedelta(seconds=1))
    assert (state.key, state.can_cancel, state.live) == ("publishing", False, True)


@pytest.mark.django_db(transaction=True)
def test_published_telegram_says_stats_unavailable_and_vk_shows_its_numbers(client, alice):
    telegram = claimed(alice)
    assert telegram.mark_published("42", "https://t.me/autopost_demo/42")
    client.force_login(alice)
    html = fragment(client, telegram)
    assert "Опубликовано" in html and "https://t.me/autopost_demo/42" in html
    assert "Статистика недоступна" in html
    vk = scheduled(alice, minutes=1, platform="vk")
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert vk.claim(lease_seconds=120)
    assert vk.mark_published("-1_2", "https://vk.com/clip-1_2")
    Publication.objects.filter(pk=vk.pk).update(views=12345, likes=67, comments=8, stats_updated_at=timezone.now())
    html = fragment(client, vk)
    assert "12\u202f345" in html and ">67<" in html and ">8<" in html
    assert "Статистика недоступна" not in html


@pytest.mark.django_db(transaction=True)
def test_the_badge_and_the_watchdog_agree_on_what_is_delayed(alice):
    from autopost.publishing.watchdog import is_unclaimed, unclaimed_ids

    rows = [scheduled(alice, minutes=1), scheduled(alice, minutes=30), claimed(alice)]
    for minutes in (0, 2, 5, 45):
        now = timezone.now() + timedelta(minutes=minutes)
        flagged = unclaimed_ids([p.pk for p in rows], now)
        for publication in rows:
            publication.refresh_from_db()
            assert is_unclaimed(publication, now) == (publication.pk in flagged)
            assert (display_state(publication, now).key == "delayed") == (publication.pk in flagged)


@pytest.mark.django_db(transaction=True)
def test_a_fresh_post_says_when_its_first_numbers_come_instead_of_dashes(client, alice):
    vk = scheduled(alice, minutes=1, platform="vk")
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert vk.claim(lease_seconds=120)
    assert vk.mark_published("-1_2", "https://vk.com/clip-1_2")
    client.force_login(alice)
    html = fragment(client, vk)
    assert "Первые цифры — примерно через час" in html and "—</strong>" not in html
