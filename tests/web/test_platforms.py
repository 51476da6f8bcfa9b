"""The «Платформы» page: a card per platform, inline errors from the real platforms (sandbox),
reconnect, disconnect with its count, plan gating, ownership and CSRF."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from autopost.accounts.plans import Plan
from autopost.connections.models import ConnectionStatus, PlatformConnection
from autopost.platforms import PLATFORMS, PlatformEntry
from autopost.publishing.models import Publication, Status
from autopost.sandbox import demo
from tests.factories import make_clip, make_connection


@pytest.fixture
def browser(alice):
    client = Client()
    client.force_login(alice)
    return client


def card(page: str, slug: str) -> str:
    """The HTML of one platform's card."""
    match = re.search(rf'<article class="card platform-card platform-{slug}".*?</article>', page, re.S)
    assert match, f"no {slug} card"
    return match.group(0)


def field_errors(page: str, field_id: str) -> str:
    match = re.search(rf'<ul class="errorlist" id="{field_id}_error">(.*?)</ul>', page, re.S)
    return match.group(1) if match else ""


def test_an_empty_page_has_a_card_per_platform_with_its_own_way_to_connect(browser):
    page = browser.get(reverse("settings")).content.decode()

    for slug, entry in PLATFORMS.items():
        assert entry.label in card(page, slug) and "Не подключено" in card(page, slug)
    assert "Подключить через VK ID" in card(page, "vk") and 'name="access_token"' in card(page, "vk")
    assert 'name="bot_token"' in card(page, "telegram") and 'name="channel"' in card(page, "telegram")
    assert 'name="username"' in card(page, "rutube") and 'name="password"' in card(page, "rutube")
    assert 'name="session"' in card(page, "dzen")
    assert "Тариф" not in page.split("<main", 1)[1].split('class="platform-grid"')[0]  # Pro: no plan banner


def test_the_telegram_card_explains_how_to_make_the_bot_an_admin(browser):
    telegram = card(browser.get(reverse("settings")).content.decode(), "telegram")
    help_box = re.search(r'<details class="help">(.*?)</details>', telegram, re.S).group(1)
    steps = re.findall(r"<li>(.*?)</li>", help_box, re.S)
    assert len(steps) == 4
    assert "@BotFather" in steps[0] and "/newbot" in steps[0]
    assert "токен" in steps[1]
    assert "<b>Администраторы</b>" in steps[2] and "<b>Публикация сообщений</b>" in steps[2]
    assert "@имя канала" in steps[3]


@pytest.mark.parametrize(
    ("platform", "form", "field", "message", "secret"),
    [
        ("telegram", {"bot_token": demo.TELEGRAM_REVOKED_BOT_TOKEN, "channel": demo.TELEGRAM_CHANNEL},
         "bot_token", "Неверный токен бота: проверьте его в @BotFather", demo.TELEGRAM_REVOKED_BOT_TOKEN),
        ("telegram", {"bot_token": demo.TELEGRAM_BOT_TOKEN, "channel": demo.TELEGRAM_READONLY_CHANNEL},
         "channel", "Бот не администратор канала: выдайте ему права администратора", demo.TELEGRAM_BOT_TOKEN),
        ("telegram", {"bot_token": demo.TELEGRAM_BOT_TOKEN, "channel": demo.TELEGRAM_NOT_MEMBER_CHANNEL},
         "channel", "Бот не добавлен в канал: добавьте его администратором", demo.TELEGRAM_BOT_TOKEN),
        ("rutube", {"username": demo.RUTUBE_EMAIL, "password": "wrong-password"},
         "password", "Неверный логин или пароль Rutube", "wrong-password"),
        ("rutube", {"token": "0" * 40}, "token", "Rutube не принял токен", "0" * 40),
        ("dzen", {"session": f"Session_id={demo.DZEN_EXPIRED_SESSION_ID}", "channel": demo.DZEN_PUBLISHER_ID},
         "session", "Сессия Дзена истекла: войдите в Дзен в браузере и вставьте cookies заново",
         demo.DZEN_EXPIRED_SESSION_ID),
        ("dzen", {"session": f"Session_id={demo.DZEN_SESSION_ID}", "channel": demo.DZEN_OTHER_PUBLISHER_ID},
         "channel", "Нет доступа к каналу Дзена", demo.DZEN_SESSION_ID),
        ("vk", {"access_token": demo.VK_EXPIRED_TOKEN}, "access_token", "Токен VK", demo.VK_EXPIRED_TOKEN),
        ("vk", {"access_token": demo.VK_USER_TOKEN, "target_id": f"-{demo.VK_MEMBER_GROUP_ID}"},
         "target_id", "", demo.VK_USER_TOKEN),
    ],
)
def test_a_refused_connect_shows_the_platforms_reason_under_its_field(
    browser, sandbox_control, platform, form, field, message, secret
):
    response = browser.post(reverse("connect_with_token", args=[platform]), form)

    assert response.status_code == 400
    page = response.content.decode()
    errors = field_errors(page, f"{platform}-{field}")
    assert errors and message in errors
    assert errors in card(page, platform)
    assert secret not in page  # a secret is never rendered back, not even after an error
    assert not PlatformConnection.objects.exists()


def test_a_refused_form_keeps_what_is_not_secret_and_opens_where_it_was(browser, sandbox_control):
    page = browser.post(
        reverse("connect_with_token", args=["vk"]), {"access_token": "nonsense", "target_id": "-42"}
    ).content.decode()
    assert 'value="-42"' in card(page, "vk")
    assert '<details class="alt" open>' in card(page, "vk")  # the token form is not hidden away


def test_rutube_without_login_or_token_says_what_to_fill_above_the_form(browser, sandbox_control):
    page = browser.post(reverse("connect_with_token", args=["rutube"]), {}).content.decode()
    assert re.search(r'<ul class="errorlist nonfield"><li>Укажите логин и пароль Rutube', card(page, "rutube"))


def test_telegram_connects_and_its_card_shows_the_channel(browser, alice, sandbox_control):
    response = browser.post(
        reverse("connect_with_token", args=["telegram"]),
        {"bot_token": demo.TELEGRAM_BOT_TOKEN, "channel": demo.TELEGRAM_CHANNEL},
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == [f"Telegram подключён: {demo.TELEGRAM_CHANNEL_TITLE}"]
    telegram = card(response.content.decode(), "telegram")
    assert "Подключено" in telegram and demo.TELEGRAM_CHANNEL_TITLE in telegram
    assert f"через @{demo.TELEGRAM_BOT_USERNAME}" in telegram
    assert "Подключить ещё один канал" in telegram and "Ничего не запланировано" in telegram
    assert demo.TELEGRAM_BOT_TOKEN not in response.content.decode()
    connection = PlatformConnection.objects.get()
    assert (connection.owner, connection.target_id) == (alice, str(demo.TELEGRAM_CHANNEL_ID))


def test_an_expired_connection_says_reconnect_and_reconnecting_renews_it(browser, alice, sandbox_control):
    connection = make_connection(
        alice, target_id=str(demo.TELEGRAM_CHANNEL_ID), status=ConnectionStatus.EXPIRED,
        options={"chat_username": demo.TELEGRAM_CHANNEL.removeprefix("@")},
    )
    telegram = card(browser.get(reverse("settings")).content.decode(), "telegram")
    assert "Токен истёк — переподключите, чтобы снова публиковать." in telegram
    assert f'<input type="hidden" name="connection" value="{connection.pk}">' in telegram
    assert f'value="{demo.TELEGRAM_CHANNEL}"' in telegram and "Переподключить" in telegram

    browser.post(
        reverse("connect_with_token", args=["telegram"]),
        {"bot_token": demo.TELEGRAM_BOT_TOKEN, "channel": demo.TELEGRAM_CHANNEL, "connection": connection.pk},
    )

    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.ACTIVE
    assert connection.get_credentials().access_token == demo.TELEGRAM_BOT_TOKEN
    assert PlatformConnection.objects.count() == 1


def test_a_refused_reconnect_shows_its_error_on_that_connection(browser, alice, sandbox_control):
    connection = make_connection(alice, target_id=str(demo.TELEGRAM_CHANNEL_ID), status=ConnectionStatus.EXPIRED)
    page = browser.post(
        reverse("connect_with_token", args=["telegram"]),
        {"bot_token": demo.TELEGRAM_REVOKED_BOT_TOKEN, "channel": demo.TELEGRAM_CHANNEL, "connection": connection.pk},
    ).content.decode()
    row = re.search(rf'<div class="connection" id="connection-{connection.pk}">.*?<dialog', page, re.S).group(0)
    assert "Неверный токен бота" in field_errors(row, f"c{connection.pk}-bot_token")


def test_an_expired_vk_connection_reconnects_through_vk_id(browser, alice, sandbox_control):
    connection = make_connection(alice, platform="vk", target_id=str(demo.VK_USER_ID), status=ConnectionStatus.EXPIRED)
    vk = card(browser.get(reverse("settings")).content.decode(), "vk")
    assert "Переподключить через VK ID" in vk

    start = browser.post(reverse("connect_vk"), {"connection": connection.pk})
    assert start.status_code == 302 and "code_challenge" in start["Location"]


def _publication(connection, status, **fields):
    return Publication.objects.create(
        clip=make_clip(connection.owner), connection=connection, platform=connection.platform, status=status,
        scheduled_at=timezone.now() + timedelta(hours=3), **fields,
    )


def test_disconnect_confirms_with_the_count_it_will_cancel_then_cancels_them(browser, alice):
    connection = make_connection(alice)
    now = timezone.now()
    cancellable = [
        _publication(connection, Status.SCHEDULED),
        _publication(connection, Status.SCHEDULED),
        _publication(connection, Status.PUBLISHING, next_attempt_at=now + timedelta(minutes=5)),  # retry wait
    ]
    running = _publication(connection, Status.PUBLISHING, lease_until=now + timedelta(minutes=1))
    done = _publication(connection, Status.PUBLISHED)

    page = browser.get(reverse("settings")).content.decode()
    dialog = re.search(rf'<dialog id="disconnect-{connection.pk}".*?</dialog>', page, re.S).group(0)
    assert "3 запланированные публикации будут отменены." in dialog
    assert "Запланированы 3 публикации" in card(page, "telegram")
    confirm = browser.get(reverse("disconnect", args=[connection.pk]))  # the page without JavaScript
    assert "3 запланированные публикации будут отменены." in confirm.content.decode()

    response = browser.post(reverse("disconnect", args=[connection.pk]), follow=True)

    assert [str(m) for m in response.context["messages"]] == [
        "Telegram отключён; запланированные публикации отменены"
    ]
    statuses = dict(Publication.objects.values_list("pk", "status"))
    assert {statuses[p.pk] for p in cancellable} == {Status.CANCELLED}
    assert (statuses[running.pk], statuses[done.pk]) == (Status.PUBLISHING, Status.PUBLISHED)
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.REVOKED
    assert "Не подключено" in card(response.content.decode(), "telegram")


@pytest.mark.parametrize(("count", "words"), [
    (1, "1 запланированная публикация будет отменена."),
    (5, "5 запланированных публикаций будут отменены."),
])
def test_the_count_is_said_in_russian_plural_forms(browser, alice, count, words):
    connection = make_connection(alice)
    for _ in range(count):
        _publication(connection, Status.SCHEDULED)
    assert words in browser.get(reverse("disconnect", args=[connection.pk])).content.decode()


def test_disconnecting_with_nothing_scheduled_says_so(browser, alice):
    connection = make_connection(alice)
    page = browser.get(reverse("disconnect", args=[connection.pk])).content.decode()
    assert "Запланированных публикаций нет: отменять нечего." in page


def test_someone_elses_connection_is_not_found_anywhere(browser, bob, sandbox_control):
    theirs = make_connection(bob)
    attempts = [
        browser.get(reverse("disconnect", args=[theirs.pk])),
        browser.post(reverse("disconnect", args=[theirs.pk])),
        browser.post(reverse("configure_connection", args=[theirs.pk]), {"publish_as": "video"}),
        browser.post(reverse("connect_vk"), {"connection": theirs.pk}),
        browser.post(reverse("connect_with_token", args=["telegram"]), {
            "bot_token": demo.TELEGRAM_BOT_TOKEN, "channel": demo.TELEGRAM_CHANNEL, "connection": theirs.pk,
        }),
        browser.get(reverse("disconnect", args=[999_999])),
    ]
    assert [a.status_code for a in attempts] == [404] * len(attempts)
    theirs.refresh_from_db()
    assert (theirs.status, theirs.options) == (ConnectionStatus.ACTIVE, {"chat_username": "autopost_demo"})
    assert PlatformConnection.objects.count() == 1
    assert demo.TELEGRAM_CHANNEL_TITLE not in browser.get(reverse("settings")).content.decode()


def test_a_post_without_the_csrf_token_is_refused(alice):
    connection = make_connection(alice)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)

    assert browser.post(reverse("disconnect", args=[connection.pk])).status_code == 403
    assert browser.post(reverse("connect_with_token", args=["telegram"]), {"channel": "@x"}).status_code == 403
    connection.refresh_from_db()
    assert connection.status == ConnectionStatus.ACTIVE


def test_the_free_plan_explains_instead_of_offering_connect_buttons(client, alice):
    alice.plan = Plan.FREE
    alice.save()
    client.force_login(alice)
    page = client.get(reverse("settings")).content.decode()

    assert ("Тариф Free не позволяет публиковать. Тарифы: Start — только VK Клипы; Pro и Business — все платформы. "
            "Чтобы сменить тариф, обратитесь к администратору этого сервиса autopost.") in page
    for slug in PLATFORMS:
        assert "Недоступно на тарифе Free." in card(page, slug)
        assert "<form" not in card(page, slug)
    assert "Публикация в Telegram — на тарифах Pro и Business." in card(page, "telegram")
    assert "— на тарифах Start, Pro и Business." in card(page, "vk")

    refused = client.post(
        reverse("connect_with_token", args=["telegram"]), {"bot_token": "1:x", "channel": "@x"}, follow=True
    )
    assert "не входит в тариф Free" in str(list(refused.context["messages"])[0])
    assert client.post(reverse("connect_vk"))["Location"] == reverse("settings")
    assert not PlatformConnection.objects.exists()


def test_the_start_plan_may_connect_vk_and_has_the_others_explained(client, alice):
    alice.plan = Plan.START
    alice.save()
    client.force_login(alice)
    page = client.get(reverse("settings")).content.decode()

    assert "Тариф Start позволяет публиковать только в VK Клипы." in page
    assert "Подключить через VK ID" in card(page, "vk") and "Недоступно" not in card(page, "vk")
    for slug in ("telegram", "rutube", "dzen"):
        assert "Недоступно на тарифе Start." in card(page, slug) and "<form" not in card(page, slug)


def test_a_connection_kept_after_a_downgrade_can_still_be_disconnected(client, alice):
    connection = make_connection(alice)
    alice.plan = Plan.START
    alice.save()
    client.force_login(alice)
    telegram = card(client.get(reverse("settings")).content.decode(), "telegram")
    assert "Недоступно на тарифе Start." in telegram
    assert reverse("disconnect", args=[connection.pk]) in telegram


def test_a_registered_platform_without_its_connector_is_announced_as_soon(browser, monkeypatch):
    monkeypatch.setitem(PLATFORMS, "youtube", PlatformEntry("YouTube Shorts", "autopost.platforms.youtube.adapter:Adapter"))
    youtube = card(browser.get(reverse("settings")).content.decode(), "youtube")
    assert "YouTube Shorts" in youtube and "Скоро" in youtube and "<form" not in youtube


def test_the_field_to_fix_gets_the_focus(browser, sandbox_control):
    page = browser.post(
        reverse("connect_with_token", args=["telegram"]),
        {"bot_token": demo.TELEGRAM_BOT_TOKEN, "channel": demo.TELEGRAM_NOT_MEMBER_CHANNEL},
    ).content.decode()
    assert re.search(r'<input type="text" name="channel"[^>]*autofocus[^>]*id="telegram-channel"', page)
    assert page.count("autofocus") == 1
