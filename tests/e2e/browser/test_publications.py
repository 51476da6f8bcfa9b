import re
from datetime import datetime, timedelta, timezone

from playwright.sync_api import expect

from tests.e2e.browser.conftest import screenshot, sign_in


def test_publications_list_detail_and_calendar(browser_page, stack, sandbox_control, sample_clip):
    page = browser_page
    sign_in(page, "creator@example.com", "creator-password-1")
    nav = page.get_by_role("navigation", name=re.compile("Главная|Main"))
    nav.get_by_role("link", name="Публикации").click()
    expect(page.get_by_role("heading", name="Публикаций пока нет")).to_be_visible()
    screenshot(page, "publications-empty")

    channel = stack.connect_demo_channel()
    clip = stack.upload_clip(sample_clip, title="Закат над Невой")
    later = (datetime.now(timezone.utc) + timedelta(hours=3)).isoformat()
    morning = stack.upload_clip(sample_clip, title="Утро в Петергофе")
    [scheduled] = stack.publish(morning["id"], [channel["id"]], later)
    # Telegram takes its time with this upload, so the page first shows the clip on its way.
    sandbox_control.add_fault(platform="telegram", method="sendVideo", kind="delay", delay_s=8)
    [result] = stack.publish(clip["id"], [channel["id"]])
    publication_id = result["publication"]["id"]

    page.reload()
    page.evaluate("window.notReloaded = true")
    row = page.locator(f"#publication-{publication_id}")
    expect(row.locator(".badge")).to_have_text(re.compile("Публикуется|Повтор"))
    scheduled_badge = page.locator(f"#publication-{scheduled['publication']['id']} .badge")
    expect(scheduled_badge).to_have_text("Запланировано")
    screenshot(page, "publications-list-live")
    expect(row.locator(".badge")).to_have_text("Опубликовано", timeout=30_000)
    assert page.evaluate("window.notReloaded") is True  # the fragment updated itself
    screenshot(page, "publications-list")

    page.get_by_label("Платформа").select_option("vk")
    expect(page.get_by_role("heading", name="Нет публикаций с такими фильтрами")).to_be_visible()
    expect(page).to_have_url(re.compile(r"platform=vk"))
    page.get_by_label("Платформа").select_option("telegram")
    page.get_by_label("Статус").select_option("published")
    expect(page).to_have_url(re.compile(r"status=published"))
    expect(page.locator("table.publist tbody tr")).to_have_count(1)
    expect(page.locator("table.publist tbody td").nth(4)).to_have_text("Статистика недоступна")
    assert page.evaluate("window.notReloaded") is True  # filtered by htmx, no page load
    screenshot(page, "publications-filtered")

    page.get_by_role("link", name=re.compile("Подробнее")).click()
    expect(page).to_have_url(re.compile(rf"/publications/{publication_id}/$"))
    log = page.locator("table.eventlog")
    expect(log).to_contain_text("Запрошена публикация")
    expect(log).to_contain_text("Обработчик начал попытку")
    expect(log).to_contain_text("Платформа приняла публикацию")
    expect(log.locator("tbody tr")).to_have_count(3)
    screenshot(page, "publication-detail")

    page.goto("/publications/calendar/")
    chip = page.locator(f'a.cal-chip[href="/publications/{publication_id}/"]')
    expect(chip).to_be_visible()
    expect(chip).to_have_class(re.compile("status-published"))
    screenshot(page, "calendar-month")
    page.get_by_role("link", name="Неделя").click()
    expect(page).to_have_url(re.compile(r"view=week"))
    expect(chip).to_contain_text("Закат над Невой")
    screenshot(page, "calendar-week")
    chip.click()
    expect(page).to_have_url(re.compile(rf"/publications/{publication_id}/$"))

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/publications/")
    expect(page.locator(f"#publication-{publication_id} .badge")).to_have_text("Опубликовано")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    screenshot(page, "publications-list-390")
    page.goto("/publications/calendar/")
    expect(chip).to_be_visible()
    screenshot(page, "calendar-month-390")
