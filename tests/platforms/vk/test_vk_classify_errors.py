"""Every row of docs/platform-apis.md §2.6 (and §6) maps to one error class and one stable code."""

from __future__ import annotations

import traceback
from datetime import UTC, datetime

import httpx
import pytest
from structlog.testing import capture_logs

from autopost.platforms.errors import (
    AuthExpired,
    PermanentError,
    PlatformError,
    RateLimited,
    TransientError,
)
from autopost.platforms.vk.client import VkClient
from autopost.platforms.vk.formats import seconds_until_moscow_midnight

from .replies import ACCESS_TOKEN, USERS_GET, error

ROWS = [
    # (error_code, error_msg, class, code)
    (1, "Unknown error occurred", TransientError, "vk_server_error"),
    (10, "Internal server error", TransientError, "vk_server_error"),
    (5, "User authorization failed: invalid access_token (4).", AuthExpired, "vk_token_invalid"),
    (5, "User authorization failed: no access_token passed.", AuthExpired, "vk_token_invalid"),
    (5, "User authorization failed: access_token has expired.", AuthExpired, "vk_token_expired"),
    (1117, "Access token has expired", AuthExpired, "vk_token_expired"),
    (17, "Validation required", AuthExpired, "vk_validation_required"),
    (6, "Too many requests per second", RateLimited, "vk_too_many_requests"),
    (9, "Flood control", RateLimited, "vk_flood_control"),
    (29, "Rate limit reached", RateLimited, "vk_quota_exceeded"),
    (14, "Captcha needed", RateLimited, "vk_captcha"),
    (219, "Advertisement post was recently added", RateLimited, "vk_ad_post_recent"),
    (7, "Permission to perform this action is denied", PermanentError, "vk_no_permission"),
    (15, "Access denied: no access to call this method", PermanentError, "vk_access_denied"),
    (8, "Invalid request: v (version) is required", PermanentError, "vk_bad_request"),
    (100, "One of the parameters specified was missing or invalid", PermanentError,
     "vk_bad_request"),
    (18, "User was deleted or banned", PermanentError, "vk_user_banned"),
    (37, "User was banned", PermanentError, "vk_user_banned"),
    (22, "Upload error", TransientError, "vk_upload_failed"),
    (27, "Group authorization failed: method is unavailable with group auth.", PermanentError,
     "vk_community_token"),
    (200, "Access denied", PermanentError, "vk_access_denied"),
    (204, "Access denied", PermanentError, "vk_access_denied"),
    (210, "Access to wall's post denied", PermanentError, "vk_access_denied"),
    (203, "Access to group denied", PermanentError, "vk_not_group_admin"),
    (214, "Access to adding post denied", PermanentError, "vk_wall_denied"),
    (704, "User must enable 2FA", PermanentError, "vk_2fa_required"),
    (3001, "Video is not processed yet", TransientError, "vk_clip_processing"),
    (913, "Too many forwarded messages", PermanentError, "vk_api_error"),
]

MESSAGES = {
    "vk_no_permission": "У VK нет разрешения на это действие: переподключите VK и выдайте "
    "доступ к видео, стене и сообществам",
    "vk_access_denied": "VK запретил доступ к видео или сообществу",
    "vk_bad_request": "VK отклонил запрос: неверные параметры",
    "vk_not_group_admin": "Вы не администратор и не редактор этого сообщества VK",
    "vk_wall_denied": "VK запретил публикацию на стене",
    "vk_2fa_required": "Сообщество требует двухфакторную аутентификацию: включите её в "
    "настройках VK",
    "vk_user_banned": "Страница VK удалена или заблокирована",
    "vk_community_token": "Это токен сообщества: нужен токен пользователя",
}


def call_users_get(vk) -> PlatformError:
    with VkClient(ACCESS_TOKEN, transport=vk.transport) as client, \
            pytest.raises(PlatformError) as caught:
        client.get_user()
    return caught.value


def assert_no_token(exc: BaseException) -> None:
    rendered = [str(exc), repr(exc), repr(exc.args), getattr(exc, "message", ""),
                "".join(traceback.format_exception(exc))]
    for text in rendered:
        assert ACCESS_TOKEN not in text


@pytest.mark.parametrize(("error_code", "msg", "error_class", "code"), ROWS)
def test_each_documented_error_maps_to_its_class_and_code(vk, error_code, msg, error_class, code):
    # Error 6 is resent twice inline before it surfaces (see test_error_6_is_resent_inline).
    vk.reply("users.get", error(error_code, msg, method="users.get"), times=3 if error_code == 6 else 1)

    exc = call_users_get(vk)

    assert type(exc) is error_class
    assert exc.code == code
    assert exc.message
    assert_no_token(exc)


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_permanent_codes_carry_their_own_russian_message(vk, code):
    error_code = next(row[0] for row in ROWS if row[3] == code)
    vk.reply("users.get", error(error_code, method="users.get"))

    assert call_users_get(vk).message == MESSAGES[code]


def test_rate_limit_waits_are_the_documented_ones(vk):
    waits = {}
    for error_code in (6, 9, 14, 219):
        vk.reply("users.get", error(error_code, method="users.get"), times=3 if error_code == 6 else 1)
        waits[error_code] = call_users_get(vk).retry_after_s
    assert waits == {6: 1.0, 9: 600.0, 14: 300.0, 219: 3600.0}


def test_daily_quota_waits_until_moscow_midnight(vk):
    vk.reply("users.get", error(29, "Rate limit reached", method="users.get"))

    wait = call_users_get(vk).retry_after_s

    assert abs(wait - seconds_until_moscow_midnight()) < 5


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2025, 1, 1, 20, 0, tzinfo=UTC), 3600.0),  # 23:00 MSK
        (datetime(2025, 1, 1, 21, 0, tzinfo=UTC), 86400.0),  # 00:00 MSK: a whole new day
        (datetime(2025, 6, 30, 9, 30, tzinfo=UTC), 11.5 * 3600),  # 12:30 MSK, no DST
    ],
)
def test_moscow_midnight(now, expected):
    assert seconds_until_moscow_midnight(now) == expected


def test_already_added_800_is_success_where_it_means_done(vk):
    vk.reply("shortVideo.publish", error(800, "This video is already added"))

    with VkClient(ACCESS_TOKEN, transport=vk.transport) as client:
        published = client.publish_clip(owner_id=-1, video_id=2)

    assert published.wall_post_id is None


@pytest.mark.parametrize(
    ("status", "content"),
    [
        (500, b'{"error":"x"}'),
        (502, b"<html>Bad Gateway</html>"),
        (200, b"<html>not json</html>"),
        (200, b'{"no_response": 1}'),
        (200, b'{"response": [{"first_name": "no id"}]}'),
        (200, b'{"error": {"error_msg": "no code"}}'),
        (404, b"Not Found"),
    ],
)
def test_server_faults_and_unreadable_replies_are_transient(vk, status, content):
    vk.reply("users.get", status=status, content=content)

    exc = call_users_get(vk)

    assert type(exc) is TransientError
    assert_no_token(exc)


@pytest.mark.parametrize(
    "exc", [httpx.ConnectTimeout("t"), httpx.ReadTimeout("t"), httpx.ConnectError("refused")]
)
def test_network_failures_are_transient(vk, exc):
    vk.fail_with("users.get", exc)

    assert type(call_users_get(vk)) is TransientError


def test_token_travels_in_the_header_only(vk):
    vk.reply("users.get", USERS_GET)

    with VkClient(ACCESS_TOKEN, transport=vk.transport) as client:
        client.get_user()

    [request] = vk.sent("users.get")
    assert request.method == "POST"
    assert request.headers["Authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert ACCESS_TOKEN not in str(request.url)
    assert ACCESS_TOKEN.encode() not in request.content
    assert dict(httpx.QueryParams(request.content.decode())) == {"v": "5.199"}


def test_users_get_without_a_person_means_a_community_token(vk):
    vk.reply("users.get", {"response": []})

    exc = call_users_get(vk)

    assert (type(exc), exc.code) == (PermanentError, "vk_community_token")


def test_client_repr_hides_the_token():
    assert ACCESS_TOKEN not in repr(VkClient(ACCESS_TOKEN))


def test_logs_never_carry_the_token(vk):
    vk.reply("users.get", error(5, f"invalid access_token {ACCESS_TOKEN}", method="users.get"))
    vk.reply("users.get", status=500, content=b"oops")

    with capture_logs() as logs:
        call_users_get(vk)
        call_users_get(vk)

    assert logs
    assert ACCESS_TOKEN not in repr(logs)


def test_error_6_is_resent_inline_and_a_passing_burst_never_surfaces(vk):
    vk.reply("users.get", error(6, "Too many requests per second", method="users.get"), times=2)
    vk.reply("users.get", {"response": [{"id": 1, "first_name": "Иван", "last_name": "Петров"}]})

    with VkClient(ACCESS_TOKEN, transport=vk.transport) as client:
        client.get_user()
    assert vk.routes == ["users.get"] * 3
