"""The page at ``/``: the demo world at a glance, and forms that drive the control API.

The forms post JSON to ``/_control/...`` with a few lines of script, so the page and the tests use
the same endpoints. Each platform's part is its own function (VK's in ``vk.page``).
"""

from __future__ import annotations

from html import escape

from starlette.requests import Request
from starlette.responses import HTMLResponse

from autopost.sandbox.dzen import page as dzen_page
from autopost.sandbox.faults import Fault
from autopost.sandbox.rutube import page as rutube_page
from autopost.sandbox.state import SandboxState
from autopost.sandbox.telegram.world import Bot, Channel, PostedMessage, TelegramWorld
from autopost.sandbox.vk import page as vk_page

FAULT_KINDS = {
    "http_500": "HTTP 500 (внутренняя ошибка)",
    "http_502": "HTTP 502 (Bad Gateway)",
    "rate_limit": "429 (слишком много запросов)",
    "unauthorized": "401 (токен недействителен)",
    "drop_connection": "Обрыв соединения",
    "slow_upload": "Медленная загрузка",
    "delay": "Задержка ответа",
    "api_error": "VK: ошибка API с кодом",
    "upload_error": "VK: ошибка сервера загрузки с кодом",
    "oauth_error": "VK: ошибка OAuth",
    "csrf_error": "Дзен: неверный CSRF-токен",
    "auth_error": "Дзен: сессия недействительна",
    "forbidden": "Дзен: нет доступа к каналу",
}
PLATFORMS = {"telegram": "Telegram", "vk": "VK", "rutube": "Rutube", "dzen": "Дзен"}
# Suggestions for the fault form's method field ("*" is any method of the platform).
FAULT_METHODS = (
    "*",
    "sendVideo",
    "getChat",
    "video.save",
    "upload",
    "video.get",
    "shortVideo.create",
    "shortVideo.publish",
    "wall.post",
    "users.get",
    "groups.getById",
    "vk-id/authorize",
    "vk-id/oauth2/auth",
    "vk-oauth/access_token",
    "token_auth",
    "video.create",
    "video.get",
    "video.person",
    "download",
    "add-publication",
    "start-upload-video",
    "finish-upload-video",
    "publication",
    "update-publication-content-and-publish",
    "stats2",
    "tus.head",
    "tus.patch",
)
MODES = {"cloud": "облако (50 МБ)", "local": "локальный сервер (2000 МБ)"}
STATUS_LABELS = {
    "creator": "владелец",
    "administrator": "администратор",
    "member": "участник",
    "left": "не в канале",
    "kicked": "удалён",
}

SCRIPT = """
document.querySelectorAll("form[data-url]").forEach((form) => {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = {};
    for (const [key, value] of new FormData(form)) {
      if (value === "") continue;
      body[key] = value === "true" ? true : value === "false" ? false : value;
    }
    const response = await fetch(form.dataset.url, {
      method: form.dataset.method || "POST",
      headers: {"Content-Type": "application/json"},
      body: form.dataset.method === "DELETE" ? undefined : JSON.stringify(body),
    });
    if (!response.ok) { alert("Ошибка: " + await response.text()); return; }
    location.reload();
  });
});
"""

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem; max-width: 72rem; color: #222; }
table { border-collapse: collapse; margin-bottom: 1.5rem; }
td, th { border: 1px solid #ccc; padding: .3rem .6rem; text-align: left; vertical-align: top; }
code { background: #f3f3f3; padding: 0 .2rem; }
form { display: inline-block; margin: .3rem 1rem .3rem 0; }
fieldset { margin-bottom: 1rem; }
"""


def _form(url: str, label: str, fields: str = "", method: str = "POST") -> str:
    return (
        f'<form data-url="{escape(url)}" data-method="{method}">{fields}'
        f'<button type="submit">{escape(label)}</button></form>'
    )


def _select(name: str, choices: dict[str, str], current: str) -> str:
    options = "".join(
        f'<option value="{value}"{" selected" if value == current else ""}>{escape(label)}</option>'
        for value, label in choices.items()
    )
    return f'<select name="{name}">{options}</select> '


def _bot_row(bot: Bot) -> str:
    revoke = _form(f"/_control/telegram/bots/{bot.id}/revoke", "Отозвать токен")
    return (
        f"<tr><td>{bot.id}</td><td>@{escape(bot.username)}</td>"
        f"<td><code>{escape(bot.token)}</code></td>"
        f"<td>{'отозван' if bot.revoked else 'действует'}</td>"
        f"<td>{'' if bot.revoked else revoke}</td></tr>"
    )


def _channel_row(channel: Channel) -> str:
    members = "<br>".join(
        f"{user_id}: {STATUS_LABELS[member.status]}"
        + (" (может публиковать)" if member.status == "administrator" and member.can_post else "")
        for user_id, member in channel.members.items()
    )
    address = f"@{escape(channel.username)}" if channel.username else "закрытый"
    return (
        f"<tr><td>{escape(channel.title)}</td><td>{address}</td><td><code>{channel.id}</code></td>"
        f"<td>{channel.member_count}</td><td>{members}</td><td>{channel.last_message_id}</td></tr>"
    )


def _message_row(message: PostedMessage) -> str:
    return (
        f"<tr><td>{message.chat_id}</td><td>{message.message_id}</td><td>{message.kind}</td>"
        f"<td>{escape(message.caption or message.text or '')}</td><td>{message.size or ''}</td>"
        f"<td><code>{(message.sha256 or '')[:16]}</code></td></tr>"
    )


def _telegram_section(world: TelegramWorld) -> str:
    bots = "".join(_bot_row(bot) for bot in world.bots.values())
    channels = "".join(_channel_row(channel) for channel in world.channels.values())
    messages = "".join(_message_row(message) for message in reversed(world.messages[-20:]))
    config = world.config
    mode = "облако (до 50 МБ)" if config.mode == "cloud" else "локальный сервер (до 2000 МБ)"
    limit = (
        f"{config.channel_messages_per_minute} сообщений в минуту на канал"
        if config.rate_limit
        else "выключен"
    )
    switches = _form(
        "/_control/telegram/config",
        "Применить",
        _select("mode", MODES, config.mode)
        + _select(
            "rate_limit",
            {"true": "лимит включён", "false": "лимит выключен"},
            "true" if config.rate_limit else "false",
        ),
        method="PUT",
    )
    return f"""
<h2>Telegram</h2>
<p>Адрес Bot API: <code>/telegram/bot&lt;токен&gt;/&lt;метод&gt;</code>.
Режим: {mode}. Лимит отправки: {limit}.</p>
{switches}
<h3>Боты</h3>
<table><tr><th>id</th><th>Имя</th><th>Токен</th><th>Состояние</th><th></th></tr>{bots}</table>
<h3>Каналы</h3>
<table><tr><th>Название</th><th>Адрес</th><th>id</th><th>Подписчики</th><th>Участники</th>
<th>Последнее сообщение</th></tr>{channels}</table>
<h3>Последние сообщения</h3>
<table><tr><th>Канал</th><th>Сообщение</th><th>Тип</th><th>Подпись / текст</th><th>Байт</th>
<th>SHA-256</th></tr>{messages}</table>
"""


def _fault_kind(fault: Fault) -> str:
    label = FAULT_KINDS[fault.kind]
    if fault.kind in ("api_error", "upload_error"):
        return f"{label} {getattr(fault, 'error_code', '')}"
    if fault.kind == "oauth_error":
        return f"{label} {escape(getattr(fault, 'oauth_error', ''))}"
    return label


def _faults_section(faults: list[Fault]) -> str:
    pending = "".join(
        f"<tr><td>{escape(fault.platform)}</td><td>{escape(fault.method)}</td>"
        f"<td>{_fault_kind(fault)}</td><td>{fault.count}</td></tr>"
        for fault in faults
    )
    methods = "".join(f'<option value="{escape(name)}">' for name in FAULT_METHODS)
    add = _form(
        "/_control/faults",
        "Добавить сбой",
        f"<label>Площадка {_select('platform', PLATFORMS, 'telegram')}</label>"
        '<label>Метод <input name="method" value="sendVideo" size="16" list="fault-methods">'
        f'<datalist id="fault-methods">{methods}</datalist></label> '
        f'<label>Сбой {_select("kind", FAULT_KINDS, "http_500")}</label>'
        '<label>Сколько раз <input name="count" type="number" min="1" value="1" size="3"></label> '
        '<label>retry_after, с <input name="retry_after" type="number" min="1" size="3"></label> '
        '<label>Задержка, с '
        '<input name="delay_s" type="number" min="0" step="0.1" size="4"></label> '
        '<label>Код ошибки VK <input name="error_code" type="number" min="1" size="5"></label> '
        '<label>Ошибка OAuth <input name="oauth_error" size="14"></label> '
        '<label>Дзен: оборвать после, байт '
        '<input name="after_bytes" type="number" min="0" size="9"></label> ',
    )
    clear = _form("/_control/faults", "Убрать все сбои", method="DELETE")
    return f"""
<h2>Сбои</h2>
<fieldset><legend>Новый сбой (метод «*» — любой метод; у VK ещё «upload» — сервер загрузки
и адреса OAuth вида «vk-id/oauth2/auth»; коды ошибок VK: 1, 6, 9, 10, 14, 29, 100…;
у Rutube «download» — скачивание ролика; у Дзена «tus.patch» — загрузка)</legend>
{add}</fieldset>
<table><tr><th>Платформа</th><th>Метод</th><th>Сбой</th><th>Осталось раз</th></tr>{pending}</table>
{clear}
"""


async def demo_page(request: Request) -> HTMLResponse:
    state: SandboxState = request.app.state.sandbox
    reset = _form("/_control/reset", "Сбросить песочницу")
    return HTMLResponse(f"""<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><title>Песочница autopost</title>
<style>{STYLE}</style></head><body>
<h1>Песочница autopost</h1>
<p>Локальные эмуляторы API площадок. Данные хранятся в памяти и сбрасываются при перезапуске.</p>
{reset}
{_telegram_section(state.telegram)}
{vk_page.vk_section(state.vk)}
{rutube_page.rutube_section(state.rutube)}
{dzen_page.dzen_section(state.dzen)}
{_faults_section(state.faults.pending())}
<script>{SCRIPT}</script>
</body></html>""")
