"""Дзен's pages and public API: Studio (``/dzen/profile/editor``, where a client finds its CSRF
token), the sign-in page it redirects to (``/dzen-passport/auth``), and the public launcher feed
(``/dzen/api/v3/launcher/export``).

Studio's page embeds ``window._csrfToken = "<token>"`` (§5.2) and, the sandbox's addition,
``window._publisherId`` and ``window._publishers`` (the session's channels). Without a live session
it answers 302 to the sign-in page with ``retpath``; signing in there sets a new ``Session_id``
cookie for the chosen channel and goes back.
"""

from __future__ import annotations

import json
from html import escape
from urllib.parse import urlencode, urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from autopost.sandbox.dzen.calls import SESSION_COOKIE, DzenError, fault_answer
from autopost.sandbox.dzen.objects import launcher_item
from autopost.sandbox.dzen.world import DzenWorld, Session
from autopost.sandbox.endpoint import Exchange

LOGIN_PATH = "/dzen-passport/auth"


def login_redirect(exchange: Exchange) -> Response:
    query = urlencode({"retpath": str(exchange.request.url)})
    return RedirectResponse(f"{exchange.base_url}{LOGIN_PATH}?{query}", status_code=302)


def _script_json(value: object) -> str:
    """JSON safe inside a <script> element."""
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/")


def studio_html(world: DzenWorld, session: Session) -> str:
    channels = [world.channels[pid] for pid in session.publisher_ids if pid in world.channels]
    publishers = [{"id": c.publisher_id, "name": c.name, "slug": c.slug} for c in channels]
    title = escape(channels[0].name if channels else "Дзен")
    return f"""<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><title>{title} — Студия Дзена</title></head>
<body><div id="root">Студия Дзена (песочница autopost)</div>
<script>
window._csrfToken = {_script_json(session.csrf_token)};
window._publisherId = {_script_json(publishers[0]["id"] if publishers else None)};
window._publishers = {_script_json(publishers)};
</script>
</body></html>"""


async def studio(exchange: Exchange) -> Response:
    fault = exchange.fault
    if fault is not None and fault.kind in ("auth_error", "unauthorized"):
        return login_redirect(exchange)
    if fault is not None:
        return fault_answer(fault)
    world = exchange.state.dzen
    session = world.live_session(exchange.request.cookies.get(SESSION_COOKIE))
    if session is None:
        return login_redirect(exchange)
    return HTMLResponse(studio_html(world, session), headers={"Cache-Control": "no-store"})


async def launcher_export(exchange: Exchange) -> Response:
    """Public: ``channel_name=<slug>`` or ``channel_id=<publisherId>`` → the channel and its
    published shorts with counters (``views``, ``likes``, ``comments``, ``shares``)."""
    if exchange.fault is not None:
        return fault_answer(exchange.fault)
    world = exchange.state.dzen
    query = exchange.request.query_params
    channel = world.find_channel(query.get("channel_name"), query.get("channel_id"))
    if channel is None:
        return DzenError.not_found("channel not found").response()
    items = [launcher_item(p, exchange.base_url) for p in world.published(channel.publisher_id)]
    about = {"id": channel.publisher_id, "name": channel.name, "slug": channel.slug}
    return JSONResponse({"channel": about, "items": items})


def _safe_retpath(request: Request, retpath: str) -> str:
    """Back to a page of this sandbox only (no open redirect)."""
    parts = urlsplit(retpath)
    if retpath and (not parts.netloc or parts.netloc == request.url.netloc):
        return retpath
    return f"{str(request.base_url).rstrip('/')}/dzen/profile/editor"


async def login_page(request: Request) -> Response:
    world: DzenWorld = request.app.state.sandbox.dzen
    retpath = escape(request.query_params.get("retpath", ""))
    buttons = "".join(
        f'<button name="publisher_id" value="{escape(c.publisher_id)}">'
        f"Войти как «{escape(c.name)}»</button> "
        for c in world.channels.values()
    )
    return HTMLResponse(f"""<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><title>Вход — песочница Дзена</title></head>
<body><h1>Вход в Дзен (песочница)</h1>
<form method="post" action="{LOGIN_PATH}"><input type="hidden" name="retpath" value="{retpath}">
{buttons}</form></body></html>""")


async def login(request: Request) -> Response:
    world: DzenWorld = request.app.state.sandbox.dzen
    form = await request.form()
    publisher_id = str(form.get("publisher_id", ""))
    if publisher_id not in world.channels:
        return HTMLResponse("Нет такого канала", status_code=400)
    session = world.open_session([publisher_id])
    response = RedirectResponse(_safe_retpath(request, str(form.get("retpath", ""))), 302)
    response.set_cookie(SESSION_COOKIE, session.value, httponly=True, samesite="lax")
    return response
