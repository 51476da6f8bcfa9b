"""The consent page both OAuth hosts show: who asks, for what, «Разрешить» / «Отмена».

It is one POST form back to the authorize URL carrying every authorize parameter as a hidden
field, plus ``decision`` (``allow`` / ``deny``) from the button pressed and ``user_id`` (the person
signed in). Tests approve without reading HTML by posting those fields themselves.
"""

from __future__ import annotations

from html import escape

from starlette.responses import HTMLResponse

from autopost.sandbox.vk.world import App, User

SCOPE_LABELS = {
    "vkid.personal_info": "Имя, фамилия и фото профиля",
    "email": "Адрес электронной почты",
    "phone": "Номер телефона",
    "video": "Видеозаписи и клипы: загрузка и управление",
    "wall": "Публикация записей на стене",
    "groups": "Сообщества, которыми вы управляете",
    "offline": "Доступ в любое время",
    "stats": "Статистика сообществ",
    "docs": "Документы",
    "ads": "Рекламный кабинет",
}

STYLE = """
body { font-family: system-ui, sans-serif; background: #edeef0; color: #222; }
main { max-width: 26rem; margin: 4rem auto; background: #fff; border-radius: 12px;
       padding: 1.5rem 2rem; box-shadow: 0 1px 4px rgba(0,0,0,.15); }
h1 { font-size: 1.2rem; color: #0077ff; }
button { font-size: 1rem; padding: .5rem 1.2rem; border-radius: 8px; border: 0; cursor: pointer; }
button[value=allow] { background: #0077ff; color: #fff; }
button[value=deny] { background: #e5ebf1; color: #2c2d2e; margin-left: .5rem; }
.note { color: #818c99; font-size: .85rem; }
"""


def consent_page(
    *, host: str, app: App, user: User, scopes: list[str], action: str, fields: dict[str, str]
) -> HTMLResponse:
    """``fields`` are the authorize parameters to send back with the decision."""
    hidden = "".join(
        f'<input type="hidden" name="{escape(name)}" value="{escape(value)}">'
        for name, value in fields.items()
        if name not in ("decision", "user_id")
    )
    items = "".join(
        f"<li>{escape(SCOPE_LABELS.get(scope, scope))} <code>{escape(scope)}</code></li>"
        for scope in scopes
    )
    return HTMLResponse(f"""<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><title>{escape(host)}: доступ к аккаунту</title>
<style>{STYLE}</style></head><body><main>
<h1>{escape(host)}</h1>
<p>Приложение «{escape(app.name)}» (id {escape(app.client_id)}) запрашивает доступ
к вашему аккаунту VK.</p>
<p>Вы вошли как <b>{escape(user.first_name)} {escape(user.last_name)}</b> (id {user.id}).</p>
<p>Приложение получит:</p>
<ul>{items}</ul>
<form method="post" action="{escape(action)}">{hidden}
<input type="hidden" name="user_id" value="{user.id}">
<button type="submit" name="decision" value="allow">Разрешить</button>
<button type="submit" name="decision" value="deny">Отмена</button>
</form>
<p class="note">Песочница autopost: это не настоящий VK.</p>
</main></body></html>""")
