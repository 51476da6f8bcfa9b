"""The VK part of the demo page: the world, the switches, the clock, recent uploads.

Forms post JSON to ``/_control/vk/...`` through the page's script, like the Telegram part.
"""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape
from urllib.parse import urlencode

from autopost.sandbox import page
from autopost.sandbox.vk.grants import s256, scope_string
from autopost.sandbox.vk.world import Community, Token, Video, VkWorld

ROLES = {
    "creator": "владелец",
    "administrator": "администратор",
    "editor": "редактор",
    "moderator": "модератор",
}
TOKEN_STATES = {"valid": "действует", "expired": "истёк", "revoked": "отозван"}
SOURCES = {"pasted": "вставлен вручную", "vk_id": "VK ID", "legacy": "oauth.vk.com"}
ON_OFF = {"true": "включено", "false": "выключено"}
# A fixed PKCE pair for the "try VK ID" link: the page is a demo, not a client.
DEMO_VERIFIER = "sandbox-demo-verifier-0123456789-abcdefghijklmnop"


def _when(world: VkWorld, timestamp: float | None) -> str:
    if timestamp is None:
        return "никогда"
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _token_row(world: VkWorld, token: Token) -> str:
    state = token.state(world.now())
    body = f'<input type="hidden" name="token" value="{escape(token.value)}">'
    actions = (
        page._form("/_control/vk/tokens/expire", "Истечь", body)
        + page._form("/_control/vk/tokens/revoke", "Отозвать", body)
        if state == "valid"
        else ""
    )
    subject = f"сообщество {token.subject_id}" if token.kind == "community" else token.subject_id
    return (
        f"<tr><td><code>{escape(token.value)}</code></td><td>{subject}</td>"
        f"<td>{escape(scope_string(token.scopes, ', '))}</td><td>{SOURCES[token.source]}</td>"
        f"<td>{TOKEN_STATES[state]}</td><td>{_when(world, token.expires_at)}</td>"
        f"<td>{actions}</td></tr>"
    )


def _community_row(world: VkWorld, community: Community) -> str:
    admins = "<br>".join(
        f"{user_id}: {ROLES[role]}" for user_id, role in community.managers.items()
    )
    members = ", ".join(str(user_id) for user_id in sorted(community.members))
    return (
        f"<tr><td>{escape(community.name)}</td><td>{escape(community.screen_name)}</td>"
        f"<td><code>{community.id}</code> (владелец <code>-{community.id}</code>)</td>"
        f"<td>{admins}</td><td>{members}</td></tr>"
    )


def _video_state(world: VkWorld, video: Video) -> str:
    if video.deleted:
        return "удалено"
    if video.uploaded_at is None:
        return "ждёт файла"
    if video.processing(world.now()):
        return "обрабатывается"
    if video.kind == "clip" and not video.published:
        return "обработан, не опубликован"
    return "опубликовано"


def _video_row(world: VkWorld, video: Video) -> str:
    post = f"{video.owner_id}_{video.wall_post_id}" if video.wall_post_id else ""
    return (
        f"<tr><td>{video.ref}</td><td>{'клип' if video.kind == 'clip' else 'видео'}</td>"
        f"<td>{escape(video.title or video.description[:80])}</td><td>{video.size or ''}</td>"
        f"<td><code>{(video.sha256 or '')[:16]}</code></td><td>{_video_state(world, video)}</td>"
        f"<td>{post}</td><td>{video.views}</td></tr>"
    )


def _config_form(world: VkWorld) -> str:
    config = world.config

    def number(name: str, label: str, value: object, step: str = "1") -> str:
        return (
            f'<label>{label} <input name="{name}" type="number" min="0" step="{step}" '
            f'value="{value if value is not None else ""}" size="6"></label> '
        )

    fields = (
        "<label>Лимит 3 запроса/с на токен "
        + page._select("rate_limit", ON_OFF, str(config.rate_limit).lower())
        + "</label>"
        + number("processing_s", "Обработка видео, с", config.processing_s, "0.1")
        + number("clip_not_ready_polls", "Отказов 3001 на клип", config.clip_not_ready_polls)
        + number("video_save_daily_quota", "video.save в сутки", config.video_save_daily_quota)
        + "<label>Истёкший токен "
        + page._select(
            "expired_error_code", {"1117": "1117", "5": "5"}, str(config.expired_error_code)
        )
        + "</label><label>Нет права "
        + page._select("scope_error_code", {"15": "15", "7": "7"}, str(config.scope_error_code))
        + "</label><label>VK ID выдаёт video/wall/groups "
        + page._select("vk_id_extended_scopes", ON_OFF, str(config.vk_id_extended_scopes).lower())
        + "</label> "
    )
    return page._form("/_control/vk/config", "Применить", fields, method="PUT")


def _vk_id_link(world: VkWorld) -> str:
    query = urlencode(
        {
            "response_type": "code",
            "client_id": next((a.client_id for a in world.apps.values() if not a.secret), ""),
            "redirect_uri": "http://127.0.0.1:8000/oauth/vk/callback",
            "state": "sandbox-demo-state",
            "code_challenge": s256(DEMO_VERIFIER),
            "code_challenge_method": "s256",
            "scope": "vkid.personal_info video wall groups",
        }
    )
    return f'<a href="/vk-id/authorize?{escape(query)}">Открыть страницу согласия VK ID</a>'


def _sign_in(secret: str | None) -> str:
    return f"oauth.vk.com, секрет <code>{escape(secret)}</code>" if secret else "VK ID, PKCE"


def vk_section(world: VkWorld) -> str:
    signed_in = world.users.get(world.signed_in_user_id or 0)
    people = "".join(
        f"<tr><td>{user.id}</td><td>{escape(user.first_name)} {escape(user.last_name)}</td>"
        f"<td>{escape(user.screen_name)}</td>"
        f"<td>{'вошёл в VK' if user is signed_in else ''}</td></tr>"
        for user in world.users.values()
    )
    communities = "".join(_community_row(world, c) for c in world.communities.values())
    tokens = "".join(_token_row(world, token) for token in world.tokens.values())
    apps = "".join(
        f"<tr><td><code>{escape(app.client_id)}</code></td><td>{escape(app.name)}</td>"
        f"<td>{'<br>'.join(escape(uri) for uri in app.redirect_uris)}</td>"
        f"<td>{_sign_in(app.secret)}</td></tr>"
        for app in world.apps.values()
    )
    videos = "".join(_video_row(world, v) for v in list(world.videos.values())[-20:][::-1])
    clock = page._form(
        "/_control/vk/clock",
        "Перевести часы VK",
        '<label>на <input name="advance_s" type="number" min="1" value="3600" size="7"> с</label> ',
    )
    return f"""
<h2>VK</h2>
<p>API: <code>/vk/method/&lt;метод&gt;</code>, загрузка: <code>/vk/upload/…</code>,
VK ID: <code>/vk-id/…</code>, старый OAuth: <code>/vk-oauth/…</code>.
Часы VK: {_when(world, world.now())} (сдвиг {world.clock.offset_s:g} с).</p>
{_config_form(world)}
{clock}
<h3>Пользователи</h3>
<table><tr><th>id</th><th>Имя</th><th>Короткое имя</th><th></th></tr>{people}</table>
<h3>Сообщества</h3>
<table><tr><th>Название</th><th>Короткое имя</th><th>id</th><th>Руководители</th>
<th>Участники</th></tr>{communities}</table>
<h3>Токены</h3>
<table><tr><th>Токен</th><th>Чей</th><th>Права</th><th>Откуда</th><th>Состояние</th>
<th>Истекает</th><th></th></tr>{tokens}</table>
<h3>Приложения</h3>
<table><tr><th>client_id</th><th>Название</th><th>redirect_uri («*» — любой порт)</th>
<th>Вход</th></tr>{apps}</table>
<p>{_vk_id_link(world)}</p>
<h3>Последние загрузки</h3>
<table><tr><th>Видео</th><th>Тип</th><th>Название / описание</th><th>Байт</th><th>SHA-256</th>
<th>Состояние</th><th>Запись на стене</th><th>Просмотры</th></tr>{videos}</table>
"""
