"""The Rutube part of the demo page: accounts and tokens, the switches, the clock, recent videos.

Forms post JSON to ``/_control/rutube/...`` through the page's script, like the other parts.
"""

from __future__ import annotations

from html import escape

from autopost.sandbox import page
from autopost.sandbox.rutube.world import RutubeWorld, Video

STAGES = {
    "downloading": "скачивается",
    "processing": "обрабатывается",
    "ready": "готово",
    "error": "ошибка",
}
ON_OFF = {"true": "включено", "false": "выключено"}


def _account_rows(world: RutubeWorld) -> str:
    rows = []
    for account in world.accounts.values():
        token = next((t for t, owner in world.tokens.items() if owner == account.userid), "")
        revoke = page._form(
            "/_control/rutube/tokens/revoke",
            "Отозвать токен",
            f'<input type="hidden" name="token" value="{escape(token)}">',
        )
        rows.append(
            f"<tr><td>{account.userid}</td><td>{escape(account.name)}</td>"
            f"<td>{escape(account.email)}<br>{escape(account.phone)}</td>"
            f"<td><code>{escape(account.password)}</code></td>"
            f"<td><code>{escape(token) or 'нет'}</code></td><td>{revoke if token else ''}</td></tr>"
        )
    return "".join(rows)


def _video_row(world: RutubeWorld, video: Video) -> str:
    stage = video.current_stage(world.now())
    state = STAGES[stage] + (f": {escape(video.error)}" if video.error else "")
    if video.deleted or video.is_deleted:
        state += " (удалено)"
    return (
        f"<tr><td><code>{video.id}</code></td><td>{escape(video.title)}</td>"
        f"<td>{escape(video.source_url)}</td><td>{video.size or ''}</td>"
        f"<td><code>{video.sha256[:16]}</code></td><td>{state}</td><td>{video.hits}</td></tr>"
    )


def _config_form(world: RutubeWorld) -> str:
    config = world.config
    fields = (
        '<label>Обработка после скачивания, с <input name="processing_s" type="number" min="0" '
        f'step="0.1" value="{config.processing_s}" size="5"></label> '
        "<label>Скачивание всегда падает "
        + page._select("fail_downloads", ON_OFF, str(config.fail_downloads).lower())
        + "</label> "
    )
    return page._form("/_control/rutube/config", "Применить", fields, method="PUT")


def rutube_section(world: RutubeWorld) -> str:
    videos = "".join(_video_row(world, v) for v in list(world.videos.values())[-20:][::-1])
    clock = page._form(
        "/_control/rutube/clock",
        "Перевести часы Rutube",
        '<label>на <input name="advance_s" type="number" min="1" value="60" size="6"> с</label> ',
    )
    return f"""
<h2>Rutube</h2>
<p>API: <code>/rutube/api/…</code> (вход: <code>/rutube/api/accounts/token_auth/</code>,
заголовок <code>Authorization: Token &lt;токен&gt;</code>). Видео Rutube скачивает само по
ссылке из <code>POST /rutube/api/video/</code>.</p>
{_config_form(world)}
{clock}
<h3>Аккаунты</h3>
<table><tr><th>userid</th><th>Имя</th><th>Вход</th><th>Пароль</th><th>Токен</th><th></th></tr>
{_account_rows(world)}</table>
<h3>Последние видео</h3>
<table><tr><th>video_id</th><th>Название</th><th>Ссылка</th><th>Байт</th><th>SHA-256</th>
<th>Состояние</th><th>Просмотры</th></tr>{videos}</table>
"""
