"""The «Клипы» page in Chromium against the real web server, worker and sandbox: upload with a
progress bar, the card with its poster, the publish dialog (per-target checks, results), badges
that turn «Опубликовано» by themselves, stats, cancelling a scheduled post, a failure and its retry."""

from __future__ import annotations

import re
import shutil
from datetime import timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import httpx
import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from autopost.accounts.models import User
from autopost.connections.models import ConnectionStatus
from autopost.publishing.models import Publication, Status
from autopost.publishing.stats import refresh_connection_stats
from tests.connections.vk_flow import consent
from tests.e2e.browser.conftest import screenshot, sign_in
from tests.factories import make_clip, make_connection

EMAIL, PASSWORD = "creator@example.com", "creator-password-1"
MOBILE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 860}


@pytest.fixture
def vk_stack(stack, sandbox_control):
    """VK's sandbox processes clips in half a second, and the worker polls it quickly."""
    sandbox_control.set_vk_config(processing_s=0.5, clip_not_ready_polls=1)
    stack.env.update({"AUTOPOST_VK_CLIP_POLL_SECONDS": "0.2"})
    [worker] = stack.workers
    worker.stop()
    stack.workers.clear()
    stack.start_worker()
    return stack


@pytest.fixture
def clip_file(sample_clip, tmp_path):
    path = tmp_path / "Закат над Невой.mp4"
    shutil.copy(sample_clip, path)
    return path


def connect_vk(page, stack) -> None:
    """VK ID from the signed-in browser: our server starts it, the sandbox's consent page is
    answered «Разрешить», the browser lands on our callback."""
    page.goto("/settings/")
    token = page.locator('input[name="csrfmiddlewaretoken"]').first.input_value()
    start = page.request.post("/settings/connect/vk/", form={"csrfmiddlewaretoken": token}, max_redirects=0)
    assert start.status == 302, start.text()
    params = consent(start.headers["location"])
    page.goto("/oauth/vk/callback?" + urlencode(params))


def both_sizes(page, name: str) -> None:
    screenshot(page, f"{name}-desktop")
    page.set_viewport_size(MOBILE)
    screenshot(page, f"{name}-390")
    page.set_viewport_size(DESKTOP)


def card(page, title: str):
    return page.locator(".clip-card", has_text=title)


def open_publish_dialog(page, title: str):
    card(page, title).get_by_role("link", name="Опубликовать").click()
    dialog = page.locator("#publish-dialog")
    expect(dialog).to_be_visible()
    return dialog


def target(dialog, platform: str):
    return dialog.locator("label.target", has_text=platform).locator('input[type="checkbox"]')


def test_upload_publish_to_vk_and_telegram_and_watch_it_go_out(
    browser_page, vk_stack, sandbox_control, clip_file
):
    page = browser_page
    sign_in(page, EMAIL, PASSWORD)
    expect(page.get_by_role("heading", name="Клипы", level=1)).to_be_visible()
    expect(page.get_by_text("Пока нет клипов")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Перейти к платформам"))).to_have_attribute("href", "/settings/")
    both_sizes(page, "clips-empty")

    connect_vk(page, vk_stack)
    vk_stack.connect_demo_channel()
    creator = User.objects.get(email=EMAIL)
    make_connection(creator, platform="rutube", target_id="9", target_name="Старый Rutube",
                    status=ConnectionStatus.EXPIRED)
    page.goto("/")
    expect(page.get_by_text("сначала подключите платформы")).to_have_count(0)

    # Upload through the file chooser, throttled so the progress bar is seen moving.
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": 120 * 1024,
    })
    page.locator('#upload-form input[type="file"]').set_input_files(clip_file)
    progress = page.locator(".upload-progress progress")
    expect(progress).to_be_visible()
    expect(page.locator(".upload-name")).to_have_text("Закат над Невой.mp4")
    expect(page.locator(".upload-percent")).to_have_text(re.compile(r"^[1-9]\d? %$"))
    both_sizes(page, "clips-uploading")
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1,
    })

    clip_card = card(page, "Закат над Невой")
    expect(clip_card).to_be_visible(timeout=30_000)
    expect(page.locator(".upload-percent")).to_have_text("✓ Загружено")
    expect(progress).to_have_attribute("value", "100")
    expect(page.get_by_text("Пока нет клипов")).to_have_count(0)
    expect(clip_card.locator(".clip-facts")).to_contain_text(re.compile(r"0:02 · \d+,\d\s(КБ|МБ) · 720×1280"))
    poster = clip_card.locator(".clip-poster img")
    expect(poster).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalHeight === 480", arg=poster.element_handle())

    # The dialog checks every target before anything is sent.
    dialog = open_publish_dialog(page, "Закат над Невой")
    expired = dialog.locator("label.target", has_text="Старый Rutube")
    expect(expired).to_contain_text("Токен истёк — переподключить")
    expect(expired.locator("input")).to_be_disabled()
    expect(expired.get_by_role("link", name="переподключить")).to_have_attribute("href", "/settings/")
    expect(dialog.get_by_role("radio", name="Сейчас")).to_be_checked()
    expect(dialog.get_by_role("combobox", name="Часовой пояс")).to_have_value("Europe/Moscow")
    target(dialog, "VK").check()
    target(dialog, "Telegram").check()
    both_sizes(page, "clips-publish-dialog")

    dialog.get_by_role("button", name="Опубликовать").click()
    results = dialog.locator(".publish-result")
    expect(results).to_have_count(2)
    expect(dialog.locator(".result-error")).to_have_count(0)
    both_sizes(page, "clips-publish-results")
    dialog.get_by_role("button", name="Готово").click()
    expect(dialog).to_be_hidden()

    # The card already lists both publications; their badges turn «Опубликовано» by themselves.
    statuses = clip_card.locator(".pubstatus")
    expect(statuses).to_have_count(2)
    expect(clip_card.locator('.pubstatus[data-state="published"]')).to_have_count(2, timeout=60_000)
    expect(clip_card.locator(".badge.status-published")).to_have_text(["Опубликовано", "Опубликовано"])
    links = {p.platform: p.remote_url for p in Publication.objects.filter(status=Status.PUBLISHED)}
    [vk_video] = sandbox_control.vk_videos()
    [message] = sandbox_control.telegram_messages()
    # The links are the platforms' own post addresses (on the sandbox's sites) for what it received,
    # and each «Открыть пост» opens that post's page, which shows the clip's caption.
    assert links["vk"] == f"{settings.VK_WEB_URL}/clip{vk_video['owner_id']}_{vk_video['video_id']}"
    assert links["telegram"].endswith(f"/{message['message_id']}")
    for platform, url in links.items():
        link = clip_card.locator(f".pubstatus:has(.platform-{platform}) a", has_text="Открыть пост")
        expect(link).to_have_attribute("href", url)
        post = httpx.get(link.get_attribute("href"), timeout=10)
        assert post.status_code == 200, (platform, url)
        assert "<h1>Закат над Невой</h1>" in post.text, post.text
    expect(clip_card.locator(".pubstatus:has(.platform-telegram)")).to_contain_text("Статистика недоступна")

    # The stats collector runs (as if an hour later); the card's totals follow without a reload.
    vk_publication = Publication.objects.get(platform="vk")
    sandbox_control.set_vk_video_counters(vk_video["owner_id"], vk_video["video_id"], views=1234, likes=56, comments=7)
    Publication.objects.filter(pk=vk_publication.pk).update(published_at=timezone.now() - timedelta(hours=2))
    assert refresh_connection_stats(vk_publication.connection_id).updated == 1
    totals = clip_card.locator(".clip-totals")
    expect(totals).to_contain_text("1\u202f234", timeout=15_000)
    expect(totals).to_contain_text("56")
    both_sizes(page, "clips-published")

    # Another person's clip and poster do not exist for this one.
    stranger = User.objects.create_user("stranger@example.com", "stranger-password-1")
    theirs = make_clip(stranger, title="Чужой клип")
    for url in (f"/clips/{theirs.pk}/", f"/clips/{theirs.pk}/poster.jpg", f"/clips/{theirs.pk}/publish"):
        assert page.request.get(url).status == 404, url


def test_a_drop_that_is_not_a_video_is_refused_inline_and_nothing_appears(browser_page, stack):
    page = browser_page
    sign_in(page, EMAIL, PASSWORD)
    # A real drop: a DataTransfer carrying a file, dispatched on the zone as the browser does.
    page.locator("#upload-form").evaluate("""zone => {
        const data = new DataTransfer();
        data.items.add(new File(["just some notes, not a video"], "notes.mp4", {type: "video/mp4"}));
        for (const type of ["dragenter", "dragover", "drop"]) {
            zone.dispatchEvent(new DragEvent(type, {bubbles: true, cancelable: true, dataTransfer: data}));
        }
    }""")
    expect(page.locator(".upload-error")).to_have_text("notes.mp4: Файл не похож на видео (MP4, MOV, WebM)")
    expect(page.locator(".clip-card")).to_have_count(0)
    expect(page.get_by_text("Пока нет клипов")).to_be_visible()


def test_schedule_for_later_then_cancel_and_nothing_is_sent(browser_page, stack, sandbox_control, sample_clip):
    page = browser_page
    stack.connect_demo_channel()
    stack.upload_clip(sample_clip, title="Вечерний клип")
    sign_in(page, EMAIL, PASSWORD)

    dialog = open_publish_dialog(page, "Вечерний клип")
    target(dialog, "Telegram").check()
    dialog.get_by_role("radio", name="Запланировать").check()
    moment = (timezone.now() + timedelta(hours=2)).astimezone(ZoneInfo("Europe/Moscow"))
    dialog.get_by_label("Дата и время").fill(moment.strftime("%Y-%m-%dT%H:%M"))
    dialog.get_by_role("button", name="Опубликовать").click()
    expect(dialog.locator(".publish-summary")).to_contain_text(f"Выйдет {_day(moment)}, {moment:%H:%M} МСК")
    dialog.get_by_role("button", name="Готово").click()

    status = card(page, "Вечерний клип").locator(".pubstatus")
    expect(status.locator(".badge")).to_have_text("Запланировано")
    expect(status).to_contain_text(f"{moment:%H:%M} МСК")
    status.get_by_role("button", name="Отменить").click()
    expect(status.locator(".badge")).to_have_text("Отменено")

    publication = Publication.objects.get()
    assert publication.status == Status.CANCELLED and publication.attempts == 0
    assert "attempt_started" not in set(publication.events.values_list("reason", flat=True))
    assert sandbox_control.telegram_messages() == []


def _day(moment) -> str:
    today = timezone.now().astimezone(moment.tzinfo).date()
    return "сегодня" if moment.date() == today else "завтра"


def test_a_failed_publication_shows_the_reason_and_retry_publishes_it(browser_page, stack, sandbox_control, sample_clip):
    page = browser_page
    stack.connect_demo_channel()
    stack.upload_clip(sample_clip, title="Клип с ошибкой")
    # Telegram answers 500 to the first attempt and all three retries: the publication fails.
    sandbox_control.add_fault(platform="telegram", method="sendVideo", kind="http_500", count=4)
    sign_in(page, EMAIL, PASSWORD)

    dialog = open_publish_dialog(page, "Клип с ошибкой")
    target(dialog, "Telegram").check()
    dialog.get_by_role("button", name="Опубликовать").click()
    expect(dialog.locator(".publish-result")).to_have_count(1)
    dialog.get_by_role("button", name="Готово").click()

    status = card(page, "Клип с ошибкой").locator(".pubstatus")
    expect(status.locator(".badge")).to_have_text("Ошибка", timeout=40_000)
    reason = Publication.objects.get().last_error_message
    assert reason
    expect(status.locator(".error")).to_have_text(reason)
    both_sizes(page, "clips-failed")

    status.get_by_role("button", name="Повторить").click()
    expect(status.locator(".badge")).to_have_text("Опубликовано", timeout=30_000)
    assert len(sandbox_control.telegram_messages()) == 1
