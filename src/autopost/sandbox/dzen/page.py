"""The Дзен part of the demo page: channels and sessions, the switches, the clock, recent shorts.

Forms post JSON to ``/_control/dzen/...`` through the page's script, like the other parts.
"""

from __future__ import annotations

from html import escape

from autopost.sandbox import page
from autopost.sandbox.dzen.world import DzenWorld, Publication, Session

ON_OFF = {"true": "включено", "false": "выключено"}


def _session_row(world: DzenWorld, session: Session) -> str:
    body = f'<input type="hidden" name="session_id" value="{escape(session.value)}">'
    actions = (
        page._form("/_control/dzen/sessions/rotate_csrf", "Сменить CSRF", body)
        + page._form("/_control/dzen/sessions/expire", "Завершить сессию", body)
        if not session.expired
        else ""
    )
    channels = ", ".join(
        escape(world.channels[pid].name) for pid in session.publisher_ids if pid in world.channels
    )
    return (
        f"<tr><td><code>{escape(session.value)}</code></td>"
        f"<td><code>{escape(session.csrf_token)}</code></td><td>{channels}</td>"
        f"<td>{'завершена' if session.expired else 'действует'}</td><td>{actions}</td></tr>"
    )


def _state(world: DzenWorld, publication: Publication) -> str:
    now, conversion_s = world.now(), world.config.conversion_s
    upload = publication.upload
    if publication.published_at is not None:
        return "опубликовано"
    if publication.failed(now, conversion_s):
        return "ошибка конвертации"
    if publication.converted(now, conversion_s):
        return "сконвертировано"
    if publication.finished_at is not None:
        return "конвертируется"
    if upload is not None:
        return f"загружено {upload.offset} из {upload.file_size} байт"
    return "черновик"


def _publication_row(world: DzenWorld, publication: Publication) -> str:
    upload = publication.upload
    return (
        f"<tr><td><code>{publication.id}</code></td><td>{escape(publication.title)}</td>"
        f"<td>{upload.offset if upload else ''}</td>"
        f"<td><code>{upload.sha256[:16] if upload else ''}</code></td>"
        f"<td>{_state(world, publication)}</td><td>{publication.views}</td></tr>"
    )


def _config_form(world: DzenWorld) -> str:
    config = world.config
    fields = (
        '<label>Конвертация, с <input name="conversion_s" type="number" min="0" step="0.1" '
        f'value="{config.conversion_s}" size="5"></label> '
        "<label>Конвертация падает "
        + page._select("fail_conversion", ON_OFF, str(config.fail_conversion).lower())
        + "</label> "
    )
    return page._form("/_control/dzen/config", "Применить", fields, method="PUT")


def dzen_section(world: DzenWorld) -> str:
    channels = "".join(
        f"<tr><td>{escape(c.name)}</td><td><code>{c.publisher_id}</code></td>"
        f"<td>{escape(c.slug)}</td></tr>"
        for c in world.channels.values()
    )
    sessions = "".join(_session_row(world, s) for s in world.sessions.values())
    shorts = "".join(
        _publication_row(world, p) for p in list(world.publications.values())[-20:][::-1]
    )
    clock = page._form(
        "/_control/dzen/clock",
        "Перевести часы Дзена",
        '<label>на <input name="advance_s" type="number" min="1" value="60" size="6"> с</label> ',
    )
    return f"""
<h2>Дзен</h2>
<p>Студия: <a href="/dzen/profile/editor"><code>/dzen/profile/editor</code></a>, API:
<code>/dzen/editor-api/v2/…</code>, <code>/dzen/media-api-video/…</code>, загрузка TUS:
<code>/dzen/tus/…</code>. Вход: cookie <code>Session_id</code> и заголовок
<code>X-Csrf-Token</code>.</p>
{_config_form(world)}
{clock}
<h3>Каналы</h3>
<table><tr><th>Название</th><th>publisherId</th><th>Адрес</th></tr>{channels}</table>
<h3>Сессии</h3>
<table><tr><th>Session_id</th><th>CSRF-токен</th><th>Каналы</th><th>Состояние</th><th></th></tr>
{sessions}</table>
<h3>Последние ролики</h3>
<table><tr><th>Публикация</th><th>Название</th><th>Получено байт</th><th>SHA-256</th>
<th>Состояние</th><th>Просмотры</th></tr>{shorts}</table>
"""
