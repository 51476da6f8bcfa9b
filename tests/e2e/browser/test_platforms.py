"""The «Платформы» page in Chromium against the real web server, worker and sandbox platforms:
sign up, plan gating, VK ID consent, Telegram with its help, the expired state, and disconnect
through its confirmation dialog."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from autopost.accounts.models import User
from autopost.accounts.plans import Plan
from autopost.connections.models import ConnectionStatus, PlatformConnection
from autopost.sandbox import demo
from tests.e2e.browser.conftest import ARTIFACTS, screenshot, sign_in

NEW_EMAIL = "new.creator@example.com"
MOBILE = {"width": 390, "height": 844}


def platform_card(page, slug: str):
    return page.locator(f"#platform-{slug}")


def screenshot_viewport(page, name: str) -> None:
    """A modal dialog is drawn over the viewport, so a full-page shot would show the page under it."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def set_plan(email: str, plan: str, page) -> None:
    """What the operator does in the admin (there is no billing); the page shows it on reload."""
    User.objects.filter(email=email).update(plan=plan)
    page.reload()


def test_sign_up_then_connect_vk_through_its_consent_page_and_telegram(browser_page, stack, sandbox_control):
    page = browser_page
    page.goto("/login/")
    screenshot(page, "sign-in")
    page.get_by_role("link", name="Создать аккаунт").click()
    expect(page.get_by_role("heading", name="Регистрация")).to_be_visible()
    page.get_by_label("E-mail").fill(NEW_EMAIL)
    page.get_by_label("Пароль", exact=True).fill("a-long-new-password-7")
    page.get_by_label("Подтверждение пароля").fill("a-long-new-password-7")
    screenshot(page, "sign-up")
    page.get_by_role("button", name="Создать аккаунт").click()

    # Signed in on the Free plan: every card explains the plan instead of offering a dead button.
    expect(page).to_have_url(re.compile(r"/settings/$"))
    expect(page.locator(".usernav .plan")).to_have_text("Тариф: Free")
    expect(page.locator(".plan-summary")).to_contain_text("Тариф Free не позволяет публиковать")
    expect(page.locator(".plan-summary")).to_contain_text("обратитесь к администратору")
    expect(page.locator(".platform-card form")).to_have_count(0)
    expect(page.locator(".platform-card .plan-note")).to_have_count(4)
    screenshot(page, "platforms-free")

    set_plan(NEW_EMAIL, Plan.START, page)
    expect(platform_card(page, "vk").get_by_role("button", name="Подключить через VK ID")).to_be_visible()
    for slug in ("telegram", "rutube", "dzen"):
        expect(platform_card(page, slug)).to_contain_text("Недоступно на тарифе Start.")
        expect(platform_card(page, slug).get_by_role("button")).to_have_count(0)
    screenshot(page, "platforms-start")

    set_plan(NEW_EMAIL, Plan.PRO, page)
    expect(page.locator(".plan-summary")).to_have_count(0)
    expect(page.locator(".platform-card .badge", has_text="Не подключено")).to_have_count(4)
    screenshot(page, "platforms-empty")

    telegram = platform_card(page, "telegram")
    telegram.get_by_text("Как получить токен бота и сделать бота администратором канала").click()
    expect(telegram.locator(".steps li")).to_have_count(4)
    expect(telegram.locator(".steps")).to_contain_text("Публикация сообщений")
    screenshot(page, "telegram-help")

    # VK ID: the sandbox's consent page, «Разрешить», back here connected.
    platform_card(page, "vk").get_by_role("button", name="Подключить через VK ID").click()
    expect(page.get_by_text("запрашивает доступ")).to_be_visible()
    page.get_by_role("button", name="Разрешить").click()
    expect(page).to_have_url(re.compile(r"/settings/$"))
    expect(page.locator(".alert-success")).to_have_text(
        f"VK Клипы подключён: {demo.VK_USER_FIRST_NAME} {demo.VK_USER_LAST_NAME}"
    )
    vk = platform_card(page, "vk")
    expect(vk.locator(".card-head .badge")).to_have_text("Подключено")
    vk.get_by_label("Куда публиковать").select_option(label=f"{demo.VK_GROUP_NAME} (сообщество)")
    vk.get_by_role("button", name="Сохранить").click()
    expect(page.locator(".alert-success")).to_have_text("Настройки сохранены")
    expect(vk.locator(".connection-target")).to_contain_text(demo.VK_GROUP_NAME)

    telegram.get_by_label("Токен бота").fill(demo.TELEGRAM_BOT_TOKEN)
    telegram.get_by_label("Канал").fill(demo.TELEGRAM_CHANNEL)
    telegram.get_by_role("button", name="Подключить Telegram").click()
    expect(page.locator(".alert-success")).to_have_text(f"Telegram подключён: {demo.TELEGRAM_CHANNEL_TITLE}")
    expect(telegram.locator(".connection-target")).to_contain_text(f"через @{demo.TELEGRAM_BOT_USERNAME}")
    screenshot(page, "platforms-connected")
    page.set_viewport_size(MOBILE)
    screenshot(page, "platforms-connected-390")

    owner = User.objects.get(email=NEW_EMAIL)
    assert sorted(owner.connections.values_list("platform", "target_id")) == [
        ("telegram", str(demo.TELEGRAM_CHANNEL_ID)), ("vk", f"-{demo.VK_GROUP_ID}"),
    ]


def test_a_wrong_telegram_channel_is_explained_under_its_field(browser_page, stack, sandbox_control):
    page = browser_page
    sign_in(page, "creator@example.com", "creator-password-1")
    page.goto("/settings/")
    telegram = platform_card(page, "telegram")
    telegram.get_by_label("Токен бота").fill(demo.TELEGRAM_BOT_TOKEN)
    telegram.get_by_label("Канал").fill(demo.TELEGRAM_READONLY_CHANNEL)
    telegram.get_by_role("button", name="Подключить Telegram").click()

    channel = telegram.get_by_label("Канал")
    expect(channel).to_have_attribute("aria-invalid", "true")
    expect(channel).to_have_value(demo.TELEGRAM_READONLY_CHANNEL)
    expect(telegram.get_by_label("Токен бота")).to_have_value("")
    expect(telegram.locator("#telegram-channel_error")).to_have_text(
        "Бот не администратор канала: выдайте ему права администратора"
    )
    screenshot(page, "platforms-telegram-error")


def test_disconnect_confirms_how_many_scheduled_publications_it_cancels(browser_page, stack, sample_clip):
    telegram = stack.connect_demo_channel()
    rutube = stack.api.post(
        "/api/v1/connections/rutube", json={"username": demo.RUTUBE_EMAIL, "password": demo.RUTUBE_PASSWORD}
    )
    assert rutube.status_code == 201, rutube.text
    PlatformConnection.objects.filter(pk=rutube.json()["id"]).update(
        status=ConnectionStatus.EXPIRED, status_reason="rutube_token_invalid"
    )
    later = (timezone.now() + timedelta(hours=2)).isoformat()
    scheduled = [
        stack.publish(stack.upload_clip(sample_clip, title=title)["id"], [telegram["id"]], later)[0]["publication"]["id"]
        for title in ("Закат над Невой", "Рассвет на Неве")
    ]

    page = browser_page
    sign_in(page, "creator@example.com", "creator-password-1")
    page.goto("/settings/")
    expect(platform_card(page, "rutube").locator(".card-head .badge")).to_have_text("Токен истёк")
    expect(platform_card(page, "rutube")).to_contain_text("Токен истёк — переподключите")
    expect(platform_card(page, "rutube").get_by_role("button", name="Переподключить")).to_be_visible()
    card = platform_card(page, "telegram")
    expect(card.locator(".connection-foot")).to_contain_text("Запланированы 2 публикации")
    screenshot(page, "platforms-expired")

    dialog = page.locator(f"#disconnect-{telegram['id']}")
    card.get_by_role("button", name="Отключить").click()
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("2 запланированные публикации будут отменены.")
    screenshot_viewport(page, "disconnect-dialog")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    page.set_viewport_size(MOBILE)
    card.get_by_role("button", name="Отключить").click()
    expect(dialog).to_be_visible()
    screenshot_viewport(page, "disconnect-dialog-390")
    dialog.get_by_role("button", name="Отключить").click()

    expect(page.locator(".alert-success")).to_have_text("Telegram отключён; запланированные публикации отменены")
    expect(card.locator(".card-head .badge")).to_have_text("Не подключено")
    assert [stack.publication(p)["status"] for p in scheduled] == ["cancelled", "cancelled"]
