"""The «Клипы» page: upload, cards, the publish dialog and its results, posters, the change poll."""

import io
import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from autopost.accounts.plans import Plan
from autopost.clips.models import Clip
from autopost.clips.service import create_clip
from autopost.connections.models import ConnectionStatus
from autopost.publishing.models import Publication, Status
from autopost.web.schedule import ScheduleError, parse_schedule
from tests.factories import make_clip, make_connection

MB = 1024 * 1024
HTMX = {"HTTP_HX_REQUEST": "true"}
XHR = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}

pytestmark = pytest.mark.usefixtures("media_root")


@pytest.fixture
def signed_in(client, alice):
    client.force_login(alice)
    return client


def stored_files(user) -> list[str]:
    folder = f"clips/{user.pk}"
    return default_storage.listdir(folder)[1] if default_storage.exists(folder) else []


def upload(client, name: str, payload: bytes, headers=None, **fields):
    file = SimpleUploadedFile(name, payload, content_type="video/mp4")
    return client.post(reverse("clip_upload"), {"file": file, **fields}, **(headers or {}))


def text(response) -> str:
    return re.sub(r"[ \t\r\n]+", " ", response.content.decode())


# --- the page ---------------------------------------------------------------------------------
def test_an_empty_page_says_how_to_upload_and_to_connect_platforms_first(signed_in):
    page = text(signed_in.get(reverse("home")))
    assert "Перетащите видео сюда" in page and 'type="file"' in page
    assert "Пока нет клипов" in page
    assert "Чтобы публиковать, сначала подключите платформы" in page and reverse("settings") in page


def test_the_connect_hint_goes_once_a_platform_is_connected(signed_in, alice):
    make_connection(alice)
    assert "сначала подключите платформы" not in text(signed_in.get(reverse("home")))


def test_a_card_shows_poster_duration_size_resolution_and_publish(signed_in, alice):
    clip = make_clip(alice, title="Закат над Невой", payload=b"x" * (3 * MB), duration=42.4)
    page = text(signed_in.get(reverse("home")))
    assert "Закат над Невой" in page
    assert reverse("clip_poster", args=[clip.pk]) in page
    assert "0:42" in page and "3,0\xa0МБ" in page and "720×1280" in page
    assert reverse("clip_publish", args=[clip.pk]) in page and "Опубликовать" in page


def test_totals_across_platforms_and_no_stats_for_telegram(signed_in, alice):
    clip = make_clip(alice)
    vk = make_connection(alice, platform="vk", target_id="1", target_name="Моя страница")
    for connection, views in ((vk, 1200), (make_connection(alice, platform="rutube", target_id="7"), 34)):
        Publication.objects.create(clip=clip, connection=connection, platform=connection.platform,
                                   status=Status.PUBLISHED, remote_url="https://vk.com/clip1_2",
                                   views=views, likes=5, comments=1, published_at=timezone.now(),
                                   stats_updated_at=timezone.now())
    Publication.objects.create(clip=clip, connection=make_connection(alice), platform="telegram",
                               status=Status.PUBLISHED, published_at=timezone.now())
    page = text(signed_in.get(reverse("home")))
    assert "Всего на всех платформах" in page
    assert "1\u202f234" in page  # 1200 + 34 views
    assert "Статистика недоступна" in page


def test_a_clip_published_only_to_telegram_shows_no_totals(signed_in, alice):
    Publication.objects.create(clip=make_clip(alice), connection=make_connection(alice), platform="telegram",
                               status=Status.PUBLISHED, published_at=timezone.now())
    page = text(signed_in.get(reverse("home")))
    assert "Статистика недоступна" in page and "Всего на всех платформах" not in page


# --- upload -----------------------------------------------------------------------------------
def test_the_drop_zone_upload_answers_with_the_new_card(signed_in, alice, video_bytes):
    response = upload(signed_in, "Закат над Невой.mp4", video_bytes, XHR)

    assert response.status_code == 201
    clip = Clip.objects.get(owner=alice)
    assert clip.title == "Закат над Невой"  # the file name, without its extension
    assert clip.poster_key and default_storage.exists(clip.poster_key)
    card = text(response)
    assert card.startswith(f'<article class="card clip-card" id="clip-{clip.pk}"')
    assert "0:02" in card and "360×640" in card and reverse("clip_poster", args=[clip.pk]) in card


def test_the_plain_form_works_without_javascript(signed_in, alice, video_bytes):
    response = upload(signed_in, "a.mp4", video_bytes, title="Мой заголовок")
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert Clip.objects.get(owner=alice).title == "Мой заголовок"
    assert "Клип «Мой заголовок» загружен" in text(signed_in.get(reverse("home")))


@pytest.mark.parametrize("headers", [XHR, {}], ids=["drop zone", "plain form"])
def test_a_file_that_is_not_a_video_is_refused_in_russian_and_nothing_is_created(signed_in, alice, headers):
    response = upload(signed_in, "notes.mp4", b"just some text, not a video" * 50, headers)

    message = "Файл не похож на видео (MP4, MOV, WebM)"
    if headers:
        assert response.status_code == 400 and response.json() == {"code": "not_a_video", "message": message}
    else:
        assert message in text(signed_in.get(response["Location"]))
    assert not Clip.objects.exists() and stored_files(alice) == []


def test_a_file_over_the_limit_is_refused_in_russian_and_nothing_is_created(signed_in, alice, settings, video_bytes):
    settings.AUTOPOST_MAX_CLIP_BYTES = MB
    response = upload(signed_in, "big.mp4", video_bytes + b"\0" * MB, XHR)
    assert response.status_code == 413
    assert response.json()["message"] == "Файл слишком большой (максимум 1 МБ)"
    assert not Clip.objects.exists() and stored_files(alice) == []


def test_an_upload_without_a_file_says_so(signed_in):
    response = signed_in.post(reverse("clip_upload"), {}, **XHR)
    assert response.status_code == 400 and response.json()["message"] == "Выберите видеофайл для загрузки"


def test_the_page_tells_the_drop_zone_the_size_limit(signed_in, settings):
    settings.AUTOPOST_MAX_CLIP_BYTES = 2 * MB
    page = text(signed_in.get(reverse("home")))
    assert f'data-max-bytes="{2 * MB}"' in page and "Файл слишком большой (максимум 2,0\xa0МБ)" in page


# --- posters and owner scoping ----------------------------------------------------------------
def test_the_poster_is_a_cacheable_private_jpeg(signed_in, alice, video_bytes):
    clip = create_clip(alice, io.BytesIO(video_bytes), filename="a.mp4", title="A")
    response = signed_in.get(reverse("clip_poster", args=[clip.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    assert "private" in response["Cache-Control"] and "max-age=2592000" in response["Cache-Control"]


def test_an_older_clip_gets_its_poster_when_the_card_asks(signed_in, alice, video_bytes):
    clip = make_clip(alice, payload=video_bytes, duration=2.0)
    assert signed_in.get(reverse("clip_poster", args=[clip.pk])).status_code == 200
    assert Clip.objects.get(pk=clip.pk).poster_key


def test_a_clip_that_cannot_give_a_poster_is_404_and_the_card_still_renders(signed_in, alice):
    clip = make_clip(alice, payload=b"not a video")
    assert signed_in.get(reverse("clip_poster", args=[clip.pk])).status_code == 404
    assert signed_in.get(reverse("clip_detail", args=[clip.pk])).status_code == 200


@pytest.mark.parametrize("name", ["clip_detail", "clip_poster", "clip_publish"])
def test_another_persons_clip_is_not_found(signed_in, bob, video_bytes, name):
    theirs = create_clip(bob, io.BytesIO(video_bytes), filename="b.mp4", title="Чужой")
    assert signed_in.get(reverse(name, args=[theirs.pk])).status_code == 404
    assert signed_in.get(reverse(name, args=[theirs.pk]), **HTMX).status_code == 404


def test_publishing_another_persons_clip_is_not_found_and_creates_nothing(signed_in, alice, bob):
    theirs = make_clip(bob)
    response = signed_in.post(reverse("clip_publish", args=[theirs.pk]),
                              {"targets": [make_connection(alice).pk], "when": "now"}, **HTMX)
    assert response.status_code == 404 and not Publication.objects.exists()


def test_the_detail_page_shows_the_card_and_the_description(signed_in, alice):
    clip = make_clip(alice, title="Закат", description="Снято на телефон", original_filename="sunset.mp4")
    page = text(signed_in.get(reverse("clip_detail", args=[clip.pk])))
    assert f'id="clip-{clip.pk}"' in page and "Снято на телефон" in page and "sunset.mp4" in page


def test_pages_need_a_sign_in(client, alice):
    clip = make_clip(alice)
    for url in (reverse("clip_detail", args=[clip.pk]), reverse("clip_poster", args=[clip.pk]),
                reverse("clip_publish", args=[clip.pk]), reverse("clip_changes")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- the publish dialog -----------------------------------------------------------------------
def dialog(client, clip) -> str:
    response = client.get(reverse("clip_publish", args=[clip.pk]), **HTMX)
    assert response.status_code == 200
    return text(response)


def checkbox(page: str, connection) -> str:
    return re.search(rf'<input type="checkbox" name="targets" value="{connection.pk}"[^>]*>', page).group(0)


def test_the_dialog_offers_each_connection_with_its_platform_and_target(signed_in, alice):
    vk = make_connection(alice, platform="vk", target_id="1", target_name="Моя страница")
    telegram = make_connection(alice, target_name="Канал о закатах")
    make_connection(alice, platform="rutube", target_id="9", status=ConnectionStatus.REVOKED)
    page = dialog(signed_in, make_clip(alice))
    assert "Моя страница" in page and "Канал о закатах" in page
    assert "disabled" not in checkbox(page, vk) and "disabled" not in checkbox(page, telegram)
    assert 'value="rutube"' not in page and page.count('name="targets"') == 2
    assert 'value="now" checked' in page
    assert '<option value="Europe/Moscow" selected>Москва, МСК</option>' in page


def test_a_file_too_large_for_telegram_is_disabled_with_the_reason(signed_in, alice):
    telegram = make_connection(alice)
    vk = make_connection(alice, platform="vk", target_id="1")
    page = dialog(signed_in, make_clip(alice, size=51 * MB))
    assert "disabled" in checkbox(page, telegram) and "disabled" not in checkbox(page, vk)
    assert "Файл слишком большой для Telegram (максимум 50 МБ)" in page


def test_a_platform_the_plan_does_not_allow_is_disabled_with_the_reason(signed_in, alice):
    alice.plan = Plan.START
    alice.save()
    telegram = make_connection(alice)
    vk = make_connection(alice, platform="vk", target_id="1")
    page = dialog(signed_in, make_clip(alice))
    assert "disabled" in checkbox(page, telegram) and "disabled" not in checkbox(page, vk)
    assert "Ваш тариф не включает публикацию в Telegram: перейдите на тариф Pro" in page


def test_an_expired_connection_says_reconnect_with_a_link(signed_in, alice):
    expired = make_connection(alice, status=ConnectionStatus.EXPIRED)
    page = dialog(signed_in, make_clip(alice))
    assert "disabled" in checkbox(page, expired)
    assert f'Токен истёк — <a href="{reverse("settings")}">переподключить</a>' in page


def test_a_target_already_publishing_this_clip_is_disabled(signed_in, alice):
    clip, telegram = make_clip(alice), make_connection(alice)
    Publication.objects.create(clip=clip, connection=telegram, platform="telegram", status=Status.SCHEDULED,
                               scheduled_at=timezone.now(), next_attempt_at=timezone.now())
    page = dialog(signed_in, clip)
    assert "disabled" in checkbox(page, telegram)
    assert "Этот клип уже публикуется или запланирован в этот канал" in page


def test_without_connections_the_dialog_links_to_the_platforms_page(signed_in, alice):
    page = dialog(signed_in, make_clip(alice))
    assert "Пока не подключено ни одной платформы" in page and reverse("settings") in page


def test_without_javascript_the_dialog_is_a_page(signed_in, alice):
    clip = make_clip(alice, title="Закат")
    page = text(signed_in.get(reverse("clip_publish", args=[clip.pk])))
    assert "<html" in page and "Опубликовать «Закат»" in page and 'method="post"' in page


def publish(client, clip, **data):
    response = client.post(reverse("clip_publish", args=[clip.pk]), data, **HTMX)
    assert response.status_code == 200
    return text(response)


def test_publish_now_shows_one_line_per_target_and_refreshes_the_card(signed_in, alice):
    clip, telegram = make_clip(alice), make_connection(alice)
    page = publish(signed_in, clip, targets=[telegram.pk], when="now")
    publication = Publication.objects.get()
    assert publication.status == Status.PUBLISHING and publication.scheduled_at is None
    assert f'id="publication-{publication.pk}"' in page and "Публикуется" in page
    # The card's list is swapped out of band, so the new publication shows on it at once.
    assert f'id="clip-{clip.pk}-publications" hx-swap-oob="true"' in page


def test_one_targets_error_does_not_hide_the_others_success(signed_in, alice):
    clip = make_clip(alice, size=51 * MB)
    telegram = make_connection(alice, target_name="Канал о закатах")
    vk = make_connection(alice, platform="vk", target_id="1", target_name="Моя страница")
    page = publish(signed_in, clip, targets=[telegram.pk, vk.pk], when="now")

    [publication] = Publication.objects.all()
    assert publication.connection == vk
    assert f'id="publication-{publication.pk}"' in page
    assert "Не опубликовано" in page and "Файл слишком большой для Telegram (максимум 50 МБ)" in page
    assert "Часть целей отказала (причины ниже), остальные уже в пути" in page
    results = page.index('class="publish-results"')
    assert page.index("Канал о закатах", results) < page.index(f'id="publication-{publication.pk}"')


def test_an_expired_connection_in_the_results_links_to_reconnect(signed_in, alice):
    expired = make_connection(alice, status=ConnectionStatus.EXPIRED)
    page = publish(signed_in, make_clip(alice), targets=[expired.pk], when="now")
    assert "Токен истёк, переподключите платформу — " in page and "Ничего не опубликовано" in page
    assert not Publication.objects.exists()


def test_no_target_chosen_keeps_the_dialog_open_with_an_error(signed_in, alice):
    make_connection(alice)
    page = publish(signed_in, make_clip(alice), when="now")
    assert "Выберите хотя бы одну платформу" in page and 'name="targets"' in page
    assert not Publication.objects.exists()


@pytest.fixture
def at_noon_utc(client, alice):
    """1 January 2030, 12:00 UTC (15:00 in Moscow), signed in then (sessions expire)."""
    with time_machine.travel(datetime(2030, 1, 1, 12, 0, tzinfo=UTC), tick=False):
        client.force_login(alice)
        yield client


def test_a_scheduled_time_is_read_in_moscow_by_default(at_noon_utc, alice):
    signed_in = at_noon_utc
    telegram = make_connection(alice)
    page = publish(signed_in, make_clip(alice), targets=[telegram.pk], when="later", scheduled_at="2030-01-01T18:00")
    publication = Publication.objects.get()
    assert publication.status == Status.SCHEDULED
    assert publication.scheduled_at == datetime(2030, 1, 1, 15, 0, tzinfo=UTC)
    assert "Выйдет сегодня, 18:00 МСК" in page


def test_a_scheduled_time_is_read_in_the_chosen_zone(at_noon_utc, alice):
    signed_in = at_noon_utc
    telegram = make_connection(alice)
    page = publish(signed_in, make_clip(alice), targets=[telegram.pk], when="later",
                   scheduled_at="2030-01-01T18:00", tz="Asia/Yekaterinburg")
    assert Publication.objects.get().scheduled_at == datetime(2030, 1, 1, 13, 0, tzinfo=UTC)
    assert "сегодня, 18:00 UTC+05" in page


def test_a_time_in_the_past_is_refused_clearly_and_the_choices_are_kept(at_noon_utc, alice):
    signed_in = at_noon_utc
    telegram = make_connection(alice)
    page = publish(signed_in, make_clip(alice), targets=[telegram.pk], when="later",
                   scheduled_at="2030-01-01T14:59", tz="Europe/Moscow")  # 11:59 UTC
    assert "Время публикации уже прошло: выберите время в будущем" in page
    assert "checked" in checkbox(page, telegram) and 'value="later" checked' in page
    assert 'value="2030-01-01T14:59"' in page
    assert not Publication.objects.exists()


def test_an_unreadable_time_is_refused(signed_in, alice):
    telegram = make_connection(alice)
    page = publish(signed_in, make_clip(alice), targets=[telegram.pk], when="later", scheduled_at="завтра")
    assert "Дата и время указаны неверно" in page and not Publication.objects.exists()


def test_schedule_parsing():
    moscow = parse_schedule("later", "2030-06-01T18:00")
    assert moscow == datetime(2030, 6, 1, 15, 0, tzinfo=UTC)
    assert parse_schedule("later", "2030-06-01T18:00", "UTC") == datetime(2030, 6, 1, 18, 0, tzinfo=UTC)
    assert parse_schedule("later", "2030-06-01T18:00:30", "Asia/Vladivostok") == datetime(2030, 6, 1, 8, 0, 30, tzinfo=UTC)
    assert parse_schedule("now", "2030-06-01T18:00") is None
    for when, value, zone in (("later", "", "Europe/Moscow"), ("later", "18:00", "Europe/Moscow"),
                              ("later", "2030-06-01T18:00", "Mars/Olympus")):
        with pytest.raises(ScheduleError):
            parse_schedule(when, value, zone)


def test_without_javascript_the_results_are_a_page(signed_in, alice):
    telegram = make_connection(alice)
    clip = make_clip(alice)
    response = signed_in.post(reverse("clip_publish", args=[clip.pk]), {"targets": [telegram.pk], "when": "now"})
    page = text(response)
    assert "<html" in page and "К клипам" in page and "hx-swap-oob" not in page


# --- the change poll --------------------------------------------------------------------------
def test_the_poll_answers_204_when_nothing_changed(signed_in, alice):
    make_clip(alice)
    response = signed_in.get(reverse("clip_changes"), {"since": timezone.now().isoformat()}, **HTMX)
    assert response.status_code == 204


def test_the_poll_brings_publications_made_elsewhere_onto_their_card(signed_in, alice, bob):
    mine, theirs = make_clip(alice), make_clip(bob)
    since = timezone.now()
    for clip, owner in ((mine, alice), (theirs, bob)):
        Publication.objects.create(clip=clip, connection=make_connection(owner), platform="telegram",
                                   status=Status.PUBLISHING, next_attempt_at=timezone.now())
    response = signed_in.get(reverse("clip_changes"), {"since": since.isoformat()}, **HTMX)
    page = text(response)
    assert response.status_code == 200
    assert f'id="clip-{mine.pk}-publications" hx-swap-oob="true"' in page and "Публикуется" in page
    assert f"clip-{theirs.pk}-" not in page
    # The next poll starts after what was just sent.
    assert 'id="clip-changes"' in page
    next_since = re.search(r"since=([^\"&]+)", page).group(1)
    again = signed_in.get(reverse("clip_changes") + "?since=" + next_since, **HTMX)
    assert again.status_code == 204
